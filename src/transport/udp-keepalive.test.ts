// STUN keepalives of UDP flows (RFC 5626 §4.4.2) on a manual timer wheel: the interval, the RFC 5389
// §7.2.1 retransmissions and the failure after them, answers matched by transaction id and source,
// a changed mapped address, stop and id reuse, many flows. Then two TransportLayers over loopback.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../util/clock.js";
import { TimerWheel } from "../util/timer-wheel.js";
import { buildBindingSuccess, parseStun, STUN_BINDING_REQUEST, type StunMessage } from "./stun.js";
import { TransportLayer } from "./transport-layer.js";
import { UdpKeepalives, type UdpFlowFailure } from "./udp-keepalive.js";
import type { Endpoint } from "./types.js";
import { until } from "./test-helpers.js";

const REGISTRAR: Endpoint = { address: "192.0.2.20", port: 5060 };

interface Sent {
  at: number;
  listenerId: string;
  remote: Endpoint;
  msg: StunMessage;
}

function bed(o: { random?: () => number } = {}) {
  const clock = new ManualClock(1_000_000);
  const wheel = new TimerWheel({ clock, tickMs: 10, manual: true });
  const sent: Sent[] = [];
  const failed: Array<{ id: number; reason: UdpFlowFailure; at: number }> = [];
  const k = new UdpKeepalives({
    wheel,
    random: o.random ?? (() => 0.5),
    send: (listenerId, remote, data) => sent.push({ at: clock.now(), listenerId, remote, msg: parseStun(data)! }),
  });
  const onFailed = (id: number, reason: UdpFlowFailure): void => void failed.push({ id, reason, at: clock.now() });
  /** Answers the newest request as the registrar would, seeing us at `mapped`. */
  const answer = (mapped: Endpoint = { address: "198.51.100.7", port: 40000 }, from: Endpoint = REGISTRAR, req = sent[sent.length - 1]!): boolean =>
    k.onResponse(parseStun(buildBindingSuccess(req.msg.transactionId, mapped)!)!, from);
  return { clock, wheel, sent, failed, k, onFailed, answer };
}

test("the first request after an interval in [min, max]; unanswered: retransmitted at RTO doubling, failed at 39.5 s", () => {
  const b = bed({ random: () => 0 });
  const id = b.k.start("udp:192.0.2.1:5060", REGISTRAR, 20_000, 25_000, b.onFailed)!;
  assert.ok(id < 0, "never a connection id");
  const t0 = b.clock.now();
  b.wheel.advance(19_990);
  assert.equal(b.sent.length, 0);
  b.wheel.advance(20);
  assert.equal(b.sent.length, 1);
  const first = b.sent[0]!;
  assert.equal(first.msg.type, STUN_BINDING_REQUEST);
  assert.deepEqual(first.msg.attributes, []);
  assert.equal(first.listenerId, "udp:192.0.2.1:5060");
  assert.deepEqual(first.remote, REGISTRAR);
  b.wheel.advance(45_000);
  // RFC 5389 §7.2.1: 7 transmissions at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s, same transaction id.
  assert.deepEqual(
    b.sent.map((s) => s.at - first.at),
    [0, 500, 1500, 3500, 7500, 15500, 31500],
  );
  for (const s of b.sent) assert.deepEqual(s.msg.transactionId, first.msg.transactionId);
  assert.equal(b.failed.length, 1);
  assert.deepEqual(b.failed[0], { id, reason: "no-response", at: first.at + 39_500 });
  assert.equal(first.at - t0, 20_000);
  // Gone: stop is a no-op, nothing more is sent, no timer left.
  assert.equal(b.k.stop(id), false);
  assert.equal(b.k.info(id), undefined);
  assert.equal(b.wheel.size, 0);
  assert.deepEqual(b.k.stats(), { flows: 0, requestsSent: 7, responses: 0, failures: 1 });
});

