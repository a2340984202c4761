// TCP and TLS listening sockets (RFC 3261 §18, §26.2 for TLS).
import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer, type Server as TlsServer } from "node:tls";
import { TransportError } from "./errors.js";
import type { Endpoint, TlsSettings } from "./types.js";

export class StreamListener {
  private readonly server: Server | TlsServer;
  local: Endpoint = { address: "", port: 0 };
  /** Every accepted socket, including TLS ones still in their handshake, so close() never waits on a peer. */
  private readonly sockets = new Set<Socket>();

  private constructor(server: Server | TlsServer) {
    this.server = server;
  }

  static async listen(kind: "tcp" | "tls", host: string, port: number, tls: TlsSettings | undefined, onSocket: (s: Socket) => void): Promise<StreamListener> {
    let server: Server | TlsServer;
    if (kind === "tls") {
      if (tls === undefined) throw new TransportError("TRANSPORT_BAD_SPEC", `tls listener ${host}:${port} needs a certificate and key`);
      server = createTlsServer({ cert: tls.cert, key: tls.key, ...(tls.ca === undefined ? {} : { ca: tls.ca }) });
    } else {
      server = createServer();
    }
    const l = new StreamListener(server);
    // For TLS, "connection" carries the raw TCP socket and "secureConnection" the TLS one on top of it.
    server.on("connection", (raw: Socket) => {
      l.sockets.add(raw);
      raw.once("close", () => l.sockets.delete(raw));
      raw.on("error", () => {
        // Reset before or during the TLS handshake: nothing to report.
      });
      if (kind === "tcp") onSocket(raw);
    });
    if (kind === "tls") server.on("secureConnection", (s: Socket) => onSocket(s));
    server.on("tlsClientError", () => {
      // A failed handshake is the peer's problem; the listener keeps serving.
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(new TransportError("TRANSPORT_LISTEN_FAILED", `cannot listen on ${kind} ${host}:${port}: ${err.message}`, { cause: err }));
      server.once("error", onError);
      server.listen({ host, port, ipv6Only: host.includes(":") }, () => {
        server.off("error", onError);
        resolve();
      });
    });
    server.on("error", () => {
      // accept() failures (EMFILE...) must not crash the process; the server keeps listening.
    });
    const a = server.address();
    if (a !== null && typeof a === "object") l.local = { address: a.address, port: a.port };
    return l;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
