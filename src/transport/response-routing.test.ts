import { test } from "node:test";
import assert from "node:assert/strict";
import { parseVia } from "../sip/headers/via.js";
import { parseMessage } from "../sip/parser.js";
import { responseTarget, stampTopVia, stampVia } from "./response-routing.js";
import { requestBytes } from "./test-helpers.js";
import type { Origin } from "./types.js";

const udpFrom = (address: string, port: number): Origin => ({
  protocol: "udp",
  remote: { address, port },
  local: { address: "127.0.0.1", port: 5060 },
  listenerId: "udp:127.0.0.1:5060",
  connectionId: undefined,
});

test("stampVia §18.2.1: received only when the sent-by differs from the source", () => {
  const same = "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1";
  assert.equal(stampVia(same, parseVia(same), udpFrom("192.0.2.1", 5060)), null);
  const other = "SIP/2.0/UDP client.example.com:5060;branch=z9hG4bK1";
  assert.equal(stampVia(other, parseVia(other), udpFrom("192.0.2.9", 5060)), "SIP/2.0/UDP client.example.com:5060;branch=z9hG4bK1;received=192.0.2.9");
});

test("stampVia RFC 3581 §4: rport gets the source port, and received is added even when identical", () => {
  const v = "SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bK1";
  assert.equal(stampVia(v, parseVia(v), udpFrom("192.0.2.1", 40000)), "SIP/2.0/UDP 192.0.2.1:5060;rport=40000;branch=z9hG4bK1;received=192.0.2.1");
});

test("stampVia: IPv6 sent-by compared as an address; received written without brackets", () => {
  const v = "SIP/2.0/TCP [0:0:0:0:0:0:0:1]:5062;branch=z9hG4bK1";
  assert.equal(stampVia(v, parseVia(v), udpFrom("::1", 5062)), null);
  const w = "SIP/2.0/UDP [2001:db8::1];branch=z9hG4bK1;rport";
  assert.equal(stampVia(w, parseVia(w), udpFrom("::1", 7000)), "SIP/2.0/UDP [2001:db8::1];branch=z9hG4bK1;rport=7000;received=::1");
});

test("stampVia: a received= the client wrote is corrected; only the first Via of a line is touched", () => {
  const v = "SIP/2.0/UDP host.example;branch=z9hG4bK1;received=10.0.0.1, SIP/2.0/UDP proxy.example;branch=z9hG4bK0";
  assert.equal(stampVia(v, parseVia("SIP/2.0/UDP host.example;branch=z9hG4bK1;received=10.0.0.1"), udpFrom("192.0.2.5", 5060)), "SIP/2.0/UDP host.example;branch=z9hG4bK1;received=192.0.2.5, SIP/2.0/UDP proxy.example;branch=z9hG4bK0");
});

test("stampTopVia rewrites the header text and the parsed top Via alike", () => {
  const msg = parseMessage(requestBytes({ sentBy: "client.invalid:5070", viaParams: ";rport" }));
  stampTopVia(msg, udpFrom("127.0.0.1", 40001));
  assert.equal(msg.topVia.params.get("rport"), "40001");
  assert.equal(msg.topVia.params.get("received"), "127.0.0.1");
  const reparsed = parseVia(msg.headers.get("via")!);
  assert.equal(reparsed.params.get("rport"), "40001");
  assert.equal(reparsed.params.get("received"), "127.0.0.1");
  assert.equal(reparsed.host, "client.invalid");
  assert.equal(reparsed.port, 5070);
});

test("responseTarget §18.2.2 unreliable: rport → source address and port", () => {
  const via = parseVia("SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK1;rport=40000;received=192.0.2.7");
  assert.deepEqual(responseTarget(via, udpFrom("192.0.2.7", 40000)), { protocol: "udp", remote: { address: "192.0.2.7", port: 40000 }, listenerId: "udp:127.0.0.1:5060" });
});

test("responseTarget §18.2.2 unreliable: no rport → received with the sent-by port, or 5060", () => {
  const via = parseVia("SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK1;received=192.0.2.7");
  assert.deepEqual(responseTarget(via, udpFrom("192.0.2.7", 40000)).remote, { address: "192.0.2.7", port: 5062 });
  const noPort = parseVia("SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1;received=192.0.2.7");
  assert.deepEqual(responseTarget(noPort, udpFrom("192.0.2.7", 40000)).remote, { address: "192.0.2.7", port: 5060 });
});

test("responseTarget RFC 3581 §4: maddr wins over rport", () => {
  const via = parseVia("SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK1;maddr=[2001:db8::5];rport=40000");
  assert.deepEqual(responseTarget(via, udpFrom("2001:db8::7", 40000)).remote, { address: "2001:db8::5", port: 5062 });
});

test("responseTarget §18.2.2 reliable: the same connection, else received and the sent-by (or default) port", () => {
  const origin: Origin = { protocol: "tls", remote: { address: "192.0.2.7", port: 41000 }, local: { address: "127.0.0.1", port: 5061 }, listenerId: "tls:127.0.0.1:5061", connectionId: 7 };
  const t = responseTarget(parseVia("SIP/2.0/TLS client.example;branch=z9hG4bK1"), origin);
  assert.deepEqual(t, { protocol: "tls", remote: { address: "192.0.2.7", port: 5061 }, connectionId: 7, listenerId: "tls:127.0.0.1:5061" });
  const ws: Origin = { ...origin, protocol: "ws", listenerId: "ws:127.0.0.1:80" };
  assert.deepEqual(responseTarget(parseVia("SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK1"), ws).remote, { address: "192.0.2.7", port: 41000 });
});
