// The registrant over every connection-oriented transport (issue 5): TCP, TLS (RFC 3261 §26.2.1),
// WS and WSS (RFC 7118), against sipreg's own registrar on a SipStack listening on that transport on
// loopback. The registrant's stack listens on UDP only, as `sipreg serve --register ...;transport=tls`
// does: it connects out as a client, with no listener of that transport of its own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigCredentialSource } from "../auth/config-credentials.js";
import { MemoryLocationStore } from "../location/memory-store.js";
import type { Binding } from "../location/binding.js";
import { DigestAuthenticator } from "../registrar/digest-authenticator.js";
import { Registrar } from "../registrar/registrar.js";
import type { RegistrarSettings } from "../registrar/settings.js";
import { SipStack } from "../stack/sip-stack.js";
import { CLIENT_TLS, SERVER_TLS } from "../transport/test-helpers.js";
import type { TransportProtocol } from "../transport/types.js";
import type { SipResponse } from "../sip/message.js";
import type { Clock } from "../util/clock.js";
import type { AccountInput } from "./account.js";
import { parseRegisterSpec } from "./register-spec.js";
import { Registrant, type RegistrantStack } from "./registrant.js";
import type { RegistrantSettings } from "./settings.js";
import { until } from "../../test/support/temp-dir.js";

const TRANSPORTS: readonly TransportProtocol[] = ["tcp", "tls", "ws", "wss"];
const DOMAIN = "127.0.0.1";
const AOR = `user0@${DOMAIN}`;

interface World {
  /** Every final response the registrant's REGISTERs got, in order. */
  responses: SipResponse[];
  store: MemoryLocationStore;
  registrar: Registrar;
  server: SipStack;
  client: SipStack;
  registrant: Registrant;
  /** The registrar's listening port. */
  port: number;
  /** Moves the registrar's nonce clock (nonce expiry) forward. */
  skewNonces(ms: number): void;
  close(): Promise<void>;
}

async function world(protocol: TransportProtocol, o: { registrar?: Partial<RegistrarSettings>; registrant?: Partial<RegistrantSettings>; serverIdleMs?: number; clientIdleMs?: number } = {}): Promise<World> {
  const store = new MemoryLocationStore({ sweepIntervalMs: 0 });
  await store.open();
  let skew = 0;
  const nonceClock: Clock = { now: () => Date.now() + skew, monotonic: () => performance.now() + skew };
  const auth = new DigestAuthenticator({ credentials: new ConfigCredentialSource([{ username: "user0", domain: DOMAIN, password: "pw-0" }]), nonceLifetimeSec: 300, clock: nonceClock });
  const registrar = new Registrar({ store, auth, settings: { minExpires: 60, ...o.registrar } });
  const secure = protocol === "tls" || protocol === "wss";
  const server = new SipStack({
    listen: [{ protocol, host: "127.0.0.1", port: 0, ...(secure ? { tls: SERVER_TLS } : {}) }],
    transport: { sweepIntervalMs: 50, ...(o.serverIdleMs === undefined ? {} : { idleTimeoutMs: o.serverIdleMs }) },
    user: registrar.transactionUser(),
  });
  const [l] = await server.start();
  // The stack tells the registrant when a connection closes or a kept-alive flow fails (as sipreg-server.ts wires it).
  let registrant: Registrant | undefined;
  const client = new SipStack({
    listen: [{ protocol: "udp", host: "127.0.0.1", port: 0 }],
    // Outbound TLS/WSS verify the registrar's certificate (RFC 5922): the test CA is trusted.
    transport: { sweepIntervalMs: 50, clientTls: CLIENT_TLS, ...(o.clientIdleMs === undefined ? {} : { idleTimeoutMs: o.clientIdleMs }) },
    onConnectionClosed: (info) => registrant?.connectionClosed(info),
    onFlowFailed: (info) => registrant?.flowFailed(info),
  });
  await client.start();
  // The client stack as the registrant sees it, with the final responses recorded on the way up.
  const responses: SipResponse[] = [];
  const stack: RegistrantStack = {
    transport: client.transport,
    transactions: {
      sendRequest: (req, target, h) =>
        client.transactions.sendRequest(req, target, {
          onResponse: (res, tx) => {
            if (res.status >= 200) responses.push(res);
            h.onResponse(res, tx);
          },
          onTimeout: (err, tx) => h.onTimeout(err, tx),
          onTransportError: (err, tx) => h.onTransportError(err, tx),
        }),
    },
  };
  registrant = new Registrant({ stack, settings: { maxRandomInitialDelaySec: 0, timerGranularityMs: 50, ...o.registrant } });
  const r = registrant;
  return {
    responses,
    store,
    registrar,
    server,
    client,
    registrant: r,
    port: l!.local.port,
    skewNonces: (ms) => void (skew += ms),
    async close() {
      await r.stop({ unregister: false });
      await client.stop();
      await server.stop();
      registrar.close();
      await store.close();
    },
  };
}

