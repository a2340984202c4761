// Shared by the transport tests: SIP message text, the test certificate, an inbox of what a layer
// reported, and bounded waits (every wait fails after a deadline instead of hanging the runner).
import { readFileSync } from "node:fs";
import type { SipParseError } from "../sip/parse-error.js";
import { Connection, type ConnectionInfo, type ConnectionInit } from "./connection.js";
import type { TransportLayer } from "./transport-layer.js";
import type { InboundMessage, Origin } from "./types.js";

export const TLS_CERT = readFileSync(new URL("../../../test/support/tls/cert.pem", import.meta.url));
export const TLS_KEY = readFileSync(new URL("../../../test/support/tls/key.pem", import.meta.url));
export const SERVER_TLS = { cert: TLS_CERT, key: TLS_KEY };
export const CLIENT_TLS = { ca: TLS_CERT };

export interface RequestText {
  method?: string;
  /** Via transport token: UDP, TCP, TLS, WS, WSS. */
  transport?: string;
  /** Via sent-by, e.g. "127.0.0.1:5060" or "[::1]:5062". */
  sentBy?: string;
  /** Extra Via parameters after the branch, e.g. ";rport". */
  viaParams?: string;
  callId?: string;
  body?: string;
}

let seq = 0;

/** A well-formed request (RFC 3261 §8.1.1) as wire bytes. */
export function requestBytes(r: RequestText = {}): Buffer {
  const method = r.method ?? "OPTIONS";
  const body = r.body ?? "";
  seq++;
  return Buffer.from(
    `${method} sip:registrar@example.com SIP/2.0\r\n` +
      `Via: SIP/2.0/${r.transport ?? "UDP"} ${r.sentBy ?? "192.0.2.1:5060"};branch=z9hG4bK-t${seq}${r.viaParams ?? ""}\r\n` +
      `Max-Forwards: 70\r\n` +
      `From: <sip:alice@example.com>;tag=a${seq}\r\n` +
      `To: <sip:alice@example.com>\r\n` +
      `Call-ID: ${r.callId ?? `call-${seq}`}\r\n` +
      `CSeq: 1 ${method}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
      body,
  );
}

/** Rejects after `ms` unless `p` settles first. */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `probe` until it returns something other than undefined/false, or fails after `ms`. */
export async function until<T>(probe: () => T | undefined | false, what: string, ms = 2000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(5);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Everything a TransportLayer reported to its handlers. */
export class Inbox {
  readonly messages: InboundMessage[] = [];
  readonly parseErrors: Array<{ err: SipParseError; origin: Origin }> = [];
  readonly closed: ConnectionInfo[] = [];
  readonly flowFailed: ConnectionInfo[] = [];

  constructor(layer: TransportLayer, onMessage?: (m: InboundMessage) => void) {
    layer.setHandlers({
      onMessage: (m) => {
        this.messages.push(m);
        onMessage?.(m);
      },
      onParseError: (err, origin) => this.parseErrors.push({ err, origin }),
      onConnectionClosed: (info) => this.closed.push(info),
      onFlowFailed: (info) => this.flowFailed.push(info),
    });
  }

  /** The n-th message (0-based) once it has arrived. */
  message(n = 0, ms = 2000): Promise<InboundMessage> {
    return until(() => this.messages[n], `message #${n + 1}`, ms);
  }

  parseError(n = 0, ms = 2000): Promise<{ err: SipParseError; origin: Origin }> {
    return until(() => this.parseErrors[n], `parse error #${n + 1}`, ms);
  }

  closedConnection(id: number, ms = 2000): Promise<ConnectionInfo> {
    return until(() => this.closed.find((c) => c.id === id), `close of connection ${id}`, ms);
  }
}

/** A connection with no socket: enough for the table and the sweep. */
export class StubConnection extends Connection {
  written: Buffer[] = [];
  constructor(init: Partial<ConnectionInit> & { id: number }, connecting = false) {
    super({ protocol: "tcp", remote: { address: "192.0.2.1", port: 5060 }, local: { address: "127.0.0.1", port: 5060 }, listenerId: "tcp:127.0.0.1:5060", outbound: true, nowMs: 1000, ...init }, () => 1000);
    if (connecting) this.pending = [];
  }
  get bufferedBytes(): number {
    return 0;
  }
  protected transmit(data: Buffer): void {
    this.written.push(data);
  }
  protected unsentBytes(): number {
    return 0;
  }
  protected destroy(): void {}
}
