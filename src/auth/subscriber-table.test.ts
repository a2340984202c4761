import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { computeHA1 } from "./digest.js";
import { addSubscriber, ensureSubscriberTable, SubscriberInputError, SubscriberTable } from "./subscriber-table.js";
import { answer, challengeFor, makeEnv, REALM, requestWith } from "./test-support.js";

/** A database file in a fresh temporary directory, removed after `body`. */
function withDatabase(body: (db: Database.Database) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "sipreg-subscriber-"));
  const db = new Database(join(dir, "auth.sqlite"));
  try {
    body(db);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test("addSubscriber stores the HA1 values (Kamailio ha1/ha1b plus ha1_sha256), not the password", () => {
  withDatabase((db) => {
    ensureSubscriberTable(db);
    ensureSubscriberTable(db); // idempotent
    const id = addSubscriber(db, { username: "alice", domain: REALM, password: "secret" });
    const row = db.prepare("SELECT * FROM subscriber WHERE id = ?").get(id);
    assert.deepEqual(row, {
      id,
      username: "alice",
      domain: REALM,
      password: "",
      ha1: computeHA1("MD5", "alice", REALM, "secret"),
      ha1b: computeHA1("MD5", `alice@${REALM}`, REALM, "secret"),
      ha1_sha256: computeHA1("SHA-256", "alice", REALM, "secret"),
    });
    assert.equal(addSubscriber(db, { username: "alice", domain: REALM, password: "changed" }), id, "upsert keeps the row");
    assert.throws(() => addSubscriber(db, { username: "", domain: REALM, password: "x" }), SubscriberInputError);
    assert.throws(
      () => addSubscriber(db, { username: "bob", domain: REALM, password: "" }),
      (e: unknown) => e instanceof SubscriberInputError && e.code === "SIP_AUTH_SUBSCRIBER_INPUT",
    );
  });
});

test("the verifier authenticates MD5 and SHA-256 against the table", () => {
  withDatabase((db) => {
    const table = new SubscriberTable(db);
    addSubscriber(db, { username: "alice", domain: REALM, password: "secret" });
    const env = makeEnv({ credentials: table });
    for (const alg of ["SHA-256", "MD5"]) {
      assert.equal(env.verifier.verify(requestWith(answer(challengeFor(env, alg)))).kind, "ok", alg);
    }
    const wrong = answer(challengeFor(env, "MD5"), { account: { username: "alice", password: "nope" } });
    assert.equal((env.verifier.verify(requestWith(wrong)) as { reason?: string }).reason, "bad-response");
    const other = answer(challengeFor(env, "MD5"), { account: { username: "carol", password: "secret" } });
    assert.equal((env.verifier.verify(requestWith(other)) as { reason?: string }).reason, "unknown-user");
  });
});

test("the cache serves repeats, remembers absent users, and reload() sees changes", () => {
  withDatabase((db) => {
    const table = new SubscriberTable(db, { cacheSize: 2 });
    addSubscriber(db, { username: "alice", domain: REALM, password: "secret" });
    const first = table.lookup("alice", REALM);
    assert.equal(table.lookup("alice", REALM), first);
    assert.equal(table.lookup("bob", REALM), undefined);
    addSubscriber(db, { username: "bob", domain: REALM, password: "pw" });
    assert.equal(table.lookup("bob", REALM), undefined, "absent answer still cached");
    assert.deepEqual(table.stats(), { cached: 2, hits: 2, misses: 2 });
    table.reload();
    assert.equal(table.lookup("bob", REALM)?.ha1?.md5, computeHA1("MD5", "bob", REALM, "pw"));
    table.lookup("x", REALM);
    table.lookup("y", REALM);
    assert.equal(table.stats().cached, 2, "bounded");
    const uncached = new SubscriberTable(db, { cacheSize: 0 });
    uncached.lookup("alice", REALM);
    assert.equal(uncached.stats().cached, 0);
  });
});

test("a Kamailio table without ha1_sha256: passwords and MD5 HA1 work, bad HA1 values are ignored", () => {
  withDatabase((db) => {
    db.exec(`CREATE TABLE subscriber (
      id INTEGER PRIMARY KEY NOT NULL, username VARCHAR(64) DEFAULT '' NOT NULL, domain VARCHAR(64) DEFAULT '' NOT NULL,
      password VARCHAR(64) DEFAULT '' NOT NULL, ha1 VARCHAR(128) DEFAULT '' NOT NULL, ha1b VARCHAR(128) DEFAULT '' NOT NULL,
      CONSTRAINT subscriber_account_idx UNIQUE (username, domain))`);
    const insert = db.prepare("INSERT INTO subscriber (username, domain, password, ha1) VALUES (?, ?, ?, ?)");
    insert.run("plain", REALM, "secret", "");
    insert.run("hashed", REALM, "", computeHA1("MD5", "hashed", REALM, "secret").toUpperCase());
    insert.run("broken", REALM, "", "not-an-ha1");
    const table = new SubscriberTable(db, { createTable: false });
    const plain = table.lookup("plain", REALM);
    assert.equal(plain?.ha1?.sha256, computeHA1("SHA-256", "plain", REALM, "secret"));
    assert.equal(plain?.password, undefined, "the password is not kept in the cache");
    assert.deepEqual(table.lookup("hashed", REALM)?.ha1, { md5: computeHA1("MD5", "hashed", REALM, "secret") });
    assert.deepEqual(table.lookup("broken", REALM)?.ha1, {});

    const env = makeEnv({ credentials: table });
    for (const [user, alg, kind] of [["plain", "SHA-256", "ok"], ["hashed", "MD5", "ok"], ["hashed", "SHA-256", "invalid"], ["broken", "MD5", "invalid"]]) {
      const auth = answer(challengeFor(env, alg ?? ""), { account: { username: user ?? "", password: "secret" } });
      assert.equal(env.verifier.verify(requestWith(auth)).kind, kind, `${user} ${alg}`);
    }
    // Creating the table on such a database adds the column.
    ensureSubscriberTable(db);
    const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('subscriber')").all();
    assert.ok(columns.some((c) => c.name === "ha1_sha256"));
  });
});

test("useDomain=false finds users by name in any realm", () => {
  withDatabase((db) => {
    ensureSubscriberTable(db);
    db.prepare("INSERT INTO subscriber (username, domain, password) VALUES ('dave', 'elsewhere', 'pw')").run();
    const byName = new SubscriberTable(db, { useDomain: false });
    assert.equal(byName.lookup("dave", REALM)?.ha1?.md5, computeHA1("MD5", "dave", REALM, "pw"));
    assert.equal(new SubscriberTable(db).lookup("dave", REALM), undefined);
  });
});
