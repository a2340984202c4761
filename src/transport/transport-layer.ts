// The transport layer (RFC 3261 §18): owns the listeners and connections, turns bytes into messages
// for the layer above (stamping received/rport on requests, §18.2.1 / RFC 3581), and sends bytes to
// a target: over UDP, over an existing connection, or over a new one (TCP, TLS, WS, WSS).
import type { Socket } from "node:net";
import { networkInterfaces } from "node:os";
import type { WebSocket } from "ws";
import { parseMessage } from "../sip/parser.js";
import { SipParseError } from "../sip/parse-error.js";
import { DEFAULT_LIMITS, type ParserLimits } from "../sip/limits.js";
import type { FrameEvent } from "../sip/stream-framer.js";
import type { SipMessage } from "../sip/message.js";
import { systemClock, type Clock } from "../util/clock.js";
import { TimerWheel } from "../util/timer-wheel.js";
import { StreamConnection, WsConnection, type Connection, type ConnectionEvents, type ConnectionInfo } from "./connection.js";
import { ConnectionTable } from "./connection-table.js";
import { familyOf, formatEndpoint, hostForSip, normaliseAddress } from "./endpoint.js";
import { TransportError } from "./errors.js";
import { sweepAction, type SweepPolicy } from "./flow-sweep.js";
import { openStream, openWs, type OutboundSettings } from "./outbound.js";
import { stampTopVia } from "./response-routing.js";
import { answerBindingRequest, parseStun, STUN_BINDING_REQUEST, STUN_BINDING_SUCCESS } from "./stun.js";
import { StreamListener } from "./stream-listener.js";
import { UdpListener } from "./udp-listener.js";
import { UdpKeepalives, type UdpFlowFailedHandler, type UdpKeepaliveInfo, type UdpKeepaliveStats } from "./udp-keepalive.js";
import { localOf, remoteOf, WsListener } from "./ws-listener.js";
import type { Endpoint, InboundMessage, ListenerInfo, ListenerSpec, Origin, SendTarget, TlsSettings } from "./types.js";

export interface TransportOptions {
  limits?: ParserLimits;
  /** Close a connection with no traffic either way for this long (ms); flows with keepalives are exempt. Default 10 min. */
  idleTimeoutMs?: number;
  /** Close a connection whose unsent output would exceed this (bytes). Default 4 MiB. */
  maxBacklogBytes?: number;
  /** Most connections at once; new inbound ones beyond it are refused. Default 100 000. */
  maxConnections?: number;
  /** A keepalive ping without pong for this long fails the flow (RFC 5626 §4.4.1: 10 s). */
  pongTimeoutMs?: number;
  /** Give up on an outbound connection not established (TCP connect, TLS or WS handshake) after this long (ms). Default 10 s. */
  connectTimeoutMs?: number;
  /** How often idle connections, keepalives and connect timeouts are checked (ms). Default 1 s. */
  sweepIntervalMs?: number;
  /** Settings for outbound TLS/WSS connections (client certificate, CA, verification). */
  clientTls?: Partial<TlsSettings>;
  /** UDP receive buffer size to ask the kernel for. */
  udpRecvBufferBytes?: number;
  clock?: Clock;
  /** The timer wheel STUN keepalives of UDP flows run on (RFC 5626 §4.4.2); default: one of its own, made on first use. */
  wheel?: TimerWheel;
}

/** Callbacks into the layer above. Whatever they throw (or reject with) is caught: the transport carries on. */
export interface TransportHandlers {
  onMessage(inbound: InboundMessage): void;
  /** A message that could not be parsed or framed; `err.partial` holds what was readable, when anything was. */
  onParseError?(err: SipParseError, origin: Origin): void;
  onConnectionClosed?(info: ConnectionInfo): void;
  /** A flow we kept alive stopped answering pings (RFC 5626 §4.4.1). */
  onFlowFailed?(info: ConnectionInfo): void;
  /** A handler above threw or rejected (counted in stats.handlerErrors either way). */
  onHandlerError?(err: unknown): void;
}

