// Reads the registrar's location table (SQLite, DATA_DIR/sipreg.db) the way an operator would, to
// check what a peer's registration left behind. Column meanings: src/location/location-schema.ts.
import { existsSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

export interface LocationRow {
  ruid: string;
  username: string;
  domain: string;
  contact: string;
  /** "proto:address:port" the REGISTER came from. */
  received: string;
  natted: number;
  /** Epoch milliseconds. */
  expires: number;
  callid: string;
  cseq: number;
  last_modified: number;
  user_agent: string;
  /** Listener id, e.g. "ws:127.0.0.1:40000". */
  socket: string;
  instance: string | null;
  reg_id: number;
  connection_id: number | null;
  contact_params: string;
}

export function databasePath(dataDir: string): string {
  return join(dataDir, "sipreg.db");
}

/**
 * Every row of the location table, ordered by AOR then contact. Read-only: safe while the server runs
 * (WAL mode lets a reader see every committed transaction without blocking the writer).
 */
export function readLocation(dataDir: string): LocationRow[] {
  const path = databasePath(dataDir);
  if (!existsSync(path)) return [];
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    return db.prepare("SELECT * FROM location ORDER BY username, domain, contact").all() as LocationRow[];
  } finally {
    db.close();
  }
}

/** Rows of one AOR ("user@domain"). */
export function bindingsOf(rows: readonly LocationRow[], aor: string): LocationRow[] {
  return rows.filter((r) => `${r.username}@${r.domain}` === aor);
}
