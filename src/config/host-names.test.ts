import { test } from "node:test";
import assert from "node:assert/strict";
import { closestMatch } from "./did-you-mean.js";
import { isAorText, isSipDomain, parseHostPort } from "./host-names.js";

test("domains: host names, IPv4, IPv6 in brackets", () => {
  for (const ok of ["example.com", "EXAMPLE.com", "sip-1.example.com", "localhost", "192.0.2.1", "[2001:db8::1]"]) assert.ok(isSipDomain(ok), ok);
  for (const bad of ["", "exa mple.com", "-x.com", "x..com", "2001:db8::1", "[192.0.2.1]", "a@b.com"]) assert.ok(!isSipDomain(bad), bad);
});

test("advertise: HOST or HOST:PORT", () => {
  assert.deepEqual(parseHostPort("sip.example.com"), { host: "sip.example.com" });
  assert.deepEqual(parseHostPort("203.0.113.7:5061"), { host: "203.0.113.7", port: 5061 });
  assert.deepEqual(parseHostPort("[2001:db8::1]:5061"), { host: "2001:db8::1", port: 5061 });
  for (const bad of ["", "a:0", "a:65536", "2001:db8::1", "[x]:5060", "a:b"]) assert.equal(parseHostPort(bad), undefined, bad);
});

test("AORs and *@domain patterns", () => {
  assert.ok(isAorText("alice@example.com", false));
  assert.ok(isAorText("*@example.com", true));
  assert.ok(!isAorText("*@example.com", false));
  assert.ok(!isAorText("alice", true));
  assert.ok(!isAorText("sip:alice@example.com", false));
});

test("did you mean: the closest key, only when close", () => {
  assert.equal(closestMatch("min_expire", ["min_expires", "max_expires"]), "min_expires");
  assert.equal(closestMatch("MIN_EXPIRES", ["min_expires"]), "min_expires");
  assert.equal(closestMatch("colour", ["listen", "domains"]), undefined);
});