export interface TransportStats {
  messagesIn: number;
  messagesOut: number;
  parseErrors: number;
  framingErrors: number;
  handlerErrors: number;
  sendErrors: number;
  connectionsOpened: number;
  connectionsClosed: number;
  connectionsRefused: number;
  pingsReceived: number;
  pongsReceived: number;
  /** STUN Binding requests answered on UDP listeners (RFC 5626 §8). */
  stunRequests: number;
  /** STUN Binding responses that answered one of our UDP keepalives (RFC 5626 §4.4.2). */
  stunResponses: number;
}

type AnyListener = { info: ListenerInfo; udp?: UdpListener; close(): Promise<void> };

const PING = Buffer.from("\r\n\r\n");
const PONG = Buffer.from("\r\n");

export class TransportLayer {
  private readonly limits: ParserLimits;
  private readonly clock: Clock;
  private readonly policy: SweepPolicy;
  private readonly maxBacklogBytes: number;
  private readonly maxConnections: number;
  private readonly sweepIntervalMs: number;
  private readonly udpRecvBufferBytes: number | undefined;
  private readonly outbound: OutboundSettings;
  private wheel: TimerWheel | undefined;
  private readonly ownsWheel: boolean;
  private udpKeepalives: UdpKeepalives | undefined;
  private readonly listenersList: AnyListener[] = [];
  private readonly table = new ConnectionTable();
  /** onError callbacks of sends queued on connections still being set up. */
  private readonly connectFailures = new Map<number, Array<(err: Error) => void>>();
  private handlers: TransportHandlers = { onMessage: () => undefined };
  private sweepTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private closePromise: Promise<void> | undefined;
  readonly stats: TransportStats = {
    messagesIn: 0,
    messagesOut: 0,
    parseErrors: 0,
    framingErrors: 0,
    handlerErrors: 0,
    sendErrors: 0,
    connectionsOpened: 0,
    connectionsClosed: 0,
    connectionsRefused: 0,
    pingsReceived: 0,
    pongsReceived: 0,
    stunRequests: 0,
    stunResponses: 0,
  };
  private readonly connEvents: ConnectionEvents;

  constructor(options: TransportOptions = {}) {
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.clock = options.clock ?? systemClock;
    this.policy = {
      idleTimeoutMs: options.idleTimeoutMs ?? 600_000,
      pongTimeoutMs: options.pongTimeoutMs ?? 10_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    };
    this.maxBacklogBytes = options.maxBacklogBytes ?? 4 * 1024 * 1024;
    this.maxConnections = options.maxConnections ?? 100_000;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 1000;
    this.udpRecvBufferBytes = options.udpRecvBufferBytes;
    this.wheel = options.wheel;
    this.ownsWheel = options.wheel === undefined;
    this.connEvents = {
      onFrames: (conn, frames) => this.onFrames(conn, frames),
      onFramingError: (conn, err) => this.onFramingError(conn, err),
      onClose: (conn) => this.onConnectionClose(conn),
    };
    this.outbound = { limits: this.limits, clientTls: options.clientTls ?? {}, events: this.connEvents, now: () => this.clock.monotonic() };
  }

  setHandlers(h: TransportHandlers): void {
    this.handlers = h;
  }

