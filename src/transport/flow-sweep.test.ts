import { test } from "node:test";
import assert from "node:assert/strict";
import { sweepAction, type SweepPolicy } from "./flow-sweep.js";
import { StubConnection } from "./test-helpers.js";

const policy: SweepPolicy = { idleTimeoutMs: 500, pongTimeoutMs: 100, connectTimeoutMs: 300 };

test("sweepAction: idle after idleTimeoutMs without traffic either way", () => {
  const c = new StubConnection({ id: 1 });
  assert.equal(sweepAction(c, 1499, policy), "none");
  assert.equal(sweepAction(c, 1500, policy), "idle");
  c.lastActivityMs = 1400;
  assert.equal(sweepAction(c, 1500, policy), "none");
});

test("sweepAction: a held connection (a registration made over it) is never idle; released, it is again", () => {
  const c = new StubConnection({ id: 1 });
  c.held = true;
  assert.equal(sweepAction(c, 99_999, policy), "none");
  c.held = false;
  assert.equal(sweepAction(c, 99_999, policy), "idle");
});

test("sweepAction: a connect that takes longer than connectTimeoutMs times out", () => {
  const c = new StubConnection({ id: 1 }, true);
  assert.equal(sweepAction(c, 1299, policy), "none");
  assert.equal(sweepAction(c, 1300, policy), "connect-timeout");
  assert.equal(sweepAction(c, 99_999, policy), "connect-timeout", "never idle while connecting");
});

test("sweepAction RFC 5626 §4.4.1: ping when the peer was silent an interval, fail when the pong is late", () => {
  const c = new StubConnection({ id: 1 });
  c.keepaliveMs = 200;
  c.lastPongMs = 1000;
  assert.equal(sweepAction(c, 1199, policy), "none");
  assert.equal(sweepAction(c, 1200, policy), "ping");
  c.lastReceivedMs = 1150; // data from the peer postpones the ping
  assert.equal(sweepAction(c, 1200, policy), "none");
  c.pingOutstandingSinceMs = 1400;
  assert.equal(sweepAction(c, 1499, policy), "none");
  assert.equal(sweepAction(c, 1500, policy), "flow-failed");
  assert.equal(sweepAction(c, 99_999, { ...policy, idleTimeoutMs: 1 }) !== "idle", true, "keepalive flows are exempt from idle");
  c.close();
  assert.equal(sweepAction(c, 99_999, policy), "none");
});
