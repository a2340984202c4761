import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { SipRequest, SipResponse } from "../sip/message.js";
import { TransactionTransportError, type TransactionTimeoutError } from "./errors.js";
import { answer, harness, request, TCP_ORIGIN, TCP_TARGET, UDP_ORIGIN, UDP_TARGET, type Harness } from "./test-support.js";
import type { ClientHandlers, ClientTransaction } from "./types.js";

interface Recorded extends ClientHandlers {
  responses: SipResponse[];
  timeouts: TransactionTimeoutError[];
  transportErrors: TransactionTransportError[];
}

function recorder(): Recorded {
  const r: Recorded = {
    responses: [],
    timeouts: [],
    transportErrors: [],
    onResponse: (res) => r.responses.push(res),
    onTimeout: (err) => r.timeouts.push(err),
    onTransportError: (err) => r.transportErrors.push(err),
  };
  return r;
}

function invite(h: Harness, tcp = false): { req: SipRequest; handlers: Recorded; tx: ClientTransaction } {
  const req = request({ method: "INVITE", transport: tcp ? "TCP" : "UDP", uri: "sip:bob@example.com", extra: ["Route: <sip:proxy.example.com;lr>", "Contact: <sip:alice@192.0.2.10:5062>"] });
  const handlers = recorder();
  const tx = h.layer.sendRequest(req, tcp ? TCP_TARGET : UDP_TARGET, handlers);
  return { req, handlers, tx };
}

const isInvite = (m: { kind: string }): boolean => m.kind === "request" && (m as SipRequest).method === "INVITE";

describe("INVITE client transaction (RFC 3261 §17.1.1, Figure 5; RFC 6026)", () => {
  it("retransmits on Timer A with doubling intervals and times out on Timer B", () => {
    const h = harness();
    const { handlers, tx } = invite(h);
    h.wheel.advance(32_000);
    // §17.1.1.2: A doubles every time (no T2 cap for INVITE requests): 500, 1000, 2000, 4000, 8000, 16000.
    assert.deepEqual(h.transport.times(isInvite), [0, 500, 1500, 3500, 7500, 15500, 31500]);
    assert.equal(handlers.timeouts.length, 1);
    assert.equal(handlers.timeouts[0]!.timer, "B");
    assert.equal(tx.state, "terminated");
  });

  it("stops retransmitting on a provisional response and does not time out in Proceeding", () => {
    const h = harness();
    const { req, handlers, tx } = invite(h);
    h.wheel.advance(700);
    h.layer.receive({ message: answer(req, 180, "b1"), origin: UDP_ORIGIN });
    assert.equal(tx.state, "proceeding");
    h.wheel.advance(100_000);
    assert.deepEqual(h.transport.times(isInvite), [0, 500]);
    assert.equal(handlers.timeouts.length, 0);
    assert.equal(handlers.responses.length, 1);
  });

  it("acknowledges a non-2xx final itself with the §17.1.1.3 ACK, re-ACKs retransmissions, and ends after Timer D", () => {
    const h = harness();
    const { req, handlers, tx } = invite(h);
    h.layer.receive({ message: answer(req, 180, "b1"), origin: UDP_ORIGIN });
    h.layer.receive({ message: answer(req, 486, "b1"), origin: UDP_ORIGIN });
    assert.equal(tx.state, "completed");
    assert.deepEqual(handlers.responses.map((r) => r.status), [180, 486]);
    const acks = h.transport.requests("ACK");
    assert.equal(acks.length, 1);
    const ack = acks[0]!;
    assert.equal(ack.uriText, req.uriText);
    assert.deepEqual(ack.headers.getAll("via"), [req.headers.getAll("via")[0]]);
    assert.equal(ack.headers.get("from"), req.headers.get("from"));
    assert.equal(ack.toTag, "b1", "To comes from the response");
    assert.equal(ack.callId, req.callId);
    assert.deepEqual(ack.cseq, { seq: req.cseq.seq, method: "ACK" });
    assert.deepEqual(ack.headers.getAll("route"), req.headers.getAll("route"));
    assert.equal(ack.headers.get("contact"), undefined);
    assert.equal(ack.body.length, 0);
    assert.deepEqual(h.transport.sent.at(-1)!.target, UDP_TARGET);

    h.wheel.advance(1000);
    h.layer.receive({ message: answer(req, 486, "b1"), origin: UDP_ORIGIN });
    assert.equal(h.transport.requests("ACK").length, 2, "the lost ACK is sent again");
    assert.equal(handlers.responses.length, 2, "the retransmission is not passed up");
    h.wheel.advance(30_990);
    assert.equal(tx.state, "completed");
    h.wheel.advance(20);
    assert.equal(tx.state, "terminated", "Timer D (32 s) after the 486");
    assert.equal(h.layer.stats().clientTransactions, 0);
  });

  it("passes every 2xx to the TU in Accepted (RFC 6026) and ends after Timer M", () => {
    const h = harness();
    const { req, handlers, tx } = invite(h);
    h.layer.receive({ message: answer(req, 200, "b1"), origin: UDP_ORIGIN });
    assert.equal(tx.state, "accepted");
    h.wheel.advance(4000);
    h.layer.receive({ message: answer(req, 200, "b1"), origin: UDP_ORIGIN });
    h.layer.receive({ message: answer(req, 200, "fork2"), origin: UDP_ORIGIN });
    assert.deepEqual(handlers.responses.map((r) => r.toTag), ["b1", "b1", "fork2"]);
    assert.equal(h.transport.requests("ACK").length, 0, "the TU acknowledges 2xx (§13.2.2.4)");
    assert.deepEqual(h.transport.times(isInvite), [0], "no retransmission after the 2xx");
    h.wheel.advance(28_000 - 10);
    assert.equal(tx.state, "accepted");
    h.wheel.advance(20);
    assert.equal(tx.state, "terminated", "Timer M = 64*T1 after the 2xx");
    h.layer.receive({ message: answer(req, 200, "b1"), origin: UDP_ORIGIN });
    assert.equal(h.user.strays.length, 1, "a 2xx after M goes to the core as a stray");
  });

  it("over TCP: no Timer A, and a non-2xx ends the transaction right after the ACK (D = 0)", () => {
    const h = harness();
    const { req, tx } = invite(h, true);
    h.wheel.advance(10_000);
    assert.deepEqual(h.transport.times(isInvite), [0]);
    h.layer.receive({ message: answer(req, 603, "b1"), origin: TCP_ORIGIN });
    assert.equal(h.transport.requests("ACK").length, 1);
    assert.equal(tx.state, "terminated");
  });

  it("terminates and tells the TU when the ACK cannot be sent", () => {
    const h = harness();
    const { req, handlers, tx } = invite(h);
    h.transport.fail = (data) => data.toString("latin1").startsWith("ACK");
    h.layer.receive({ message: answer(req, 404, "b1"), origin: UDP_ORIGIN });
    assert.equal(handlers.responses.length, 1);
    assert.equal(handlers.transportErrors.length, 1);
    assert.ok(handlers.transportErrors[0] instanceof TransactionTransportError);
    assert.equal(tx.state, "terminated");
  });
});