  /** Opens a listener; resolves with what it is bound to, rejects with a TransportError. */
  async listen(spec: ListenerSpec): Promise<ListenerInfo> {
    if (this.closing) throw new TransportError("TRANSPORT_LISTEN_FAILED", "the transport layer is closed");
    const { protocol, host, port } = spec;
    const mkInfo = (local: Endpoint): ListenerInfo => {
      const advertisedHost = spec.advertise?.host ?? advertisableHost(local.address);
      return {
        id: `${protocol}:${hostForSip(local.address)}:${local.port}`,
        protocol,
        local,
        advertisedHost: hostForSip(advertisedHost),
        advertisedPort: spec.advertise?.port ?? local.port,
      };
    };
    let listener: AnyListener;
    // Events reach the closures below only after the await, once `info` is set.
    let info: ListenerInfo | undefined;
    if (protocol === "udp") {
      const udp = await UdpListener.bind(host, port, (buf, remote) => info && this.onDatagram(buf, remote, info, udp), this.udpRecvBufferBytes);
      info = mkInfo(udp.local);
      listener = { info, udp, close: () => udp.close() };
    } else if (protocol === "tcp" || protocol === "tls") {
      const sl = await StreamListener.listen(protocol, host, port, spec.tls, (s) => (info ? this.acceptStream(s, info) : s.destroy()));
      info = mkInfo(sl.local);
      listener = { info, close: () => sl.close() };
    } else {
      const wl = await WsListener.listen(protocol, host, port, spec.tls, this.limits.maxMessageBytes, (ws, req) =>
        info ? this.acceptWs(ws, remoteOf(req), localOf(req), info) : ws.terminate(),
      );
      info = mkInfo(wl.local);
      listener = { info, close: () => wl.close() };
    }
    if (this.closing) {
      await listener.close();
      throw new TransportError("TRANSPORT_LISTEN_FAILED", "the transport layer was closed while the listener opened");
    }
    this.listenersList.push(listener);
    this.ensureSweep();
    return listener.info;
  }

  listeners(): ListenerInfo[] {
    return this.listenersList.map((l) => l.info);
  }

  connections(): ConnectionInfo[] {
    return [...this.table.all()].map((c) => c.info());
  }

  connection(id: number): ConnectionInfo | undefined {
    return this.table.get(id)?.info();
  }

  /** The listener a message to `target` leaves from (for Via sent-by and Contact). */
  listenerFor(target: SendTarget): ListenerInfo | undefined {
    if (target.listenerId !== undefined) {
      const l = this.listenersList.find((x) => x.info.id === target.listenerId);
      if (l !== undefined) return l.info;
    }
    const fam = familyOf(target.remote.address);
    const same = this.listenersList.filter((x) => x.info.protocol === target.protocol);
    return (same.find((x) => familyOf(x.info.local.address) === fam) ?? same[0])?.info;
  }

  /**
   * Sends bytes. Over a connection-oriented transport the connection named by the target is used if
   * open, else the newest open one to the same peer, else a new one is opened (none for ws/wss when the
   * named connection is gone: WebSocket clients do not accept connections, RFC 7118 §5).
   * Never throws: failures are reported through onError, always asynchronously.
   */
  send(data: Buffer, target: SendTarget, onError?: (err: Error) => void): void {
    const fail = (err: TransportError): void => this.reportSendError(err, onError);
    if (this.closing) {
      fail(new TransportError("TRANSPORT_SEND_FAILED", "the transport layer is closed"));
      return;
    }
    const remote: Endpoint = { address: normaliseAddress(target.remote.address), port: target.remote.port };
    if (target.protocol === "udp") {
      const l = this.pickUdp(target, remote);
      if (l === undefined) {
        fail(new TransportError("TRANSPORT_NO_LISTENER", `no IPv${familyOf(remote.address)} UDP listener to send to ${formatEndpoint(remote)}`));
        return;
      }
      l.send(data, remote, fail);
      this.stats.messagesOut++;
      return;
    }
    const conn = this.connectionFor(target, remote);
    if (conn instanceof TransportError) {
      fail(conn);
      return;
    }
    if (conn.backlogBytes + data.length > this.maxBacklogBytes) {
      conn.close();
      fail(new TransportError("TRANSPORT_BACKLOG", `connection ${conn.id} to ${formatEndpoint(conn.remote)} is not draining (over ${this.maxBacklogBytes} bytes unsent); closed`));
      return;
    }
    if (onError !== undefined && conn.connecting) this.connectFailures.get(conn.id)?.push(onError);
    conn.write(data);
    this.stats.messagesOut++;
  }

