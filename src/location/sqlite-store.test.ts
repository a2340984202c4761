import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StorageError } from "../storage/errors.js";
import { openDatabase, type SqliteDatabase } from "../storage/sqlite-database.js";
import { ManualClock } from "../util/clock.js";
import type { Binding } from "./binding.js";
import { LocationError } from "./errors.js";
import { runLocationStoreContract } from "./location-store.contract.js";
import { SqliteLocationStore, type SqliteLocationStoreOptions } from "./sqlite-store.js";
import { richBinding, testBinding } from "./test-bindings.js";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "sipreg-location-"));
}

runLocationStoreContract("SqliteLocationStore", (clock, onError) => {
  const dir = tempDir();
  return {
    store: new SqliteLocationStore({ path: join(dir, "db", "sipreg.sqlite"), synchronous: "normal", clock, onError, sweepIntervalMs: 0 }),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

// The same contract with transactions in the writer thread (what the server runs).
runLocationStoreContract("SqliteLocationStore (writer thread)", (clock, onError) => {
  const dir = tempDir();
  return {
    store: new SqliteLocationStore({ path: join(dir, "db", "sipreg.sqlite"), synchronous: "normal", writer: "worker", clock, onError, sweepIntervalMs: 0 }),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe("SqliteLocationStore with the writer thread", () => {
  it("commits in the worker, keeps everything across close and reopen, and batches concurrent change sets", async () => {
    const dir = tempDir();
    const path = join(dir, "sipreg.sqlite");
    try {
      const clock = new ManualClock();
      const store = new SqliteLocationStore({ path, writer: "worker", clock, sweepIntervalMs: 0 });
      await store.open();
      const n = 500;
      await Promise.all(Array.from({ length: n }, (_, i) => store.apply(`u${i}@example.com`, [{ op: "upsert", binding: testBinding(`u${i}@example.com`, i, clock.now(), { ruid: `r${i}` }) }])));
      assert.equal(store.contactCount, n);
      const st = store.stats();
      assert.ok(st.commits < n / 4, `${st.commits} transactions for ${n} change sets`);
      await store.close();
      const again = new SqliteLocationStore({ path, writer: "worker", clock, sweepIntervalMs: 0 });
      await again.open();
      assert.equal(again.contactCount, n);
      assert.equal(again.get("u7@example.com")[0]?.ruid, "r7");
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function codeOf(err: unknown): string | undefined {
  return err instanceof LocationError ? err.code : undefined;
}

describe("SqliteLocationStore", () => {
  let dir = "";
  let path = "";
  const clock = new ManualClock();
  const open: SqliteLocationStore[] = [];

  async function openStore(extra: Partial<SqliteLocationStoreOptions> = {}): Promise<SqliteLocationStore> {
    const store = new SqliteLocationStore({ path, clock, sweepIntervalMs: 0, synchronous: "normal", ...extra });
    open.push(store);
    await store.open();
    return store;
  }

  function rowCount(store: SqliteLocationStore | SqliteDatabase, table = "location"): number {
    const db = store instanceof SqliteLocationStore ? store.database! : store;
    const row = db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number };
    return row.n;
  }

  beforeEach(() => {
    dir = tempDir();
    path = join(dir, "sipreg.sqlite");
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every binding and every field across close and reopen, in insertion order", async () => {
    const store = await openStore();
    const now = clock.now();
    const bs: Binding[] = [richBinding("alice@example.com", 1, now), testBinding("alice@example.com", 2, now), testBinding("example.com", 3, now), richBinding("bob@example.com", 4, now, { q1000: 0, methods: [] })];
    await Promise.all(bs.map((b) => store.apply(b.aor, [{ op: "upsert", binding: b }])));
    // An update keeps the row (and its place); q as REAL must come back exact.
    const updated = { ...bs[0]!, q1000: 333, cseq: 5 };
    await store.apply(updated.aor, [{ op: "upsert", binding: updated }]);
    await store.close();

    const again = await openStore();
    const noConn = (b: Binding): Binding => ({ ...b, connectionId: undefined });
    assert.deepEqual(again.get("alice@example.com"), [noConn(updated), noConn(bs[1]!)]);
    assert.deepEqual(again.get("example.com"), [bs[2]]);
    assert.deepEqual(again.get("bob@example.com"), [noConn(bs[3]!)]);
    assert.equal(again.contactCount, 4);
    await again.close();

    const keeping = await openStore({ keepConnectionIds: true });
    assert.deepEqual(keeping.get("alice@example.com"), [updated, bs[1]]);
  });

  it("drops bindings that expired while down, from memory and from the table", async () => {
    const store = await openStore();
    const now = clock.now();
    const soon = testBinding("carol@example.com", 1, now, { expiresAtMs: now + 1000 });
    const later = testBinding("carol@example.com", 2, now, { expiresAtMs: now + 100_000 });
    await store.apply(soon.aor, [
      { op: "upsert", binding: soon },
      { op: "upsert", binding: later },
    ]);
    await store.close();
    clock.advance(1000);
    const again = await openStore();
    assert.deepEqual(again.get(soon.aor), [later]);
    assert.equal(again.contactCount, 1);
    assert.equal(rowCount(again), 1);
  });

  it("deletes swept bindings from the table", async () => {
    const store = await openStore();
    const now = clock.now();
    for (let i = 0; i < 10; i++) {
      const b = testBinding(`u${i}@example.com`, i, now, { expiresAtMs: now + (i < 6 ? 1000 : 50_000) });
      await store.apply(b.aor, [{ op: "upsert", binding: b }]);
    }
    clock.advance(1000);
    assert.equal(rowCount(store), 10);
    assert.equal(await store.sweep(), 6);
    assert.equal(rowCount(store), 4);
    assert.equal(store.contactCount, 4);
  });

  it("keeps the row of a refresh that raced the sweeper", async () => {
    const store = await openStore();
    const now = clock.now();
    const a = testBinding("tom@example.com", 1, now, { expiresAtMs: now + 1000 });
    const b = testBinding("uma@example.com", 2, now, { expiresAtMs: now + 1000 });
    await store.apply(a.aor, [{ op: "upsert", binding: a }]);
    await store.apply(b.aor, [{ op: "upsert", binding: b }]);
    clock.advance(1000);
    const ra = { ...a, expiresAtMs: clock.now() + 5000 };
    const rb = { ...b, expiresAtMs: clock.now() + 5000 };
    await Promise.all([store.apply(a.aor, [{ op: "upsert", binding: ra }]), store.sweep(), store.apply(b.aor, [{ op: "upsert", binding: rb }])]);
    await store.close();
    const again = await openStore();
    assert.deepEqual(again.get(a.aor), [ra]);
    assert.deepEqual(again.get(b.aor), [rb]);
  });

  it("refuses to open a table with a row it cannot read (LOCATION_LOAD_FAILED)", async () => {
    const store = await openStore();
    const b = testBinding("vera@example.com", 1, clock.now());
    await store.apply(b.aor, [{ op: "upsert", binding: b }]);
    store.database!.prepare("UPDATE location SET received = 'nonsense'").run();
    await store.close();
    const broken = new SqliteLocationStore({ path, clock, sweepIntervalMs: 0 });
    await assert.rejects(broken.open(), (e) => codeOf(e) === "LOCATION_LOAD_FAILED");
    await broken.close();
  });

  it("a failed commit rejects every change set of its batch and changes no memory", async () => {
    const store = await openStore();
    const now = clock.now();
    const kept = testBinding("dave@example.com", 1, now);
    await store.apply(kept.aor, [{ op: "upsert", binding: kept }]);
    store.database!.exec(`CREATE TRIGGER fail_marked BEFORE INSERT ON location WHEN NEW.contact LIKE '%fail%' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    const events: unknown[] = [];
    store.subscribe((e) => events.push(e));
    const a = testBinding("erin@example.com", 2, now);
    const bad = testBinding("frank@example.com", 3, now, { contact: "sip:fail@192.0.2.3" });
    const c = { ...kept, cseq: 2 };
    const results = await Promise.allSettled([
      store.apply(a.aor, [{ op: "upsert", binding: a }]),
      store.apply(bad.aor, [{ op: "upsert", binding: bad }]),
      store.apply(c.aor, [{ op: "upsert", binding: c }]),
    ]);
    for (const r of results) {
      assert.equal(r.status, "rejected");
      assert.equal(codeOf(r.status === "rejected" ? r.reason : undefined), "LOCATION_COMMIT_FAILED");
    }
    assert.deepEqual(store.get(a.aor), []);
    assert.deepEqual(store.get(bad.aor), []);
    assert.deepEqual(store.get(kept.aor), [kept]);
    assert.deepEqual(events, []);
    assert.equal(store.stats().failedCommits, 1);
    assert.equal(rowCount(store), 1);
    // The store carries on.
    await store.apply(a.aor, [{ op: "upsert", binding: a }]);
    assert.deepEqual(store.get(a.aor), [a]);
  });

  it("fails the batch rather than let a row of another AOR be overwritten (table and memory disagree)", async () => {
    const store = await openStore();
    const b = testBinding("ivan@example.com", 1, clock.now());
    // A row written behind the store's back under b's ruid, for another AOR.
    store.database!.prepare("INSERT INTO location (ruid, username, domain, contact, received, expires, callid, cseq, last_modified) VALUES (?, 'eve', 'example.com', 'sip:eve@x', 'udp:1.2.3.4:5060', ?, 'c', 1, 0)").run(b.ruid, b.expiresAtMs);
    await assert.rejects(store.apply(b.aor, [{ op: "upsert", binding: b }]), (e) => codeOf(e) === "LOCATION_COMMIT_FAILED" && codeOf((e as Error).cause) === "LOCATION_INVALID_CHANGE");
    assert.deepEqual(store.get(b.aor), []);
    assert.deepEqual(store.database!.prepare("SELECT username FROM location WHERE ruid = ?").get(b.ruid), { username: "eve" });
  });

  it("rejects with LOCATION_COMMIT_FAILED when the database is closed under it", async () => {
    const store = await openStore();
    const b = testBinding("gina@example.com", 1, clock.now());
    store.database!.close();
    await assert.rejects(store.apply(b.aor, [{ op: "upsert", binding: b }]), (e) => codeOf(e) === "LOCATION_COMMIT_FAILED");
    assert.deepEqual(store.get(b.aor), []);
  });

  it("group-commits 1 000 concurrent change sets in a few transactions", async () => {
    const store = await openStore({ maxBatch: 512 });
    const now = clock.now();
    const calls = 1000;
    await Promise.all(
      Array.from({ length: calls }, (_, i) => {
        const b = testBinding(`g${i}@example.com`, i, now);
        return store.apply(b.aor, [{ op: "upsert", binding: b }]);
      }),
    );
    const s = store.stats();
    assert.ok(s.commits < calls);
    assert.ok(s.commits <= 2, `1000 change sets took ${s.commits} commits`);
    assert.equal(s.changeSets, calls);
    assert.equal(s.rowsWritten, calls);
    assert.ok(s.meanBatchSize >= 500);
    assert.equal(rowCount(store), calls);
    assert.equal(store.contactCount, calls);
  });

  it("shares one database file with other tables; close() leaves a shared database open", async () => {
    const db = openDatabase(join(dir, "shared", "all.sqlite"), { synchronous: "normal" });
    try {
      const a = new SqliteLocationStore({ database: db, clock, sweepIntervalMs: 0 });
      const b = new SqliteLocationStore({ database: db, table: "location_b", clock, sweepIntervalMs: 0 });
      await a.open();
      await b.open();
      const x = testBinding("hank@example.com", 1, clock.now());
      await a.apply(x.aor, [{ op: "upsert", binding: x }]);
      assert.deepEqual(b.get(x.aor), []);
      await a.close();
      await b.close();
      assert.equal(db.open, true);
      assert.equal(rowCount(db, "location"), 1);
      assert.equal(rowCount(db, "location_b"), 0);
    } finally {
      db.close();
    }
  });

  it("needs a path or a database, and a plain table name", () => {
    assert.throws(() => new SqliteLocationStore({}), (e) => codeOf(e) === "LOCATION_BAD_OPTIONS");
    assert.throws(() => new SqliteLocationStore({ path, table: "location; DROP TABLE x" }), (e) => e instanceof StorageError && e.code === "STORAGE_BAD_NAME");
  });
});
