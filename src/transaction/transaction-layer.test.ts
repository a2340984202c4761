import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MAGIC_COOKIE } from "../sip/headers/via.js";
import { SipRequest } from "../sip/message.js";
import { SipParseError } from "../sip/parse-error.js";
import { parseMessage } from "../sip/parser.js";
import { createResponse } from "../sip/response-builder.js";
import { addVia } from "./add-via.js";
import { answer, CountingRandom, harness, request, requestText, UDP_ORIGIN, UDP_TARGET } from "./test-support.js";

/** The SipParseError parsing `text` throws. */
function parseFailure(text: string): SipParseError {
  try {
    parseMessage(Buffer.from(text));
  } catch (e) {
    if (e instanceof SipParseError) return e;
    throw e;
  }
  throw new Error("parsed fine");
}

describe("TransactionLayer: stateless answers", () => {
  it("answers a request with a defect past its core headers with a stateless 400 naming it", () => {
    const h = harness();
    const err = parseFailure(requestText({ method: "REGISTER" }).replace("Max-Forwards: 70", "Max-Forwards: lots"));
    h.layer.receiveParseError(err, UDP_ORIGIN);
    const [sent] = h.transport.sent;
    assert.ok(sent !== undefined);
    const res = sent.message;
    assert.equal(res.kind, "response");
    if (res.kind !== "response") return;
    assert.equal(res.status, 400);
    assert.equal(res.reason, err.reasonPhrase);
    assert.match(res.reason, /max-forwards/i);
    assert.ok(res.toTag !== undefined);
    assert.equal(res.callId, "call-1@example.com");
    assert.equal(res.topVia.params.get("received"), undefined, "sent-by is the source address already");
    assert.deepEqual(sent.target.remote, { address: "192.0.2.10", port: 5062 });
    assert.equal(h.layer.stats().parseErrorsAnswered, 1);
    assert.equal(h.layer.stats().serverTransactions, 0, "stateless");
  });

  it("answers 505 to a version error whose headers could be read", () => {
    const h = harness();
    const err = parseFailure(requestText({ method: "OPTIONS" }).replace(" SIP/2.0\r\n", " SIP/3.0\r\n"));
    assert.equal(err.code, "SIP_PARSE_VERSION");
    h.layer.receiveParseError(err, UDP_ORIGIN);
    assert.deepEqual(h.transport.responses().map((r) => [r.status, r.reason]), [[505, "Version Not Supported"]]);
  });

  it("drops an ACK, a response, a garbled message, and a request whose Via cannot be read", () => {
    const h = harness();
    h.layer.receiveParseError(parseFailure(requestText({ method: "ACK" }).replace("Max-Forwards: 70", "Max-Forwards: lots")), UDP_ORIGIN);
    h.layer.receiveParseError(parseFailure("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nMax-Forwards: x\r\n\r\n"), UDP_ORIGIN);
    h.layer.receiveParseError(parseFailure("\u0001\u0002 garbage\r\n\r\n"), UDP_ORIGIN);
    h.layer.receiveParseError(parseFailure(requestText({ method: "REGISTER" }).replace(/^Via: .*$/m, "Via: ???")), UDP_ORIGIN);
    assert.equal(h.transport.sent.length, 0);
    assert.equal(h.layer.stats().parseErrorsDropped, 4);
  });
});

