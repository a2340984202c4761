import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../util/clock.js";
import { StorageError } from "./errors.js";
import { assertIdentifier, migrate, openDatabase, type SqliteDatabase } from "./sqlite-database.js";

function codeOf(err: unknown): string | undefined {
  return err instanceof StorageError ? err.code : undefined;
}

describe("openDatabase", () => {
  let dir = "";
  const opened: SqliteDatabase[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sipreg-storage-"));
  });
  afterEach(() => {
    for (const db of opened.splice(0)) if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (path: string, synchronous: "full" | "normal"): SqliteDatabase => {
    const db = openDatabase(path, { synchronous, busyTimeoutMs: 1234 });
    opened.push(db);
    return db;
  };

  it("creates the folder and configures WAL, busy timeout, synchronous and foreign keys", () => {
    const path = join(dir, "a", "b", "sipreg.sqlite");
    const db = open(path, "full");
    assert.ok(existsSync(path));
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(db.pragma("busy_timeout", { simple: true }), 1234);
    assert.equal(db.pragma("synchronous", { simple: true }), 2);
    assert.equal(db.pragma("foreign_keys", { simple: true }), 1);
    assert.equal(open(join(dir, "n.sqlite"), "normal").pragma("synchronous", { simple: true }), 1);
  });

  it("opens :memory: databases", () => {
    const db = open(":memory:", "normal");
    assert.equal(db.prepare("SELECT 1 AS one").get() !== undefined, true);
  });

  it("reports a path it cannot open as STORAGE_OPEN_FAILED", () => {
    const file = join(dir, "file");
    open(file, "normal");
    assert.throws(() => openDatabase(join(file, "below", "x.sqlite"), { synchronous: "normal" }), (e) => codeOf(e) === "STORAGE_OPEN_FAILED");
  });

  it("runs a migration once per database, recording it", () => {
    const path = join(dir, "m.sqlite");
    const clock = new ManualClock(42);
    const db = open(path, "normal");
    const sql = "CREATE TABLE IF NOT EXISTS subscriber (id INTEGER PRIMARY KEY, username TEXT NOT NULL); INSERT INTO subscriber (username) VALUES ('seed');";
    assert.equal(migrate(db, "subscriber/1", sql, clock), true);
    assert.equal(migrate(db, "subscriber/1", sql, clock), false);
    db.close();
    const again = open(path, "normal");
    assert.equal(migrate(again, "subscriber/1", sql, clock), false);
    assert.deepEqual(again.prepare("SELECT count(*) AS n FROM subscriber").get(), { n: 1 });
    assert.deepEqual(again.prepare("SELECT name, applied_at_ms FROM schema_migrations").all(), [{ name: "subscriber/1", applied_at_ms: 42 }]);
  });

  it("rolls a failing migration back and lets it run again", () => {
    const db = open(join(dir, "f.sqlite"), "normal");
    assert.throws(() => migrate(db, "broken/1", "CREATE TABLE t1 (a); CREATE TABLE oops ("), (e) => codeOf(e) === "STORAGE_MIGRATION_FAILED");
    assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 't1'").get(), undefined);
    assert.equal(migrate(db, "broken/1", "CREATE TABLE t1 (a)"), true);
  });

  it("refuses names that are not plain identifiers", () => {
    const db = open(":memory:", "normal");
    assert.throws(() => migrate(db, "x; DROP TABLE y", "SELECT 1"), (e) => codeOf(e) === "STORAGE_BAD_NAME");
    assert.throws(() => assertIdentifier("a b"), (e) => codeOf(e) === "STORAGE_BAD_NAME");
    assertIdentifier("location_2");
  });
});