  /**
   * Holds a connection open (or lets it go again): a held connection is never closed for being idle,
   * for a registration made over it without Outbound (the registrar reaches us over it, RFC 3261 §18.3
   * / RFC 7118 §5). False when there is no such open connection.
   */
  holdConnection(connectionId: number, held: boolean): boolean {
    const c = this.table.get(connectionId);
    if (c === undefined || c.closed) return false;
    c.held = held;
    if (!held) c.lastActivityMs = this.clock.monotonic(); // a full idle period from now
    return true;
  }

  /** Sends a CRLFCRLF ping every `intervalMs` on a connection, expecting CRLF pongs (RFC 5626 §4.4.1). 0 stops. */
  startKeepalive(connectionId: number, intervalMs: number): boolean {
    const c = this.table.get(connectionId);
    if (c === undefined || c.closed) return false;
    c.keepaliveMs = Math.max(0, intervalMs);
    c.lastPongMs = this.clock.monotonic();
    c.pingOutstandingSinceMs = undefined;
    this.ensureSweep();
    return true;
  }

  /**
   * STUN keepalives on the UDP flow from `listenerId` (default: the UDP listener of the remote's family)
   * to `remote` (RFC 5626 §4.4.2): a Binding request every interval drawn in [minIntervalMs,
   * maxIntervalMs]; no answer after the RFC 5389 retransmissions, or a changed XOR-MAPPED-ADDRESS, calls
   * `onFailed` once and stops. Returns the flow id (negative: never a connection id), or undefined
   * when there is no such UDP listener.
   */
  startUdpKeepalive(listenerId: string | undefined, remote: Endpoint, minIntervalMs: number, maxIntervalMs: number, onFailed: UdpFlowFailedHandler): number | undefined {
    if (this.closing) return undefined;
    const r: Endpoint = { address: normaliseAddress(remote.address), port: remote.port };
    if (!Number.isInteger(r.port) || r.port < 1 || r.port > 65535) return undefined;
    const fam = familyOf(r.address);
    const byId = listenerId === undefined ? undefined : this.listenersList.find((x) => x.udp !== undefined && x.info.id === listenerId);
    const l = byId ?? this.listenersList.find((x) => x.udp !== undefined && familyOf(x.info.local.address) === fam);
    if (l === undefined || familyOf(l.info.local.address) !== fam) return undefined;
    return this.keepalives().start(l.info.id, r, minIntervalMs, maxIntervalMs, onFailed);
  }

  /** Stops the STUN keepalives of a UDP flow; false when they are not running. */
  stopUdpKeepalive(id: number): boolean {
    return this.udpKeepalives?.stop(id) ?? false;
  }

  /** A UDP flow kept alive with STUN (for inspection and tests). */
  udpKeepalive(id: number): UdpKeepaliveInfo | undefined {
    return this.udpKeepalives?.info(id);
  }

  /** The ids of the UDP flows kept alive with STUN. */
  udpKeepaliveIds(): number[] {
    return this.udpKeepalives?.ids() ?? [];
  }

  /** Counters of the STUN keepalives sent from this layer (RFC 5626 §4.4.2). */
  udpKeepaliveStats(): UdpKeepaliveStats {
    return this.udpKeepalives?.stats() ?? { flows: 0, requestsSent: 0, responses: 0, failures: 0 };
  }

  closeConnection(connectionId: number): void {
    this.table.get(connectionId)?.close();
  }

  /** Closes every connection and listener; resolves when all sockets are closed. Idempotent. */
  close(): Promise<void> {
    this.closePromise ??= this.shutdown();
    return this.closePromise;
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    this.udpKeepalives?.stopAll();
    if (this.ownsWheel) this.wheel?.stop();
    const conns = [...this.table.all()];
    for (const c of conns) c.close();
    const listeners = this.listenersList.splice(0);
    await Promise.all([...conns.map((c) => c.whenClosed()), ...listeners.map((l) => l.close())]);
  }

