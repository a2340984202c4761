import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { orderSrvRecords, type FloatSource } from "./srv-order.js";
import type { SrvRecord } from "./types.js";

/** Hands out the given floats in turn, and counts how many were asked for. */
function scriptedRandom(...values: number[]): FloatSource & { draws: number } {
  const source = {
    draws: 0,
    float(): number {
      const value = values[source.draws++];
      if (value === undefined) throw new Error("scripted random exhausted");
      return value;
    },
  };
  return source;
}

const srv = (target: string, priority: number, weight: number): SrvRecord => ({ priority, weight, port: 5060, target, ttl: 60 });
const targets = (records: readonly SrvRecord[]): string[] => records.map((r) => r.target);

describe("orderSrvRecords (RFC 2782)", () => {
  it("puts lower priorities first and spends no draw on a lone record", () => {
    const random = scriptedRandom();
    const ordered = orderSrvRecords([srv("c", 30, 5), srv("a", 10, 5), srv("b", 20, 5)], random);
    assert.deepEqual(targets(ordered), ["a", "b", "c"]);
    assert.equal(random.draws, 0);
  });

  it("picks within a priority by running weight sum: a low draw takes the first record", () => {
    // weights 60, 40: sum 100; draw floor(0.3 * 101) = 30 <= 60 → "heavy" first.
    const ordered = orderSrvRecords([srv("heavy", 10, 60), srv("light", 10, 40), srv("backup", 20, 0)], scriptedRandom(0.3));
    assert.deepEqual(targets(ordered), ["heavy", "light", "backup"]);
  });

  it("a high draw takes the record whose running sum first reaches it", () => {
    // draw floor(0.7 * 101) = 70 > 60 → "light" first.
    const ordered = orderSrvRecords([srv("heavy", 10, 60), srv("light", 10, 40)], scriptedRandom(0.7));
    assert.deepEqual(targets(ordered), ["light", "heavy"]);
  });

  it("places weight-0 records first so that only a zero draw selects them", () => {
    assert.deepEqual(targets(orderSrvRecords([srv("w10", 1, 10), srv("w0", 1, 0)], scriptedRandom(0))), ["w0", "w10"]);
    assert.deepEqual(targets(orderSrvRecords([srv("w10", 1, 10), srv("w0", 1, 0)], scriptedRandom(0.5))), ["w10", "w0"]);
  });

  it("makes one draw per pick among three records", () => {
    const random = scriptedRandom(0.99, 0.0);
    const ordered = orderSrvRecords([srv("x", 1, 1), srv("y", 1, 1), srv("z", 1, 1)], random);
    assert.deepEqual(targets(ordered), ["z", "x", "y"]);
    assert.equal(random.draws, 2);
  });

  it("approximates the weights over many runs", () => {
    let seed = 1;
    const lcg: FloatSource = { float: () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) };
    let heavyFirst = 0;
    for (let i = 0; i < 2000; i++) {
      if (orderSrvRecords([srv("heavy", 1, 75), srv("light", 1, 25)], lcg)[0]?.target === "heavy") heavyFirst++;
    }
    assert.ok(heavyFirst > 1350 && heavyFirst < 1650, `heavy first ${heavyFirst} of 2000`);
  });

  it('drops "." (service not available) targets', () => {
    assert.deepEqual(orderSrvRecords([srv(".", 0, 0)], scriptedRandom()), []);
    assert.deepEqual(targets(orderSrvRecords([srv("", 0, 0), srv("a", 1, 0)], scriptedRandom())), ["a"]);
  });
});
