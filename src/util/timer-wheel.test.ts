import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ManualClock, type Clock } from "./clock.js";
import { TimerWheel, TimerWheelError, type TimerHandle } from "./timer-wheel.js";

function manualWheel(tickMs = 10): { clock: ManualClock; wheel: TimerWheel } {
  const clock = new ManualClock(0);
  return { clock, wheel: new TimerWheel({ clock, tickMs, manual: true }) };
}

interface Probe {
  deadline: number;
  firedAt: number;
}

describe("TimerWheel", () => {
  it("fires 100 000 timers in deadline order, each within one tick after its deadline", () => {
    const { clock, wheel } = manualWheel(10);
    const fired: Probe[] = [];
    const onFire = (p: Probe): void => {
      p.firedAt = clock.monotonic();
      fired.push(p);
    };
    // Deterministic pseudo-random delays from 0 to 5 minutes, most of them short like transaction timers.
    let seed = 12345;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 100_000; i++) {
      const delay = i % 10 === 0 ? Math.floor(next() * 300_000) : Math.floor(next() * 40_000);
      wheel.schedule(delay, onFire, { deadline: delay, firedAt: -1 });
    }
    assert.equal(wheel.size, 100_000);
    wheel.advance(300_000 + 10);
    assert.equal(fired.length, 100_000);
    assert.equal(wheel.size, 0);
    let lastTick = -1;
    for (const p of fired) {
      assert.ok(p.firedAt >= p.deadline, `fired at ${p.firedAt} before its deadline ${p.deadline}`);
      assert.ok(p.firedAt < p.deadline + 10, `fired at ${p.firedAt}, more than a tick after ${p.deadline}`);
      const tick = Math.ceil(p.deadline / 10);
      assert.ok(tick >= lastTick, "out of deadline order across ticks");
      lastTick = tick;
    }
  });

  it("keeps deadlines for any mix of delays and start times (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000 }), fc.array(fc.integer({ min: 0, max: 200_000 }), { minLength: 1, maxLength: 50 }), (start, delays) => {
        const { clock, wheel } = manualWheel(7);
        wheel.advance(start);
        const now = clock.monotonic();
        const firedAt: number[] = [];
        delays.forEach((d, i) => wheel.schedule(d, (idx: number) => (firedAt[idx] = clock.monotonic()), i));
        wheel.advance(200_010);
        delays.forEach((d, i) => {
          const at = firedAt[i];
          assert.ok(at !== undefined && at >= now + d && at <= now + d + 7);
        });
      }),
      { numRuns: 60 },
    );
  });

  it("handles delays of hours through the higher levels", () => {
    const { clock, wheel } = manualWheel(50);
    let at = -1;
    wheel.schedule(3 * 3600_000 + 123, () => (at = clock.monotonic()), null);
    wheel.advance(3 * 3600_000);
    assert.equal(at, -1);
    wheel.advance(200);
    assert.ok(at >= 3 * 3600_000 + 123 && at < 3 * 3600_000 + 173, `fired at ${at}`);
  });

  it("cancels in O(1) and never fires a cancelled timer", () => {
    const { wheel } = manualWheel();
    let fired = 0;
    const handles = Array.from({ length: 1000 }, (_, i) => wheel.schedule(100 + i, () => fired++, null));
    for (let i = 0; i < handles.length; i += 2) assert.equal(wheel.cancel(handles[i]), true);
    assert.equal(wheel.cancel(handles[0]), false, "second cancel is a no-op");
    assert.equal(wheel.size, 500);
    wheel.advance(2000);
    assert.equal(fired, 500);
    assert.equal(handles[1]!.pending, false);
    assert.equal(wheel.cancel(handles[1]), false, "cancel after firing is a no-op");
    assert.equal(wheel.cancel(undefined), false);
  });

  it("lets a callback schedule and cancel timers, including into the slot being fired", () => {
    const { clock, wheel } = manualWheel(10);
    const log: string[] = [];
    let victim: TimerHandle | undefined;
    wheel.schedule(100, () => {
      log.push("first@" + clock.monotonic());
      wheel.cancel(victim);
      // 2560 ms = 256 ticks: lands in the same level-0 slot that is firing now, and must wait a revolution.
      wheel.schedule(2560, () => log.push("lap@" + clock.monotonic()), null);
      wheel.schedule(0, () => log.push("zero@" + clock.monotonic()), null);
    }, null);
    // Due in the same tick, after the callback above: it is cancelled before its turn.
    victim = wheel.schedule(100, () => log.push("victim"), null);
    wheel.advance(100);
    assert.deepEqual(log, ["first@100"]);
    wheel.advance(10);
    assert.deepEqual(log, ["first@100", "zero@110"]);
    wheel.advance(3000);
    assert.deepEqual(log, ["first@100", "zero@110", "lap@2660"]);
  });

  it("passes ctx and arg to the callback without a closure", () => {
    const { wheel } = manualWheel();
    const seen: Array<[string, number]> = [];
    const cb = (ctx: { name: string }, arg: number): void => {
      seen.push([ctx.name, arg]);
    };
    wheel.schedule(10, cb, { name: "a" }, 7);
    wheel.schedule(20, cb, { name: "b" });
    wheel.advance(30);
    assert.deepEqual(seen, [["a", 7], ["b", 0]]);
  });

  it("fires a 0 ms timer at the next tick() even when time has not moved, and a callback error does not stop the others", () => {
    const errors: unknown[] = [];
    const clock = new ManualClock(0);
    const wheel = new TimerWheel({ clock, tickMs: 10, manual: true, onError: (e) => errors.push(e) });
    let ran = 0;
    wheel.schedule(0, () => {
      throw new Error("boom");
    }, null);
    wheel.schedule(0, () => ran++, null);
    wheel.schedule(1, () => ran++, null);
    assert.equal(wheel.tick(), 2, "both 0 ms timers are due now");
    assert.equal(ran, 1);
    wheel.advance(10);
    assert.equal(ran, 2);
    assert.equal(errors.length, 1);
  });

  it("stop() drops every pending timer", () => {
    const { wheel } = manualWheel();
    let fired = 0;
    for (let i = 0; i < 100; i++) wheel.schedule(i * 1000, () => fired++, null);
    wheel.stop();
    assert.equal(wheel.size, 0);
    wheel.advance(200_000);
    assert.equal(fired, 0);
  });

  it("advance() refuses a clock it cannot move", () => {
    const clock: Clock = { now: () => 0, monotonic: () => 0 };
    const wheel = new TimerWheel({ clock, manual: true });
    assert.throws(() => wheel.advance(10), TimerWheelError);
  });

  it("runs on one unref'd Node timer in real mode", async () => {
    const wheel = new TimerWheel({ tickMs: 5 });
    // The wheel's own timer is unref'd: hold the event loop open while waiting for it.
    const keepAlive = setTimeout(() => undefined, 5_000);
    const start = performance.now();
    const firedAfter = await new Promise<number>((resolve) => wheel.schedule(20, () => resolve(performance.now() - start), null));
    clearTimeout(keepAlive);
    assert.ok(firedAfter >= 19, `fired after ${firedAfter} ms`);
    assert.equal(wheel.size, 0);
    wheel.stop();
  });
});
