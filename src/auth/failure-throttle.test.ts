import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../util/clock.js";
import { AuthConfigError } from "./auth-config-error.js";
import { FailureThrottle } from "./failure-throttle.js";

function throttle(clock: ManualClock, extra: { maxTracked?: number; maxBlocked?: number } = {}): FailureThrottle {
  return new FailureThrottle({ maxFailures: 3, windowSec: 60, blockSec: 300, clock, ...extra });
}

test("more than maxFailures within the window blocks, for blockSec", () => {
  const clock = new ManualClock();
  const t = throttle(clock);
  for (let i = 0; i < 3; i++) {
    assert.equal(t.recordFailure("192.0.2.1"), false);
    clock.advance(10_000);
  }
  assert.equal(t.isBlocked("192.0.2.1"), false);
  assert.equal(t.recordFailure("192.0.2.1"), true);
  assert.equal(t.isBlocked("192.0.2.1"), true);
  assert.equal(t.isBlocked("192.0.2.2"), false);
  assert.deepEqual(t.stats(), { tracked: 0, blocked: 1, failures: 4, blocks: 1 });
  clock.advance(299_999);
  assert.equal(t.isBlocked("192.0.2.1"), true);
  clock.advance(1);
  assert.equal(t.isBlocked("192.0.2.1"), false);
  // After the block the count starts again.
  assert.equal(t.recordFailure("192.0.2.1"), false);
});

test("failures spread wider than the window never block (sliding window)", () => {
  const clock = new ManualClock();
  const t = throttle(clock);
  for (let i = 0; i < 20; i++) {
    assert.equal(t.recordFailure("192.0.2.1"), false, `failure ${i}`);
    clock.advance(20_001); // 4 failures always span more than 60 s
  }
  assert.equal(t.isBlocked("192.0.2.1"), false);
});

test("a success clears the count; unblock lifts a block", () => {
  const clock = new ManualClock();
  const t = throttle(clock);
  for (let i = 0; i < 3; i++) t.recordFailure("a");
  t.recordSuccess("a");
  for (let i = 0; i < 3; i++) assert.equal(t.recordFailure("a"), false);
  assert.equal(t.recordFailure("a"), true);
  t.unblock("a");
  assert.equal(t.isBlocked("a"), false);
});

test("memory is bounded: counters and blocks have their own limits", () => {
  const clock = new ManualClock();
  const t = throttle(clock, { maxTracked: 100, maxBlocked: 2 });
  for (let i = 0; i < 4; i++) t.recordFailure("attacker");
  assert.equal(t.isBlocked("attacker"), true);
  // A flood of one-off failures from many addresses does not lift the block.
  for (let i = 0; i < 10_000; i++) t.recordFailure(`198.51.100.${i}`);
  assert.equal(t.stats().tracked, 100);
  assert.equal(t.isBlocked("attacker"), true);
  // Only blocking more than maxBlocked others pushes the oldest block out.
  for (const addr of ["b", "c"]) for (let i = 0; i < 4; i++) t.recordFailure(addr);
  assert.equal(t.stats().blocked, 2);
  assert.equal(t.isBlocked("attacker"), false);
  assert.equal(t.isBlocked("c"), true);
});

test("sweep drops ended blocks and idle counters", () => {
  const clock = new ManualClock();
  const t = throttle(clock);
  t.recordFailure("idle");
  for (let i = 0; i < 4; i++) t.recordFailure("blocked");
  clock.advance(300_000);
  t.sweep();
  assert.deepEqual(t.stats(), { tracked: 0, blocked: 0, failures: 5, blocks: 1 });
});

test("options are validated", () => {
  const clock = new ManualClock();
  assert.throws(() => new FailureThrottle({ maxFailures: 0, windowSec: 1, blockSec: 1, clock }), AuthConfigError);
  assert.throws(() => new FailureThrottle({ maxFailures: 1, windowSec: 0, blockSec: 1, clock }), AuthConfigError);
  assert.throws(() => new FailureThrottle({ maxFailures: 1, windowSec: 1, blockSec: Number.NaN, clock }), AuthConfigError);
});
