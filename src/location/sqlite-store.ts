// The durable location store: memory index in front of the SQLite `location` table, group commit
// between them (Kamailio usrloc with db_mode=1, write-through, 200 only after COMMIT).
import type { SqliteDatabase } from "../storage/sqlite-database.js";
import { assertIdentifier } from "../storage/sqlite-database.js";
import { LocationError } from "./errors.js";
import { IndexedLocationStore, type LocationStoreOptions } from "./indexed-store.js";
import { WorkerSqliteBackend } from "./worker-backend.js";
import { SqliteLocationBackend } from "./sqlite-backend.js";

export interface SqliteLocationStoreOptions extends LocationStoreOptions {
  /** Database file (":memory:" for a throwaway one), opened by open() and closed by close(); its folder is created. */
  path?: string;
  /** Or a database opened with openDatabase() and shared with other modules (close() leaves it open). */
  database?: SqliteDatabase;
  /**
   * "worker": transactions (and their fsync) run in a worker thread, off the event loop (needs `path`
   * to a file); "inline" (default): on the calling thread. The server uses "worker".
   */
  writer?: "inline" | "worker";
  /** With `path`: "full" (default, survives power loss) or "normal" (survives a process crash). */
  synchronous?: "full" | "normal";
  /** Table name. Default "location". */
  table?: string;
  /**
   * Keep the connection ids read back after a restart. Default false: ids are numbered afresh by each
   * process, so a stored id would name some other client's connection; the bindings load without one.
   */
  keepConnectionIds?: boolean;
}

export class SqliteLocationStore extends IndexedLocationStore {
  private readonly sqlite: SqliteLocationBackend | undefined;

  constructor(options: SqliteLocationStoreOptions) {
    if (options.path === undefined && options.database === undefined) {
      throw new LocationError("LOCATION_BAD_OPTIONS", "SqliteLocationStore needs a path or a database (\":memory:\" for a throwaway one)");
    }
    const table = options.table ?? "location";
    assertIdentifier(table);
    const settings = {
      synchronous: options.synchronous ?? "full",
      table,
      keepConnectionIds: options.keepConnectionIds ?? false,
    } as const;
    const path = options.path;
    const useWorker = options.writer === "worker" && options.database === undefined && path !== undefined && path !== ":memory:" && path !== "";
    const backend = useWorker ? new WorkerSqliteBackend({ ...settings, path }) : new SqliteLocationBackend({ ...settings, path: options.path, database: options.database });
    // The writer thread's round trip costs ~25 µs of CPU per commit: gather for 2 ms between commits.
    super(backend, useWorker && options.commitIntervalMs === undefined ? { ...options, commitIntervalMs: 2 } : options, "immediate");
    this.sqlite = backend instanceof SqliteLocationBackend ? backend : undefined;
  }

  /** The database in use once open (to share it, or to inspect it in tests). */
  get database(): SqliteDatabase | undefined {
    return this.sqlite?.database;
  }
}
