// Transport vocabulary shared by the transport layer and everything above it (RFC 3261 §18).
import type { SipMessage } from "../sip/message.js";

export type TransportProtocol = "udp" | "tcp" | "tls" | "ws" | "wss";

export const ALL_PROTOCOLS: readonly TransportProtocol[] = ["udp", "tcp", "tls", "ws", "wss"];

/** Connection-oriented transports: no retransmissions (§17.1.1.2), responses on the same connection (§18.2.2). */
export function isReliable(p: TransportProtocol): boolean {
  return p !== "udp";
}

/** The token used in Via for each transport (RFC 3261 §20.42, RFC 7118 §5). */
export function viaTransportName(p: TransportProtocol): string {
  return p.toUpperCase();
}

export interface Endpoint {
  /** IP address (IPv6 without brackets). */
  address: string;
  port: number;
}

/** Where a message came from, and through which listener/connection: a "flow" (RFC 5626 §3). */
export interface Origin {
  protocol: TransportProtocol;
  /** Source address and port of the peer. */
  remote: Endpoint;
  /** Local address and port the message arrived on. */
  local: Endpoint;
  /** Id of the listener ("udp:127.0.0.1:5060"): what Kamailio calls the socket. */
  listenerId: string;
  /** Id of the connection for tcp/tls/ws/wss; undefined for udp. Stable for the life of the connection. */
  connectionId: number | undefined;
}

export interface InboundMessage {
  message: SipMessage;
  origin: Origin;
}

/** Where to send: an address, or an existing connection (which wins while it is open). */
export interface SendTarget {
  protocol: TransportProtocol;
  remote: Endpoint;
  /** Send over this connection if it still exists (responses, RFC 5626 flows). */
  connectionId?: number;
  /** Send from this listener (forced socket); default: the first listener of the protocol and address family. */
  listenerId?: string;
  /**
   * tls/wss: the name the peer's certificate must match and the SNI to send (RFC 5922 §4: the SIP domain),
   * when `remote` is an address resolved from it. Default: the address itself.
   */
  serverName?: string;
}

export interface TlsSettings {
  /** PEM certificate chain and key (contents, not paths: config resolves paths). */
  cert: string | Buffer;
  key: string | Buffer;
  ca?: string | Buffer;
  /** Verify peers' certificates on outbound connections (default true). */
  rejectUnauthorized?: boolean;
}

export interface ListenerSpec {
  protocol: TransportProtocol;
  /** Address to bind ("0.0.0.0", "::", "127.0.0.1", "::1"). */
  host: string;
  /** 0 = ephemeral. */
  port: number;
  tls?: TlsSettings;
  /** Address to advertise in Via/Contact when it differs from the bound one (NAT, 0.0.0.0). */
  advertise?: { host: string; port?: number };
}

/** What a listener turned out to be once bound. */
export interface ListenerInfo {
  id: string;
  protocol: TransportProtocol;
  local: Endpoint;
  /** host[:port] to put in Via sent-by and Contact. */
  advertisedHost: string;
  advertisedPort: number;
}
