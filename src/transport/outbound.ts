// Opening outbound connections (RFC 3261 §18.1.1): TCP, TLS (§26.2.1), WS and WSS (RFC 7118 §4.1).
// The connection exists at once and queues writes; `onEstablished` runs when it is usable.
import type { IncomingMessage } from "node:http";
import { isIP, connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { WebSocket } from "ws";
import type { ParserLimits } from "../sip/limits.js";
import { StreamConnection, WsConnection, type Connection, type ConnectionEvents, type ConnectionInit } from "./connection.js";
import { hostForSip, normaliseAddress } from "./endpoint.js";
import { SIP_WS_SUBPROTOCOL } from "./ws-listener.js";
import type { TlsSettings } from "./types.js";

export interface OutboundSettings {
  limits: ParserLimits;
  clientTls: Partial<TlsSettings>;
  events: ConnectionEvents;
  now: () => number;
}

/** TLS client options: our certificate if any, the CA, and the name the server's certificate must match. */
function tlsOptions(settings: OutboundSettings, serverName: string | undefined): Record<string, unknown> {
  const t = settings.clientTls;
  return {
    rejectUnauthorized: t.rejectUnauthorized ?? true,
    ...(t.ca === undefined ? {} : { ca: t.ca }),
    ...(t.cert === undefined || t.key === undefined ? {} : { cert: t.cert, key: t.key }),
    // SNI must be a name, never an address (RFC 6066 §3); without one the address is verified.
    ...(serverName === undefined || isIP(serverName) !== 0 ? {} : { servername: serverName }),
  };
}

/** Opens TCP or TLS; throws (bad port...) only synchronously, later failures close the connection. */
export function openStream(init: ConnectionInit, serverName: string | undefined, settings: OutboundSettings, onEstablished: () => void): Connection {
  const { address, port } = init.remote;
  const socket: Socket = init.protocol === "tls" ? tlsConnect({ host: address, port, ...tlsOptions(settings, serverName) }) : netConnect({ host: address, port });
  const conn = new StreamConnection({ ...init, socket, limits: settings.limits, connecting: true }, settings.events, settings.now);
  socket.once(init.protocol === "tls" ? "secureConnect" : "connect", () => {
    if (conn.closed) return;
    conn.established();
    onEstablished();
  });
  return conn;
}

/** Opens WS or WSS offering the "sip" subprotocol (RFC 7118 §4.1); the ws client refuses an answer without it. */
export function openWs(init: ConnectionInit, serverName: string | undefined, settings: OutboundSettings, onEstablished: () => void): Connection {
  const url = `${init.protocol}://${hostForSip(init.remote.address)}:${init.remote.port}/`;
  const ws = new WebSocket(url, SIP_WS_SUBPROTOCOL, {
    ...(init.protocol === "wss" ? tlsOptions(settings, serverName) : {}),
    maxPayload: settings.limits.maxMessageBytes,
    perMessageDeflate: false,
  });
  const conn = new WsConnection({ ...init, ws, connecting: true }, settings.events, settings.now);
  let local = init.local;
  ws.once("upgrade", (res: IncomingMessage) => {
    const s = res.socket;
    if (s.localAddress !== undefined && s.localPort !== undefined) local = { address: normaliseAddress(s.localAddress), port: s.localPort };
  });
  ws.once("open", () => {
    if (conn.closed) return;
    conn.established(local);
    onEstablished();
  });
  return conn;
}
