// The registrant against sipreg's own registrar (src/registrar, digest auth, memory location store),
// both in this process on loopback UDP, in real time (short delays).
import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigCredentialSource, type ConfigUser } from "../auth/config-credentials.js";
import { MemoryLocationStore } from "../location/memory-store.js";
import { DigestAuthenticator } from "../registrar/digest-authenticator.js";
import { Registrar } from "../registrar/registrar.js";
import { SipStack } from "../stack/sip-stack.js";
import { Registrant, type RegistrantEvent } from "./registrant.js";
import { StaticAccountSource, UacregTable, type AccountSource } from "./account-source.js";
import { openDatabase } from "../storage/sqlite-database.js";
import type { AccountInput } from "./account.js";
import type { RegistrantSettings } from "./settings.js";
import { RegistrantError } from "./errors.js";
import { until } from "../../test/support/temp-dir.js";

interface World {
  store: MemoryLocationStore;
  server: SipStack;
  client: SipStack;
  registrarUri: string;
  registrant: Registrant;
  events: RegistrantEvent[];
  close(): Promise<void>;
}

async function world(users: ConfigUser[], settings: Partial<RegistrantSettings> = {}, source?: AccountSource): Promise<World> {
  const store = new MemoryLocationStore({ sweepIntervalMs: 0 });
  await store.open();
  const auth = new DigestAuthenticator({ credentials: new ConfigCredentialSource(users) });
  const registrar = new Registrar({ store, auth, settings: { minExpires: 60 } });
  const server = new SipStack({ listen: [{ protocol: "udp", host: "127.0.0.1", port: 0 }], user: registrar.transactionUser() });
  const [l] = await server.start();
  const client = new SipStack({ listen: [{ protocol: "udp", host: "127.0.0.1", port: 0 }] });
  await client.start();
  const registrant = new Registrant({
    stack: client,
    settings: { maxRandomInitialDelaySec: 0.3, timerGranularityMs: 50, maxRegistersPerSecond: 5000, ...settings },
    ...(source === undefined ? {} : { source }),
  });
  const events: RegistrantEvent[] = [];
  registrant.onEvent((e) => events.push(e));
  return {
    store,
    server,
    client,
    registrarUri: `sip:127.0.0.1:${l!.local.port}`,
    registrant,
    events,
    async close() {
      await registrant.stop({ unregister: false });
      await client.stop();
      await server.stop();
      registrar.close();
      await store.close();
    },
  };
}

const users = (n: number): ConfigUser[] => Array.from({ length: n }, (_, i) => ({ username: `user${i}`, domain: "example.com", password: `pw-${i}` }));
const account = (w: World, i: number, more: Partial<AccountInput> = {}): AccountInput => ({ id: `acc-${i}`, aor: `sip:user${i}@example.com`, registrar: w.registrarUri, password: `pw-${i}`, ...more });

test("N accounts register with digest, their bindings appear, disabling one removes its binding, stop unregisters the rest", async () => {
  const n = 200;
  const w = await world(users(n));
  try {
    for (let i = 0; i < n; i++) w.registrant.add(account(w, i));
    assert.equal(w.registrant.counters().regtotal, n);
    w.registrant.start();
    await until(() => w.registrant.counters().regactive === n, "all accounts registered", 5000);
    const port = w.client.listeners()[0]!.local.port;
    for (let i = 0; i < n; i++) {
      const b = w.store.get(`user${i}@example.com`);
      assert.equal(b.length, 1, `binding of user${i}`);
      assert.equal(b[0]!.contact, `sip:acc-${i}@127.0.0.1:${port}`);
    }
    const c = w.registrant.counters();
    assert.equal(c.challengesAnswered, n);
    assert.equal(c.registersSent, 2 * n);
    assert.equal(c.registered, n);
    // Each account went NOT_REGISTERED → REGISTERING → AUTHENTICATING → REGISTERED.
    const path = w.events.filter((e) => e.type === "state" && e.id === "acc-7").map((e) => (e.type === "state" ? e.to : ""));
    assert.deepEqual(path, ["REGISTERING", "AUTHENTICATING", "REGISTERED"]);
    const info = w.registrant.info("r_username", "user7")!;
    assert.equal(info.state, "REGISTERED");
    assert.equal(info.flags, 4 | 16);
    assert.equal(info.status, 1);
    assert.equal(info.registeredAt, `udp:${w.registrarUri.slice(4)}`);
    // The first refresh: in [0.1, 1] × (3600 − 60) s (firstRefreshSpread 0.9).
    assert.ok(info.nextActionAt! > Date.now() + 350_000 && info.nextActionAt! < Date.now() + 3_541_000);
    assert.equal(w.registrant.status("acc-7"), 1);
    assert.equal(w.registrant.lookup("acc-7"), "sip:acc-7@example.com");
    assert.equal(w.registrant.requestTo("acc-7", 0)?.auth.password, "pw-7");

    assert.equal(w.registrant.disable("l_uuid", "acc-0"), 1);
    await until(() => w.store.get("user0@example.com").length === 0, "binding of user0 removed", 3000);
    assert.equal(w.registrant.status("acc-0"), -3);
    assert.equal(w.registrant.counters().regdisabled, 1);
    assert.equal(w.registrant.counters().regactive, n - 1);

    await w.registrant.stop();
    assert.equal(w.store.contactCount, 0, "every binding removed at shutdown");
  } finally {
    await w.close();
  }
});

