// Accounts from a Kamailio-compatible `uacreg` table (seed 001, "Remote Registration") in the embedded
// SQLite database, so a Kamailio user can bring their rows. Columns and meaning as Kamailio 5.6:
//
//   l_uuid        → id (and the Contact user, as in Kamailio)
//   l_username    → localUser        l_domain → localDomain   (uac_reg_lookup's result)
//   r_username    → AOR user         r_domain → AOR host and registrar (REGISTER sip:r_domain)
//   realm         → realm (empty: take the challenge's)
//   auth_username → authUsername (empty: r_username)
//   auth_password → password         auth_ha1 → ha1
//   auth_proxy    → outboundProxy (where REGISTERs are sent)
//   expires       → expires (0: the default, 3600)
//   flags         → bit 0 set: loaded disabled
//   reg_delay     → regDelay         contact_addr → contactAddress   socket → socket
import { assertIdentifier, migrate, type SqliteDatabase } from "../storage/sqlite-database.js";
import type { AccountInput } from "./account.js";
import type { AccountSource } from "./account-source.js";

export interface UacregRow {
  l_uuid: string;
  l_username: string;
  l_domain: string;
  r_username: string;
  r_domain: string;
  realm: string;
  auth_username: string;
  auth_password: string;
  auth_ha1: string;
  auth_proxy: string;
  expires: number;
  flags: number;
  reg_delay: number;
  contact_addr: string;
  socket: string;
}

/** Kamailio 5.6's uacreg table, for SQLite; IF NOT EXISTS so a table brought from Kamailio is adopted. */
export function UACREG_SCHEMA(table = "uacreg"): string {
  assertIdentifier(table);
  return `CREATE TABLE IF NOT EXISTS ${table} (
  id INTEGER PRIMARY KEY NOT NULL,
  l_uuid VARCHAR(64) DEFAULT '' NOT NULL,
  l_username VARCHAR(64) DEFAULT '' NOT NULL,
  l_domain VARCHAR(64) DEFAULT '' NOT NULL,
  r_username VARCHAR(64) DEFAULT '' NOT NULL,
  r_domain VARCHAR(64) DEFAULT '' NOT NULL,
  realm VARCHAR(64) DEFAULT '' NOT NULL,
  auth_username VARCHAR(64) DEFAULT '' NOT NULL,
  auth_password VARCHAR(64) DEFAULT '' NOT NULL,
  auth_ha1 VARCHAR(128) DEFAULT '' NOT NULL,
  auth_proxy VARCHAR(255) DEFAULT '' NOT NULL,
  expires INTEGER DEFAULT 0 NOT NULL,
  flags INTEGER DEFAULT 0 NOT NULL,
  reg_delay INTEGER DEFAULT 0 NOT NULL,
  contact_addr VARCHAR(255) DEFAULT '' NOT NULL,
  socket VARCHAR(128) DEFAULT '' NOT NULL,
  CONSTRAINT ${table}_l_uuid_idx UNIQUE (l_uuid)
);`;
}

const COLUMNS: ReadonlyArray<keyof UacregRow> = ["l_uuid", "l_username", "l_domain", "r_username", "r_domain", "realm", "auth_username", "auth_password", "auth_ha1", "auth_proxy", "expires", "flags", "reg_delay", "contact_addr", "socket"];

export class UacregTable implements AccountSource {
  private readonly db: SqliteDatabase;
  private readonly table: string;

  /** Creates the table when missing (migration "uacreg/1"; "uacreg/1/<table>" for another name). */
  constructor(db: SqliteDatabase, options: { table?: string } = {}) {
    this.db = db;
    this.table = options.table ?? "uacreg";
    assertIdentifier(this.table);
    migrate(db, this.table === "uacreg" ? "uacreg/1" : `uacreg/1/${this.table}`, UACREG_SCHEMA(this.table));
  }

  loadAll(): AccountInput[] {
    const rows = this.db.prepare(`SELECT ${COLUMNS.join(", ")} FROM ${this.table} ORDER BY id`).all() as UacregRow[];
    return rows.map(uacregRowToAccount);
  }

  loadOne(id: string): AccountInput | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS.join(", ")} FROM ${this.table} WHERE l_uuid = ?`).get(id) as UacregRow | undefined;
    return row === undefined ? undefined : uacregRowToAccount(row);
  }

  /** Inserts or replaces (by l_uuid) a row; unset columns take the table's defaults. */
  upsert(row: Partial<UacregRow> & Pick<UacregRow, "l_uuid" | "r_username" | "r_domain">): void {
    const cols = COLUMNS.filter((c) => row[c] !== undefined);
    const sql = `INSERT INTO ${this.table} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")}) ON CONFLICT (l_uuid) DO UPDATE SET ${cols.map((c) => `${c} = excluded.${c}`).join(", ")}`;
    this.db.prepare(sql).run(...cols.map((c) => row[c]));
  }

  delete(lUuid: string): boolean {
    return this.db.prepare(`DELETE FROM ${this.table} WHERE l_uuid = ?`).run(lUuid).changes > 0;
  }
}

/** One uacreg row as an account (see the mapping at the top). */
export function uacregRowToAccount(r: UacregRow): AccountInput {
  const text = (v: unknown): string => (typeof v === "string" ? v.trim() : v === null || v === undefined ? "" : String(v));
  const num = (v: unknown): number => (typeof v === "number" ? v : Number(text(v)) || 0);
  const uuid = text(r.l_uuid);
  const rUser = text(r.r_username);
  const rDomain = text(r.r_domain);
  // Rows missing l_uuid, r_username or r_domain come out as accounts resolveAccount refuses, so a reload reports them.
  const input: AccountInput = {
    id: uuid,
    aor: `sip:${rUser}@${rDomain}`,
    registrar: `sip:${rDomain}`,
    enabled: (num(r.flags) & 1) === 0,
  };
  const optional: Array<[keyof AccountInput, string]> = [
    ["localUser", text(r.l_username)],
    ["localDomain", text(r.l_domain)],
    ["realm", text(r.realm)],
    ["authUsername", text(r.auth_username)],
    ["password", text(r.auth_password)],
    ["ha1", text(r.auth_ha1)],
    ["outboundProxy", text(r.auth_proxy)],
    ["contactAddress", text(r.contact_addr)],
    ["socket", text(r.socket)],
  ];
  for (const [k, v] of optional) if (v !== "") (input as unknown as Record<string, unknown>)[k] = v;
  const expires = num(r.expires);
  if (expires > 0) input.expires = expires;
  const delay = num(r.reg_delay);
  if (delay > 0) input.regDelay = delay;
  return input;
}
