// A plain refresh (same contact, source, flow, params, user agent...; new expiry, CSeq and time) is
// written as a three-column UPDATE; anything else, or a row that has gone, as the whole row. Either
// way what is on disk after a restart equals what was in memory.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../storage/sqlite-database.js";
import { ManualClock } from "../util/clock.js";
import type { Binding } from "./binding.js";
import { LocationIndex } from "./memory-index.js";
import { SqliteLocationStore } from "./sqlite-store.js";
import { richBinding, testBinding } from "./test-bindings.js";

const NOW = 1_800_000_000_000;

function refreshed(b: Binding, extra: Partial<Binding> = {}): Binding {
  return { ...b, expiresAtMs: b.expiresAtMs + 60_000, cseq: b.cseq + 1, modifiedAtMs: b.modifiedAtMs + 60_000, ...extra };
}

/** A binding as a restart loads it: its flow (connection) did not survive. */
function onDisk(b: Binding): Binding {
  return { ...b, connectionId: undefined };
}

describe("LocationIndex.isRefreshOf", () => {
  it("is true only when nothing but expiry, CSeq and modification time differ", () => {
    const index = new LocationIndex({ initialCapacity: 4 });
    const b = richBinding("alice@example.com", 1, NOW);
    assert.equal(index.isRefreshOf(b), false, "not held");
    index.upsert(b);
    assert.equal(index.isRefreshOf(refreshed(b)), true);
    assert.equal(index.isRefreshOf({ ...refreshed(b), contact: `${b.contact};x` }), false);
    const changes: Array<Partial<Binding>> = [
      { callId: "other" },
      { q1000: 100 },
      { flags: 0 },
      { userAgent: "Other/1" },
      { source: { ...b.source, port: b.source.port + 1 } },
      { source: { ...b.source, address: "2001:db8::8" } },
      { source: { ...b.source, protocol: "tls" } },
      { natted: false },
      { listenerId: "udp:127.0.0.1:5060" },
      { connectionId: undefined },
      { path: [] },
      { methods: undefined },
      { instance: undefined },
      { regId: 2 },
      { contactParams: "" },
    ];
    for (const c of changes) assert.equal(index.isRefreshOf(refreshed(b, c)), false, JSON.stringify(c));
  });
});

for (const writer of ["inline", "worker"] as const) {
  describe(`refresh writes (${writer} writer)`, () => {
    async function withStore(body: (store: SqliteLocationStore, path: string, clock: ManualClock) => Promise<void>): Promise<void> {
      const dir = mkdtempSync(join(tmpdir(), "sipreg-refresh-"));
      const path = join(dir, "sipreg.sqlite");
      const clock = new ManualClock(NOW);
      const store = new SqliteLocationStore({ path, clock, sweepIntervalMs: 0, synchronous: "normal", writer });
      await store.open();
      try {
        await body(store, path, clock);
      } finally {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }

    async function reopened(path: string, clock: ManualClock, aor: string): Promise<readonly Binding[]> {
      const again = new SqliteLocationStore({ path, clock, sweepIntervalMs: 0, synchronous: "normal" });
      await again.open();
      try {
        return again.get(aor);
      } finally {
        await again.close();
      }
    }

    it("a plain refresh is a refresh write, and the row read back after a restart is the refreshed binding", async () => {
      await withStore(async (store, path, clock) => {
        const b = richBinding("alice@example.com", 1, NOW);
        await store.apply(b.aor, [{ op: "upsert", binding: b }]);
        const r = refreshed(b);
        await store.apply(b.aor, [{ op: "upsert", binding: r }]);
        assert.equal(store.stats().refreshWrites, 1);
        const moved = refreshed(r, { source: { ...r.source, port: 40_999 } });
        await store.apply(b.aor, [{ op: "upsert", binding: moved }]);
        assert.equal(store.stats().refreshWrites, 1, "a new source port is a whole-row write");
        await store.close();
        assert.deepEqual(await reopened(path, clock, b.aor), [onDisk(moved)]);
      });
    });

    it("a refresh whose row has gone from the table (deleted behind the store) is written whole", async () => {
      await withStore(async (store, path, clock) => {
        const b = testBinding("bob@example.com", 2, NOW);
        await store.apply(b.aor, [{ op: "upsert", binding: b }]);
        const other = openDatabase(path, { synchronous: "normal" });
        other.prepare("DELETE FROM location WHERE ruid = ?").run(b.ruid);
        other.close();
        const r = refreshed(b);
        await store.apply(b.aor, [{ op: "upsert", binding: r }]);
        assert.equal(store.stats().refreshWrites, 1);
        await store.close();
        assert.deepEqual(await reopened(path, clock, b.aor), [onDisk(r)]);
      });
    });

    it("two change sets of one ruid in one batch: only the first can be a refresh write", async () => {
      await withStore(async (store, path, clock) => {
        const b = testBinding("carol@example.com", 3, NOW);
        await store.apply(b.aor, [{ op: "upsert", binding: b }]);
        const moved = refreshed(b, { contact: "sip:carol@192.0.2.99:5060" });
        const back = refreshed(moved, { contact: b.contact }); // equal to the row held before the batch, not to `moved`
        await Promise.all([store.apply(b.aor, [{ op: "upsert", binding: moved }]), store.apply(b.aor, [{ op: "upsert", binding: back }])]);
        assert.equal(store.stats().refreshWrites, 0);
        await store.close();
        assert.deepEqual(await reopened(path, clock, b.aor), [onDisk(back)]);
      });
    });
  });
}
