import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createResponse } from "../sip/response-builder.js";
import { TransactionTransportError } from "./errors.js";
import { harness, request, TCP_ORIGIN, UDP_ORIGIN } from "./test-support.js";
import type { ServerTransaction } from "./types.js";

describe("non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8)", () => {
  it("absorbs retransmissions in Completed and answers each with the same bytes to the same target", () => {
    const h = harness();
    let tx: ServerTransaction | undefined;
    h.user.handle = (req, t) => {
      tx = t;
      t.respond(createResponse(req, 200, { toTag: "reg1" }));
    };
    h.layer.receive({ message: request({ method: "REGISTER" }), origin: UDP_ORIGIN });
    assert.equal(h.user.requests.length, 1);
    assert.equal(tx!.state, "completed");
    assert.equal(tx!.request, undefined, "the request is released with the final response");
    const first = h.transport.sent[0]!;
    assert.deepEqual(first.target, { protocol: "udp", remote: { address: "192.0.2.10", port: 5062 }, listenerId: UDP_ORIGIN.listenerId });

    h.wheel.advance(1000);
    h.layer.receive({ message: request({ method: "REGISTER" }), origin: UDP_ORIGIN });
    assert.equal(h.user.requests.length, 1, "not passed up again");
    assert.equal(h.transport.sent.length, 2);
    assert.ok(h.transport.sent[1]!.data.equals(first.data));
    assert.deepEqual(h.transport.sent[1]!.target, first.target);
    const s = h.layer.stats();
    assert.equal(s.retransmissionsAbsorbed, 1);
    assert.equal(s.responsesResent, 1);
    assert.equal(s.serverTransactions, 0, "no live object after the final response");
    assert.equal(s.completedRecords, 1);
  });

  it("keeps Completed for at least Timer J (64*T1) and forgets it by 1.5 J", () => {
    const h = harness();
    h.user.handle = (req, t) => void t.respond(createResponse(req, 200, { toTag: "reg1" }));
    h.layer.receive({ message: request({ method: "REGISTER" }), origin: UDP_ORIGIN });
    h.wheel.advance(31_990);
    h.layer.receive({ message: request({ method: "REGISTER" }), origin: UDP_ORIGIN });
    assert.equal(h.user.requests.length, 1, "absorbed just before J");
    h.wheel.advance(16_020);
    h.layer.receive({ message: request({ method: "REGISTER" }), origin: UDP_ORIGIN });
    assert.equal(h.user.requests.length, 2, "a new transaction once Completed is over");
  });

  it("absorbs a retransmission silently in Trying and answers with the last provisional in Proceeding", () => {
    const h = harness();
    let tx: ServerTransaction | undefined;
    h.user.handle = (_req, t) => void (tx = t);
    const req = request({ method: "REGISTER" });
    h.layer.receive({ message: req, origin: UDP_ORIGIN });
    h.layer.receive({ message: request({ method: "REGISTER" }), origin: UDP_ORIGIN });
    assert.equal(h.transport.sent.length, 0);
    assert.equal(tx!.state, "trying");
    tx!.respond(createResponse(req, 100));
    assert.equal(tx!.state, "proceeding");
    h.layer.receive({ message: request({ method: "REGISTER" }), origin: UDP_ORIGIN });
    assert.deepEqual(h.transport.responses().map((r) => r.status), [100, 100]);
    assert.equal(h.user.requests.length, 1);
    assert.equal(tx!.respond(createResponse(req, 200, { toTag: "x" })), true);
    assert.equal(tx!.respond(createResponse(req, 500, { toTag: "x" })), false, "one final response only");
    assert.equal(tx!.answered, true);
  });

  it("keeps nothing after the final response over TCP (J = 0)", () => {
    const h = harness();
    let tx: ServerTransaction | undefined;
    h.user.handle = (req, t) => {
      tx = t;
      t.respond(createResponse(req, 200, { toTag: "reg1" }));
    };
    h.layer.receive({ message: request({ method: "REGISTER", transport: "TCP" }), origin: TCP_ORIGIN });
    assert.equal(tx!.state, "terminated");
    const target = h.transport.sent[0]!.target;
    assert.equal(target.protocol, "tcp");
    assert.equal(target.connectionId, 7, "back over the connection the request came on (§18.2.2)");
    const s = h.layer.stats();
    assert.equal(s.serverTransactions, 0);
    assert.equal(s.completedRecords, 0);
    assert.equal(h.wheel.size, 1, "only the layer's rotation timer");
  });

  it("terminates on a transport error, tells the TU, and forgets the response", () => {
    const h = harness();
    h.user.handle = (req, t) => void t.respond(createResponse(req, 200, { toTag: "reg1" }));
    h.transport.fail = () => true;
    h.layer.receive({ message: request({ method: "REGISTER" }), origin: UDP_ORIGIN });
    assert.equal(h.user.errors.length, 1);
    assert.ok(h.user.errors[0] instanceof TransactionTransportError);
    assert.equal(h.layer.stats().transportErrors, 1);
    h.transport.fail = undefined;
    h.layer.receive({ message: request({ method: "REGISTER" }), origin: UDP_ORIGIN });
    assert.equal(h.user.requests.length, 2, "terminated: the retransmission is a new request");
  });

  it("drops a transaction the TU never answered once its client must have given up (Timer F)", () => {
    const h = harness();
    let tx: ServerTransaction | undefined;
    h.user.handle = (_req, t) => void (tx = t);
    const req = request({ method: "REGISTER" });
    h.layer.receive({ message: req, origin: UDP_ORIGIN });
    h.wheel.advance(31_990);
    assert.equal(h.layer.stats().serverTransactions, 1, "kept while the client may still be waiting");
    h.wheel.advance(16_020);
    assert.equal(h.layer.stats().serverTransactions, 0);
    assert.equal(h.layer.stats().abandoned, 1);
    assert.equal(tx!.respond(createResponse(req, 200, { toTag: "late" })), false);
  });
});
