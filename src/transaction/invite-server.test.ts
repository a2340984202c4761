import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { SipRequest, SipResponse } from "../sip/message.js";
import { createResponse } from "../sip/response-builder.js";
import { TransactionTimeoutError } from "./errors.js";
import { harness, request, TCP_ORIGIN, UDP_ORIGIN, type Harness } from "./test-support.js";
import type { ServerTransaction } from "./types.js";

const INVITE = { method: "INVITE", uri: "sip:bob@example.com", extra: ["Contact: <sip:alice@192.0.2.10:5062>"] } as const;

/** Delivers an INVITE; the TU keeps the transaction and answers nothing by itself. */
function receiveInvite(h: Harness, tcp = false, branch?: string | null): { req: SipRequest; tx: () => ServerTransaction } {
  let tx: ServerTransaction | undefined;
  h.user.handle = (_r, t) => void (tx = t);
  const req = request({ ...INVITE, transport: tcp ? "TCP" : "UDP", ...(branch === undefined ? {} : { branch }) });
  h.layer.receive({ message: req, origin: tcp ? TCP_ORIGIN : UDP_ORIGIN });
  return { req, tx: () => tx! };
}

/** The ACK a UAC sends for a non-2xx (same branch as the INVITE, §17.1.1.3). */
function ackFor(toTag: string, branch?: string | null): SipRequest {
  return request({ method: "ACK", uri: INVITE.uri, toTag, ...(branch === undefined ? {} : { branch }), cseqMethod: "ACK" });
}

const statuses = (h: Harness): number[] => h.transport.responses().map((r: SipResponse) => r.status);