test("answered: the next request an interval after the answer; a late answer to a retransmission counts", () => {
  const b = bed({ random: () => 0.999 });
  const id = b.k.start("udp:192.0.2.1:5060", REGISTRAR, 20_000, 25_000, b.onFailed)!;
  b.wheel.advance(25_000);
  assert.equal(b.sent.length, 1);
  assert.equal(b.answer(), true);
  assert.equal(b.answer(), false, "a duplicate answer matches nothing");
  b.wheel.advance(24_990);
  assert.equal(b.sent.length, 1);
  b.wheel.advance(10);
  assert.equal(b.sent.length, 2);
  b.wheel.advance(1_600); // two retransmissions
  assert.equal(b.sent.length, 4);
  assert.equal(b.answer(), true);
  assert.equal(b.k.info(id)?.transmissions, 0);
  assert.deepEqual(b.k.info(id)?.mapped, { address: "198.51.100.7", port: 40000 });
  b.wheel.advance(24_000);
  assert.equal(b.sent.length, 4);
  assert.equal(b.failed.length, 0);
  assert.equal(b.k.stats().responses, 2);
});

test("an answer with a wrong transaction id or from elsewhere is ignored", () => {
  const b = bed();
  b.k.start("udp:192.0.2.1:5060", REGISTRAR, 1_000, 1_000, b.onFailed);
  b.wheel.advance(1_000);
  const req = b.sent[0]!;
  const other = Buffer.from(req.msg.transactionId);
  other[11]! ^= 0xff;
  assert.equal(b.k.onResponse(parseStun(buildBindingSuccess(other, { address: "198.51.100.7", port: 1 })!)!, REGISTRAR), false);
  assert.equal(b.answer(undefined, { address: "192.0.2.99", port: 5060 }), false);
  assert.equal(b.answer(undefined, { address: "192.0.2.20", port: 5061 }), false);
  // A slot number past the table.
  const far = Buffer.from(req.msg.transactionId);
  far.writeUInt32BE(0x7fffffff, 0);
  assert.equal(b.k.onResponse(parseStun(buildBindingSuccess(far, { address: "198.51.100.7", port: 1 })!)!, REGISTRAR), false);
  assert.equal(b.answer(), true);
});

test("a changed XOR-MAPPED-ADDRESS (NAT rebinding) fails the flow at once; the same one does not", () => {
  const b = bed();
  const id = b.k.start("udp:192.0.2.1:5060", REGISTRAR, 1_000, 1_000, b.onFailed)!;
  b.wheel.advance(1_000);
  assert.equal(b.answer({ address: "198.51.100.7", port: 40000 }), true);
  b.wheel.advance(1_000);
  assert.equal(b.answer({ address: "198.51.100.7", port: 40000 }), true);
  b.wheel.advance(1_000);
  assert.equal(b.failed.length, 0);
  assert.equal(b.answer({ address: "198.51.100.7", port: 40001 }), true);
  assert.deepEqual(b.failed.map((f) => [f.id, f.reason]), [[id, "mapped-address-changed"]]);
  assert.equal(b.k.info(id), undefined);
  assert.equal(b.wheel.size, 0);
  // IPv6 to IPv4 is a change too.
  const id2 = b.k.start("udp:192.0.2.1:5060", REGISTRAR, 1_000, 1_000, b.onFailed)!;
  b.wheel.advance(1_000);
  b.answer({ address: "2001:db8::7", port: 40000 });
  b.wheel.advance(1_000);
  b.answer({ address: "32.1.13.184", port: 40000 });
  assert.deepEqual(b.failed.map((f) => f.id), [id, id2]);
});

test("stop: no more requests, the id names nothing again even when its slot is reused", () => {
  const b = bed();
  const a = b.k.start("udp:192.0.2.1:5060", REGISTRAR, 1_000, 1_000, b.onFailed)!;
  assert.equal(b.k.stop(a), true);
  assert.equal(b.k.stop(a), false);
  b.wheel.advance(5_000);
  assert.equal(b.sent.length, 0);
  const c = b.k.start("udp:192.0.2.1:5060", REGISTRAR, 1_000, 1_000, b.onFailed)!;
  assert.notEqual(c, a, "same slot, new generation");
  assert.equal(b.k.stop(a), false);
  assert.ok(b.k.info(c) !== undefined);
  assert.deepEqual(b.k.ids(), [c]);
  for (const bad of [0, 1, 42, -0.5, Number.NaN, -(2 ** 52)]) assert.equal(b.k.stop(bad), false);
  b.k.stopAll();
  assert.equal(b.k.stats().flows, 0);
  assert.equal(b.wheel.size, 0);
});

