// WebSocket listeners for SIP over WS/WSS (RFC 7118): HTTP(S) upgrade with subprotocol "sip".
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { Socket } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { TransportError } from "./errors.js";
import type { Endpoint, TlsSettings } from "./types.js";

export const SIP_WS_SUBPROTOCOL = "sip";

export class WsListener {
  private readonly http: Server | HttpsServer;
  private readonly wss: WebSocketServer;
  local: Endpoint = { address: "", port: 0 };
  /** Every accepted socket, so close() never waits on a peer (keep-alive, half-done handshakes). */
  private readonly sockets = new Set<Socket>();

  private constructor(http: Server | HttpsServer, wss: WebSocketServer) {
    this.http = http;
    this.wss = wss;
  }

  /** `maxPayload`: largest WS message accepted (RFC 7118 §5: one message, one SIP message). */
  static async listen(
    kind: "ws" | "wss",
    host: string,
    port: number,
    tls: TlsSettings | undefined,
    maxPayload: number,
    onSocket: (ws: WebSocket, req: IncomingMessage) => void,
  ): Promise<WsListener> {
    let http: Server | HttpsServer;
    if (kind === "wss") {
      if (tls === undefined) throw new TransportError("TRANSPORT_BAD_SPEC", `wss listener ${host}:${port} needs a certificate and key`);
      http = createHttpsServer({ cert: tls.cert, key: tls.key, ...(tls.ca === undefined ? {} : { ca: tls.ca }) });
    } else {
      http = createServer();
    }
    http.on("request", (_req, res) => {
      res.writeHead(426, { "content-type": "text/plain", upgrade: "websocket" }).end("SIP over WebSocket: upgrade with subprotocol sip\n");
    });
    // RFC 7118 §4.1: the client offers "sip"; a handshake without it is refused.
    const wss = new WebSocketServer({
      server: http,
      handleProtocols: (protocols) => sipProtocolOf(protocols) ?? false,
      verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void) => {
        if (sipProtocolOf(offeredProtocols(info.req)) !== undefined) done(true);
        else done(false, 400, "SIP WebSocket subprotocol required");
      },
      maxPayload,
    });
    wss.on("connection", (ws, req) => onSocket(ws, req));
    wss.on("error", () => {
      /* listener errors surface on the http server */
    });
    const l = new WsListener(http, wss);
    http.on("connection", (s: Socket) => {
      l.sockets.add(s);
      s.once("close", () => l.sockets.delete(s));
    });
    http.on("tlsClientError", () => {
      // A failed handshake is the peer's problem.
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(new TransportError("TRANSPORT_LISTEN_FAILED", `cannot listen on ${kind} ${host}:${port}: ${err.message}`, { cause: err }));
      http.once("error", onError);
      http.listen({ host, port, ipv6Only: host.includes(":") }, () => {
        http.off("error", onError);
        resolve();
      });
    });
    http.on("error", () => {
      // accept() failures (EMFILE...) must not crash the process.
    });
    const a = http.address();
    if (a !== null && typeof a === "object") l.local = { address: a.address, port: a.port };
    return l;
  }

  close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => {
      this.wss.close(() => this.http.close(() => resolve()));
    });
  }
}

export function remoteOf(req: IncomingMessage): Endpoint {
  const s: Socket = req.socket;
  return { address: s.remoteAddress ?? "", port: s.remotePort ?? 0 };
}

export function localOf(req: IncomingMessage): Endpoint | undefined {
  const s: Socket = req.socket;
  return s.localAddress === undefined || s.localPort === undefined ? undefined : { address: s.localAddress, port: s.localPort };
}

function offeredProtocols(req: IncomingMessage): Set<string> {
  const raw = req.headers["sec-websocket-protocol"];
  const text = Array.isArray(raw) ? raw.join(",") : raw ?? "";
  return new Set(text.split(",").map((p) => p.trim()).filter((p) => p.length > 0));
}

/** The client's spelling of "sip" among its offered subprotocols (tokens compared case-insensitively). */
function sipProtocolOf(offered: Set<string>): string | undefined {
  for (const p of offered) if (p.toLowerCase() === SIP_WS_SUBPROTOCOL) return p;
  return undefined;
}
