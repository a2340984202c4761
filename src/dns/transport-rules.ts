// Per-transport facts RFC 3263 relies on: default ports, SRV service labels, NAPTR services.
import { DnsError } from "./dns-error.js";
import type { SipTransportName } from "./types.js";

type Scheme = "sip" | "sips";

/** Default ports (RFC 3261 §19.1.2; RFC 7118 §5): the transport layer's table. */
export { defaultPort } from "../transport/listen-spec.js";

/**
 * SRV owner-name prefix for a transport (RFC 3263 §4.2: "_sips" when TLS is used, "_sip" otherwise,
 * then the protocol label). WebSocket has no standard SRV name, hence undefined.
 */
export function srvPrefix(transport: SipTransportName): string | undefined {
  switch (transport) {
    case "udp":
      return "_sip._udp";
    case "tcp":
      return "_sip._tcp";
    case "tls":
      return "_sips._tcp";
    case "ws":
    case "wss":
      return undefined;
  }
}

/** Whether a transport is secure enough for a SIPS URI (RFC 3261 §26.2.2: TLS on every hop). */
export function isSecure(transport: SipTransportName): boolean {
  return transport === "tls" || transport === "wss";
}

/**
 * NAPTR services of RFC 3263 §4.1 and RFC 7118 §5, lowercased, mapped to the transport they mean.
 * "SIPS+D2T" is TLS over TCP; SCTP services are left out since no SCTP transport exists here.
 */
const naptrServices: ReadonlyMap<string, SipTransportName> = new Map([
  ["sip+d2u", "udp"],
  ["sip+d2t", "tcp"],
  ["sips+d2t", "tls"],
  ["sip+d2w", "ws"],
  ["sips+d2w", "wss"],
]);

export function transportOfNaptrService(service: string): SipTransportName | undefined {
  return naptrServices.get(service.toLowerCase());
}

/**
 * The transport to use for an explicit `;transport=` parameter. For a SIPS URI "tcp" and "ws"
 * mean their TLS-protected forms (RFC 3263 §4.1 treats SIPS over TCP as TLS); "udp" cannot be
 * secured and is refused.
 */
export function explicitTransport(scheme: Scheme, transport: SipTransportName, host: string): SipTransportName {
  if (scheme === "sip") return transport;
  if (transport === "tcp") return "tls";
  if (transport === "ws") return "wss";
  if (transport === "udp") {
    throw new DnsError("DNS_INVALID_TARGET", `sips URI for ${host} cannot use transport=udp`, { host });
  }
  return transport;
}

/** Preference order when the URI names no transport: RFC 3263 §4.1/§4.2 default first (UDP for sip, TLS for sips). */
const fallbackOrder: Readonly<Record<Scheme, readonly SipTransportName[]>> = {
  sip: ["udp", "tcp", "tls", "ws", "wss"],
  sips: ["tls", "wss"],
};

/**
 * The default transport for a scheme, or the next usable one when this client does not support
 * the RFC default (e.g. a TCP-only client still reaches `sip:1.2.3.4` over TCP).
 */
export function defaultTransport(
  scheme: Scheme,
  supported: ReadonlySet<SipTransportName>,
  host: string,
): SipTransportName {
  const choice = fallbackOrder[scheme].find((t) => supported.has(t));
  if (choice === undefined) {
    throw new DnsError("DNS_UNSUPPORTED_TRANSPORT", `no supported transport can reach ${scheme}:${host}`, { host });
  }
  return choice;
}
