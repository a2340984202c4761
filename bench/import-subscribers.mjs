#!/usr/bin/env node
// import-subscribers.mjs DB_FILE N DOMAIN [FIRST]
// Fills the `subscriber` table of a sipreg database with the users of the shared SIPp harness
// (../shared/bench/sipp/gen-users.sh): userNNNNNN, password "pw-"+user, in DOMAIN (the digest realm,
// = the AOR domain the harness registers, by default the target host). Uses sipreg's own
// addSubscriber (HA1 values only, no plain password), all rows in one transaction.
// Runs from the built tree: dist/src must exist (npm run build).
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const [dbFile, nText, domain, firstText] = process.argv.slice(2);
if (!dbFile || !nText || !domain) {
  console.error("usage: import-subscribers.mjs DB_FILE N DOMAIN [FIRST]");
  process.exit(2);
}
const n = Number(nText);
const first = Number(firstText ?? 1);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { openDatabase } = await import(join(root, "dist/src/storage/sqlite-database.js"));
const { ensureSubscriberTable, addSubscriber } = await import(join(root, "dist/src/auth/subscriber-table.js"));

const db = openDatabase(dbFile, { synchronous: "normal" });
ensureSubscriberTable(db);
const t0 = Date.now();
db.transaction(() => {
  for (let i = first; i < first + n; i++) {
    const username = `user${String(i).padStart(6, "0")}`;
    addSubscriber(db, { username, domain, password: `pw-${username}` });
  }
})();
const count = db.prepare("SELECT count(*) AS c FROM subscriber").get().c;
db.close();
console.error(`import-subscribers: ${n} users (${domain}) into ${dbFile} in ${Date.now() - t0} ms; table holds ${count}`);