function onlyBinding(w: World): Binding {
  const b = w.store.get(AOR);
  assert.equal(b.length, 1, `one binding of ${AOR}`);
  return b[0]!;
}

function account(w: World, protocol: TransportProtocol, more: Partial<AccountInput> = {}): AccountInput {
  return { id: "a0", aor: `sip:${AOR}`, registrar: `sip:127.0.0.1:${w.port};transport=${protocol}`, password: "pw-0", ...more };
}

for (const protocol of TRANSPORTS) {
  test(`${protocol}: --register USER:PASSWORD@HOST:PORT;transport=${protocol} registers with digest; the binding is a ${protocol} one`, { timeout: 10_000 }, async () => {
    const w = await world(protocol);
    try {
      const input = parseRegisterSpec(`user0:pw-0@127.0.0.1:${w.port};transport=${protocol};expires=600`);
      assert.equal(input.transport, protocol);
      const id = w.registrant.add(input).l_uuid;
      w.registrant.start();
      await until(() => w.registrant.status(id) === 1, () => `registered over ${protocol} (${w.registrant.get(id)?.state}: ${w.registrant.get(id)?.lastError ?? ""})`);
      const info = w.registrant.get(id)!;
      assert.equal(info.state, "REGISTERED");
      assert.equal(info.registeredAt, `${protocol}:127.0.0.1:${w.port}`);
      // REGISTER → 401 → REGISTER with credentials → 200 (RFC 3261 §22.2).
      const c = w.registrant.counters();
      assert.equal(c.registersSent, 2);
      assert.equal(c.challengesAnswered, 1);
      const b = onlyBinding(w);
      // The Contact names the transport (RFC 3261 §19.1.1 transport parameter); the source is the connection.
      // No listener of the transport on the registrant's side: a client-only end, named under .invalid (RFC 6761 §6.4).
      assert.match(b.contact, new RegExp(`^sip:user0@[0-9a-f]{12}\\.invalid;transport=${protocol}$`));
      assert.equal(b.source.protocol, protocol);
      assert.equal(b.source.address, "127.0.0.1");
      assert.notEqual(b.connectionId, undefined);
      assert.equal(b.listenerId, w.server.listeners()[0]!.id);
      const conns = w.client.transport.connections();
      assert.equal(conns.length, 1);
      assert.equal(conns[0]!.protocol, protocol);
      assert.equal(conns[0]!.outbound, true, "the registrant opened the connection");
      assert.equal(b.source.port, conns[0]!.local.port, "received/rport: the client end of the connection");
    } finally {
      await w.close();
    }
  });

  test(`${protocol}: without outbound the connection is held open past the idle timeout (no pings); when it closes the account re-registers at once`, { timeout: 10_000 }, async () => {
    const w = await world(protocol, { clientIdleMs: 300 });
    try {
      w.registrant.add(account(w, protocol));
      w.registrant.start();
      await until(() => w.registrant.status("a0") === 1, "registered");
      const [conn] = w.client.transport.connections();
      assert.ok(conn !== undefined && conn.held && conn.keepaliveMs === 0, "held, no keepalive pings");
      await new Promise((r) => setTimeout(r, 800)); // well past the 300 ms idle timeout
      assert.deepEqual(w.client.transport.connections().map((c) => c.id), [conn.id], "still open: the registrar reaches us over it");
      assert.equal(w.server.transport.stats.pingsReceived, 0, "no CRLF pings without outbound");

      const sent = w.registrant.counters().registersSent;
      w.server.transport.closeConnection(w.server.transport.connections()[0]!.id);
      await until(() => w.registrant.counters().registersSent > sent && w.registrant.get("a0")?.state === "REGISTERED" && w.client.transport.connections().some((c) => c.id !== conn.id && c.held), "re-registered over a new connection", 2000);

      // Disabled: nothing is bound over the connection any more, so the idle timeout closes it.
      assert.equal(w.registrant.disable("l_uuid", "a0"), 1);
      await until(() => w.client.transport.connections().length === 0, "the released connection closed for idleness", 3000);
    } finally {
      await w.close();
    }
  });

  test(`${protocol}: outbound — the flow is kept alive with CRLF pings (RFC 5626 §3.5.1), the server closing it brings an immediate re-register over a new one, disable unregisters over the flow`, { timeout: 15_000 }, async () => {
    // Flow-Timer 1 s: pings every 0.8 to 1 s (RFC 5626 §4.4.1); the server drops connections idle for 1.5 s.
    const w = await world(protocol, { registrar: { outboundMode: 1, flowTimer: 1 }, serverIdleMs: 1500 });
    try {
      w.registrant.add(account(w, protocol, { supportOutbound: true }));
      w.registrant.start();
      await until(() => w.registrant.status("a0") === 1, () => `registered over ${protocol} (${w.registrant.get("a0")?.state}: ${w.registrant.get("a0")?.lastError ?? ""})`);
      const first = onlyBinding(w);
      assert.equal(first.regId, 1);
      assert.match(first.instance ?? "", /^<urn:uuid:/);
      assert.equal(first.flags & 1, 1, "an outbound (flow) binding");
      const [conn] = w.client.transport.connections();
      assert.ok(conn !== undefined && conn.keepaliveMs >= 800 && conn.keepaliveMs <= 1000, `keepalive ${conn?.keepaliveMs} ms`);

      // Two ping/pong rounds: the connection outlives the server's 1.5 s idle timeout.
      await until(() => w.client.transport.stats.pongsReceived >= 2, "two pongs", 4000);
      assert.ok(w.server.transport.stats.pingsReceived >= 2);
      assert.deepEqual(w.client.transport.connections().map((c) => c.id), [conn.id], "the same connection, still open");
      assert.equal(w.server.transport.connections().length, 1);

      // The registrar's side drops the flow: the account registers again at once over a new connection.
      const sent = w.registrant.counters().registersSent;
      const challenges = w.registrar.stats().auth_challenges;
      const closedAt = Date.now();
      w.server.transport.closeConnection(w.server.transport.connections()[0]!.id);
      await until(() => w.registrant.counters().registersSent > sent && w.registrant.get("a0")?.state === "REGISTERED" && onlyBinding(w).connectionId !== first.connectionId, "re-registered on a new flow", 2000);
      const took = Date.now() - closedAt;
      assert.ok(took < 1000, `re-registered ${took} ms after the flow died`);
      const [conn2] = w.client.transport.connections();
      assert.ok(conn2 !== undefined && conn2.id !== conn.id);
      assert.ok(conn2.keepaliveMs > 0, "the new flow is kept alive too");
      // Same +sip.instance and reg-id: the new flow replaced the old binding (RFC 5626 §6).
      const second = onlyBinding(w);
      assert.equal(second.instance, first.instance);
      // Same Call-ID, so the REGISTER carried credentials for the nonce it had: one round trip, no 401.
      assert.equal(w.registrant.counters().registersSent, sent + 1);
      assert.equal(w.registrant.counters().preemptiveAccepted, 1);
      assert.equal(w.registrar.stats().auth_challenges, challenges);

      // disable: the unregister goes over the flow, and the binding is gone (RFC 3261 §10.2.2).
      const opened = w.client.transport.stats.connectionsOpened;
      assert.equal(w.registrant.disable("l_uuid", "a0"), 1);
      await until(() => w.store.get(AOR).length === 0, "the binding removed");
      assert.equal(w.client.transport.stats.connectionsOpened, opened, "no new connection for the unregister");
      assert.deepEqual(w.client.transport.connections().map((c) => c.id), [conn2.id]);
      assert.equal(w.registrant.counters().unregistersSent, 1, "pre-emptive credentials: no 401 to the unregister");
      assert.equal(w.registrar.stats().auth_challenges, challenges);
      assert.equal(w.registrant.status("a0"), -3);
      // No account is bound over the flow any more: its pings stop (the idle timeout may then close it).
      await until(() => w.client.transport.connections().find((c) => c.id === conn2.id)?.keepaliveMs === 0, "keepalives stopped after disable", 2000);
    } finally {
      await w.close();
    }
  });
}

