// A CredentialSource over a SQLite `subscriber` table laid out like Kamailio's (auth_db module), so an
// existing subscriber list can be copied over, plus one column for SHA-256 (RFC 7616 §3.4.2, RFC 8760).
//
// Columns (all text, '' meaning "none", as Kamailio writes them):
//   id          integer primary key                      not read
//   username    user part; with domain, unique           matched exactly
//   domain      the realm the HA1 values were computed in matched exactly against the realm
//   password    plain password (Kamailio's calculate_ha1 mode), optional: used only where no HA1 fits
//   ha1         MD5(username ":" domain ":" password)    MD5 and MD5-sess
//   ha1b        MD5(username "@" domain ":" domain ":" password), for clients sending user@domain: not read
//   ha1_sha256  SHA-256(username ":" domain ":" password)   SHA-256 and SHA-256-sess (not in Kamailio)
import type Database from "better-sqlite3";
import { SipregError } from "../util/errors.js";
import { MD5, SHA_256 } from "./algorithms.js";
import { AuthConfigError } from "./auth-config-error.js";
import type { CredentialSource, StoredCredentials } from "./credential-source.js";
import { computeHA1 } from "./digest.js";
import { deriveHa1Set, type Ha1Set, isHa1Shaped } from "./ha1.js";

export type SqliteDatabase = Database.Database;

/** Bad input to addSubscriber (never carries the password). */
export class SubscriberInputError extends SipregError {
  constructor(message: string) {
    super("SIP_AUTH_SUBSCRIBER_INPUT", message);
  }
}

