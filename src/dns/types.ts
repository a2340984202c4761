// Shared shapes of the SIP server locator (RFC 3263) and of the DNS backends it queries.

/** Transports a SIP target can be reached over (the `;transport=` values plus TLS/WSS). */
export type SipTransportName = "udp" | "tcp" | "tls" | "ws" | "wss";

/** DNS record types the locator asks for. */
export type DnsRecordType = "NAPTR" | "SRV" | "A" | "AAAA";

/**
 * What the locator needs from a SIP URI. Structural on purpose, so this folder does not depend
 * on the URI parser: the caller copies scheme, host, port and the transport/maddr parameters.
 */
export interface ResolveInput {
  scheme: "sip" | "sips";
  /** Host part: a domain name, an IPv4 literal or a bracketed IPv6 literal ("[::1]"). */
  host: string;
  port?: number;
  /** The `;transport=` parameter, lowercased by the caller. */
  transport?: SipTransportName;
  /** The `;maddr=` parameter; it replaces the host as the target (RFC 3263 §4). */
  maddr?: string;
}

/** One place to send a request to; the locator returns these in the order to try them. */
export interface SipTarget {
  transport: SipTransportName;
  /** An IP address, never a name; IPv6 without brackets. */
  address: string;
  port: number;
  family: 4 | 6;
  /** The name whose A/AAAA lookup gave `address` (an SRV target or the URI host); the literal itself for IP hosts. */
  host: string;
  /** From the SRV record the target came from, when it came from one. */
  priority?: number;
  weight?: number;
}

/** A NAPTR record (RFC 3403 §4.1). `ttl` is in seconds. */
export interface NaptrRecord {
  readonly order: number;
  readonly preference: number;
  readonly flags: string;
  readonly service: string;
  readonly regexp: string;
  readonly replacement: string;
  readonly ttl: number;
}

/** An SRV record (RFC 2782). `target` "." (or "") means "service decidedly not available". `ttl` is in seconds. */
export interface SrvRecord {
  readonly priority: number;
  readonly weight: number;
  readonly port: number;
  readonly target: string;
  readonly ttl: number;
}

/** An A or AAAA record. `ttl` is in seconds. */
export interface AddressRecord {
  readonly address: string;
  readonly ttl: number;
}

/**
 * Where DNS answers come from. A name that does not exist, or has no records of the type,
 * resolves to an empty array; any other failure rejects with a `DnsError`.
 *
 * TTLs: A/AAAA carry the TTL from the answer. Node's resolver does not expose TTLs for
 * NAPTR and SRV, so backends built on it report a configured default TTL for those instead.
 */
export interface DnsBackend {
  resolveNaptr(name: string): Promise<readonly NaptrRecord[]>;
  resolveSrv(name: string): Promise<readonly SrvRecord[]>;
  resolve4(name: string): Promise<readonly AddressRecord[]>;
  resolve6(name: string): Promise<readonly AddressRecord[]>;
}
