// The SQLite backend of the location store (Kamailio usrloc db_mode=1, write-through, but one
// transaction per batch of REGISTERs instead of one per contact).
import type { Statement } from "better-sqlite3";
import { migrate, openDatabase, type SqliteDatabase } from "../storage/sqlite-database.js";
import type { Binding } from "./binding.js";
import { LocationError } from "./errors.js";
import type { LocationBackend, LocationWrite } from "./location-backend.js";
import type { WireOp } from "./batch-wire.js";
import { bindingToRow, rowToBinding } from "./location-row.js";
import { locationSchema, selectLiveSql, upsertSql } from "./location-schema.js";

export interface SqliteBackendOptions {
  /** File to open (and close with the store); ignored when `database` is given. */
  path: string | undefined;
  /** A database shared with other modules: not closed by close(). */
  database: SqliteDatabase | undefined;
  synchronous: "full" | "normal";
  table: string;
  keepConnectionIds: boolean;
}

interface Statements {
  upsert: Statement<unknown[]>;
  remove: Statement<unknown[]>;
  purge: Statement<unknown[]>;
  touch: Statement<unknown[]>;
}

export class SqliteLocationBackend implements LocationBackend {
  private db: SqliteDatabase | undefined;
  private writeBatch: ((batch: readonly LocationWrite[]) => number) | undefined;
  private writeOps: ((ops: readonly WireOp[], missing: string[]) => number) | undefined;

  constructor(private readonly options: SqliteBackendOptions) {}

  /** The open database (for tests and for modules sharing it); undefined before load(). */
  get database(): SqliteDatabase | undefined {
    return this.db;
  }

  /** `steps` lets the writer thread open and prepare without deleting or reading (the main thread did). */
  load(nowMs: number, add: (b: Binding) => void, steps: { deleteExpired: boolean; select: boolean } = { deleteExpired: true, select: true }): void {
    const o = this.options;
    this.db = o.database ?? openDatabase(o.path ?? ":memory:", { synchronous: o.synchronous });
    try {
      this.prepareWrites(this.db);
      // Whatever expired while we were down goes without events (nobody is subscribed yet).
      if (steps.deleteExpired) this.db.prepare(`DELETE FROM ${o.table} WHERE expires <= ?`).run(nowMs);
      if (!steps.select) return;
      const select = this.db.prepare<unknown[], unknown[]>(selectLiveSql(o.table)).raw(true);
      for (const row of select.iterate(nowMs)) add(rowToBinding(row, o.keepConnectionIds));
    } catch (err) {
      this.close();
      throw err;
    }
  }

  private prepareWrites(db: SqliteDatabase): void {
    const o = this.options;
    migrate(db, `${o.table}/1`, locationSchema(o.table));
    const s: Statements = {
      upsert: db.prepare(upsertSql(o.table)),
      touch: db.prepare(`UPDATE ${o.table} SET expires = ?, cseq = ?, last_modified = ? WHERE ruid = ?`),
      remove: db.prepare(`DELETE FROM ${o.table} WHERE ruid = ?`),
      purge: db.prepare(`DELETE FROM ${o.table} WHERE ruid = ? AND expires <= ?`),
    };
    this.writeBatch = db.transaction((batch: readonly LocationWrite[]): number => {
      let rows = 0;
      for (const w of batch) {
        if (w.kind === "purge") {
          for (const ruid of w.ruids) rows += s.purge.run(ruid, w.expiredBy).changes;
          continue;
        }
        for (let k = 0; k < w.changes.length; k++) {
          const c = w.changes[k]!;
          if (c.op === "remove") {
            rows += s.remove.run(c.ruid).changes;
            continue;
          }
          if (w.refreshes?.[k] === true) {
            const b = c.binding;
            const touched = s.touch.run(b.expiresAtMs, b.cseq, b.modifiedAtMs, b.ruid).changes;
            rows += touched;
            if (touched > 0) continue; // else the row is missing: written whole below
          }
          const changed = s.upsert.run(...bindingToRow(c.binding)).changes;
          if (changed === 0) throw new LocationError("LOCATION_INVALID_CHANGE", `ruid ${c.binding.ruid} is stored for another AOR than ${c.binding.aor}`);
          rows += changed;
        }
      }
      return rows;
    });
    this.writeOps = db.transaction((ops: readonly WireOp[], missing: string[]): number => {
      let rows = 0;
      for (const op of ops) {
        if (op[0] === "p") rows += s.purge.run(op[2], op[1]).changes;
        else if (op[0] === "r") rows += s.remove.run(op[1]).changes;
        else if (op[0] === "t") {
          const touched = s.touch.run(op[1], op[2], op[3], op[4]).changes;
          if (touched === 0) missing.push(op[4] as string);
          rows += touched;
        }
        else {
          const changed = s.upsert.run(...op.slice(1)).changes;
          if (changed === 0) throw new LocationError("LOCATION_INVALID_CHANGE", `ruid ${String(op[1])} is stored for another AOR`);
          rows += changed;
        }
      }
      return rows;
    });
  }

  /**
   * Commits a batch in its wire form (batch-wire.ts), as the writer thread receives it. The ruids of
   * refreshes whose row was missing go to `missing`: the caller then writes those bindings whole.
   */
  commitOps(ops: readonly WireOp[], missing: string[] = []): number {
    if (this.writeOps === undefined) throw new LocationError("LOCATION_CLOSED", "the location database is not open");
    return this.writeOps(ops, missing);
  }

  commit(batch: readonly LocationWrite[]): number {
    if (this.writeBatch === undefined) throw new LocationError("LOCATION_CLOSED", "the location database is not open");
    return this.writeBatch(batch);
  }

  close(): void {
    const db = this.db;
    this.db = undefined;
    this.writeBatch = undefined;
    this.writeOps = undefined;
    if (db !== undefined && this.options.database === undefined && db.open) db.close();
  }
}
