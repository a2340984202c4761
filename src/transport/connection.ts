// One connection-oriented flow (TCP, TLS, WS, WSS): framing in, bytes out, activity for the idle sweep,
// CRLF keepalive state (RFC 5626 §3.5.1).
import { isUtf8 } from "node:buffer";
import type { Socket } from "node:net";
import type { WebSocket } from "ws";
import { StreamFramer, type FrameEvent } from "../sip/stream-framer.js";
import type { ParserLimits } from "../sip/limits.js";
import { normaliseAddress } from "./endpoint.js";
import type { Endpoint, TransportProtocol } from "./types.js";

export interface ConnectionInfo {
  id: number;
  protocol: TransportProtocol;
  remote: Endpoint;
  local: Endpoint;
  listenerId: string;
  /** True when we opened it (client side). */
  outbound: boolean;
  createdAtMs: number;
  lastActivityMs: number;
  /** Bytes waiting in the framer for the rest of a message. */
  bufferedBytes: number;
  /** Keepalive interval in ms when we send CRLFCRLF pings on it (RFC 5626 §4.4.1), else 0. */
  keepaliveMs: number;
  /** Held open by its user (a registration made over it): never closed for being idle. */
  held: boolean;
}

export interface ConnectionEvents {
  onFrames(conn: Connection, frames: FrameEvent[]): void;
  onFramingError(conn: Connection, err: unknown): void;
  onClose(conn: Connection): void;
}

export interface ConnectionInit {
  id: number;
  protocol: TransportProtocol;
  remote: Endpoint;
  local: Endpoint;
  listenerId: string;
  outbound: boolean;
  nowMs: number;
}

export abstract class Connection {
  readonly id: number;
  readonly protocol: TransportProtocol;
  remote: Endpoint;
  local: Endpoint;
  readonly listenerId: string;
  readonly outbound: boolean;
  readonly createdAtMs: number;
  /** Last traffic either way (idle sweep). */
  lastActivityMs: number;
  /** Last bytes received (a keepalive is due only when the peer has been silent). */
  lastReceivedMs: number;
  keepaliveMs = 0;
  /** Held open by its user: the idle sweep leaves it alone (see ConnectionInfo.held). */
  held = false;
  lastPongMs = 0;
  /** When the outstanding keepalive ping was sent; undefined when none is awaiting its pong. */
  pingOutstandingSinceMs: number | undefined;
  closed = false;
  /** True when we closed it (rather than the peer or the network). */
  closedLocally = false;
  /** Last socket error: the cause reported when a connect fails. */
  lastError: Error | undefined;
  /** Writes made before an outbound connection was established; null once it is (or for inbound ones). */
  protected pending: Buffer[] | null = null;
  protected pendingBytes = 0;
  protected readonly now: () => number;
  private finished = false;
  private readonly closeWaiters: Array<() => void> = [];

  constructor(init: ConnectionInit, now: () => number) {
    this.id = init.id;
    this.protocol = init.protocol;
    this.remote = init.remote;
    this.local = init.local;
    this.listenerId = init.listenerId;
    this.outbound = init.outbound;
    this.createdAtMs = init.nowMs;
    this.lastActivityMs = init.nowMs;
    this.lastReceivedMs = init.nowMs;
    this.now = now;
  }

  /** Queues or sends bytes; a no-op once closed. */
  write(data: Buffer): void {
    if (this.closed) return;
    this.lastActivityMs = this.now();
    if (this.pending !== null) {
      this.pending.push(data);
      this.pendingBytes += data.length;
    } else {
      this.transmit(data);
    }
  }

  /** True while an outbound connection is still being set up (TCP connect, TLS or WS handshake). */
  get connecting(): boolean {
    return this.pending !== null;
  }

  /** Bytes accepted but not yet handed to the kernel, including those queued while connecting. */
  get backlogBytes(): number {
    return this.pendingBytes + this.unsentBytes();
  }

