import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../util/clock.js";
import { AuthConfigError } from "./auth-config-error.js";
import { NonceCountStore } from "./nonce-count.js";
import { NonceManager } from "./nonce.js";
import { SECRET } from "./test-support.js";

test("nc must rise per nonce; 0 is never accepted; nonces are independent", () => {
  const clock = new ManualClock();
  const store = new NonceCountStore({ lifetimeSec: 30, clock });
  const t = clock.now();
  assert.equal(store.accept("a", 0, t), false);
  assert.equal(store.accept("a", 1, t), true);
  assert.equal(store.accept("a", 1, t), false);
  assert.equal(store.accept("a", 3, t), true);
  assert.equal(store.accept("a", 2, t), false);
  assert.equal(store.accept("b", 1, t), true);
  assert.equal(store.accept("a", 0xffffffff, t), true);
  assert.equal(store.accept("a", 0xffffffff, t), false);
  assert.deepEqual(store.stats(), { size: 2, evictedLive: 0, refused: 4 });
});

test("isFresh checks without recording", () => {
  const clock = new ManualClock();
  const store = new NonceCountStore({ lifetimeSec: 30, clock });
  assert.equal(store.isFresh("a", 1, clock.now()), true);
  assert.equal(store.isFresh("a", 1, clock.now()), true);
  assert.equal(store.size, 0);
});

test("entries go when their nonce expires", () => {
  const clock = new ManualClock();
  const store = new NonceCountStore({ lifetimeSec: 30, clock });
  for (let i = 0; i < 100; i++) store.accept(`n${i}`, 1, clock.now());
  clock.advance(30_001);
  store.accept("fresh", 1, clock.now());
  assert.equal(store.size, 1);
  assert.equal(store.stats().evictedLive, 0);
});

test("at capacity the oldest is evicted, and it cannot be replayed afterwards", () => {
  const clock = new ManualClock();
  const store = new NonceCountStore({ lifetimeSec: 30, clock, maxEntries: 3 });
  const issued: number[] = [];
  for (let i = 0; i < 5; i++) {
    issued.push(clock.now());
    assert.equal(store.accept(`n${i}`, 1, clock.now()), true);
    clock.advance(10);
  }
  assert.equal(store.size, 3);
  assert.equal(store.stats().evictedLive, 2);
  // n0 and n1 were evicted while valid: their nc=1 must not pass again.
  assert.equal(store.accept("n1", 1, issued[1] ?? 0), false);
  assert.equal(store.accept("n0", 2, issued[0] ?? 0), false);
  // A nonce never seen but issued before the eviction watermark is refused too (re-challenge).
  assert.equal(store.isFresh("old", 1, issued[1] ?? 0), false);
  // Newer nonces are fine.
  assert.equal(store.accept("n5", 1, clock.now()), true);
  assert.equal(store.accept("n4", 2, issued[4] ?? 0), true);
});

test("the store takes the issue time the NonceManager reads back from a nonce", () => {
  const clock = new ManualClock(1_700_000_123_456);
  const nonces = new NonceManager({ secret: SECRET, lifetimeSec: 30, clock });
  const nonce = nonces.issue("r");
  assert.equal(nonces.issuedAt(nonce), 1_700_000_123_456);
  assert.equal(nonces.issuedAt("AAAA"), undefined);
  assert.equal(nonces.lifetimeMilliseconds, 30_000);
});

test("a 100 000-entry store stays small", () => {
  const clock = new ManualClock();
  const nonces = new NonceManager({ secret: SECRET, lifetimeSec: 300, clock, random: { hex: (n) => "ab".repeat(n), float: () => 0 } });
  const store = new NonceCountStore({ lifetimeSec: 300, clock, maxEntries: 100_000 });
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 100_000; i++) {
    clock.advance(1);
    const nonce = nonces.issue("r");
    store.accept(nonce, 1, nonces.issuedAt(nonce) ?? 0);
  }
  gc?.();
  const perEntry = (process.memoryUsage().heapUsed - before) / 100_000;
  assert.equal(store.size, 100_000);
  // Without --expose-gc the figure includes garbage; the bound is loose on purpose.
  assert.ok(perEntry < 400, `${perEntry.toFixed(0)} bytes per entry`);
});

test("options are validated", () => {
  const clock = new ManualClock();
  assert.throws(() => new NonceCountStore({ lifetimeSec: 0, clock }), AuthConfigError);
  assert.throws(() => new NonceCountStore({ lifetimeSec: 30, clock, maxEntries: 0 }), AuthConfigError);
});
