// STUN keepalives of an outbound registration over UDP (RFC 5626 §4.4.2). The registrant's side (its
// transactions, scheduler and keepalives) runs on a ManualClock and a manual timer wheel, so 20 s
// intervals and the 39.5 s STUN timeout take no real time; the datagrams are real, on loopback.
// Registrars: sipreg's own (outbound on, Flow-Timer 20), the scripted one (answers REGISTER, drops
// STUN), and a small peer here that answers STUN with a mapped address it is told to change.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { ConfigCredentialSource } from "../auth/config-credentials.js";
import { MemoryDnsBackend } from "../dns/memory-dns-backend.js";
import { Rfc3263Resolver } from "../dns/rfc3263-resolver.js";
import { MemoryLocationStore } from "../location/memory-store.js";
import { DigestAuthenticator } from "../registrar/digest-authenticator.js";
import { Registrar } from "../registrar/registrar.js";
import type { RegistrarSettings } from "../registrar/settings.js";
import { parseMessage } from "../sip/parser.js";
import { createResponse } from "../sip/response-builder.js";
import { serializeMessage } from "../sip/serializer.js";
import { SipStack } from "../stack/sip-stack.js";
import { buildBindingSuccess, parseStun, STUN_BINDING_REQUEST } from "../transport/stun.js";
import { ManualClock } from "../util/clock.js";
import { TimerWheel } from "../util/timer-wheel.js";
import { ScriptedRegistrar, type Step } from "../../test/support/scripted-registrar.js";
import type { AccountInput } from "./account.js";
import { Registrant, type RegistrantEvent } from "./registrant.js";
import { SeededRandom, settle } from "./test-support.js";
import { UriTargetResolver } from "./target-resolver.js";
import { until } from "../../test/support/temp-dir.js";

interface Bed {
  clock: ManualClock;
  wheel: TimerWheel;
  client: SipStack;
  registrant: Registrant;
  events: RegistrantEvent[];
  /** Moves the manual time on in 100 ms steps, letting the datagrams and promises of each step run. */
  advance(ms: number): Promise<void>;
  /** Steps until the client has sent `n` STUN requests in all (at most `ms`); returns the manual time of the n-th. */
  untilStunSent(n: number, ms: number): Promise<number>;
  stunSent(): number;
  close(): Promise<void>;
}

