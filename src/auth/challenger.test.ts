import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDigestChallenge, serializeDigestChallenge } from "../sip/headers/digest.js";
import { ManualClock } from "../util/clock.js";
import { UnsupportedAlgorithmError } from "./algorithms.js";
import { AuthConfigError } from "./auth-config-error.js";
import { DigestChallenger } from "./challenger.js";
import { selectChallenge } from "./client-auth.js";
import { NonceManager } from "./nonce.js";
import { counterRandom, SECRET } from "./test-support.js";

function nonceManager(): NonceManager {
  return new NonceManager({ secret: SECRET, lifetimeSec: 30, clock: new ManualClock(), random: counterRandom() });
}

test("401 WWW-Authenticate: SHA-256 then MD5, qop auth, one nonce valid for the realm only", () => {
  const nonces = nonceManager();
  const set = new DigestChallenger({ nonces }).challenge({ realm: "example.com" });
  assert.equal(set.status, 401);
  assert.equal(set.headerName, "WWW-Authenticate");
  const parsed = set.values.map(parseDigestChallenge);
  assert.deepEqual(parsed.map((c) => c.algorithm), ["SHA-256", "MD5"]);
  for (const c of parsed) {
    assert.equal(c.realm, "example.com");
    assert.deepEqual(c.qop, ["auth"]);
    assert.equal(c.stale, false);
    assert.equal(c.opaque, undefined);
    assert.equal(c.nonce, parsed[0]?.nonce);
    assert.equal(nonces.check(c.nonce, "example.com"), "valid");
    assert.equal(nonces.check(c.nonce, "biloxi.com"), "invalid");
    // Written exactly as the shared serializer writes it.
    assert.equal(serializeDigestChallenge(c), set.values[parsed.indexOf(c)]);
  }
  assert.equal(selectChallenge(parsed)?.algorithm, "SHA-256");
  assert.equal(
    set.values[1],
    `Digest realm="example.com", nonce="${parsed[0]?.nonce ?? ""}", algorithm=MD5, qop="auth"`,
  );
});

test("407 Proxy-Authenticate, stale=TRUE, opaque, a quoted realm, and a fresh nonce each time", () => {
  const challenger = new DigestChallenger({ nonces: nonceManager(), algorithms: ["MD5"], opaque: "op/aque" });
  const set = challenger.challenge({ realm: 'a "quoted" realm', proxy: true, stale: true });
  assert.equal(set.status, 407);
  assert.equal(set.headerName, "Proxy-Authenticate");
  assert.equal(set.values.length, 1);
  const c = parseDigestChallenge(set.values[0] ?? "");
  assert.equal(c.realm, 'a "quoted" realm');
  assert.equal(c.stale, true);
  assert.equal(c.opaque, "op/aque");
  assert.match(set.values[0] ?? "", /, stale=TRUE, algorithm=MD5, qop="auth"$/);
  const again = parseDigestChallenge(challenger.challenge({ realm: "r" }).values[0] ?? "");
  assert.notEqual(again.nonce, c.nonce);
});

test("the algorithm list is validated", () => {
  const nonces = nonceManager();
  assert.throws(() => new DigestChallenger({ nonces, algorithms: [] }), AuthConfigError);
  assert.throws(() => new DigestChallenger({ nonces, algorithms: ["MD5", "md5"] }), AuthConfigError);
  assert.throws(() => new DigestChallenger({ nonces, algorithms: ["SHA-1"] }), UnsupportedAlgorithmError);
  assert.throws(() => new DigestChallenger({ nonces, opaque: "a\r\nb" }), AuthConfigError);
});
