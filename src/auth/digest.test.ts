import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { DIGEST_ALGORITHMS, SHA_512_256 } from "./algorithms.js";
import { computeHA1, computeHA2, computeResponse, DigestInputError, formatNc, sessHA1, userhash } from "./digest.js";

// An independent re-statement of RFC 7616 §3.4.1-§3.4.3 straight on node:crypto, to cross-check against.
function reference(hash: string, sess: boolean, f: {
  user: string; realm: string; password: string; nonce: string; nc: string; cnonce: string;
  qop: string | undefined; method: string; uri: string; body: Buffer;
}): string {
  const h = (s: string | Buffer) => createHash(hash).update(s).digest("hex");
  let ha1 = h(`${f.user}:${f.realm}:${f.password}`);
  if (sess) ha1 = h(`${ha1}:${f.nonce}:${f.cnonce}`);
  const ha2 = f.qop === "auth-int" ? h(`${f.method}:${f.uri}:${h(f.body)}`) : h(`${f.method}:${f.uri}`);
  return f.qop === undefined ? h(`${ha1}:${f.nonce}:${ha2}`) : h(`${ha1}:${f.nonce}:${f.nc}:${f.cnonce}:${f.qop}:${ha2}`);
}

test("RFC 2617 §3.5 example response", () => {
  const ha1 = computeHA1("MD5", "Mufasa", "testrealm@host.com", "Circle Of Life");
  const response = computeResponse({
    ha1,
    nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
    nc: "00000001",
    cnonce: "0a4f113b",
    qop: "auth",
    method: "GET",
    uri: "/dir/index.html",
  });
  assert.equal(response, "6629fae49393a05397450978507c4ef1");
});

// RFC 7616 §3.9.1 (password "Circle of Life" with a lower-case "of", erratum 4495).
const RFC7616 = {
  realm: "http-auth@example.org",
  nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
  cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
};

test("RFC 7616 §3.9.1 MD5 and SHA-256 responses", () => {
  const expected: [string, string][] = [
    ["MD5", "8ca523f5e9506fed4657c9700eebdbec"],
    ["SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"],
  ];
  for (const [algorithm, want] of expected) {
    const response = computeResponse({
      algorithm,
      ha1: computeHA1(algorithm, "Mufasa", RFC7616.realm, "Circle of Life"),
      nonce: RFC7616.nonce,
      nc: 1,
      cnonce: RFC7616.cnonce,
      qop: "auth",
      method: "GET",
      uri: "/dir/index.html",
    });
    assert.equal(response, want, algorithm);
  }
});

// RFC 7616 §3.9.2 as corrected by erratum 4897: the published values were computed with SHA-512
// truncated to 256 bits rather than FIPS 180-4 SHA-512/256 (which has its own initial values).
test("RFC 7616 §3.9.2 userhash and SHA-512-256 response (erratum 4897 values)", () => {
  const user = "J\u00e4s\u00f8n Doe";
  const realm = "api@example.org";
  assert.equal(userhash("SHA-512-256", user, realm), "793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b");
  const response = computeResponse({
    algorithm: SHA_512_256,
    ha1: computeHA1(SHA_512_256, user, realm, "Secret, or not?"),
    nonce: "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK",
    nc: "00000001",
    cnonce: "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v",
    qop: "auth",
    method: "GET",
    uri: "/doe.json",
  });
  assert.equal(response, "3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5");
});

test("every algorithm, -sess or not, with each qop, matches the independent computation", () => {
  const f = {
    user: "alice", realm: "example.com", password: "pw", nonce: "n0nce", nc: "0000002a", cnonce: "c0ffee",
    method: "REGISTER", uri: "sip:example.com", body: Buffer.from("v=0\r\n"),
  };
  for (const alg of DIGEST_ALGORITHMS) {
    for (const qop of [undefined, "auth", "auth-int"]) {
      if (alg.sess && qop === undefined) continue;
      const got = computeResponse({
        algorithm: alg.name, ha1: computeHA1(alg, f.user, f.realm, f.password), nonce: f.nonce, nc: f.nc,
        cnonce: f.cnonce, qop, method: f.method, uri: f.uri, body: f.body,
      });
      assert.equal(got, reference(alg.hash, alg.sess, { ...f, qop }), `${alg.name} qop=${qop ?? "none"}`);
    }
  }
});