test("423 from the registrar: the account asks again with Min-Expires and is bound for it", async () => {
  const w = await world(users(1));
  try {
    w.registrant.add(account(w, 0, { expires: 30 }));
    w.registrant.start();
    await until(() => w.registrant.status("acc-0") === 1, "registered", 3000);
    const b = w.store.get("user0@example.com")[0]!;
    assert.ok(b.expiresAtMs - Date.now() > 55_000 && b.expiresAtMs - Date.now() <= 60_000);
    assert.equal(w.registrant.get("acc-0")?.expires, 60);
  } finally {
    await w.close();
  }
});

test("a wrong password ends in WRONG_CREDENTIALS after one more answer to the registrar's new nonce", async () => {
  const w = await world(users(1));
  try {
    w.registrant.add(account(w, 0, { password: "wrong" }));
    w.registrant.start();
    await until(() => w.registrant.get("acc-0")?.state === "WRONG_CREDENTIALS", "wrong credentials", 3000);
    const info = w.registrant.get("acc-0")!;
    assert.equal(info.givenUp, true);
    assert.equal(info.lastStatusCode, 401);
    assert.equal(w.registrant.counters().registersSent, 3);
    assert.equal(w.store.contactCount, 0);
  } finally {
    await w.close();
  }
});

test("runtime management: add, remove, enable, reg_active, reload from a source with its guard", async () => {
  const inputs: AccountInput[] = [];
  const source = new StaticAccountSource(inputs);
  const w = await world(users(4), { reloadGuardSec: 150 }, source);
  try {
    inputs.push(account(w, 0), account(w, 1));
    w.registrant.start();
    const r = await w.registrant.reload();
    assert.deepEqual(r, { added: 2, removed: 0, replaced: 0, unchanged: 0, rejected: [] });
    await until(() => w.registrant.counters().regactive === 2, "two registered", 3000);
    await assert.rejects(w.registrant.reload(), (e: unknown) => e instanceof RegistrantError && e.code === "REGISTRANT_RELOAD_TOO_SOON");

    // Runtime add and remove through the API.
    w.registrant.add(account(w, 2));
    assert.throws(() => w.registrant.add(account(w, 2)), (e: unknown) => e instanceof RegistrantError && e.code === "REGISTRANT_DUPLICATE_ACCOUNT");
    await until(() => w.store.get("user2@example.com").length === 1, "user2 bound", 3000);
    await w.registrant.remove("acc-2");
    assert.equal(w.store.get("user2@example.com").length, 0);
    assert.equal(w.registrant.get("acc-2"), undefined);
    assert.equal(w.registrant.status("acc-2"), -1);

    // reg_active 0: nothing is sent (a forced refresh waits), 1: it goes out.
    w.registrant.setActive(false);
    const sent = w.registrant.counters().registersSent;
    w.registrant.registerNow("acc-0");
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(w.registrant.counters().registersSent, sent);
    w.registrant.setActive(true);
    await until(() => w.registrant.counters().registersSent > sent, "the refresh after reg_active 1", 3000);

    // uac.reg_refresh: a changed row replaces the account (old binding removed first), a missing one removes it.
    inputs[0] = account(w, 0, { contactUser: "renamed" });
    assert.equal(await w.registrant.refresh("acc-0"), "replaced");
    await until(() => w.store.get("user0@example.com").some((b) => b.contact.startsWith("sip:renamed@")), "re-registered with the new contact", 3000);
    assert.equal(w.store.get("user0@example.com").length, 1);
    inputs.splice(1, 1);
    assert.equal(await w.registrant.refresh("acc-1"), "removed");
    assert.equal(w.store.get("user1@example.com").length, 0);

    // Disable by attribute, enable again.
    assert.equal(w.registrant.disable("auth_username", "user0"), 1);
    await until(() => w.store.get("user0@example.com").length === 0, "user0 unregistered", 3000);
    assert.equal(w.registrant.enable("auth_username", "user0"), 1);
    await until(() => w.store.get("user0@example.com").length === 1, "user0 registered again", 3000);
  } finally {
    await w.close();
  }
});

