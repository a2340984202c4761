// The `location` table: Kamailio usrloc's columns (kamailio/utils/kamctl/*/usrloc-create.sql) under the
// same names, with these differences, all so a row round-trips a Binding exactly:
//   expires, last_modified  epoch milliseconds (INTEGER), not DATETIME
//   q                       REAL 0..1, -1 when the contact gave none (Kamailio's Q_UNSPECIFIED)
//   received                where the REGISTER came from, "proto:address:port" (IPv6 in brackets),
//                           always set; `natted` says whether lookup must use it (Kamailio leaves
//                           received empty when it is not needed)
//   path                    Path values (RFC 3327) joined by "," as Kamailio does; NULL when none
//   methods                 accepted methods joined by "," (Kamailio: a bit mask); NULL = all
//   socket                  the listener id ("udp:192.0.2.1:5060", as Kamailio writes it)
//   connection_id           the flow's connection (per process: see keepConnectionIds)
//   contact_params, natted  ours (the Contact parameters to echo; NAT flag)
// Kamailio's server_id, keepalive and partition are not used. Indexes: ruid (unique) and (username,
// domain) like Kamailio's account index; no expires index: every refresh would rewrite it, and the
// running store deletes expired rows by ruid (only open() scans by expiry).
import { assertIdentifier } from "../storage/sqlite-database.js";

/** Columns in the order bindingToRow() produces them. */
export const LOCATION_COLUMNS = [
  "ruid",
  "username",
  "domain",
  "contact",
  "received",
  "natted",
  "path",
  "expires",
  "q",
  "callid",
  "cseq",
  "last_modified",
  "flags",
  "cflags",
  "user_agent",
  "socket",
  "methods",
  "instance",
  "reg_id",
  "connection_id",
  "contact_params",
] as const;

export function locationSchema(table: string): string {
  assertIdentifier(table);
  return `
CREATE TABLE IF NOT EXISTS ${table} (
  id INTEGER PRIMARY KEY,
  ruid TEXT NOT NULL UNIQUE,
  username TEXT NOT NULL,
  domain TEXT NOT NULL,
  contact TEXT NOT NULL,
  received TEXT NOT NULL,
  natted INTEGER NOT NULL DEFAULT 0,
  path TEXT,
  expires INTEGER NOT NULL,
  q REAL NOT NULL DEFAULT -1,
  callid TEXT NOT NULL,
  cseq INTEGER NOT NULL,
  last_modified INTEGER NOT NULL,
  flags INTEGER NOT NULL DEFAULT 0,
  cflags INTEGER NOT NULL DEFAULT 0,
  user_agent TEXT NOT NULL DEFAULT '',
  socket TEXT NOT NULL DEFAULT '',
  methods TEXT,
  instance TEXT,
  reg_id INTEGER NOT NULL DEFAULT 0,
  connection_id INTEGER,
  contact_params TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS ${table}_account ON ${table} (username, domain);
`;
}

/**
 * Insert or update by ruid. The update leaves username and domain alone (so the account index is not
 * rewritten on every refresh) and does nothing when the row belongs to another AOR: the statement then
 * reports 0 changes and the backend fails the batch rather than let table and memory disagree.
 */
export function upsertSql(table: string): string {
  assertIdentifier(table);
  const cols = LOCATION_COLUMNS.join(", ");
  const marks = LOCATION_COLUMNS.map(() => "?").join(", ");
  const updates = LOCATION_COLUMNS.filter((c) => c !== "ruid" && c !== "username" && c !== "domain")
    .map((c) => `${c} = excluded.${c}`)
    .join(", ");
  return `INSERT INTO ${table} (${cols}) VALUES (${marks}) ON CONFLICT (ruid) DO UPDATE SET ${updates} WHERE username = excluded.username AND domain = excluded.domain`;
}

export function selectLiveSql(table: string): string {
  assertIdentifier(table);
  return `SELECT ${LOCATION_COLUMNS.join(", ")} FROM ${table} WHERE expires > ? ORDER BY id`;
}
