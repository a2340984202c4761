import { test } from "node:test";
import assert from "node:assert/strict";
import { MD5, MD5_SESS, SHA_256, SHA_512_256 } from "./algorithms.js";
import { computeHA1 } from "./digest.js";
import { ha1For, isHa1Shaped, storedHa1 } from "./ha1.js";
import { hexEquals, isHex } from "./hex.js";

test("hex helpers", () => {
  assert.equal(isHex("0123456789abcdefABCDEF"), true);
  assert.equal(isHex(""), true);
  for (const s of ["g", " ", "0x", "é", "/", ":", "@", "`"]) assert.equal(isHex(s), false, s);
  assert.equal(hexEquals("abcdef01", "ABCDEF01"), true);
  assert.equal(hexEquals("abcdef01", "abcdef02"), false);
  assert.equal(hexEquals("abc", "abcd"), false);
  assert.equal(isHa1Shaped("a".repeat(32), "md5"), true);
  assert.equal(isHa1Shaped("a".repeat(64), "md5"), false);
  assert.equal(isHa1Shaped("a".repeat(64), "sha256"), true);
  assert.equal(isHa1Shaped(`${"a".repeat(63)}z`, "sha512-256"), false);
});

test("a stored HA1 wins over the password, keyed by hash so -sess shares it", () => {
  const stored = { username: "u", domain: "d", password: "pw", ha1: { md5: "0".repeat(32) } };
  assert.equal(storedHa1(stored, MD5_SESS), "0".repeat(32));
  assert.equal(ha1For(stored, MD5, "u", "d"), "0".repeat(32));
  assert.equal(ha1For(stored, SHA_256, "u", "d"), computeHA1("SHA-256", "u", "d", "pw"));
  assert.equal(ha1For({ username: "u", domain: "d" }, SHA_512_256, "u", "d"), undefined);
});