  /** Closes it now (no graceful shutdown); the close is reported through ConnectionEvents.onClose. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closedLocally = true;
    this.pending = null;
    this.pendingBytes = 0;
    this.destroy();
  }

  /** Resolves once the underlying socket has closed. */
  whenClosed(): Promise<void> {
    if (this.finished) return Promise.resolve();
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  abstract get bufferedBytes(): number;
  protected abstract transmit(data: Buffer): void;
  protected abstract unsentBytes(): number;
  protected abstract destroy(): void;

  /** Called when an outbound connection is up: flush what was written meanwhile. */
  protected flushPending(local: Endpoint): void {
    this.local = local;
    const queued = this.pending;
    this.pending = null;
    this.pendingBytes = 0;
    if (queued !== null) for (const b of queued) this.transmit(b);
  }

  protected noteReceived(): void {
    const t = this.now();
    this.lastActivityMs = t;
    this.lastReceivedMs = t;
  }

  /** The socket closed: mark it, tell the layer, wake close() waiters. Runs once. */
  protected finish(events: ConnectionEvents): void {
    if (this.finished) return;
    this.finished = true;
    this.closed = true;
    this.pending = null;
    this.pendingBytes = 0;
    try {
      events.onClose(this);
    } finally {
      for (const w of this.closeWaiters.splice(0)) w();
    }
  }

  info(): ConnectionInfo {
    return {
      id: this.id,
      protocol: this.protocol,
      remote: this.remote,
      local: this.local,
      listenerId: this.listenerId,
      outbound: this.outbound,
      createdAtMs: this.createdAtMs,
      lastActivityMs: this.lastActivityMs,
      bufferedBytes: this.bufferedBytes,
      keepaliveMs: this.keepaliveMs,
      held: this.held,
    };
  }
}

/** TCP or TLS: a byte stream cut into messages by StreamFramer (RFC 3261 §18.3). */
export class StreamConnection extends Connection {
  private readonly socket: Socket;
  private readonly framer: StreamFramer;

  constructor(init: ConnectionInit & { socket: Socket; limits: ParserLimits; connecting: boolean }, events: ConnectionEvents, now: () => number) {
    super(init, now);
    this.socket = init.socket;
    this.framer = new StreamFramer(init.limits);
    if (init.connecting) this.pending = [];
    const socket = init.socket;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      if (this.closed) return;
      this.noteReceived();
      let frames: FrameEvent[];
      try {
        frames = this.framer.push(chunk);
      } catch (err) {
        // §18.3: a stream that cannot be framed cannot be resynchronised.
        events.onFramingError(this, err);
        this.close();
        return;
      }
      if (frames.length > 0) events.onFrames(this, frames);
    });
    socket.on("error", (err: Error) => {
      this.lastError = err;
    });
    socket.once("close", () => this.finish(events));
  }

  /** The outbound connection is up (TCP connected, or TLS handshake done). */
  established(): void {
    const address = this.socket.localAddress;
    const port = this.socket.localPort;
    this.flushPending(address === undefined || port === undefined ? this.local : { address: normaliseAddress(address), port });
  }

  get bufferedBytes(): number {
    return this.framer.buffered;
  }

  protected transmit(data: Buffer): void {
    this.socket.write(data);
  }

  protected unsentBytes(): number {
    return this.socket.writableLength;
  }

  protected destroy(): void {
    this.socket.destroy();
  }
}

/** WebSocket (RFC 7118 §5): each WS message carries exactly one SIP message. */
export class WsConnection extends Connection {
  private readonly ws: WebSocket;

  constructor(init: ConnectionInit & { ws: WebSocket; connecting: boolean }, events: ConnectionEvents, now: () => number) {
    super(init, now);
    this.ws = init.ws;
    if (init.connecting) this.pending = [];
    const ws = init.ws;
    ws.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
      if (this.closed) return;
      this.noteReceived();
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      // CRLF keepalives may also be sent over WebSocket (RFC 7118 §6 leaves keepalives to the application).
      if (bytes.length <= 4 && /^(\r\n)+$/.test(bytes.toString("latin1"))) {
        events.onFrames(this, [bytes.length === 4 ? { kind: "ping" } : { kind: "pong" }]);
        return;
      }
      events.onFrames(this, [{ kind: "message", bytes }]);
    });
    ws.on("error", (err: Error) => {
      this.lastError = err;
    });
    ws.once("close", () => this.finish(events));
  }

  /** The WebSocket handshake completed; `local` is the socket's own address. */
  established(local: Endpoint): void {
    this.flushPending(local);
  }

  get bufferedBytes(): number {
    return 0;
  }

  // RFC 7118 §5: text frames for UTF-8 messages, binary frames otherwise (a text frame must be valid UTF-8).
  protected transmit(data: Buffer): void {
    this.ws.send(data, { binary: !isUtf8(data) });
  }

  protected unsentBytes(): number {
    return this.ws.bufferedAmount;
  }

  protected destroy(): void {
    this.ws.terminate();
  }
}
