import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDigestCredentials, serializeDigestCredentials } from "../sip/headers/digest.js";
import { ManualClock } from "../util/clock.js";
import { AuthConfigError } from "./auth-config-error.js";
import { NonceCounts } from "./client-auth.js";
import { ConfigCredentialSource } from "./config-credentials.js";
import { computeHA1 } from "./digest.js";
import { NonceCountStore } from "./nonce-count.js";
import { NonceManager } from "./nonce.js";
import { answer, challengeFor, LIFETIME_SEC, makeEnv, REALM, requestWith, RURI, SECRET } from "./test-support.js";
import { DigestVerifier } from "./verifier.js";

/** Rewrites parameters of a serialized Authorization value (undefined removes one). */
function edit(auth: string, changes: Record<string, string | boolean | undefined>): string {
  const creds: Record<string, unknown> = { ...parseDigestCredentials(auth) };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete creds[k];
    else creds[k] = v;
  }
  return serializeDigestCredentials(creds as unknown as ReturnType<typeof parseDigestCredentials>);
}

for (const algorithm of ["MD5", "SHA-256", "MD5-sess", "SHA-256-sess", "SHA-512-256"]) {
  test(`round trip with the client, ${algorithm}, qop=auth`, () => {
    const env = makeEnv({ algorithms: ["SHA-512-256", "SHA-256", "SHA-256-sess", "MD5", "MD5-sess"] });
    const auth = answer(challengeFor(env, algorithm));
    assert.match(auth, /qop=auth, nc=00000001/);
    assert.deepEqual(env.verifier.verify(requestWith(auth)), { kind: "ok", username: "alice", realm: REALM, algorithm });
  });
}

test("HA1-only storage: MD5 from ha1, SHA-256 from ha1_sha256, nothing without the right one", () => {
  const md5Only = makeEnv({ users: [{ username: "alice", domain: REALM, ha1: computeHA1("MD5", "alice", REALM, "secret") }] });
  assert.equal(md5Only.verifier.verify(requestWith(answer(challengeFor(md5Only, "MD5")))).kind, "ok");
  assert.deepEqual(md5Only.verifier.verify(requestWith(answer(challengeFor(md5Only, "SHA-256")))), {
    kind: "invalid",
    reason: "no-secret",
    username: "alice",
  });

  const shaOnly = makeEnv({
    algorithms: ["SHA-256", "SHA-256-sess"],
    users: [{ username: "alice", domain: REALM, ha1_sha256: computeHA1("SHA-256", "alice", REALM, "secret").toUpperCase() }],
  });
  for (const alg of ["SHA-256", "SHA-256-sess"]) {
    assert.equal(shaOnly.verifier.verify(requestWith(answer(challengeFor(shaOnly, alg)))).kind, "ok", alg);
  }
});

test("a wrong password is bad-response; an unknown user is unknown-user", () => {
  const env = makeEnv();
  const wrong = answer(challengeFor(env, "SHA-256"), { account: { username: "alice", password: "guess" } });
  assert.deepEqual(env.verifier.verify(requestWith(wrong)), { kind: "invalid", reason: "bad-response", username: "alice" });
  const mallory = answer(challengeFor(env, "MD5"), { account: { username: "mallory", password: "secret" } });
  assert.deepEqual(env.verifier.verify(requestWith(mallory)), { kind: "invalid", reason: "unknown-user", username: "mallory" });
});

test("an expired nonce with a right response is stale; with a wrong one it is bad-response", () => {
  const env = makeEnv();
  const challenge = challengeFor(env, "SHA-256");
  const good = answer(challenge);
  const bad = answer(challenge, { account: { username: "alice", password: "guess" } });
  env.clock.advance(LIFETIME_SEC * 1000 + 1);
  assert.deepEqual(env.verifier.verify(requestWith(good)), { kind: "stale" });
  assert.equal(env.verifier.verify(requestWith(bad)).kind, "invalid");
  // A new challenge after the stale one works.
  assert.equal(env.verifier.verify(requestWith(answer(challengeFor(env, "SHA-256")))).kind, "ok");
});

test("forged nonces, and nonces issued for another realm, are bad-nonce", () => {
  const env = makeEnv();
  const challenge = challengeFor(env, "MD5");
  const foreign = new NonceManager({ secret: Buffer.from("another secret of 16+ bytes"), lifetimeSec: 30, clock: env.clock });
  const otherRealm = env.nonces.issue("biloxi.com");
  for (const nonce of [foreign.issue(REALM), otherRealm, "bm90IGEgbm9uY2U", `${challenge.nonce.slice(0, -2)}AA`]) {
    const auth = answer({ ...challenge, nonce });
    assert.deepEqual(env.verifier.verify(requestWith(auth)), { kind: "invalid", reason: "bad-nonce", username: "alice" }, nonce);
  }
});