  // ---- inbound ----

  private onDatagram(buf: Buffer, remote: Endpoint, info: ListenerInfo, udp: UdpListener): void {
    // One byte decides (RFC 7983 §7, RFC 5626 §4.4.2): SIP starts with a letter or CR/LF, STUN with 0-3.
    if (buf.length > 0 && buf[0]! < 4) {
      this.onStun(buf, remote, udp);
      return;
    }
    if (isUdpKeepalive(buf)) return;
    const origin: Origin = { protocol: "udp", remote: { address: normaliseAddress(remote.address), port: remote.port }, local: info.local, listenerId: info.id, connectionId: undefined };
    this.deliver(buf, origin, true);
  }

  /** STUN on a UDP listener: answer Binding requests (RFC 5626 §8), hand responses to the keepalives; drop the rest. */
  private onStun(buf: Buffer, remote: Endpoint, udp: UdpListener): void {
    try {
      const msg = parseStun(buf);
      if (msg === undefined) return;
      if (msg.type === STUN_BINDING_REQUEST) {
        const reply = answerBindingRequest(msg, { address: normaliseAddress(remote.address), port: remote.port });
        if (reply === undefined) return;
        this.stats.stunRequests++;
        udp.send(reply, remote, () => this.stats.sendErrors++);
      } else if (msg.type === STUN_BINDING_SUCCESS && this.udpKeepalives?.onResponse(msg, remote) === true) {
        this.stats.stunResponses++;
      }
    } catch (err) {
      // The codec does not throw; should it ever, a datagram must not take the socket down.
      this.safe(() => {
        throw err;
      });
    }
  }

  private keepalives(): UdpKeepalives {
    if (this.udpKeepalives !== undefined) return this.udpKeepalives;
    this.wheel ??= new TimerWheel({ clock: this.clock });
    this.udpKeepalives = new UdpKeepalives({
      wheel: this.wheel,
      send: (listenerId, remote, data) => {
        const l = this.listenersList.find((x) => x.info.id === listenerId)?.udp;
        if (l === undefined) {
          this.stats.sendErrors++;
          return;
        }
        l.send(data, remote, () => this.stats.sendErrors++);
      },
      report: (fn) => this.safe(fn),
    });
    return this.udpKeepalives;
  }

  private onFrames(conn: Connection, frames: FrameEvent[]): void {
    for (const f of frames) {
      if (conn.closed) return; // a handler closed it: the rest of the chunk is dropped with it
      if (f.kind === "ping") {
        // RFC 5626 §3.5.1: answer a CRLFCRLF ping with a CRLF pong.
        this.stats.pingsReceived++;
        conn.write(PONG);
      } else if (f.kind === "pong") {
        this.stats.pongsReceived++;
        conn.lastPongMs = this.clock.monotonic();
        conn.pingOutstandingSinceMs = undefined;
      } else {
        // RFC 7118 §5: a WebSocket message is a whole SIP message, like a datagram.
        this.deliver(f.bytes, originOf(conn), conn.protocol === "ws" || conn.protocol === "wss");
      }
    }
  }

  private onFramingError(conn: Connection, err: unknown): void {
    this.stats.framingErrors++;
    if (err instanceof SipParseError) this.safe(() => this.handlers.onParseError?.(err, originOf(conn)));
  }

  private deliver(bytes: Buffer, origin: Origin, datagram: boolean): void {
    this.stats.messagesIn++;
    let msg: SipMessage;
    try {
      msg = parseMessage(bytes, { limits: this.limits, datagram });
      if (msg.kind === "request") stampTopVia(msg, origin);
    } catch (err) {
      this.stats.parseErrors++;
      if (err instanceof SipParseError) this.safe(() => this.handlers.onParseError?.(err, origin));
      return;
    }
    this.safe(() => this.handlers.onMessage({ message: msg, origin }));
  }

