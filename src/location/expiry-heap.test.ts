import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ExpiryHeap } from "./expiry-heap.js";

describe("ExpiryHeap", () => {
  it("pops slots in key order through any mix of set, update and delete (property)", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("set" as const), slot: fc.nat(40), key: fc.integer({ min: 0, max: 1000 }) }),
      fc.record({ kind: fc.constant("delete" as const), slot: fc.nat(40) }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 100, maxLength: 300 }), (ops) => {
        const heap = new ExpiryHeap(8);
        heap.growTo(41);
        const model = new Map<number, number>();
        for (const o of ops) {
          if (o.kind === "set") {
            heap.set(o.slot, o.key);
            model.set(o.slot, o.key);
          } else {
            heap.delete(o.slot);
            model.delete(o.slot);
          }
          assert.equal(heap.size, model.size);
          assert.equal(heap.minKey(), model.size === 0 ? Infinity : Math.min(...model.values()));
        }
        let last = -Infinity;
        while (heap.size > 0) {
          const key = heap.minKey();
          const slot = heap.pop();
          assert.equal(model.get(slot), key);
          assert.ok(key >= last);
          last = key;
          model.delete(slot);
          assert.equal(heap.has(slot), false);
        }
        assert.equal(model.size, 0);
        assert.equal(heap.pop(), -1);
      }),
      { numRuns: 300 },
    );
  });
});
