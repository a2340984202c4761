import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TransactionError } from "./errors.js";
import { forTransport, timerValues } from "./timer-values.js";

describe("timer values (RFC 3261 Table 4, RFC 6026)", () => {
  it("derives A..M from the default T1, T2, T4", () => {
    const t = timerValues();
    assert.deepEqual(
      [t.t1Ms, t.t2Ms, t.t4Ms, t.aMs, t.bMs, t.dMs, t.eMs, t.fMs, t.gMs, t.hMs, t.iMs, t.jMs, t.kMs, t.lMs, t.mMs],
      [500, 4000, 5000, 500, 32000, 32000, 500, 32000, 500, 32000, 5000, 32000, 5000, 32000, 32000],
    );
  });

  it("scales with T1 per instance, D staying at least 32 s", () => {
    const fast = timerValues({ t1Ms: 100, t2Ms: 1000, t4Ms: 2000 });
    assert.equal(fast.bMs, 6400);
    assert.equal(fast.jMs, 6400);
    assert.equal(fast.iMs, 2000);
    assert.equal(fast.dMs, 32000);
    assert.equal(timerValues({ t1Ms: 1000, t2Ms: 4000 }).dMs, 64000);
    assert.equal(timerValues().bMs, 32000, "no shared state between instances");
  });

  it("zeroes the wait timers over reliable transports and refuses nonsense", () => {
    assert.equal(forTransport(5000, true), 0);
    assert.equal(forTransport(5000, false), 5000);
    assert.throws(() => timerValues({ t1Ms: 0 }), TransactionError);
    assert.throws(() => timerValues({ t1Ms: 5000, t2Ms: 4000 }), TransactionError);
  });
});
