// Test fixtures for the transaction layer: a transport that records (and on demand fails) sends, a
// deterministic random source, message builders and a layer on a ManualClock with a manual wheel.
import { parseMessage } from "../sip/parser.js";
import { SipRequest, SipResponse, type SipMessage } from "../sip/message.js";
import { createResponse } from "../sip/response-builder.js";
import { serializeMessage } from "../sip/serializer.js";
import type { Origin, SendTarget } from "../transport/types.js";
import { ManualClock } from "../util/clock.js";
import type { RandomSource } from "../util/random.js";
import { TimerWheel } from "../util/timer-wheel.js";
import { TransactionLayer, type TransactionLayerOptions } from "./transaction-layer.js";
import type { ServerTransaction, TransactionUser } from "./types.js";

export interface Sent {
  at: number;
  data: Buffer;
  target: SendTarget;
  message: SipMessage;
}

/** Records every send; `fail` makes matching sends report an error (synchronously, like "no listener"). */
export class FakeTransport {
  readonly sent: Sent[] = [];
  fail: ((data: Buffer, target: SendTarget) => boolean) | undefined;
  constructor(private readonly clock: ManualClock) {}
  send(data: Buffer, target: SendTarget, onError?: (err: Error) => void): void {
    if (this.fail?.(data, target)) {
      onError?.(new Error("injected send failure"));
      return;
    }
    this.sent.push({ at: this.clock.monotonic(), data, target, message: parseMessage(data) });
  }
  requests(method?: string): SipRequest[] {
    return this.sent.map((s) => s.message).filter((m): m is SipRequest => m.kind === "request" && (method === undefined || m.method === method));
  }
  responses(status?: number): SipResponse[] {
    return this.sent.map((s) => s.message).filter((m): m is SipResponse => m.kind === "response" && (status === undefined || m.status === status));
  }
  times(pred: (m: SipMessage) => boolean): number[] {
    return this.sent.filter((s) => pred(s.message)).map((s) => s.at);
  }
  clear(): void {
    this.sent.length = 0;
  }
}

/** Counter-based hex: distinct, reproducible ids. */
export class CountingRandom implements RandomSource {
  private n = 0;
  hex(bytes: number): string {
    return (++this.n).toString(16).padStart(bytes * 2, "0").slice(-bytes * 2);
  }
  float(): number {
    return 0.5;
  }
}

export const UDP_ORIGIN: Origin = Object.freeze({
  protocol: "udp",
  remote: { address: "192.0.2.10", port: 5062 },
  local: { address: "192.0.2.1", port: 5060 },
  listenerId: "udp:192.0.2.1:5060",
  connectionId: undefined,
});

export const TCP_ORIGIN: Origin = Object.freeze({
  protocol: "tcp",
  remote: { address: "192.0.2.10", port: 40000 },
  local: { address: "192.0.2.1", port: 5060 },
  listenerId: "tcp:192.0.2.1:5060",
  connectionId: 7,
});

export const UDP_TARGET: SendTarget = { protocol: "udp", remote: { address: "192.0.2.20", port: 5060 } };
export const TCP_TARGET: SendTarget = { protocol: "tcp", remote: { address: "192.0.2.20", port: 5060 } };

export interface RequestSpec {
  method: string;
  /** Branch of the top Via; null for none (RFC 2543). Default z9hG4bK-<callId>-<cseq>. */
  branch?: string | null;
  transport?: "UDP" | "TCP";
  viaHost?: string;
  callId?: string;
  cseq?: number;
  cseqMethod?: string;
  toTag?: string;
  fromTag?: string;
  uri?: string;
  extra?: readonly string[];
}

export function requestText(spec: RequestSpec): string {
  const callId = spec.callId ?? "call-1@example.com";
  const cseq = spec.cseq ?? 1;
  const branch = spec.branch === undefined ? `z9hG4bK-${callId.replace(/@.*/, "")}-${cseq}` : spec.branch;
  const via = `SIP/2.0/${spec.transport ?? "UDP"} ${spec.viaHost ?? "192.0.2.10"}:5062${branch === null ? "" : ";branch=" + branch}`;
  const lines = [
    `${spec.method} ${spec.uri ?? "sip:registrar.example.com"} SIP/2.0`,
    `Via: ${via}`,
    "Max-Forwards: 70",
    `From: <sip:alice@example.com>;tag=${spec.fromTag ?? "from1"}`,
    `To: <sip:alice@example.com>${spec.toTag === undefined ? "" : ";tag=" + spec.toTag}`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} ${spec.cseqMethod ?? spec.method}`,
    ...(spec.extra ?? []),
    "Content-Length: 0",
  ];
  return lines.join("\r\n") + "\r\n\r\n";
}

export function request(spec: RequestSpec): SipRequest {
  const m = parseMessage(Buffer.from(requestText(spec)));
  if (m.kind !== "request") throw new Error("not a request");
  return m;
}

/** A response to `req` as it would arrive from the network (serialized and parsed again). */
export function answer(req: SipRequest, status: number, toTag?: string): SipResponse {
  const m = parseMessage(serializeMessage(createResponse(req, status, toTag === undefined ? {} : { toTag })));
  if (m.kind !== "response") throw new Error("not a response");
  return m;
}

/** A TU that records what it is given; `onRequest` can be replaced per test. */
export class RecordingUser implements TransactionUser {
  readonly requests: SipRequest[] = [];
  readonly acks: SipRequest[] = [];
  readonly strays: SipResponse[] = [];
  readonly errors: Error[] = [];
  readonly cancels: SipRequest[] = [];
  handle: (req: SipRequest, tx: ServerTransaction) => boolean | void = () => undefined;
  onRequest(req: SipRequest, tx: ServerTransaction): boolean | void {
    this.requests.push(req);
    return this.handle(req, tx);
  }
  onAck(ack: SipRequest): void {
    this.acks.push(ack);
  }
  onStrayResponse(res: SipResponse): void {
    this.strays.push(res);
  }
  onServerError(_tx: unknown, err: Error): void {
    this.errors.push(err);
  }
}

export interface Harness {
  clock: ManualClock;
  wheel: TimerWheel;
  transport: FakeTransport;
  user: RecordingUser;
  layer: TransactionLayer;
  random: CountingRandom;
}

export function harness(options: Partial<TransactionLayerOptions> = {}): Harness {
  const clock = new ManualClock(0);
  const wheel = new TimerWheel({ clock, tickMs: 10, manual: true });
  const transport = new FakeTransport(clock);
  const user = new RecordingUser();
  const random = new CountingRandom();
  const layer = new TransactionLayer({ transport, clock, random, wheel, user, ...options });
  return { clock, wheel, transport, user, layer, random };
}