test("a replayed nc is refused; increasing counts on one nonce are accepted", () => {
  const env = makeEnv();
  const challenge = challengeFor(env, "SHA-256");
  const counts = new NonceCounts();
  const first = answer(challenge, { counts });
  assert.equal(env.verifier.verify(requestWith(first)).kind, "ok");
  assert.deepEqual(env.verifier.verify(requestWith(first)), { kind: "invalid", reason: "replayed-nc", username: "alice" });
  const second = answer(challenge, { counts });
  const third = answer(challenge, { counts });
  assert.match(third, /nc=00000003/);
  assert.equal(env.verifier.verify(requestWith(third)).kind, "ok");
  assert.equal(env.verifier.verify(requestWith(second)).kind, "invalid", "nc 2 after nc 3");
  assert.equal(env.verifier.verify(requestWith(answer(challenge, { counts }))).kind, "ok", "nc 4");
});

test("a forged request does not use up the client's nonce-counts", () => {
  const env = makeEnv();
  const challenge = challengeFor(env, "MD5");
  const forged = edit(answer(challenge, { account: { username: "alice", password: "guess" } }), { nc: "ffffffff" });
  assert.equal(env.verifier.verify(requestWith(forged)).kind, "invalid");
  assert.equal(env.verifier.verify(requestWith(answer(challenge))).kind, "ok");
});

test("nc or cnonce without qop is malformed; qop without nc is malformed", () => {
  const env = makeEnv();
  const auth = answer(challengeFor(env, "MD5"));
  for (const changes of [{ qop: undefined }, { qop: undefined, cnonce: undefined }, { nc: undefined }, { cnonce: undefined }]) {
    assert.deepEqual(
      env.verifier.verify(requestWith(edit(auth, changes))),
      { kind: "invalid", reason: "malformed", username: "alice" },
      JSON.stringify(changes),
    );
  }
});

test("without qop (RFC 2069 mode) a nonce is good once, then stale; refused when qop is required", () => {
  const env = makeEnv();
  const auth = answer({ ...challengeFor(env, "MD5"), qop: [] });
  assert.doesNotMatch(auth, /qop|nc=|cnonce/);
  assert.equal(env.verifier.verify(requestWith(auth)).kind, "ok");
  assert.deepEqual(env.verifier.verify(requestWith(auth)), { kind: "stale" });

  const strict = makeEnv({ allowNoQop: false });
  const strictAuth = answer({ ...challengeFor(strict, "MD5"), qop: [] });
  assert.deepEqual(strict.verifier.verify(requestWith(strictAuth)), { kind: "invalid", reason: "unsupported-qop", username: "alice" });
});

test("qop=auth-int and unknown qops are unsupported-qop; AUTH in capitals is read as auth", () => {
  const env = makeEnv();
  const challenge = challengeFor(env, "SHA-256");
  const authInt = answer({ ...challenge, qop: ["auth-int"] });
  assert.equal(env.verifier.verify(requestWith(authInt)).kind, "invalid");
  assert.deepEqual(env.verifier.verify(requestWith(edit(authInt, { qop: "x-other" }))), {
    kind: "invalid",
    reason: "unsupported-qop",
    username: "alice",
  });
  // AUTH passes the qop check; the value enters the hash as sent, and this client hashed "auth".
  const upper = answer(challenge).replace("qop=auth", "qop=AUTH");
  assert.equal((env.verifier.verify(requestWith(upper)) as { reason?: string }).reason, "bad-response");
});

test("credentials for another realm only: missing; no header at all: missing", () => {
  const env = makeEnv();
  const theirs = answer(challengeFor(env, "MD5", "biloxi.com"));
  assert.deepEqual(env.verifier.verify(requestWith(theirs)), { kind: "missing" });
  assert.deepEqual(env.verifier.verify(requestWith([])), { kind: "missing" });
  assert.deepEqual(env.verifier.verify(requestWith('Basic YWxpY2U6c2VjcmV0')), { kind: "missing" });
});

test("several Authorization headers: the one for our realm is used", () => {
  const env = makeEnv();
  const theirs = answer(challengeFor(env, "MD5", "biloxi.com"));
  const ours = answer(challengeFor(env, "SHA-256"));
  assert.equal(env.verifier.verify(requestWith(["Bearer abc", theirs, ours])).kind, "ok");
  const ours2 = answer(challengeFor(env, "MD5"));
  assert.equal(env.verifier.verify(requestWith(["Digest garbage", ours2])).kind, "ok", "an unreadable header does not hide ours");
});