test("property: computeResponse agrees with the reference for arbitrary inputs", () => {
  const text = fc.string({ unit: "grapheme", maxLength: 10 });
  fc.assert(
    fc.property(
      fc.constantFrom(...DIGEST_ALGORITHMS),
      fc.constantFrom(undefined, "auth", "auth-int"),
      fc.record({ user: text, realm: text, password: text, nonce: text, cnonce: text, method: text, uri: text }, { noNullPrototype: true }),
      fc.integer({ min: 1, max: 0xffffffff }),
      fc.uint8Array({ maxLength: 32 }),
      (alg, qop, f, n, body) => {
        fc.pre(!(alg.sess && qop === undefined));
        const got = computeResponse({
          algorithm: alg, ha1: computeHA1(alg, f.user, f.realm, f.password), nonce: f.nonce, nc: n,
          cnonce: f.cnonce, qop, method: f.method, uri: f.uri, body: Buffer.from(body),
        });
        assert.equal(got, reference(alg.hash, alg.sess, { ...f, qop, nc: formatNc(n), body: Buffer.from(body) }));
      },
    ),
  );
});

test("qop absent: KD(HA1, nonce:HA2), no nc or cnonce needed (RFC 2069 compatibility)", () => {
  const ha1 = computeHA1(undefined, "u", "r", "p");
  const ha2 = computeHA2(undefined, "REGISTER", "sip:r", undefined);
  const md5 = (s: string) => createHash("md5").update(s).digest("hex");
  assert.equal(computeResponse({ ha1, nonce: "n", method: "REGISTER", uri: "sip:r" }), md5(`${ha1}:n:${ha2}`));
});

test("auth-int hashes the body, and a missing body hashes as H(\"\")", () => {
  const md5 = (s: string) => createHash("md5").update(s).digest("hex");
  assert.equal(computeHA2("MD5", "INVITE", "sip:b", "auth-int"), md5(`INVITE:sip:b:${md5("")}`));
  assert.equal(computeHA2("MD5", "INVITE", "sip:b", "auth-int", Buffer.alloc(0)), md5(`INVITE:sip:b:${md5("")}`));
  assert.equal(computeHA2("MD5", "INVITE", "sip:b", "auth-int", "x"), md5(`INVITE:sip:b:${md5("x")}`));
  assert.equal(computeHA2("MD5", "INVITE", "sip:b", "AUTH-INT", "x"), md5(`INVITE:sip:b:${md5("x")}`));
  assert.equal(computeHA2("MD5", "INVITE", "sip:b", "auth", "x"), md5("INVITE:sip:b"));
});

test("sessHA1 folds nonce and cnonce into HA1", () => {
  const ha1 = computeHA1("MD5", "u", "r", "p");
  assert.equal(sessHA1("MD5-sess", ha1, "n", "c"), createHash("md5").update(`${ha1}:n:c`).digest("hex"));
});

test("a stored HA1 in upper case gives the same response", () => {
  const ha1 = computeHA1("SHA-256", "u", "r", "p");
  const input = { algorithm: "SHA-256", nonce: "n", nc: "00000001", cnonce: "c", qop: "auth", method: "REGISTER", uri: "sip:r" };
  assert.equal(computeResponse({ ...input, ha1: ha1.toUpperCase() }), computeResponse({ ...input, ha1 }));
});

test("nc may be given as the number or as its 8-hex form", () => {
  const input = { ha1: computeHA1("MD5", "u", "r", "p"), nonce: "n", cnonce: "c", qop: "auth", method: "M", uri: "sip:x" };
  assert.equal(computeResponse({ ...input, nc: 255 }), computeResponse({ ...input, nc: "000000ff" }));
});

test("inputs that cannot give a response are typed errors", () => {
  const base = { ha1: "00", nonce: "n", method: "M", uri: "u" };
  const rejects = (f: () => unknown) =>
    assert.throws(f, (e: unknown) => e instanceof DigestInputError && e.code === "SIP_AUTH_DIGEST_INPUT");
  rejects(() => computeResponse({ ...base, algorithm: "MD5-sess" }));
  rejects(() => computeResponse({ ...base, qop: "auth", nc: 1 }));
  rejects(() => computeResponse({ ...base, qop: "auth", cnonce: "c" }));
  rejects(() => computeResponse({ ...base, qop: "auth-conf", nc: 1, cnonce: "c" }));
  rejects(() => computeHA2("MD5", "M", "u", "bogus"));
});

test("formatNc: 8 lowercase hex digits, 1..2^32-1", () => {
  assert.equal(formatNc(1), "00000001");
  assert.equal(formatNc(255), "000000ff");
  assert.equal(formatNc(0xffffffff), "ffffffff");
  for (const bad of [0, -1, 1.5, 2 ** 32, Number.NaN]) assert.throws(() => formatNc(bad), DigestInputError);
});
