import { test } from "node:test";
import assert from "node:assert/strict";
import {
  type DigestChallenge,
  parseDigestChallenge,
  parseDigestCredentials,
  serializeDigestCredentials,
} from "../sip/headers/digest.js";
import type { RandomSource } from "../util/random.js";
import { UnsupportedAlgorithmError } from "./algorithms.js";
import {
  buildCredentials,
  chooseQop,
  type ClientAuthInput,
  isUsableChallenge,
  MissingCredentialsError,
  NonceCounts,
  RealmMismatchError,
  selectChallenge,
  selectChallengePerRealm,
  UnusableChallengeError,
} from "./client-auth.js";
import { computeHA1, computeResponse } from "./digest.js";

/** A RandomSource handing out the given cnonces in turn (test fake: real ones are hex). */
function scriptedRandom(...values: string[]): RandomSource {
  let i = 0;
  return {
    hex: () => values[i++ % values.length] ?? "",
    float: () => 0.5,
  };
}

function challenge(overrides: Partial<DigestChallenge> = {}): DigestChallenge {
  return { scheme: "Digest", realm: "example.com", nonce: "abc", qop: ["auth"], stale: false, other: [], ...overrides };
}

function input(overrides: Partial<ClientAuthInput> = {}): ClientAuthInput {
  return {
    challenge: challenge(),
    method: "REGISTER",
    uri: "sip:example.com",
    account: { username: "alice", password: "secret" },
    nonceCounts: new NonceCounts(),
    random: scriptedRandom("c1", "c2", "c3"),
    ...overrides,
  };
}

/** What a registrar would recompute from the credentials as received. */
function serverResponse(creds: ReturnType<typeof buildCredentials>, password: string, username = "alice", body?: string): string {
  const received = parseDigestCredentials(serializeDigestCredentials(creds));
  return computeResponse({
    algorithm: received.algorithm,
    ha1: computeHA1(received.algorithm, username, received.realm, password),
    nonce: received.nonce,
    nc: received.nc,
    cnonce: received.cnonce,
    qop: received.qop,
    method: "REGISTER",
    uri: received.uri ?? "",
    body,
  });
}