/** Creates the table and its indexes when missing; adds ha1_sha256 to a table copied from Kamailio. */
export function ensureSubscriberTable(db: SqliteDatabase): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS subscriber (
      id INTEGER PRIMARY KEY NOT NULL,
      username VARCHAR(64) NOT NULL DEFAULT '',
      domain VARCHAR(64) NOT NULL DEFAULT '',
      password VARCHAR(64) NOT NULL DEFAULT '',
      ha1 VARCHAR(128) NOT NULL DEFAULT '',
      ha1b VARCHAR(128) NOT NULL DEFAULT '',
      ha1_sha256 VARCHAR(128) NOT NULL DEFAULT '',
      CONSTRAINT subscriber_account_idx UNIQUE (username, domain)
    );
    CREATE INDEX IF NOT EXISTS subscriber_username_idx ON subscriber (username);
  `);
  if (!hasColumn(db, "ha1_sha256")) {
    db.exec("ALTER TABLE subscriber ADD COLUMN ha1_sha256 VARCHAR(128) NOT NULL DEFAULT ''");
  }
}

function hasColumn(db: SqliteDatabase, column: string): boolean {
  const rows = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('subscriber')").all();
  return rows.some((r) => r.name === column);
}

export interface NewSubscriber {
  username: string;
  domain: string;
  password: string;
}

/**
 * Inserts or replaces a subscriber, storing its HA1 values (ha1, ha1b, ha1_sha256) and not the
 * password. Returns the row id. The table must exist (ensureSubscriberTable). A SubscriberTable
 * reading the same database needs reload() to see the change.
 */
export function addSubscriber(db: SqliteDatabase, subscriber: NewSubscriber): number {
  const { username, domain, password } = subscriber;
  if (username.length === 0) throw new SubscriberInputError("username is empty");
  if (domain.length === 0) throw new SubscriberInputError(`subscriber "${username}": domain is empty`);
  if (password.length === 0) throw new SubscriberInputError(`subscriber "${username}@${domain}": password is empty`);
  const row = db
    .prepare<[string, string, string, string, string], { id: number }>(
      `INSERT INTO subscriber (username, domain, password, ha1, ha1b, ha1_sha256) VALUES (?, ?, '', ?, ?, ?)
       ON CONFLICT (username, domain) DO UPDATE SET
         password = '', ha1 = excluded.ha1, ha1b = excluded.ha1b, ha1_sha256 = excluded.ha1_sha256
       RETURNING id`,
    )
    .get(
      username,
      domain,
      computeHA1(MD5, username, domain, password),
      computeHA1(MD5, `${username}@${domain}`, domain, password),
      computeHA1(SHA_256, username, domain, password),
    );
  if (row === undefined) throw new SubscriberInputError(`subscriber "${username}@${domain}" was not stored`);
  return row.id;
}

export interface SubscriberTableOptions {
  /**
   * Match the domain column against the realm (default true). false looks users up by name alone,
   * like Kamailio's use_domain=0, for single-domain installations.
   */
  useDomain?: boolean;
  /** Most lookups (found or not) kept in memory (default 200 000, ~25 MB); 0 disables the cache. */
  cacheSize?: number;
  /** Run ensureSubscriberTable first (default true); false for a read-only copy of Kamailio's table. */
  createTable?: boolean;
}

interface SubscriberRow {
  username: string;
  domain: string;
  password: string | null;
  ha1: string | null;
  ha1_sha256: string | null;
}

/**
 * Lookups through a cache of what the table held: found and absent users alike (so a flood of
 * unknown names reaches SQLite once per name), first in first out when full. Call reload() after the
 * table changed. A row with a password gets its missing HA1 values derived once, into the cache
 * only; the password itself is not cached.
 */
export class SubscriberTable implements CredentialSource {
  private readonly select: Database.Statement<string[], SubscriberRow>;
  private readonly cache = new Map<string, StoredCredentials | null>();
  private readonly cacheSize: number;
  private readonly useDomain: boolean;
  private hits = 0;
  private misses = 0;

  constructor(db: SqliteDatabase, options: SubscriberTableOptions = {}) {
    if (options.createTable ?? true) ensureSubscriberTable(db);
    const cacheSize = options.cacheSize ?? 200_000;
    if (!Number.isInteger(cacheSize) || cacheSize < 0) throw new AuthConfigError("subscriber cacheSize must be an integer >= 0");
    this.cacheSize = cacheSize;
    this.useDomain = options.useDomain ?? true;
    // A table copied from Kamailio may lack ha1_sha256: SHA-256 then works from passwords only.
    const sha256 = hasColumn(db, "ha1_sha256") ? "ha1_sha256" : "'' AS ha1_sha256";
    const where = this.useDomain ? "username = ? AND domain = ?" : "username = ?";
    this.select = db.prepare<string[], SubscriberRow>(
      `SELECT username, domain, password, ha1, ${sha256} FROM subscriber WHERE ${where} LIMIT 1`,
    );
  }

  lookup(username: string, realm: string): StoredCredentials | undefined {
    const key = `${realm}\u0000${username}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      this.hits++;
      return cached ?? undefined;
    }
    this.misses++;
    const row = this.useDomain ? this.select.get(username, realm) : this.select.get(username);
    const found = row === undefined ? null : toCredentials(row, realm);
    if (this.cacheSize > 0) {
      if (this.cache.size >= this.cacheSize) {
        const oldest = this.cache.keys().next();
        if (oldest.done !== true) this.cache.delete(oldest.value);
      }
      this.cache.set(key, found);
    }
    return found ?? undefined;
  }

  /** Forgets everything cached: the next lookups read the table again. */
  reload(): void {
    this.cache.clear();
  }

  stats(): { cached: number; hits: number; misses: number } {
    return { cached: this.cache.size, hits: this.hits, misses: this.misses };
  }
}

/**
 * The row as StoredCredentials: HA1 columns of the wrong shape are ignored (they could never match),
 * hex is lower-cased, and a password fills in the HA1 values the row lacks, computed in `realm`.
 */
function toCredentials(row: SubscriberRow, realm: string): StoredCredentials {
  const ha1: Ha1Set = {};
  if (row.ha1 !== null && isHa1Shaped(row.ha1, MD5.hash)) ha1.md5 = row.ha1.toLowerCase();
  if (row.ha1_sha256 !== null && isHa1Shaped(row.ha1_sha256, SHA_256.hash)) ha1.sha256 = row.ha1_sha256.toLowerCase();
  const creds: StoredCredentials = { username: row.username, domain: row.domain, ha1 };
  if (row.password !== null && row.password.length > 0) {
    const derived = deriveHa1Set(row.username, realm, row.password);
    ha1.md5 ??= derived.md5;
    ha1.sha256 ??= derived.sha256;
    ha1.sha512_256 = derived.sha512_256;
    // Every HA1 is now there, so the password itself is not kept in the cache.
  }
  return Object.freeze(creds);
}
