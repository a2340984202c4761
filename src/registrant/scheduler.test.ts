import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../util/clock.js";
import { TimerWheel } from "../util/timer-wheel.js";
import { Scheduler, type SchedulerOptions } from "./scheduler.js";
import { SeededRandom } from "./test-support.js";

function setup(o: Partial<SchedulerOptions> = {}) {
  const clock = new ManualClock(0);
  const wheel = new TimerWheel({ clock, tickMs: 10, manual: true });
  const runs: Array<[number, number]> = [];
  const s = new Scheduler({ wheel, clock, random: new SeededRandom(7), slotMs: 1000, maxPerSecond: 1000, run: (i) => runs.push([i, clock.monotonic()]), ...o });
  s.start();
  return { clock, wheel, s, runs };
}

test("an entry runs once, inside its window, at most one slot late", () => {
  const { wheel, s, runs } = setup();
  const a = s.allocate();
  s.scheduleWithin(a, 5000, 5000);
  assert.equal(s.dueAt(a), 5000);
  wheel.advance(4999);
  assert.deepEqual(runs, []);
  wheel.advance(100);
  assert.equal(runs.length, 1);
  assert.ok(runs[0]![1] >= 5000 && runs[0]![1] <= 6000);
  assert.equal(s.dueAt(a), undefined);
  wheel.advance(60_000);
  assert.equal(runs.length, 1);
});

test("cancel and reschedule: the old time is forgotten", () => {
  const { wheel, s, runs } = setup();
  const a = s.allocate();
  const b = s.allocate();
  s.scheduleWithin(a, 2000, 2000);
  s.scheduleWithin(b, 2000, 2000);
  s.cancel(b);
  s.scheduleWithin(a, 10_000, 10_000);
  wheel.advance(5000);
  assert.deepEqual(runs, []);
  wheel.advance(6000);
  assert.deepEqual(runs.map((r) => r[0]), [a]);
  // Back into the same slot twice: still one run.
  s.scheduleWithin(a, 3000, 3000);
  s.cancel(a);
  s.scheduleWithin(a, 3000, 3000);
  wheel.advance(5000);
  assert.deepEqual(runs.map((r) => r[0]), [a, a]);
});

test("rate cap: 10 000 entries due together leave at 1000/s, never a burst", () => {
  const { wheel, s, runs } = setup();
  for (let i = 0; i < 10_000; i++) s.scheduleWithin(s.allocate(), 1000, 1000);
  wheel.advance(30_000);
  assert.equal(runs.length, 10_000);
  const first = runs[0]![1];
  const last = runs[runs.length - 1]![1];
  assert.ok(last - first >= 9_900 && last - first <= 10_200, `spread over ${last - first} ms`);
  // No second holds more than the cap plus the small burst allowance.
  const perSecond = new Map<number, number>();
  for (const [, t] of runs) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
  assert.ok(Math.max(...perSecond.values()) <= 1000 + 20, `max ${Math.max(...perSecond.values())}/s`);
});

test("windows are levelled: the less loaded of two slots keeps every slot near the mean", () => {
  const { s } = setup();
  const n = 20_000;
  const idx: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = s.allocate();
    idx.push(a);
    s.scheduleWithin(a, 0, 199_999);
  }
  const perSlot = new Map<number, number>();
  for (const a of idx) perSlot.set(s.dueAt(a)!, (perSlot.get(s.dueAt(a)!) ?? 0) + 1);
  const mean = n / perSlot.size;
  const max = Math.max(...perSlot.values());
  assert.ok(perSlot.size >= 199, `${perSlot.size} slots used`);
  assert.ok(max <= mean * 1.25, `max ${max} vs mean ${mean.toFixed(1)}`);
});

test("urgent entries go before the merely due ones; charged follow-ups slow the rest", () => {
  const { wheel, s, runs } = setup({ maxPerSecond: 10 });
  const due: number[] = [];
  for (let i = 0; i < 20; i++) {
    const a = s.allocate();
    due.push(a);
    s.scheduleWithin(a, 1000, 1000);
  }
  wheel.advance(1000);
  const before = runs.length;
  const u = s.allocate();
  s.scheduleUrgent(u);
  wheel.advance(150);
  assert.equal(runs[before]![0], u);
  // Charging 10 follow-ups costs a second of the cap.
  const t0 = runs.length;
  for (let i = 0; i < 10; i++) s.charge();
  wheel.advance(1000);
  assert.ok(runs.length - t0 <= 1, `${runs.length - t0} released while paying off charges`);
  assert.equal(s.stats().charged, 10);
});

test("paused: due entries wait, and leave at the cap once resumed", () => {
  const { wheel, s, runs } = setup({ maxPerSecond: 100 });
  for (let i = 0; i < 50; i++) s.scheduleWithin(s.allocate(), 0, 0);
  s.setPaused(true);
  wheel.advance(5000);
  assert.equal(runs.length, 0);
  assert.equal(s.stats().ready, 50);
  s.setPaused(false);
  wheel.advance(1000);
  assert.equal(runs.length, 50);
});

test("released indexes are reused; a released index never runs", () => {
  const { wheel, s, runs } = setup();
  const a = s.allocate();
  s.scheduleWithin(a, 1000, 1000);
  s.release(a);
  assert.equal(s.allocate(), a);
  wheel.advance(3000);
  assert.deepEqual(runs, []);
});

test("no timer while nothing is scheduled", () => {
  const { wheel, s } = setup();
  assert.equal(wheel.size, 0);
  const a = s.allocate();
  s.scheduleWithin(a, 2000, 2000);
  assert.equal(wheel.size, 1);
  wheel.advance(3000);
  assert.equal(wheel.size, 0);
});