test("RFC 2617 §3.5 example, end to end from the challenge header", () => {
  const c = parseDigestChallenge(
    'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
      'opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  );
  const creds = buildCredentials({
    challenge: c,
    method: "GET",
    uri: "/dir/index.html",
    account: { username: "Mufasa", password: "Circle Of Life" },
    nonceCounts: new NonceCounts(),
    random: scriptedRandom("0a4f113b"),
  });
  assert.equal(creds.response, "6629fae49393a05397450978507c4ef1");
  assert.equal(
    serializeDigestCredentials(creds),
    'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
      'uri="/dir/index.html", response="6629fae49393a05397450978507c4ef1", cnonce="0a4f113b", ' +
      'opaque="5ccc069c403ebaf9f0171e9517f40e41", qop=auth, nc=00000001',
  );
});

test("RFC 7616 §3.9.1 SHA-256 example, end to end", () => {
  const c = parseDigestChallenge(
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, ' +
      'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
  );
  const creds = buildCredentials({
    challenge: c,
    method: "GET",
    uri: "/dir/index.html",
    account: { username: "Mufasa", password: "Circle of Life" },
    nonceCounts: new NonceCounts(),
    random: scriptedRandom("f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"),
  });
  assert.equal(creds.response, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  assert.equal(creds.algorithm, "SHA-256");
  assert.equal(creds.opaque, "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
});

test("RFC 7616 §3.9.2 userhash: the hashed name is sent, HA1 still uses the plain one (erratum 4897 values)", () => {
  const c = parseDigestChallenge(
    'Digest realm="api@example.org", qop="auth", algorithm=SHA-512-256, ' +
      'nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", ' +
      "charset=UTF-8, userhash=true",
  );
  const creds = buildCredentials({
    challenge: c,
    method: "GET",
    uri: "/doe.json",
    account: { username: "J\u00e4s\u00f8n Doe", password: "Secret, or not?" },
    nonceCounts: new NonceCounts(),
    random: scriptedRandom("NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v"),
  });
  assert.equal(creds.username, "793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b");
  assert.equal(creds.userhash, true);
  assert.equal(creds.response, "3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5");
  assert.match(serializeDigestCredentials(creds), /, userhash=true$/);
});

test("userhash=false in the challenge is echoed, absent stays absent", () => {
  assert.equal(buildCredentials(input({ challenge: challenge({ userhash: false }) })).userhash, false);
  assert.equal(buildCredentials(input()).userhash, undefined);
});

test("nc counts up for a reused nonce and restarts for a new one; each request gets a fresh cnonce", () => {
  const shared = input();
  const first = buildCredentials(shared);
  const second = buildCredentials(shared);
  const other = buildCredentials({ ...shared, challenge: challenge({ nonce: "new" }) });
  const third = buildCredentials(shared);
  assert.deepEqual([first.nc, second.nc, other.nc, third.nc], ["00000001", "00000002", "00000001", "00000003"]);
  assert.deepEqual([first.cnonce, second.cnonce, other.cnonce], ["c1", "c2", "c3"]);
  assert.notEqual(first.response, second.response);
  for (const creds of [first, second, other, third]) assert.equal(creds.response, serverResponse(creds, "secret"));
});

test("without qop there is no nc or cnonce and the counter is left alone", () => {
  const shared = input({ challenge: challenge({ qop: [] }) });
  const creds = buildCredentials(shared);
  assert.equal(creds.qop, undefined);
  assert.equal(creds.nc, undefined);
  assert.equal(creds.cnonce, undefined);
  assert.equal(creds.response, serverResponse(creds, "secret"));
  assert.equal(shared.nonceCounts.next("abc"), 1);
});

test("qop: auth preferred, auth-int only when alone, case-insensitive, unknown refused", () => {
  assert.equal(chooseQop([]), undefined);
  assert.equal(chooseQop(["auth-int", "auth"]), "auth");
  assert.equal(chooseQop(["AUTH"]), "auth");
  assert.equal(chooseQop(["auth-int"]), "auth-int");
  assert.equal(chooseQop(["x-new", "auth-int"]), "auth-int");
  assert.throws(() => chooseQop(["auth-conf"]), UnusableChallengeError);
});

test("auth-int covers the body", () => {
  const body = "v=0\r\no=- 0 0 IN IP4 192.0.2.1\r\n";
  const creds = buildCredentials(input({ challenge: challenge({ qop: ["auth-int"] }), body }));
  assert.equal(creds.qop, "auth-int");
  assert.equal(creds.response, serverResponse(creds, "secret", "alice", body));
  assert.notEqual(creds.response, serverResponse(creds, "secret", "alice", "tampered"));
});

test("a configured realm must match the challenge's", () => {
  const account = { username: "alice", password: "secret", realm: "example.com" };
  assert.doesNotThrow(() => buildCredentials(input({ account })));
  assert.throws(
    () => buildCredentials(input({ account, challenge: challenge({ realm: "evil.example" }) })),
    (e: unknown) =>
      e instanceof RealmMismatchError &&
      e.code === "SIP_AUTH_REALM_MISMATCH" &&
      e.message === "realms do not match" &&
      e.expected === "example.com" &&
      e.offered === "evil.example",
  );
});

test("a stored HA1 replaces the password; the base algorithm's entry serves -sess too", () => {
  const ha1 = computeHA1("SHA-256", "alice", "example.com", "secret");
  const account = { username: "alice", ha1: { "sha-256": ha1.toUpperCase() } };
  for (const algorithm of ["SHA-256", "SHA-256-sess"]) {
    const creds = buildCredentials(input({ account, challenge: challenge({ algorithm }) }));
    assert.equal(creds.algorithm, algorithm);
    assert.equal(creds.response, serverResponse(creds, "secret"), algorithm);
  }
});

test("missing or malformed secrets are typed errors", () => {
  const noSecret = (account: ClientAuthInput["account"], algorithm?: string) =>
    assert.throws(
      () => buildCredentials(input({ account, challenge: challenge({ algorithm }) })),
      (e: unknown) => e instanceof MissingCredentialsError && e.code === "SIP_AUTH_NO_CREDENTIALS",
    );
  noSecret({ username: "alice" });
  noSecret({ username: "alice", ha1: { MD5: computeHA1("MD5", "alice", "example.com", "secret") } }, "SHA-256");
  noSecret({ username: "alice", ha1: { MD5: "not-hex" } });
});

test("unsupported algorithms and unanswerable challenges are typed errors", () => {
  assert.throws(() => buildCredentials(input({ challenge: challenge({ algorithm: "SHA-1" }) })), UnsupportedAlgorithmError);
  assert.throws(() => buildCredentials(input({ challenge: challenge({ qop: ["auth-conf"] }) })), UnusableChallengeError);
  assert.throws(() => buildCredentials(input({ challenge: challenge({ algorithm: "MD5-sess", qop: [] }) })), UnusableChallengeError);
  assert.throws(() => buildCredentials(input({ challenge: challenge({ nonce: "" }) })), UnusableChallengeError);
});

test("the algorithm is echoed only when the challenge named one; opaque is echoed", () => {
  assert.equal(buildCredentials(input()).algorithm, undefined);
  assert.equal(buildCredentials(input({ challenge: challenge({ algorithm: "md5" }) })).algorithm, "MD5");
  assert.equal(buildCredentials(input({ challenge: challenge({ opaque: "" }) })).opaque, "");
});

test("selectChallenge prefers SHA-512-256, then SHA-256, then MD5 (RFC 8760 §2.4)", () => {
  const md5 = challenge({ algorithm: "MD5", nonce: "1" });
  const plain = challenge({ nonce: "2" }); // no algorithm: MD5
  const sha256 = challenge({ algorithm: "SHA-256", nonce: "3" });
  const sha512 = challenge({ algorithm: "SHA-512-256", nonce: "4" });
  const unknown = challenge({ algorithm: "SHA-3000", nonce: "5" });
  assert.equal(selectChallenge([md5, sha256, sha512]), sha512);
  assert.equal(selectChallenge([sha512, sha256, md5]), sha512);
  assert.equal(selectChallenge([md5, unknown, sha256]), sha256);
  assert.equal(selectChallenge([plain, md5]), plain, "first one on a tie");
  assert.equal(selectChallenge([unknown]), undefined);
  assert.equal(selectChallenge([]), undefined);
  assert.equal(selectChallenge([challenge({ algorithm: "SHA-512-256", qop: ["auth-conf"] }), md5]), md5, "unusable skipped");
  assert.equal(selectChallenge([sha512, challenge({ realm: "other", algorithm: "SHA-256" })], "other")?.realm, "other");
});

test("selectChallengePerRealm answers every realm with its strongest challenge", () => {
  const a1 = challenge({ realm: "a", algorithm: "MD5" });
  const b1 = challenge({ realm: "b", algorithm: "SHA-256" });
  const a2 = challenge({ realm: "a", algorithm: "SHA-256" });
  const c1 = challenge({ realm: "c", algorithm: "SHA-1" });
  assert.deepEqual(selectChallengePerRealm([a1, b1, a2, c1]), [a2, b1]);
  assert.equal(isUsableChallenge(c1), false);
});

test("NonceCounts forgets the least recently used nonces beyond its limit", () => {
  const counts = new NonceCounts(2);
  assert.equal(counts.next("a"), 1);
  assert.equal(counts.next("b"), 1);
  assert.equal(counts.next("a"), 2);
  assert.equal(counts.next("c"), 1); // evicts b, the least recently used
  assert.equal(counts.next("a"), 3);
  assert.equal(counts.next("b"), 1);
  counts.forget("b");
  assert.equal(counts.next("b"), 1);
});
