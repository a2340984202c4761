import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ManualClock } from "../util/clock.js";
import type { RandomSource } from "../util/random.js";
import { NonceConfigError, NonceManager } from "./nonce.js";

const secret = Buffer.from("0123456789abcdef0123456789abcdef");

function counterRandom(): RandomSource {
  let n = 0;
  return {
    hex: (bytes) => (n++).toString(16).padStart(bytes * 2, "0"),
    float: () => 0.5,
  };
}

test("a fresh nonce is valid, stays valid through its lifetime, then is stale", () => {
  const clock = new ManualClock();
  const nonces = new NonceManager({ secret, lifetimeSec: 30, clock });
  const nonce = nonces.issue();
  assert.equal(nonces.check(nonce), "valid");
  clock.advance(30_000);
  assert.equal(nonces.check(nonce), "valid");
  clock.advance(1);
  assert.equal(nonces.check(nonce), "stale");
  clock.advance(86_400_000);
  assert.equal(nonces.check(nonce), "stale");
});

test("nonces are base64url, so they sit in a quoted-string without escaping", () => {
  const nonces = new NonceManager({ secret, lifetimeSec: 30, clock: new ManualClock(), random: counterRandom() });
  assert.match(nonces.issue(), /^[A-Za-z0-9_-]+$/);
});

test("no per-nonce memory: another manager with the same secret accepts the nonce", () => {
  const clock = new ManualClock();
  const nonce = new NonceManager({ secret, lifetimeSec: 30, clock }).issue("atlanta.com");
  assert.equal(new NonceManager({ secret: Buffer.from(secret), lifetimeSec: 30, clock }).check(nonce, "atlanta.com"), "valid");
});

test("forged, altered or foreign nonces are invalid", () => {
  const clock = new ManualClock();
  const nonces = new NonceManager({ secret, lifetimeSec: 30, clock });
  const nonce = nonces.issue("atlanta.com");
  assert.equal(nonces.check(nonce, "atlanta.com"), "valid");
  assert.equal(nonces.check(nonce), "invalid", "bound to a realm");
  assert.equal(nonces.check(nonce, "biloxi.com"), "invalid", "another realm");
  const other = new NonceManager({ secret: Buffer.from("another secret, sixteen+ bytes"), lifetimeSec: 30, clock });
  assert.equal(other.check(nonce, "atlanta.com"), "invalid", "another secret");
  for (let i = 0; i < nonce.length; i++) {
    const flipped = nonce.slice(0, i) + (nonce[i] === "A" ? "B" : "A") + nonce.slice(i + 1);
    assert.equal(nonces.check(flipped, "atlanta.com"), "invalid", `character ${i} altered`);
  }
  for (const bad of ["", "abc", `${nonce}=`, `${nonce}A`, nonce.slice(1), "!!!!", `${nonce.slice(0, -1)}+`]) {
    assert.equal(nonces.check(bad, "atlanta.com"), "invalid", JSON.stringify(bad));
  }
});

test("a stale nonce with a forged MAC is invalid, not stale", () => {
  const clock = new ManualClock();
  const nonces = new NonceManager({ secret, lifetimeSec: 30, clock });
  const raw = Buffer.from(nonces.issue(), "base64url");
  raw.writeBigUInt64BE(BigInt(clock.now() - 3_600_000), 0);
  assert.equal(nonces.check(raw.toString("base64url")), "invalid");
});

test("a nonce from beyond the allowed clock skew is invalid", () => {
  const clock = new ManualClock();
  const nonces = new NonceManager({ secret, lifetimeSec: 30, clock, maxClockSkewMs: 1000 });
  const nonce = nonces.issue();
  clock.advance(-1000);
  assert.equal(nonces.check(nonce), "valid");
  clock.advance(-1);
  assert.equal(nonces.check(nonce), "invalid");
});

test("with a random source, nonces issued in the same millisecond differ and are all valid", () => {
  const nonces = new NonceManager({ secret, lifetimeSec: 30, clock: new ManualClock(), random: counterRandom() });
  const a = nonces.issue();
  const b = nonces.issue();
  assert.notEqual(a, b);
  assert.equal(nonces.check(a), "valid");
  assert.equal(nonces.check(b), "valid");
});

test("the secret is copied: changing the caller's buffer later has no effect", () => {
  const mine = Buffer.from(secret);
  const nonces = new NonceManager({ secret: mine, lifetimeSec: 30, clock: new ManualClock() });
  const nonce = nonces.issue();
  mine.fill(0);
  assert.equal(nonces.check(nonce), "valid");
});

test("bad configuration is a typed error", () => {
  const clock = new ManualClock();
  const rejects = (f: () => unknown) =>
    assert.throws(f, (e: unknown) => e instanceof NonceConfigError && e.code === "SIP_AUTH_NONCE_CONFIG");
  rejects(() => new NonceManager({ secret: Buffer.from("short"), lifetimeSec: 30, clock }));
  rejects(() => new NonceManager({ secret, lifetimeSec: 0, clock }));
  rejects(() => new NonceManager({ secret, lifetimeSec: Number.NaN, clock }));
});

test("property: arbitrary strings are invalid and never throw", () => {
  const nonces = new NonceManager({ secret, lifetimeSec: 30, clock: new ManualClock() });
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.base64String(), fc.stringMatching(/^[A-Za-z0-9_-]{30,45}$/)), (s) => {
      assert.equal(nonces.check(s), "invalid");
    }),
  );
});

test("the MAC is HMAC-SHA256 (RFC 2104) over len, time, salt, ':' and the binding, for short and long secrets and bindings", async () => {
  const { createHmac } = await import("node:crypto");
  const clock = new ManualClock(1_795_000_000_123);
  for (const key of [secret, Buffer.alloc(100, 7)]) {
    for (const binding of ["", "example.com", "x".repeat(300), "réalm"]) {
      for (const random of [undefined, counterRandom()]) {
        const nonces = new NonceManager({ secret: key, lifetimeSec: 30, clock, ...(random === undefined ? {} : { random }) });
        const raw = Buffer.from(nonces.issue(binding), "base64url");
        const payload = raw.subarray(0, raw.length - 16);
        assert.equal(Number(payload.readBigUInt64BE(0)), 1_795_000_000_123);
        const expected = createHmac("sha256", key).update(Buffer.of(payload.length)).update(payload).update(":").update(binding, "utf8").digest().subarray(0, 16);
        assert.deepEqual(raw.subarray(payload.length), expected);
        assert.equal(nonces.issuedAt(raw.toString("base64url")), 1_795_000_000_123);
      }
    }
  }
});