test("digest-uri must match the Request-URI (same text or equal URIs)", () => {
  const env = makeEnv();
  const challenge = challengeFor(env, "MD5");
  const elsewhere = answer(challenge, { uri: "sip:other.example.com" });
  assert.deepEqual(env.verifier.verify(requestWith(elsewhere)), { kind: "invalid", reason: "uri-mismatch", username: "alice" });
  const unparsable = answer(challenge, { uri: "not a uri" });
  assert.equal(env.verifier.verify(requestWith(unparsable)).kind, "invalid");
  // An equal URI written differently: the hash uses the digest-uri as the client sent it.
  const equivalent = answer(challenge, { uri: "sip:EXAMPLE.com" });
  assert.equal(env.verifier.verify(requestWith(equivalent, RURI)).kind, "ok");
  const noUri = edit(answer(challengeFor(env, "MD5")), { uri: undefined });
  assert.deepEqual(env.verifier.verify(requestWith(noUri)), { kind: "invalid", reason: "malformed", username: "alice" });
});

test("malformed headers and responses are malformed", () => {
  const env = makeEnv();
  const auth = answer(challengeFor(env, "SHA-256"));
  for (const value of ['Digest username="alice", realm="example.com"', "Digest username=", 'Digest realm="example.com", nc=12']) {
    assert.deepEqual(env.verifier.verify(requestWith(value)), { kind: "invalid", reason: "malformed" }, value);
  }
  for (const response of ["abc", "z".repeat(64), "0".repeat(32)]) {
    assert.equal(
      (env.verifier.verify(requestWith(edit(auth, { response }))) as { reason?: string }).reason,
      "malformed",
      response,
    );
  }
  assert.equal((env.verifier.verify(requestWith(edit(auth, { userhash: true }))) as { reason?: string }).reason, "malformed");
});

test("algorithms not accepted are unsupported-algorithm; no algorithm means MD5", () => {
  const env = makeEnv({ algorithms: ["SHA-256"] });
  const challenge = challengeFor(env, "SHA-256");
  const unknown = edit(answer({ ...challenge, algorithm: "MD5" }), { algorithm: "SHA-1" });
  for (const auth of [answer({ ...challenge, algorithm: "MD5" }), answer({ ...challenge, algorithm: "SHA-512-256" }), unknown]) {
    assert.deepEqual(env.verifier.verify(requestWith(auth)), { kind: "invalid", reason: "unsupported-algorithm", username: "alice" });
  }
  const implicitMd5 = answer({ ...challenge, algorithm: undefined });
  assert.doesNotMatch(implicitMd5, /algorithm/);
  assert.equal((env.verifier.verify(requestWith(implicitMd5)) as { reason?: string }).reason, "unsupported-algorithm");
  const md5Env = makeEnv();
  assert.equal(md5Env.verifier.verify(requestWith(answer({ ...challengeFor(md5Env, "MD5"), algorithm: undefined }))).kind, "ok");
});

test("a response in upper-case hex is accepted", () => {
  const env = makeEnv();
  const auth = answer(challengeFor(env, "SHA-256"));
  const creds = parseDigestCredentials(auth);
  assert.equal(env.verifier.verify(requestWith(edit(auth, { response: creds.response.toUpperCase() }))).kind, "ok");
});

test("Proxy-Authorization, a realm given per call, and a realm resolver", () => {
  const env = makeEnv();
  const auth = answer(challengeFor(env, "MD5"));
  const proxied = requestWith(auth, RURI, "Proxy-Authorization");
  assert.deepEqual(env.verifier.verify(proxied), { kind: "missing" });
  assert.equal(env.verifier.verify(proxied, { header: "proxy-authorization" }).kind, "ok");

  const clock = new ManualClock();
  const nonces = new NonceManager({ secret: SECRET, lifetimeSec: 30, clock });
  const credentials = new ConfigCredentialSource([{ username: "bob", password: "pw" }]);
  const make = (realm?: (r: { uriText: string }) => string) =>
    new DigestVerifier({ realm, credentials, nonces, nonceCounts: new NonceCountStore({ lifetimeSec: 30, clock }) });
  const byUri = make((r) => r.uriText.slice("sip:".length));
  const challenge = { scheme: "Digest" as const, realm: "biloxi.com", nonce: nonces.issue("biloxi.com"), qop: ["auth"], stale: false, other: [] };
  const bobAuth = answer(challenge, { account: { username: "bob", password: "pw" }, uri: "sip:biloxi.com" });
  assert.equal(byUri.verify(requestWith(bobAuth, "sip:biloxi.com")).kind, "ok");
  assert.equal(make().verify(requestWith(bobAuth, "sip:biloxi.com"), { realm: "biloxi.com" }).kind, "ok");
  assert.throws(() => make().verify(requestWith(bobAuth, "sip:biloxi.com")), AuthConfigError);
});

test("the method enters the hash: credentials computed for another method fail", () => {
  const env = makeEnv();
  const auth = answer(challengeFor(env, "MD5"), { method: "INVITE" });
  assert.equal((env.verifier.verify(requestWith(auth)) as { reason?: string }).reason, "bad-response");
});