/** `answered`: the registrar answers STUN, so each request's answer is awaited (real time) before the clock moves on. */
async function bed(answered = true): Promise<Bed> {
  const clock = new ManualClock();
  const wheel = new TimerWheel({ clock, tickMs: 10, manual: true });
  const random = new SeededRandom(5);
  // The transactions' wheel also runs the transport's STUN keepalives (SipStack passes it on).
  const client = new SipStack({ listen: [{ protocol: "udp", host: "127.0.0.1", port: 0 }], clock, random, transactions: { wheel } });
  await client.start();
  const registrant = new Registrant({
    stack: client,
    clock,
    wheel,
    random,
    resolver: new UriTargetResolver(new Rfc3263Resolver({ backend: new MemoryDnsBackend(), cache: false, clock, random })),
    settings: { maxRandomInitialDelaySec: 0, timerGranularityMs: 100, retryJitter: 0, refreshJitter: 0, firstRefreshSpread: 0 },
  });
  const events: RegistrantEvent[] = [];
  registrant.onEvent((e) => events.push(e));
  registrant.start();
  const stunSent = (): number => client.transport.udpKeepaliveStats().requestsSent;
  const step = async (): Promise<void> => {
    const before = stunSent();
    wheel.advance(100);
    await settle();
    // A request just left: let its answer come back before the clock moves on (no retransmission then).
    if (answered && stunSent() > before) {
      const deadline = Date.now() + 1000;
      while (client.transport.stats.stunResponses < stunSent() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    }
  };
  return {
    clock,
    wheel,
    client,
    registrant,
    events,
    async advance(ms) {
      for (let left = ms; left > 0; left -= 100) await step();
      await settle();
    },
    async untilStunSent(n, ms) {
      for (let left = ms; left > 0 && stunSent() < n; left -= 100) await step();
      assert.ok(stunSent() >= n, `${stunSent()} STUN requests sent, waited for ${n}`);
      return clock.now();
    },
    stunSent,
    async close() {
      await registrant.stop({ unregister: false });
      await client.stop();
      wheel.stop();
    },
  };
}

/** sipreg's registrar on loopback UDP, digest users user0..user{n-1}. */
async function ownRegistrar(settings: Partial<RegistrarSettings>, n = 2): Promise<{ server: SipStack; uri: string; close(): Promise<void> }> {
  const store = new MemoryLocationStore({ sweepIntervalMs: 0 });
  await store.open();
  const users = Array.from({ length: n }, (_, i) => ({ username: `user${i}`, domain: "example.com", password: `pw-${i}` }));
  const registrar = new Registrar({ store, auth: new DigestAuthenticator({ credentials: new ConfigCredentialSource(users) }), settings: { minExpires: 60, ...settings } });
  const server = new SipStack({ listen: [{ protocol: "udp", host: "127.0.0.1", port: 0 }], user: registrar.transactionUser() });
  const [l] = await server.start();
  return {
    server,
    uri: `sip:127.0.0.1:${l!.local.port}`,
    async close() {
      await server.stop();
      registrar.close();
      await store.close();
    },
  };
}

const account = (registrar: string, i: number, more: Partial<AccountInput> = {}): AccountInput => ({
  id: `u${i}`,
  aor: `sip:user${i}@example.com`,
  registrar,
  password: `pw-${i}`,
  supportOutbound: true,
  ...more,
});

/** 200 echoing the Contact, confirming outbound (RFC 5626 §6), without Flow-Timer unless given. */
function okOutbound(flowTimer?: number): Step {
  return (req) => {
    const contact = req.headers.get("contact");
    const e = Number(req.headers.get("expires") ?? "3600");
    const headers: Array<[string, string]> = contact === undefined || e === 0 ? [] : [["Contact", `${contact};expires=${e}`]];
    if (e > 0) headers.push(["Require", "outbound"]);
    if (flowTimer !== undefined) headers.push(["Flow-Timer", String(flowTimer)]);
    return { status: 200, headers };
  };
}

function stateDetails(events: RegistrantEvent[], id: string): string[] {
  return events.flatMap((e) => (e.type === "state" && e.id === id && e.detail !== undefined ? [e.detail] : []));
}

test("sipreg's registrar with Flow-Timer 20: a STUN Binding request every 16 to 20 s, each answered; no re-registration", async () => {
  const reg = await ownRegistrar({ outboundMode: 1, flowTimer: 20 });
  const b = await bed();
  try {
    b.registrant.add(account(reg.uri, 0));
    await b.advance(200);
    await until(() => b.registrant.status("u0") === 1, "registered");
    const ids = b.client.transport.udpKeepaliveIds();
    assert.equal(ids.length, 1);
    const info = b.client.transport.udpKeepalive(ids[0]!)!;
    const local = b.client.listeners()[0]!;
    assert.equal(info.listenerId, local.id);
    assert.deepEqual(info.remote, { address: "127.0.0.1", port: reg.server.listeners()[0]!.local.port });
    // RFC 5626 §4.4: between 80 % and 100 % of Flow-Timer.
    assert.deepEqual([info.minIntervalMs, info.maxIntervalMs], [16_000, 20_000]);
    const sent = b.registrant.counters().registersSent;
    let prev = b.clock.now();
    for (let n = 1; n <= 4; n++) {
      const at = await b.untilStunSent(n, 21_000);
      const gap = at - prev;
      assert.ok(gap >= 16_000 && gap <= 20_100, `keepalive ${n} after ${gap} ms`);
      await until(() => b.client.transport.stats.stunResponses === n, `answer ${n}`);
      prev = at;
    }
    assert.equal(reg.server.transport.stats.stunRequests, 4);
    assert.deepEqual(b.client.transport.udpKeepalive(ids[0]!)?.mapped, { address: "127.0.0.1", port: local.local.port });
    assert.equal(b.registrant.counters().registersSent, sent, "no REGISTER while the flow answers");
    assert.equal(b.registrant.get("u0")?.state, "REGISTERED");
  } finally {
    await b.close();
    await reg.close();
  }
});

test("the registrar answers REGISTER but drops STUN: 24-29 s without Flow-Timer, and after the 39.5 s STUN timeout the account re-registers at once", async () => {
  const r = await ScriptedRegistrar.open();
  r.fallback = okOutbound();
  const b = await bed(false);
  try {
    b.registrant.add(account(`sip:127.0.0.1:${r.port}`, 0));
    await b.advance(200);
    const first = await r.waitFor(1);
    await until(() => b.registrant.status("u0") === 1, "registered");
    const [id] = b.client.transport.udpKeepaliveIds();
    const info = b.client.transport.udpKeepalive(id!)!;
    assert.deepEqual([info.minIntervalMs, info.maxIntervalMs], [24_000, 29_000]);
    const t0 = b.clock.now();
    const t1 = await b.untilStunSent(1, 30_000);
    assert.ok(t1 - t0 >= 24_000 && t1 - t0 <= 29_100, `first keepalive after ${t1 - t0} ms`);
    // Retransmitted (RFC 5389 §7.2.1), never answered; nothing else happens before 39.5 s.
    await b.advance(39_300);
    assert.equal(b.stunSent(), 7);
    assert.equal(r.requests.length, 1);
    await b.advance(400);
    const second = await r.waitFor(2);
    assert.equal(b.clock.now() - t1 <= 39_500 + 300, true);
    assert.equal(second.callId, first.callId, "a refresh of the same registration, not a failure");
    assert.ok(stateDetails(b.events, "u0").some((d) => d === `flow ${id} failed`), JSON.stringify(stateDetails(b.events, "u0")));
    await until(() => b.registrant.get("u0")?.state === "REGISTERED", "registered again");
    // The new registration has a new flow, kept alive again.
    const again = b.client.transport.udpKeepaliveIds();
    assert.equal(again.length, 1);
    assert.notEqual(again[0], id);
  } finally {
    await b.close();
    await r.close();
  }
});

/** A registrar peer on loopback: 200 + Require: outbound + Flow-Timer 10 to every REGISTER; STUN answered with `mapped`. */
class StunPeer {
  readonly registers: string[] = [];
  stunRequests = 0;
  /** The address put in XOR-MAPPED-ADDRESS; default: the request's source. */
  mapped: { address: string; port: number } | undefined;
  private constructor(private readonly socket: Socket) {
    socket.on("message", (buf, rinfo) => {
      const stun = parseStun(buf);
      if (stun !== undefined) {
        if (stun.type !== STUN_BINDING_REQUEST) return;
        this.stunRequests++;
        socket.send(buildBindingSuccess(stun.transactionId, this.mapped ?? { address: rinfo.address, port: rinfo.port })!, rinfo.port, rinfo.address);
        return;
      }
      let msg;
      try {
        msg = parseMessage(buf);
      } catch {
        return;
      }
      if (msg.kind !== "request") return;
      this.registers.push(msg.callId);
      const res = createResponse(msg, 200, { toTag: "peer" });
      const contact = msg.headers.get("contact");
      if (contact !== undefined) res.headers.add("Contact", `${contact};expires=3600`);
      res.headers.add("Require", "outbound");
      res.headers.add("Flow-Timer", "10");
      socket.send(serializeMessage(res), rinfo.port, rinfo.address);
    });
  }
  static async open(): Promise<StunPeer> {
    const s = createSocket("udp4");
    await new Promise<void>((resolve) => s.bind(0, "127.0.0.1", () => resolve()));
    return new StunPeer(s);
  }
  get port(): number {
    return this.socket.address().port;
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

test("a changed XOR-MAPPED-ADDRESS (NAT rebinding) fails the flow: the account re-registers at once", async () => {
  const peer = await StunPeer.open();
  const b = await bed();
  try {
    b.registrant.add(account(`sip:127.0.0.1:${peer.port}`, 0));
    await b.advance(200);
    await until(() => b.registrant.status("u0") === 1, "registered");
    const [id] = b.client.transport.udpKeepaliveIds();
    for (let n = 1; n <= 2; n++) {
      await b.untilStunSent(n, 11_000);
      await until(() => b.client.transport.stats.stunResponses === n, `answer ${n}`);
    }
    assert.equal(peer.registers.length, 1);
    // The NAT gives the flow a new public port.
    peer.mapped = { address: "127.0.0.1", port: b.client.listeners()[0]!.local.port + 1 };
    await b.untilStunSent(3, 11_000);
    await until(() => b.client.transport.stats.stunResponses === 3, "answer 3");
    await b.advance(200);
    await until(() => peer.registers.length === 2, "re-registered");
    assert.equal(peer.registers[1], peer.registers[0], "same Call-ID: a refresh");
    assert.ok(stateDetails(b.events, "u0").includes(`flow ${id} failed`));
    await until(() => b.registrant.get("u0")?.state === "REGISTERED", "registered again");
    assert.equal(b.client.transport.udpKeepaliveIds().length, 1);
    assert.notEqual(b.client.transport.udpKeepaliveIds()[0], id);
  } finally {
    await b.close();
    await peer.close();
  }
});

test("one keepalive per flow, shared by the accounts on it; stopped by disable, remove and stop; none without outbound", async () => {
  const reg = await ownRegistrar({ outboundMode: 1, flowTimer: 20 }, 3);
  const b = await bed();
  const ids = (): number[] => b.client.transport.udpKeepaliveIds();
  try {
    b.registrant.add(account(reg.uri, 0));
    b.registrant.add(account(reg.uri, 1));
    b.registrant.add(account(reg.uri, 2, { supportOutbound: false }));
    await b.advance(300);
    await until(() => [0, 1, 2].every((i) => b.registrant.status(`u${i}`) === 1), "registered");
    assert.equal(ids().length, 1, "u0 and u1 share the flow; u2 has none");
    const shared = ids()[0]!;

    // Disabling one account leaves the flow to the other; disabling both stops it.
    b.registrant.disable("l_uuid", "u0");
    await b.advance(200);
    await until(() => b.registrant.status("u0") === -3, "u0 disabled");
    assert.deepEqual(ids(), [shared]);
    b.registrant.disable("l_uuid", "u1");
    await b.advance(200);
    await until(() => ids().length === 0, "keepalive stopped when the last account left");

    // Enabled again: a new flow.
    b.registrant.enable("l_uuid", "u1");
    await b.advance(300);
    await until(() => b.registrant.status("u1") === 1 && ids().length === 1, "u1 registered again with a keepalive");
    // Removed: stopped.
    const removed = b.registrant.remove("u1");
    await b.advance(200);
    await removed;
    assert.deepEqual(ids(), []);

    // Stop: stopped.
    b.registrant.enable("l_uuid", "u0");
    await b.advance(300);
    await until(() => b.registrant.status("u0") === 1 && ids().length === 1, "u0 registered again");
    await b.registrant.stop({ unregister: false });
    assert.deepEqual(ids(), []);
  } finally {
    await b.close();
    await reg.close();
  }
});

test("a registrar that does not confirm outbound (no Require: outbound) gets no STUN keepalives", async () => {
  const reg = await ownRegistrar({ outboundMode: 0 }, 1);
  const b = await bed();
  try {
    b.registrant.add(account(reg.uri, 0));
    await b.advance(200);
    await until(() => b.registrant.status("u0") === 1, "registered");
    await b.advance(40_000);
    assert.deepEqual(b.client.transport.udpKeepaliveIds(), []);
    assert.equal(b.stunSent(), 0);
  } finally {
    await b.close();
    await reg.close();
  }
});
