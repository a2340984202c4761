import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Binding } from "./binding.js";
import { LocationIndex } from "./memory-index.js";
import { richBinding, testBinding } from "./test-bindings.js";

const NOW = 1_700_000_000_000;

type Op = { kind: "upsert"; aor: number; ruid: number; variant: number; expiresIn: number; conn: number } | { kind: "remove"; ruid: number } | { kind: "expire"; at: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("upsert" as const), aor: fc.nat(3), ruid: fc.nat(12), variant: fc.nat(5), expiresIn: fc.integer({ min: -10, max: 100 }), conn: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("remove" as const), ruid: fc.nat(12) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("expire" as const), at: fc.integer({ min: 0, max: 100 }) }) },
);

/** A binding whose fields (interned and unique ones) vary with `variant`. */
function variantBinding(aor: string, ruid: string, variant: number, expiresAtMs: number, conn: number): Binding {
  const base = variant % 2 === 0 ? testBinding(aor, variant, NOW) : richBinding(aor, variant, NOW);
  return {
    ...base,
    ruid,
    expiresAtMs,
    userAgent: `UA-${variant % 3}`,
    connectionId: conn === 0 ? undefined : conn,
    path: variant % 3 === 0 ? [] : [`<sip:p${variant % 2}.example.com;lr>`],
    methods: variant % 4 === 0 ? undefined : ["INVITE", variant % 2 === 0 ? "BYE" : "MESSAGE"],
  };
}

describe("LocationIndex", () => {
  it("behaves like a map of bindings with per-AOR insertion order (property)", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
        const index = new LocationIndex({ initialCapacity: 16 });
        const model = new Map<string, Binding>();
        let now = NOW;
        for (const op of ops) {
          if (op.kind === "upsert") {
            const b = variantBinding(`aor${op.aor}@example.com`, `ruid-${op.ruid}`, op.variant, NOW + op.expiresIn, op.conn);
            const old = model.get(b.ruid);
            if (old !== undefined && old.aor !== b.aor) model.delete(b.ruid);
            model.set(b.ruid, b);
            index.upsert(b);
          } else if (op.kind === "remove") {
            assert.equal(index.remove(`ruid-${op.ruid}`), model.delete(`ruid-${op.ruid}`));
          } else {
            now = NOW + op.at;
            const out: Binding[] = [];
            const ruids: string[] = [];
            const n = index.takeExpired(now, Infinity, ruids, out);
            assert.deepEqual(ruids, out.map((b) => b.ruid));
            const expected = [...model.values()].filter((b) => b.expiresAtMs <= now);
            assert.equal(n, expected.length);
            assert.deepEqual(new Set(out.map((b) => b.ruid)), new Set(expected.map((b) => b.ruid)));
            for (let i = 1; i < out.length; i++) assert.ok(out[i - 1]!.expiresAtMs <= out[i]!.expiresAtMs, "taken earliest first");
            for (const b of expected) model.delete(b.ruid);
          }
          // Compare every view.
          const all = [...model.values()];
          assert.equal(index.contactCount, model.size);
          assert.equal(index.aorCount, new Set(all.map((b) => b.aor)).size);
          for (let a = 0; a < 4; a++) {
            const aor = `aor${a}@example.com`;
            assert.deepEqual(index.bindings(aor, now), all.filter((b) => b.aor === aor && b.expiresAtMs > now));
          }
          for (let c = 1; c < 4; c++) {
            const got = index.byConnection(c, now).map((b) => b.ruid).sort();
            assert.deepEqual(got, all.filter((b) => b.connectionId === c && b.expiresAtMs > now).map((b) => b.ruid).sort());
          }
          for (const b of all) {
            assert.deepEqual(index.find(b.ruid), b);
            assert.equal(index.aorOfRuid(b.ruid), b.aor);
          }
          assert.deepEqual([...index.aors(now)].sort(), [...new Set(all.filter((b) => b.expiresAtMs > now).map((b) => b.aor))].sort());
          const soonest = Math.min(...all.map((b) => b.expiresAtMs));
          assert.equal(index.nextExpiry(), soonest);
        }
        index.clear();
        assert.equal(index.contactCount, 0);
        assert.equal(index.internedCount, 0, "every interned value released");
      }),
      { numRuns: 150 },
    );
  });

  it("reuses freed slots and grows past its initial capacity", () => {
    const index = new LocationIndex({ initialCapacity: 16 });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 100; i++) index.upsert(testBinding(`u${i}@example.com`, i, NOW));
      assert.equal(index.contactCount, 100);
      for (let i = 0; i < 100; i++) assert.equal(index.remove(`r-u${i}@example.com-${i}`), true);
      assert.equal(index.contactCount, 0);
      assert.equal(index.aorCount, 0);
    }
    assert.equal(index.internedCount, 0);
  });

  it("shares interned values between bindings and keeps unique strings equal to the input", () => {
    const index = new LocationIndex();
    const rope = ["sip:", "someone", "@", "198.51.100.77", ":5060;transport=udp"].join("");
    for (let i = 0; i < 50; i++) index.upsert(testBinding(`s${i}@example.com`, i, NOW, { contact: rope, source: { protocol: "udp", address: "203.0.113.9", port: 5060 + i } }));
    // 50 bindings: one user agent, one listener, one source address, one (empty) path.
    assert.equal(index.internedCount, 4);
    assert.equal(index.find("r-s7@example.com-7")?.contact, rope);
  });
});