  // Nothing a handler throws or rejects with may stop the transport (a peer's message must never crash the server).
  private safe(fn: () => unknown): void {
    const caught = (err: unknown): void => {
      this.stats.handlerErrors++;
      if (this.handlers.onHandlerError === undefined) return;
      try {
        this.handlers.onHandlerError(err);
      } catch {
        // An error handler that throws has nobody left to tell.
      }
    };
    try {
      const r = fn();
      if (r instanceof Promise) r.catch(caught);
    } catch (err) {
      caught(err);
    }
  }

  private reportSendError(err: TransportError, onError: ((err: Error) => void) | undefined): void {
    this.stats.sendErrors++;
    if (onError !== undefined) process.nextTick(() => this.safe(() => onError(err)));
  }

  private refuse(): boolean {
    if (!this.closing && this.table.size < this.maxConnections) return false;
    this.stats.connectionsRefused++;
    return true;
  }

  private acceptStream(socket: Socket, info: ListenerInfo): void {
    if (this.refuse()) {
      socket.destroy();
      return;
    }
    const remote = { address: normaliseAddress(socket.remoteAddress ?? ""), port: socket.remotePort ?? 0 };
    const local = socket.localAddress === undefined || socket.localPort === undefined ? info.local : { address: normaliseAddress(socket.localAddress), port: socket.localPort };
    const conn = new StreamConnection(
      { id: this.table.allocateId(), protocol: info.protocol, remote, local, listenerId: info.id, outbound: false, nowMs: this.clock.monotonic(), socket, limits: this.limits, connecting: false },
      this.connEvents,
      this.outbound.now,
    );
    this.adopt(conn);
  }

  private acceptWs(ws: WebSocket, remote: Endpoint, local: Endpoint | undefined, info: ListenerInfo): void {
    if (this.refuse()) {
      ws.terminate();
      return;
    }
    const conn = new WsConnection(
      {
        id: this.table.allocateId(),
        protocol: info.protocol,
        remote: { address: normaliseAddress(remote.address), port: remote.port },
        local: local === undefined ? info.local : { address: normaliseAddress(local.address), port: local.port },
        listenerId: info.id,
        outbound: false,
        nowMs: this.clock.monotonic(),
        ws,
        connecting: false,
      },
      this.connEvents,
      this.outbound.now,
    );
    this.adopt(conn);
  }

  private adopt(conn: Connection): void {
    this.table.add(conn);
    this.stats.connectionsOpened++;
    this.ensureSweep();
  }

  private onConnectionClose(conn: Connection): void {
    this.table.remove(conn);
    this.stats.connectionsClosed++;
    const failures = this.connectFailures.get(conn.id);
    if (failures !== undefined) {
      this.connectFailures.delete(conn.id);
      const why = conn.lastError === undefined ? "" : `: ${conn.lastError.message}`;
      const err = new TransportError("TRANSPORT_CONNECT_FAILED", `cannot connect to ${conn.protocol}:${formatEndpoint(conn.remote)}${why}`, { cause: conn.lastError });
      for (const f of failures) this.safe(() => f(err));
    }
    if (this.closing) return;
    // §18.3: the peer hung up in the middle of a message.
    if (!conn.closedLocally && conn.bufferedBytes > 0) {
      this.stats.parseErrors++;
      const err = new SipParseError("SIP_PARSE_TRUNCATED", `connection closed by the peer with ${conn.bufferedBytes} bytes of an unfinished message`);
      this.safe(() => this.handlers.onParseError?.(err, originOf(conn)));
    }
    this.safe(() => this.handlers.onConnectionClosed?.(conn.info()));
  }

  // ---- outbound connections ----