test("tls with a forced UDP socket: the connection is still a client one, Via and Contact name the .invalid host", { timeout: 10_000 }, async () => {
  const w = await world("tls");
  try {
    const socket = w.client.listeners()[0]!.id;
    assert.match(socket, /^udp:/);
    w.registrant.add(account(w, "tls", { socket }));
    w.registrant.start();
    await until(() => w.registrant.status("a0") === 1, () => `registered (${w.registrant.get("a0")?.lastError ?? ""})`);
    assert.match(onlyBinding(w).contact, /^sip:a0@[0-9a-f]{12}\.invalid;transport=tls$/);
  } finally {
    await w.close();
  }
});

// Pre-emptive credentials against sipreg's registrar, which checks nonce-counts for replays and answers
// an expired nonce with stale=true (src/auth/verifier.ts, RFC 7616 §3.3, §3.4).
for (const protocol of ["udp", "tls"] as const) {
  test(`${protocol}: a refresh carries credentials for the last nonce and is answered 200 without a 401; once the nonce expired, 401 stale=true and a new answer at once, no failure`, { timeout: 10_000 }, async () => {
    const w = await world(protocol);
    try {
      w.registrant.add(account(w, protocol));
      w.registrant.start();
      await until(() => w.registrant.status("a0") === 1, "registered");
      assert.equal(w.registrar.stats().auth_challenges, 1);
      const firstCseq = onlyBinding(w).cseq;

      // A refresh (same Call-ID, CSeq + 1) within the nonce's lifetime: REGISTER → 200.
      w.registrant.registerNow("a0");
      await until(() => w.registrant.counters().preemptiveAccepted === 1 && w.registrant.get("a0")?.state === "REGISTERED", "the pre-emptive refresh accepted");
      assert.equal(w.registrar.stats().auth_challenges, 1, "no 401 for the refresh");
      assert.equal(w.registrar.stats().auth_failures, 0);
      assert.equal(onlyBinding(w).cseq, firstCseq + 1);
      let c = w.registrant.counters();
      assert.deepEqual([c.registersSent, c.challengesAnswered, c.preemptiveSent], [3, 1, 1]);
      // And again: nc 3 is accepted too (nc 2 would be a replay).
      w.registrant.registerNow("a0");
      await until(() => w.registrant.counters().preemptiveAccepted === 2 && w.registrant.get("a0")?.state === "REGISTERED", "the second pre-emptive refresh accepted");
      assert.equal(w.registrar.stats().auth_challenges, 1);

      // The nonce outlives its 300 s: the registrar answers 401 stale=true, the account answers the new nonce at once.
      w.skewNonces(301_000);
      const seen = w.responses.length;
      w.registrant.registerNow("a0");
      await until(() => w.registrant.counters().preemptiveChallenged === 1 && w.registrant.get("a0")?.state === "REGISTERED", "re-authenticated after the stale nonce");
      const answers = w.responses.slice(seen).map((r) => r.status);
      assert.deepEqual(answers, [401, 200]);
      assert.match(w.responses[seen]!.headers.getAll("www-authenticate").join(" | "), /stale=true/i);
      c = w.registrant.counters();
      assert.equal(c.challengesAnswered, 2);
      assert.equal(w.registrant.get("a0")?.failures, 0);
      assert.equal(Object.values(c.failures).reduce((x, y) => x + y, 0), 0, "no failure of any kind");
      assert.equal(w.registrar.stats().auth_failures, 0, "stale is not a failure at the registrar either");
    } finally {
      await w.close();
    }
  });
}

test("preemptiveAuth off: every refresh is challenged again", { timeout: 10_000 }, async () => {
  const w = await world("tcp", { registrant: { preemptiveAuth: false } });
  try {
    w.registrant.add(account(w, "tcp"));
    w.registrant.start();
    await until(() => w.registrant.status("a0") === 1, "registered");
    w.registrant.registerNow("a0");
    await until(() => w.registrant.counters().registered === 2 && w.registrant.get("a0")?.state === "REGISTERED", "refreshed");
    assert.equal(w.registrar.stats().auth_challenges, 2);
    assert.equal(w.registrant.counters().preemptiveSent, 0);
  } finally {
    await w.close();
  }
});
