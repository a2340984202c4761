// "A 200 OK means the binding is durable": thousands of distinct AORs register over UDP at
// `sipreg serve --data DIR`; the server is killed with SIGKILL while it still has REGISTERs in hand,
// restarted on the same folder, and every AOR whose REGISTER got a 200 must be served again by the
// new process (a query lists its contact) and be in the database. And the converse: bindings that
// expired while the server was down do not come back.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { startServe, type ServeProcess } from "../support/serve-process.js";
import { RegisterClient } from "../support/register-client.js";
import { makeTempDir, waitUntil } from "../support/temp-dir.js";
import { readLocation } from "../support/location-db.js";

const DOMAIN = "durable.test";

function kill9(srv: ServeProcess | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (srv === undefined || srv.child.exitCode !== null || srv.child.signalCode !== null) return resolve();
    srv.child.once("exit", () => resolve());
    srv.child.kill("SIGKILL");
  });
}

/** The `contacts` figure of the "location database loaded" log line. */
function loadedContacts(srv: ServeProcess): number {
  for (const line of srv.output().split("\n")) {
    if (!line.includes("location database loaded")) continue;
    const entry = JSON.parse(line) as { msg?: string; contacts?: unknown };
    if (entry.msg === "location database loaded" && typeof entry.contacts === "number") return entry.contacts;
  }
  assert.fail(`no "location database loaded" log line with a contacts count:\n${srv.output()}`);
}

/** Queries every user (REGISTER without Contact) and returns each one's 200 contacts; retries losses. */
async function queryAll(client: RegisterClient, port: number, users: readonly string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  let pending = [...users];
  for (let round = 0; round < 4 && pending.length > 0; round++) {
    const sent = new Map<string, string>();
    for (let i = 0; i < pending.length; i += 100) {
      for (const user of pending.slice(i, i + 100)) sent.set(user, await client.send(port, { user, domain: DOMAIN }));
      await client.settle(pending.slice(i, i + 100).map((u) => sent.get(u)!), 2000);
    }
    for (const [user, callId] of sent) {
      const r = client.response(callId);
      if (r === undefined) continue;
      assert.equal(r.status, 200, r.text);
      result.set(user, r.contacts);
    }
    pending = pending.filter((u) => !result.has(u));
  }
  assert.deepEqual(pending, [], "queries never answered");
  return result;
}