describe("TransactionLayer: requests no TU claims", () => {
  it("answers an OPTIONS ping with 200 and Allow/Accept/Supported when there is no handler", () => {
    const h = harness({ capabilities: { allow: ["REGISTER", "OPTIONS"], supported: ["path", "outbound"] } });
    h.layer.setUser({});
    h.layer.receive({ message: request({ method: "OPTIONS" }), origin: UDP_ORIGIN });
    const [res] = h.transport.responses();
    assert.equal(res?.status, 200);
    assert.equal(res.headers.get("allow"), "REGISTER, OPTIONS");
    assert.equal(res.headers.get("accept"), "application/sdp");
    assert.equal(res.headers.get("supported"), "path, outbound");
    assert.equal(h.layer.stats().optionsAnswered, 1);
    // The ping's retransmission gets the same answer from the completed record.
    h.layer.receive({ message: request({ method: "OPTIONS" }), origin: UDP_ORIGIN });
    assert.equal(h.transport.responses().length, 2);
    assert.equal(h.layer.stats().optionsAnswered, 1);
  });

  it("answers an OPTIONS the TU declines (returns false), and leaves alone one it claims", () => {
    const h = harness();
    h.user.handle = (req) => req.callId !== "declined";
    h.layer.receive({ message: request({ method: "OPTIONS", callId: "declined" }), origin: UDP_ORIGIN });
    h.layer.receive({ message: request({ method: "OPTIONS", callId: "claimed" }), origin: UDP_ORIGIN });
    assert.deepEqual(h.transport.responses().map((r) => [r.status, r.callId]), [[200, "declined"]]);
  });

  it("answers 405 with Allow to other unclaimed methods, and nothing for OPTIONS when answerOptions is off", () => {
    const h = harness({ answerOptions: false });
    h.user.handle = () => false;
    h.layer.receive({ message: request({ method: "SUBSCRIBE" }), origin: UDP_ORIGIN });
    h.layer.receive({ message: request({ method: "OPTIONS", callId: "o" }), origin: UDP_ORIGIN });
    assert.deepEqual(h.transport.responses().map((r) => r.status), [405, 405]);
    assert.equal(h.transport.responses()[0]!.headers.get("allow"), "REGISTER, OPTIONS");
  });

  it("answers 500 when the TU throws before answering", () => {
    const h = harness();
    h.user.handle = () => {
      throw new Error("TU bug");
    };
    h.layer.receive({ message: request({ method: "REGISTER" }), origin: UDP_ORIGIN });
    assert.deepEqual(h.transport.responses().map((r) => r.status), [500]);
    assert.equal(h.layer.stats().userErrors, 1);
  });
});

describe("TransactionLayer: strays and helpers", () => {
  it("hands unmatched responses and ACKs to the TU", () => {
    const h = harness();
    h.layer.receive({ message: answer(request({ method: "REGISTER" }), 200, "x"), origin: UDP_ORIGIN });
    h.layer.receive({ message: request({ method: "ACK", toTag: "t", branch: "z9hG4bK-other" }), origin: UDP_ORIGIN });
    assert.equal(h.user.strays.length, 1);
    assert.equal(h.user.acks.length, 1);
    const s = h.layer.stats();
    assert.equal(s.strayResponses, 1);
    assert.equal(s.acksPassedUp, 1);
  });

  it("addVia puts a top Via with a fresh RFC 3261 branch and rport, usable by sendRequest", () => {
    const h = harness();
    const req = new SipRequest("OPTIONS", "sip:peer.example.com");
    for (const [n, v] of [["Max-Forwards", "70"], ["From", "<sip:a@example.com>;tag=1"], ["To", "<sip:peer.example.com>"], ["Call-ID", "c1"], ["CSeq", "1 OPTIONS"]] as const) req.headers.add(n, v);
    const branch = addVia(req, { transport: "udp", host: "2001:db8::1", port: 5060 }, new CountingRandom());
    assert.ok(branch.startsWith(MAGIC_COOKIE));
    assert.equal(req.headers.get("via"), `SIP/2.0/UDP [2001:db8::1]:5060;branch=${branch};rport`);
    assert.equal(req.topVia.host, "[2001:db8::1]");
    const tx = h.layer.sendRequest(req, UDP_TARGET, { onResponse: () => undefined, onTimeout: () => undefined, onTransportError: () => undefined });
    assert.equal(tx.state, "trying");
    const sent = h.transport.requests("OPTIONS")[0]!;
    h.layer.receive({ message: answer(sent, 200, "p"), origin: UDP_ORIGIN });
    assert.equal(tx.state, "completed");
  });

  it("sends stateless messages as they are", () => {
    const h = harness();
    const res = createResponse(request({ method: "REGISTER" }), 403, { toTag: "s" });
    h.layer.sendStateless(res, UDP_TARGET);
    assert.deepEqual(h.transport.responses().map((r) => r.status), [403]);
    assert.equal(h.layer.stats().serverTransactions, 0);
  });

  it("close() stops the rotation timer", () => {
    const h = harness();
    assert.equal(h.wheel.size, 1);
    h.layer.close();
    assert.equal(h.wheel.size, 0);
  });
});