  private connectionFor(target: SendTarget, remote: Endpoint): Connection | TransportError {
    if (target.connectionId !== undefined) {
      const c = this.table.get(target.connectionId);
      if (c !== undefined && !c.closed) return c;
    }
    const reuse = this.table.findByPeer(target.protocol, remote);
    if (reuse !== undefined) return reuse;
    if (target.connectionId !== undefined && (target.protocol === "ws" || target.protocol === "wss" || remote.port === 0)) {
      return new TransportError("TRANSPORT_CONNECTION_CLOSED", `connection ${target.connectionId} to ${formatEndpoint(remote)} is closed`);
    }
    return this.open(target, remote);
  }

  private open(target: SendTarget, remote: Endpoint): Connection | TransportError {
    const where = `${target.protocol}:${formatEndpoint(remote)}`;
    if (!Number.isInteger(remote.port) || remote.port < 1 || remote.port > 65535) {
      return new TransportError("TRANSPORT_CONNECT_FAILED", `cannot connect to ${where}: bad port`);
    }
    const listener = this.listenerFor({ ...target, remote });
    const init = {
      id: this.table.allocateId(),
      protocol: target.protocol,
      remote,
      local: listener?.local ?? { address: "", port: 0 },
      listenerId: listener?.id ?? `${target.protocol}:client`,
      outbound: true,
      nowMs: this.clock.monotonic(),
    };
    const onEstablished = (): void => {
      this.connectFailures.delete(init.id);
    };
    let conn: Connection;
    try {
      conn = target.protocol === "ws" || target.protocol === "wss" ? openWs(init, target.serverName, this.outbound, onEstablished) : openStream(init, target.serverName, this.outbound, onEstablished);
    } catch (err) {
      return new TransportError("TRANSPORT_CONNECT_FAILED", `cannot connect to ${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    this.connectFailures.set(conn.id, []);
    this.adopt(conn);
    return conn;
  }

  private pickUdp(target: SendTarget, remote: Endpoint): UdpListener | undefined {
    if (target.listenerId !== undefined) {
      const l = this.listenersList.find((x) => x.info.id === target.listenerId);
      if (l?.udp !== undefined) return l.udp;
    }
    // A socket of the other address family cannot reach the peer: no fallback across families.
    const fam = familyOf(remote.address);
    return this.listenersList.find((l) => l.udp !== undefined && familyOf(l.info.local.address) === fam)?.udp;
  }

  // ---- idle, keepalive and connect-timeout sweep (one timer for all connections) ----

  private ensureSweep(): void {
    if (this.sweepTimer !== undefined || this.closing) return;
    this.sweepTimer = setInterval(() => this.sweep(), this.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  private sweep(): void {
    const now = this.clock.monotonic();
    for (const c of [...this.table.all()]) {
      switch (sweepAction(c, now, this.policy)) {
        case "connect-timeout":
          c.lastError ??= new Error(`not established after ${this.policy.connectTimeoutMs} ms`);
          c.close();
          break;
        case "ping":
          c.pingOutstandingSinceMs = now;
          c.write(PING);
          break;
        case "flow-failed": {
          const info = c.info();
          c.close();
          this.safe(() => this.handlers.onFlowFailed?.(info));
          break;
        }
        case "idle":
          c.close();
          break;
        case "none":
          break;
      }
    }
  }
}

function originOf(conn: Connection): Origin {
  return { protocol: conn.protocol, remote: conn.remote, local: conn.local, listenerId: conn.listenerId, connectionId: conn.id };
}

/** Datagrams that are not SIP and need no answer: empty ones and CRLF keepalives (STUN is sorted out before). */
function isUdpKeepalive(buf: Buffer): boolean {
  if (buf.length === 0) return true;
  for (const b of buf) if (b !== 13 && b !== 10) return false;
  return true;
}

function advertisableHost(bound: string): string {
  if (bound !== "0.0.0.0" && bound !== "::") return bound;
  const want = bound === "::" ? "IPv6" : "IPv4";
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal && a.family === want) return a.address;
  }
  return bound === "::" ? "::1" : "127.0.0.1";
}
