import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  baseAlgorithm,
  DIGEST_ALGORITHMS,
  digestHex,
  digestHexLength,
  findAlgorithm,
  MD5,
  MD5_SESS,
  resolveAlgorithm,
  SHA_256,
  SHA_512_256,
  SHA_512_256_SESS,
  UnsupportedAlgorithmError,
} from "./algorithms.js";

test("the table holds the six RFC 7616 / RFC 8760 algorithms", () => {
  assert.deepEqual(
    DIGEST_ALGORITHMS.map((a) => a.name),
    ["MD5", "MD5-sess", "SHA-256", "SHA-256-sess", "SHA-512-256", "SHA-512-256-sess"],
  );
  for (const a of DIGEST_ALGORITHMS) assert.equal(a.sess, a.name.endsWith("-sess"));
  assert.ok(SHA_512_256.strength > SHA_256.strength && SHA_256.strength > MD5.strength);
});

test("lookup is case-insensitive and a missing name means MD5", () => {
  assert.equal(findAlgorithm("md5"), MD5);
  assert.equal(findAlgorithm("md5-SESS"), MD5_SESS);
  assert.equal(findAlgorithm("sha-512-256-Sess"), SHA_512_256_SESS);
  assert.equal(resolveAlgorithm("Sha-256"), SHA_256);
  assert.equal(findAlgorithm(undefined), MD5);
  assert.equal(resolveAlgorithm(undefined), MD5);
});

test("an unknown algorithm is a typed error", () => {
  assert.equal(findAlgorithm("SHA-1"), undefined);
  for (const name of ["SHA-1", "", "SHA-512/256", "MD5 "]) {
    assert.throws(
      () => resolveAlgorithm(name),
      (e: unknown) => e instanceof UnsupportedAlgorithmError && e.code === "SIP_AUTH_UNSUPPORTED_ALGORITHM" && e.algorithm === name,
    );
  }
});

test("hashes are node:crypto's, lowercase hex, SHA-512-256 being FIPS 180-4 SHA-512/256", () => {
  for (const a of DIGEST_ALGORITHMS) {
    const want = createHash(a.hash).update("abc").digest("hex");
    assert.equal(digestHex(a, "abc"), want);
    assert.equal(digestHex(a, Buffer.from("abc")), want);
    assert.equal(want.length, digestHexLength(a));
    assert.match(want, /^[0-9a-f]+$/);
  }
  // FIPS 180-4 example value for SHA-512/256("abc").
  assert.equal(digestHex(SHA_512_256, "abc"), "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23");
  assert.equal(digestHex(MD5, ""), "d41d8cd98f00b204e9800998ecf8427e");
});

test("baseAlgorithm maps -sess variants to the algorithm whose HA1 they reuse", () => {
  assert.equal(baseAlgorithm(MD5_SESS), MD5);
  assert.equal(baseAlgorithm(SHA_512_256_SESS), SHA_512_256);
  assert.equal(baseAlgorithm(SHA_256), SHA_256);
});