test("accounts from a Kamailio uacreg table: enabled rows register, a flags=1 row stays disabled, a bad row is reported", async () => {
  const db = openDatabase(":memory:", { synchronous: "normal" });
  const table = new UacregTable(db);
  const w = await world(users(3), { reloadGuardSec: 0 }, table);
  try {
    const proxy = w.registrarUri; // auth_proxy: where the REGISTERs go; r_domain is the AOR's domain
    table.upsert({ l_uuid: "k0", l_username: "local0", l_domain: "pbx.local", r_username: "user0", r_domain: "example.com", auth_username: "user0", auth_password: "pw-0", auth_proxy: proxy });
    table.upsert({ l_uuid: "k1", r_username: "user1", r_domain: "example.com", auth_password: "pw-1", auth_proxy: proxy, flags: 1 });
    table.upsert({ l_uuid: "k2", r_username: "user2", r_domain: "", auth_password: "pw-2", auth_proxy: proxy });
    w.registrant.start();
    const r = await w.registrant.reload();
    assert.equal(r.added, 2);
    assert.deepEqual(r.rejected.map((x) => x.id), ["k2"]);
    await until(() => w.registrant.status("k0") === 1, "k0 registered", 3000);
    assert.equal(w.store.get("user0@example.com")[0]?.contact.startsWith("sip:k0@127.0.0.1:"), true);
    assert.equal(w.registrant.status("k1"), -3);
    assert.equal(w.registrant.get("k1")?.flags, 1 | 16);
    // uac_reg_lookup: the R-URI user of an inbound call (the l_uuid) maps to the local AOR.
    assert.equal(w.registrant.lookup("k0"), "sip:local0@pbx.local");
    assert.deepEqual(w.registrant.requestTo("local0", 1), { requestUri: "sip:user0@example.com", destination: proxy, auth: { username: "user0", password: "pw-0", ha1: undefined, realm: undefined } });
    // A row deleted and a reload: unregistered and gone.
    table.delete("k0");
    const r2 = await w.registrant.reload();
    assert.equal(r2.removed, 1);
    assert.equal(w.store.get("user0@example.com").length, 0);
  } finally {
    await w.close();
    db.close();
  }
});

test("outbound over TCP: the flow is kept alive with CRLF pings, and when it closes the account re-registers at once", async () => {
  const store = new MemoryLocationStore({ sweepIntervalMs: 0 });
  await store.open();
  const registrar = new Registrar({ store, auth: new DigestAuthenticator({ credentials: new ConfigCredentialSource(users(1)) }), settings: { outboundMode: 1, flowTimer: 30 } });
  const server = new SipStack({ listen: [{ protocol: "tcp", host: "127.0.0.1", port: 0 }], user: registrar.transactionUser() });
  const [l] = await server.start();
  const client = new SipStack({ listen: [{ protocol: "tcp", host: "127.0.0.1", port: 0 }] });
  await client.start();
  const registrant = new Registrant({ stack: client, settings: { maxRandomInitialDelaySec: 0, timerGranularityMs: 50 } });
  try {
    registrant.add({ id: "t0", aor: "sip:user0@example.com", registrar: `sip:127.0.0.1:${l!.local.port};transport=tcp`, password: "pw-0", supportOutbound: true });
    registrant.start();
    await until(() => registrant.status("t0") === 1, "registered over TCP", 3000);
    const b = store.get("user0@example.com")[0]!;
    assert.equal(b.regId, 1);
    assert.match(b.instance ?? "", /^<urn:uuid:/);
    const conns = client.transport.connections();
    assert.equal(conns.length, 1);
    // Flow-Timer 30: pings every 24 to 30 s (RFC 5626 §4.4.1).
    assert.ok(conns[0]!.keepaliveMs >= 24_000 && conns[0]!.keepaliveMs <= 30_000, `keepalive ${conns[0]!.keepaliveMs} ms`);
    const sent = registrant.counters().registersSent;
    client.transport.closeConnection(conns[0]!.id);
    registrant.connectionClosed(conns[0]!);
    await until(() => registrant.counters().registersSent > sent && registrant.status("t0") === 1 && registrant.get("t0")?.state === "REGISTERED", "re-registered on a new flow", 3000);
    assert.notEqual(client.transport.connections()[0]?.id, conns[0]!.id);
  } finally {
    await registrant.stop({ unregister: false });
    await client.stop();
    await server.stop();
    registrar.close();
    await store.close();
  }
});
