import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { SipResponse } from "../sip/message.js";
import { TransactionError, TransactionTimeoutError, TransactionTransportError } from "./errors.js";
import { answer, harness, request, TCP_ORIGIN, TCP_TARGET, UDP_ORIGIN, UDP_TARGET, type Harness } from "./test-support.js";
import type { ClientHandlers } from "./types.js";

interface Outcome {
  responses: SipResponse[];
  timeouts: TransactionTimeoutError[];
  transportErrors: TransactionTransportError[];
}

function recorder(): ClientHandlers & Outcome {
  const o: Outcome = { responses: [], timeouts: [], transportErrors: [] };
  return {
    ...o,
    onResponse: (res) => o.responses.push(res),
    onTimeout: (err) => o.timeouts.push(err),
    onTransportError: (err) => o.transportErrors.push(err),
  };
}

function sendRegister(h: Harness, target = UDP_TARGET, transport: "UDP" | "TCP" = "UDP"): { handlers: ReturnType<typeof recorder>; req: ReturnType<typeof request> } {
  const handlers = recorder();
  const req = request({ method: "REGISTER", transport });
  h.layer.sendRequest(req, target, handlers);
  return { handlers, req };
}

const isRegister = (m: { kind: string }): boolean => m.kind === "request";

describe("non-INVITE client transaction (RFC 3261 §17.1.2, Figure 6)", () => {
  it("retransmits on Timer E doubling up to T2, then times out on Timer F", () => {
    const h = harness();
    const { handlers } = sendRegister(h);
    h.wheel.advance(32_000);
    // E: 500, 1000, 2000, 4000, 4000, ... from 0; F at 64*T1 = 32 s.
    assert.deepEqual(h.transport.times(isRegister), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    assert.equal(handlers.timeouts.length, 1);
    assert.equal(handlers.timeouts[0]!.timer, "F");
    assert.ok(handlers.timeouts[0] instanceof TransactionError);
    assert.equal(h.layer.stats().clientTransactions, 0);
    assert.equal(h.layer.stats().timeouts, 1);
    h.wheel.advance(10_000);
    assert.equal(h.transport.sent.length, 11, "nothing after termination");
  });

  it("retransmits every T2 once a provisional response arrived (Proceeding)", () => {
    const h = harness();
    const { handlers, req } = sendRegister(h);
    h.wheel.advance(600);
    h.layer.receive({ message: answer(req, 100), origin: UDP_ORIGIN });
    assert.equal(handlers.responses.length, 1);
    h.wheel.advance(10_000);
    // 0, 500, then the E due at 1500 fires in Proceeding and re-arms with T2 = 4000.
    assert.deepEqual(h.transport.times(isRegister), [0, 500, 1500, 5500, 9500]);
  });

  it("passes the final response up once, absorbs its retransmissions, and ends after Timer K", () => {
    const h = harness();
    const { handlers, req } = sendRegister(h);
    const ok = answer(req, 200, "t1");
    h.layer.receive({ message: ok, origin: UDP_ORIGIN });
    h.layer.receive({ message: answer(req, 200, "t1"), origin: UDP_ORIGIN });
    assert.equal(handlers.responses.length, 1);
    assert.equal(h.layer.stats().clientTransactions, 1, "Completed for T4");
    h.wheel.advance(4_990);
    assert.equal(h.layer.stats().clientTransactions, 1);
    h.wheel.advance(20);
    assert.equal(h.layer.stats().clientTransactions, 0, "Timer K = T4 = 5 s");
    h.wheel.advance(40_000);
    assert.equal(h.transport.sent.length, 1, "no retransmission after the final response");
    assert.equal(handlers.timeouts.length, 0);
    // Now unmatched: a stray.
    h.layer.receive({ message: answer(req, 200, "t1"), origin: UDP_ORIGIN });
    assert.equal(h.user.strays.length, 1);
  });

  it("never retransmits over TCP, still times out on F, and ends at once on the final response (K = 0)", () => {
    const h = harness();
    const { handlers } = sendRegister(h, TCP_TARGET, "TCP");
    h.wheel.advance(32_000);
    assert.equal(h.transport.sent.length, 1);
    assert.equal(handlers.timeouts.length, 1);

    const req2 = request({ method: "REGISTER", transport: "TCP", cseq: 2 });
    const handlers2 = recorder();
    h.layer.sendRequest(req2, TCP_TARGET, handlers2);
    h.layer.receive({ message: answer(req2, 200, "x"), origin: TCP_ORIGIN });
    assert.equal(handlers2.responses.length, 1);
    assert.equal(h.layer.stats().clientTransactions, 0, "Timer K is zero over TCP");
    h.wheel.advance(40_000);
    assert.equal(h.transport.sent.length, 2);
  });

  it("reports a transport error and terminates", () => {
    const h = harness();
    h.transport.fail = () => true;
    const { handlers } = sendRegister(h);
    assert.equal(handlers.transportErrors.length, 1);
    assert.ok(handlers.transportErrors[0] instanceof TransactionTransportError);
    assert.equal(h.layer.stats().clientTransactions, 0);
    h.wheel.advance(40_000);
    assert.equal(handlers.timeouts.length, 0);
  });

  it("refuses an ACK, a branch without the magic cookie, and a duplicate transaction", () => {
    const h = harness();
    assert.throws(() => h.layer.sendRequest(request({ method: "ACK" }), UDP_TARGET, recorder()), (e: unknown) => e instanceof TransactionError && e.code === "TX_BAD_REQUEST");
    assert.throws(() => h.layer.sendRequest(request({ method: "REGISTER", branch: "1234" }), UDP_TARGET, recorder()), (e: unknown) => e instanceof TransactionError && e.code === "TX_BAD_REQUEST");
    h.layer.sendRequest(request({ method: "REGISTER" }), UDP_TARGET, recorder());
    assert.throws(() => h.layer.sendRequest(request({ method: "REGISTER" }), UDP_TARGET, recorder()), (e: unknown) => e instanceof TransactionError && e.code === "TX_DUPLICATE");
  });
});
