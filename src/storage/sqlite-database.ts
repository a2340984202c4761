// Opens the SQLite file every durable module shares (location, subscribers, uacreg): WAL journal so
// readers never block the writer, a busy timeout so a second process waits instead of failing with
// SQLITE_BUSY (the Kamailio 5.6 db_sqlite pitfall), and the caller's durability level.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { systemClock, type Clock } from "../util/clock.js";
import { StorageError } from "./errors.js";

export type SqliteDatabase = Database.Database;

export interface OpenDatabaseOptions {
  /**
   * "full": every COMMIT is fsynced (survives power loss). "normal": in WAL mode a COMMIT survives a
   * process crash, the last ones may be lost on power loss (SQLite docs, "PRAGMA synchronous").
   */
  synchronous: "full" | "normal";
  /** How long a statement waits for another connection's lock before SQLITE_BUSY (ms). Default 5000. */
  busyTimeoutMs?: number;
}

/** Opens (creating the file and its folder if needed) a database configured for sipreg. ":memory:" works too. */
export function openDatabase(path: string, options: OpenDatabaseOptions): SqliteDatabase {
  const inMemory = path === ":memory:" || path === "";
  let db: SqliteDatabase;
  try {
    if (!inMemory) mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
  } catch (err) {
    throw new StorageError("STORAGE_OPEN_FAILED", `cannot open database ${path}: ${String(err)}`, { cause: err });
  }
  try {
    if (!inMemory) {
      const mode = db.pragma("journal_mode = WAL", { simple: true });
      if (String(mode).toLowerCase() !== "wal") throw new Error(`journal_mode is ${String(mode)}, not wal`);
    }
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    db.pragma(`synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
    db.pragma("foreign_keys = ON");
  } catch (err) {
    db.close();
    throw new StorageError("STORAGE_OPEN_FAILED", `cannot configure database ${path}: ${String(err)}`, { cause: err });
  }
  return db;
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const IDENTIFIER_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws unless `name` can be spliced into SQL as a table or column name. */
export function assertIdentifier(name: string): void {
  if (!IDENTIFIER_RE.test(name)) throw new StorageError("STORAGE_BAD_NAME", `"${name}" is not a plain SQL identifier`);
}

/**
 * Runs `sql` once per database under the migration `name` (e.g. "location/1"), recorded in the
 * `schema_migrations` table; returns true when it ran now. The script and its record commit together,
 * in an IMMEDIATE transaction, so two processes opening the same file at once do not both run it.
 * Write scripts with IF NOT EXISTS so a table created by hand is adopted, not an error.
 */
export function migrate(db: SqliteDatabase, name: string, sql: string, clock: Clock = systemClock): boolean {
  if (!NAME_RE.test(name)) throw new StorageError("STORAGE_BAD_NAME", `bad migration name "${name}"`);
  try {
    db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at_ms INTEGER NOT NULL)");
    const run = db.transaction((): boolean => {
      if (db.prepare("SELECT 1 FROM schema_migrations WHERE name = ?").get(name) !== undefined) return false;
      db.exec(sql);
      db.prepare("INSERT INTO schema_migrations (name, applied_at_ms) VALUES (?, ?)").run(name, clock.now());
      return true;
    });
    return run.immediate();
  } catch (err) {
    throw new StorageError("STORAGE_MIGRATION_FAILED", `migration ${name} failed: ${String(err)}`, { cause: err });
  }
}