describe("bindings survive a crash of sipreg serve", () => {
  it("every REGISTER answered 200 before a kill -9 is there after the restart", { timeout: 60_000 }, async (t) => {
    const N = 2000;
    const tmp = makeTempDir("durability");
    const data = tmp.join("data");
    const client = await RegisterClient.open();
    let srv: ServeProcess | undefined;
    try {
      srv = await startServe(["--listen", "udp:127.0.0.1:0", "--data", data]);
      const first = srv;
      const port = srv.ports.get("udp:127.0.0.1")!;
      const users = Array.from({ length: N }, (_, i) => `dur${i}`);
      const contactOf = (u: string): string => `sip:${u}@127.0.0.1:${client.port}`;
      const callIds = new Map<string, string>();
      const killAt = Math.floor(N / 3);
      let killed: Promise<void> | undefined;
      let sentAtKill = 0;
      let answeredAtKill = 0;

      // Send in bursts of 50 and pull the plug once a third has been answered, right after a burst:
      // REGISTERs are then sent and not yet answered (in the socket buffer, being checked, or in a
      // group commit).
      for (let i = 0; i < N && killed === undefined; i += 50) {
        for (const user of users.slice(i, i + 50)) callIds.set(user, await client.send(port, { user, domain: DOMAIN, contact: contactOf(user), expires: 3600 }));
        // Right after a burst, before its 200s can have come (each needs a commit): kill if enough.
        if (client.count(callIds.values(), 200) >= killAt) {
          sentAtKill = callIds.size;
          answeredAtKill = client.count(callIds.values(), 200);
          killed = kill9(first);
        } else {
          await new Promise((r) => setTimeout(r, 2));
        }
      }
      if (killed === undefined) {
        // Everything sent before a third was answered: kill as soon as it is.
        await waitUntil("a third of the 200s", () => (client.count(callIds.values(), 200) >= killAt ? true : undefined), 20_000, 1);
        sentAtKill = callIds.size;
        answeredAtKill = client.count(callIds.values(), 200);
        killed = kill9(first);
      }
      await killed;
      assert.equal(first.child.signalCode, "SIGKILL");
      await new Promise((r) => setTimeout(r, 100)); // datagrams already in our socket buffer
      const acked = users.filter((u) => callIds.has(u) && client.response(callIds.get(u)!)?.status === 200);
      assert.ok(acked.length >= killAt, `${acked.length} acknowledged`);
      assert.ok(answeredAtKill < sentAtKill, `REGISTERs were in flight at the kill (${answeredAtKill} answered of ${sentAtKill} sent)`);
      assert.ok(acked.length < callIds.size, `the kill cut processing short: ${acked.length} of ${callIds.size} answered`);
      for (const user of acked) assert.equal(client.response(callIds.get(user)!)!.contacts.length, 1);

      const second = await startServe(["--listen", "udp:127.0.0.1:0", "--data", data]);
      srv = second;
      t.diagnostic(`at the kill: ${sentAtKill} sent, ${answeredAtKill} answered; in the end ${acked.length} answered 200; restart loaded ${loadedContacts(second)} contacts`);
      const port2 = second.ports.get("udp:127.0.0.1")!;
      assert.ok(loadedContacts(second) >= acked.length, `loaded ${loadedContacts(second)} contacts, ${acked.length} were acknowledged`);

      // The restarted registrar serves every acknowledged binding...
      const listed = await queryAll(client, port2, acked);
      const lost = acked.filter((u) => !(listed.get(u) ?? []).some((c) => c.startsWith(`<${contactOf(u)}>;expires=`)));
      assert.deepEqual(lost.slice(0, 20), [], `${lost.length} of ${acked.length} acknowledged bindings lost`);

      // ...and they are in the database, with their expiry.
      const rows = readLocation(data);
      const stored = new Set(rows.map((r) => `${r.username}@${r.domain}|${r.contact}`));
      const missing = acked.filter((u) => !stored.has(`${u}@${DOMAIN}|${contactOf(u)}`));
      assert.deepEqual(missing.slice(0, 20), [], `${missing.length} acknowledged bindings not in the database`);
      assert.ok(rows.every((r) => r.expires > Date.now() + 3_500_000));
    } finally {
      client.close();
      await kill9(srv);
      tmp.remove();
    }
  });

  it("bindings that expired while the server was down do not come back", { timeout: 30_000 }, async () => {
    const tmp = makeTempDir("durability-expiry");
    const data = tmp.join("data");
    const config = tmp.join("sipreg.yaml");
    writeFileSync(config, "registrar:\n  min_expires: 1\n");
    const client = await RegisterClient.open();
    let srv: ServeProcess | undefined;
    try {
      srv = await startServe(["--config", config, "--listen", "udp:127.0.0.1:0", "--data", data]);
      const port = srv.ports.get("udp:127.0.0.1")!;
      const short = Array.from({ length: 20 }, (_, i) => `short${i}`);
      const long = Array.from({ length: 5 }, (_, i) => `long${i}`);
      const contactOf = (u: string): string => `sip:${u}@127.0.0.1:${client.port}`;
      const ids = [
        ...(await Promise.all(short.map((user) => client.send(port, { user, domain: DOMAIN, contact: contactOf(user), expires: 2 })))),
        ...(await Promise.all(long.map((user) => client.send(port, { user, domain: DOMAIN, contact: contactOf(user), expires: 3600 })))),
      ];
      assert.deepEqual(await client.settle(ids, 5000), []);
      assert.equal(client.count(ids, 200), ids.length);
      const registeredAt = Date.now();
      // Killed at once: the server has no chance to expire anything itself.
      await kill9(srv);
      assert.equal(readLocation(data).length, short.length + long.length, "all were durable");

      await new Promise((r) => setTimeout(r, Math.max(0, registeredAt + 2500 - Date.now())));
      const restarted = await startServe(["--config", config, "--listen", "udp:127.0.0.1:0", "--data", data]);
      srv = restarted;
      assert.equal(loadedContacts(restarted), long.length, "only the unexpired bindings are loaded");
      const listed = await queryAll(client, restarted.ports.get("udp:127.0.0.1")!, [...short, ...long]);
      for (const u of short) assert.deepEqual(listed.get(u), [], `${u} expired: the query lists no contact`);
      for (const u of long) {
        const contacts = listed.get(u)!;
        assert.equal(contacts.length, 1);
        assert.match(contacts[0]!, new RegExp(`^<${contactOf(u)}>;expires=(\\d+)`));
      }
    } finally {
      client.close();
      await kill9(srv);
      tmp.remove();
    }
  });
});