test("a handler that throws does not stop the other flows", () => {
  const clock = new ManualClock();
  const wheel = new TimerWheel({ clock, tickMs: 10, manual: true });
  const k = new UdpKeepalives({ wheel, send: () => undefined });
  let told = 0;
  k.start("u", REGISTRAR, 1_000, 1_000, () => {
    told++;
    throw new Error("boom");
  });
  k.start("u", { address: "192.0.2.21", port: 5060 }, 1_000, 1_000, () => void told++);
  wheel.advance(50_000);
  assert.equal(told, 2);
});

test("100 000 flows: one wheel timer each, spread over the interval, all stopped by stopAll", () => {
  const b = bed({ random: Math.random });
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 100_000; i++) b.k.start("udp:192.0.2.1:5060", { address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 5060 }, 24_000, 29_000, b.onFailed);
  const perFlow = (process.memoryUsage().heapUsed - before) / 100_000;
  assert.equal(b.wheel.size, 100_000);
  assert.equal(b.k.stats().flows, 100_000);
  b.wheel.advance(24_000);
  const early = b.sent.length;
  b.wheel.advance(5_000);
  assert.ok(early < 5_000, `${early} sent before 24 s`);
  // Each flow sent its request by 29 s (the first ones have retransmitted since).
  assert.equal(new Set(b.sent.map((x) => x.remote.address)).size, 100_000);
  b.k.stopAll();
  assert.equal(b.wheel.size, 0);
  // Loose bound (the remote Endpoint and its address string are the caller's): a few hundred bytes.
  assert.ok(perFlow < 600, `${Math.round(perFlow)} bytes per flow`);
});

test("over loopback: a TransportLayer keeps a UDP flow to another alive, then fails it when the peer goes away", { timeout: 10_000 }, async () => {
  const clock = new ManualClock();
  const wheel = new TimerWheel({ clock, tickMs: 10, manual: true });
  const server = new TransportLayer();
  const client = new TransportLayer({ clock, wheel });
  try {
    server.setHandlers({ onMessage: () => undefined });
    client.setHandlers({ onMessage: () => undefined });
    const s = await server.listen({ protocol: "udp", host: "127.0.0.1", port: 0 });
    const c = await client.listen({ protocol: "udp", host: "127.0.0.1", port: 0 });
    const failed: UdpFlowFailure[] = [];
    assert.equal(client.startUdpKeepalive(undefined, { address: "::1", port: s.local.port }, 1_000, 1_000, () => undefined), undefined, "no IPv6 listener");
    assert.equal(client.startUdpKeepalive("udp:nope:1", { address: "::1", port: s.local.port }, 1_000, 1_000, () => undefined), undefined);
    const id = client.startUdpKeepalive(undefined, s.local, 1_000, 1_000, (_, r) => void failed.push(r))!;
    assert.equal(client.udpKeepalive(id)?.listenerId, c.id);
    for (let i = 1; i <= 3; i++) {
      wheel.advance(1_000);
      await until(() => client.stats.stunResponses === i, `answer ${i}`);
    }
    assert.equal(server.stats.stunRequests, 3);
    assert.deepEqual(client.udpKeepalive(id)?.mapped, { address: "127.0.0.1", port: c.local.port });
    await server.close();
    for (let t = 0; t < 45_000; t += 500) wheel.advance(500);
    assert.deepEqual(failed, ["no-response"]);
    assert.deepEqual(client.udpKeepaliveIds(), []);
    // A closed layer starts none, and closing stops the rest.
    const again = client.startUdpKeepalive(undefined, s.local, 1_000, 1_000, () => undefined);
    assert.ok(again !== undefined);
    await client.close();
    assert.equal(client.startUdpKeepalive(undefined, s.local, 1_000, 1_000, () => undefined), undefined);
    assert.equal(wheel.size, 0);
  } finally {
    await server.close();
    await client.close();
    wheel.stop();
  }
});
