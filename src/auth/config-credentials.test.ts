import { test } from "node:test";
import assert from "node:assert/strict";
import { AuthConfigError } from "./auth-config-error.js";
import { ConfigCredentialSource } from "./config-credentials.js";
import { computeHA1 } from "./digest.js";

const md5 = (u: string, r: string, p: string): string => computeHA1("MD5", u, r, p);
const sha = (u: string, r: string, p: string): string => computeHA1("SHA-256", u, r, p);

test("domain-bound users: HA1 values derived once, the same frozen object every lookup", () => {
  const source = new ConfigCredentialSource([
    { username: "alice", domain: "example.com", password: "secret" },
    { username: "alice", domain: "biloxi.com", ha1: md5("alice", "biloxi.com", "other").toUpperCase() },
  ]);
  assert.equal(source.size, 2);
  const a = source.lookup("alice", "example.com");
  assert.ok(a !== undefined && Object.isFrozen(a));
  assert.equal(a, source.lookup("alice", "example.com"));
  assert.equal(a.domain, "example.com");
  assert.equal(a.ha1?.md5, md5("alice", "example.com", "secret"));
  assert.equal(a.ha1?.sha256, sha("alice", "example.com", "secret"));
  const b = source.lookup("alice", "biloxi.com");
  assert.deepEqual(b?.ha1, { md5: md5("alice", "biloxi.com", "other") });
  assert.equal(b?.password, undefined);
  assert.equal(source.lookup("alice", "atlanta.com"), undefined);
  assert.equal(source.lookup("Alice", "example.com"), undefined, "user names are case-sensitive");
});

test("any-domain users serve every realm; a domain-bound entry of the same name wins", () => {
  const source = new ConfigCredentialSource([
    { username: "bob", password: "pw" },
    { username: "bob", domain: "example.com", ha1_sha256: sha("bob", "example.com", "other") },
  ]);
  const anywhere = source.lookup("bob", "atlanta.com");
  assert.equal(anywhere?.domain, "atlanta.com");
  assert.equal(anywhere?.ha1?.md5, md5("bob", "atlanta.com", "pw"));
  assert.equal(anywhere, source.lookup("bob", "atlanta.com"), "built once per realm");
  assert.equal(source.lookup("bob", "example.com")?.ha1?.sha256, sha("bob", "example.com", "other"));
  // Many realms: the per-user memo stays bounded and answers stay right.
  for (let i = 0; i < 100; i++) assert.equal(source.lookup("bob", `r${i}`)?.ha1?.md5, md5("bob", `r${i}`, "pw"));
});

test("configuration errors are typed and never quote a secret", () => {
  const cases = [
    { username: "" , password: "x" },
    { username: "u", domain: "", password: "x" },
    { username: "u", domain: "d" },
    { username: "u", domain: "d", ha1: "1234" },
    { username: "u", domain: "d", ha1_sha256: md5("u", "d", "hunter2") },
    { username: "u", domain: "d", password: "hunter2", ha1: md5("u", "d", "other") },
  ];
  for (const user of cases) {
    assert.throws(
      () => new ConfigCredentialSource([user]),
      (e: unknown) =>
        e instanceof AuthConfigError &&
        e.code === "SIP_AUTH_CONFIG" &&
        !e.message.includes("hunter2") &&
        !e.message.includes(md5("u", "d", "hunter2")) &&
        !e.message.includes(md5("u", "d", "other")),
      JSON.stringify(user),
    );
  }
  assert.throws(
    () => new ConfigCredentialSource([{ username: "u", password: "a" }, { username: "u", password: "b" }]),
    /listed twice/,
  );
  assert.throws(
    () => new ConfigCredentialSource([{ username: "u", domain: "d", password: "a" }, { username: "u", domain: "d", password: "b" }]),
    /listed twice/,
  );
  // A matching HA1 next to the password is fine.
  assert.doesNotThrow(() => new ConfigCredentialSource([{ username: "u", domain: "d", password: "p", ha1: md5("u", "d", "p") }]));
});