describe("INVITE server transaction (RFC 3261 §17.2.1, Figure 7; RFC 6026)", () => {
  it("sends 100 Trying after 200 ms when the TU has not answered, and re-sends it for a retransmission", () => {
    const h = harness();
    receiveInvite(h);
    h.wheel.advance(190);
    assert.deepEqual(statuses(h), []);
    h.wheel.advance(20);
    assert.deepEqual(statuses(h), [100]);
    assert.equal(h.transport.responses()[0]!.toTag, undefined, "no To tag on a 100 (§8.2.6.2)");
    h.layer.receive({ message: request(INVITE), origin: UDP_ORIGIN });
    assert.deepEqual(statuses(h), [100, 100]);
    assert.equal(h.user.requests.length, 1);
  });

  it("sends no 100 when the TU answers within 200 ms", () => {
    const h = harness();
    const { req, tx } = receiveInvite(h);
    h.wheel.advance(50);
    tx().respond(createResponse(req, 180, { toTag: "b1" }));
    h.wheel.advance(1000);
    assert.deepEqual(statuses(h), [180]);
    h.layer.receive({ message: request(INVITE), origin: UDP_ORIGIN });
    assert.deepEqual(statuses(h), [180, 180], "the last provisional for a retransmission");
  });

  it("retransmits a non-2xx on Timer G up to T2 until the ACK, then absorbs ACKs and ends after Timer I", () => {
    const h = harness();
    const { req, tx } = receiveInvite(h);
    tx().respond(createResponse(req, 486, { toTag: "b1" }));
    assert.equal(tx().state, "completed");
    assert.equal(tx().request, undefined);
    h.wheel.advance(12_000);
    // G: 500, 1000, 2000, 4000, 4000 (capped at T2).
    assert.deepEqual(h.transport.times((m) => m.kind === "response"), [0, 500, 1500, 3500, 7500, 11500]);
    h.layer.receive({ message: request(INVITE), origin: UDP_ORIGIN });
    assert.equal(h.transport.responses().length, 7, "a retransmitted INVITE gets the final response again");
    h.layer.receive({ message: ackFor("b1"), origin: UDP_ORIGIN });
    assert.equal(tx().state, "confirmed");
    h.layer.receive({ message: ackFor("b1"), origin: UDP_ORIGIN });
    assert.equal(h.user.acks.length, 0, "the ACKs are the transaction's");
    h.wheel.advance(4_990);
    assert.equal(tx().state, "confirmed");
    assert.equal(h.transport.responses().length, 7, "no retransmission after the ACK");
    h.wheel.advance(20);
    assert.equal(tx().state, "terminated", "Timer I = T4");
    assert.equal(h.layer.stats().serverTransactions, 0);
  });

  it("gives up on Timer H without an ACK and tells the TU", () => {
    const h = harness();
    const { req, tx } = receiveInvite(h);
    tx().respond(createResponse(req, 500, { toTag: "b1" }));
    h.wheel.advance(32_010);
    assert.equal(tx().state, "terminated");
    assert.equal(h.user.errors.length, 1);
    assert.ok(h.user.errors[0] instanceof TransactionTimeoutError);
    assert.equal((h.user.errors[0] as TransactionTimeoutError).timer, "H");
  });

  it("in Accepted (2xx) absorbs INVITE retransmissions, lets the TU's 2xx through, passes ACKs up, ends after Timer L", () => {
    const h = harness();
    const { req, tx } = receiveInvite(h);
    const ok = createResponse(req, 200, { toTag: "b1" });
    tx().respond(ok);
    assert.equal(tx().state, "accepted");
    h.wheel.advance(500);
    h.layer.receive({ message: request(INVITE), origin: UDP_ORIGIN });
    assert.equal(h.user.requests.length, 1);
    assert.deepEqual(statuses(h), [200], "the transaction does not retransmit a 2xx: the TU does (§13.3.1.4)");
    assert.equal(tx().respond(ok), true);
    assert.equal(tx().respond(createResponse(req, 486, { toTag: "b1" })), false);
    assert.deepEqual(statuses(h), [200, 200]);
    // The ACK for a 2xx is a transaction of its own (new branch): the TU's.
    h.layer.receive({ message: ackFor("b1", "z9hG4bK-ack2xx"), origin: UDP_ORIGIN });
    assert.equal(h.user.acks.length, 1);
    h.wheel.advance(31_490);
    assert.equal(tx().state, "accepted");
    h.wheel.advance(20);
    assert.equal(tx().state, "terminated", "Timer L = 64*T1");
  });

  it("over TCP: no Timer G, and the ACK ends the transaction at once (I = 0)", () => {
    const h = harness();
    const { req, tx } = receiveInvite(h, true);
    tx().respond(createResponse(req, 486, { toTag: "b1" }));
    h.wheel.advance(20_000);
    assert.equal(h.transport.responses().length, 1);
    h.layer.receive({ message: request({ method: "ACK", uri: INVITE.uri, toTag: "b1", transport: "TCP" }), origin: TCP_ORIGIN });
    assert.equal(tx().state, "terminated");
  });

  it("matches a CANCEL to its INVITE: by default 200 to the CANCEL and 487 to the INVITE with the same To tag", () => {
    const h = harness();
    const { tx } = receiveInvite(h);
    h.layer.receive({ message: request({ ...INVITE, method: "CANCEL", extra: [] }), origin: UDP_ORIGIN });
    const [cancelOk, terminated] = h.transport.responses();
    assert.equal(cancelOk!.status, 200);
    assert.equal(cancelOk!.cseq.method, "CANCEL");
    assert.equal(terminated!.status, 487);
    assert.equal(terminated!.cseq.method, "INVITE");
    assert.equal(cancelOk!.toTag, terminated!.toTag);
    assert.equal(tx().state, "completed");
    assert.equal(h.user.requests.length, 1, "the CANCEL itself is not passed to onRequest");
  });

  it("gives a CANCEL handler the CANCEL, its transaction and the INVITE's", () => {
    const h = harness();
    const seen: Array<[SipRequest, ServerTransaction, ServerTransaction]> = [];
    h.layer.setUser({ onRequest: () => undefined, onCancel: (c, ctx, itx) => void seen.push([c, ctx, itx]) });
    h.layer.receive({ message: request(INVITE), origin: UDP_ORIGIN });
    h.layer.receive({ message: request({ ...INVITE, method: "CANCEL", extra: [] }), origin: UDP_ORIGIN });
    assert.equal(seen.length, 1);
    assert.equal(seen[0]![1].method, "CANCEL");
    assert.equal(seen[0]![2].method, "INVITE");
    assert.equal(seen[0]![2].state, "proceeding");
  });

  it("answers 481 to a CANCEL that matches no INVITE", () => {
    const h = harness();
    h.layer.receive({ message: request({ ...INVITE, method: "CANCEL", extra: [] }), origin: UDP_ORIGIN });
    assert.deepEqual(statuses(h), [481]);
    assert.equal(h.layer.stats().cancelsUnmatched, 1);
  });

  it("matches RFC 2543 requests without the magic cookie: retransmission, ACK with our To tag, CANCEL", () => {
    const h = harness();
    const { req, tx } = receiveInvite(h, false, null);
    h.layer.receive({ message: request({ ...INVITE, branch: null }), origin: UDP_ORIGIN });
    assert.equal(h.user.requests.length, 1, "the retransmission matched on Request-URI, tags, Call-ID, CSeq and Via");
    tx().respond(createResponse(req, 404, { toTag: "b2543" }));
    h.layer.receive({ message: request({ ...INVITE, branch: null }), origin: UDP_ORIGIN });
    assert.deepEqual(statuses(h), [404, 404]);
    h.layer.receive({ message: ackFor("b2543", null), origin: UDP_ORIGIN });
    assert.equal(tx().state, "confirmed");
    assert.equal(h.user.acks.length, 0);
    // A different CSeq is a different transaction.
    h.layer.receive({ message: request({ ...INVITE, branch: null, cseq: 2 }), origin: UDP_ORIGIN });
    assert.equal(h.user.requests.length, 2);
    // A CANCEL without cookie matches its INVITE too.
    h.layer.receive({ message: request({ ...INVITE, method: "CANCEL", extra: [], branch: null, cseq: 2 }), origin: UDP_ORIGIN });
    assert.deepEqual(statuses(h).slice(-2), [200, 487]);
    h.wheel.advance(6_000);
    assert.equal(h.layer.stats().serverTransactions, 1, "the first INVITE ended (Timer I) with its ACK alias; the second waits for its ACK");
  });
});
