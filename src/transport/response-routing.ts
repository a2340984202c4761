// Where responses go (RFC 3261 §18.2.2, RFC 3581 §4) and what a server stamps on the top Via of a
// received request (RFC 3261 §18.2.1 "received", RFC 3581 §4 "rport").
import { serializeVia, type Via } from "../sip/headers/via.js";
import type { SipMessage } from "../sip/message.js";
import { normaliseAddress, sameAddress } from "./endpoint.js";
import { defaultPort } from "./listen-spec.js";
import type { Origin, SendTarget } from "./types.js";
import { isReliable } from "./types.js";

/** The parameter values a server must set on the top Via; null when the Via already says it all. */
export interface ViaStamp {
  received: string | undefined;
  rport: string | undefined;
}

/**
 * §18.2.1: received=<source address> when the sent-by host is not that address.
 * RFC 3581 §4: when rport is present, rport=<source port> and received=<source address> even if identical.
 */
export function viaStamp(via: Via, origin: Origin): ViaStamp | null {
  const src = normaliseAddress(origin.remote.address);
  const hasRport = via.params.get("rport") !== undefined;
  const wantReceived = hasRport || !sameAddress(via.host, src);
  const received = wantReceived && via.params.get("received") !== src ? src : undefined;
  const port = String(origin.remote.port);
  const rport = hasRport && via.params.get("rport") !== port ? port : undefined;
  return received === undefined && rport === undefined ? null : { received, rport };
}

/** The Via value with received= and rport=<port> filled in for this origin, or null when nothing changes. */
export function stampVia(rawTopVia: string, via: Via, origin: Origin): string | null {
  const stamp = viaStamp(via, origin);
  if (stamp === null) return null;
  const params = via.params.clone();
  applyStamp(params, stamp);
  // The raw line may hold several Via values: rewrite only the first.
  const comma = firstTopLevelComma(rawTopVia);
  const tail = comma < 0 ? "" : rawTopVia.slice(comma);
  return serializeVia({ ...via, params }) + tail;
}

/** Stamps the top Via of a received request in place (header text and the cached parsed Via). */
export function stampTopVia(msg: SipMessage, origin: Origin): void {
  const via = msg.topVia;
  const stamp = viaStamp(via, origin);
  if (stamp === null) return;
  const h = msg.headers;
  const i = h.keys.indexOf("via");
  const raw = h.values[i];
  if (raw === undefined) return;
  const comma = firstTopLevelComma(raw);
  applyStamp(via.params, stamp);
  h.setAt(i, serializeVia(via) + (comma < 0 ? "" : raw.slice(comma)));
}

/**
 * §18.2.2 as amended by RFC 3581 §4:
 * - reliable: the connection the request came on; if it is gone, tcp/tls open one to received and the
 *   sent-by port (or the transport's default port); ws/wss cannot (the client does not listen, RFC 7118 §5);
 * - unreliable: maddr with the sent-by port; else received + rport; else received + sent-by port (or 5060).
 */
export function responseTarget(via: Via, origin: Origin): SendTarget {
  const protocol = origin.protocol;
  const listenerId = origin.listenerId;
  if (isReliable(protocol)) {
    const remote = protocol === "ws" || protocol === "wss" ? origin.remote : { address: origin.remote.address, port: via.port ?? defaultPort(protocol) };
    return { protocol, remote, connectionId: origin.connectionId, listenerId };
  }
  const maddr = via.params.get("maddr");
  if (typeof maddr === "string" && maddr.length > 0) {
    // Multicast (ttl) is not supported; a unicast maddr is honoured with the sent-by port.
    return { protocol, remote: { address: normaliseAddress(maddr), port: via.port ?? defaultPort(protocol) }, listenerId };
  }
  if (via.params.get("rport") !== undefined) {
    return { protocol, remote: origin.remote, listenerId };
  }
  return { protocol, remote: { address: origin.remote.address, port: via.port ?? defaultPort(protocol) }, listenerId };
}

function applyStamp(params: Via["params"], stamp: ViaStamp): void {
  if (stamp.rport !== undefined) params.set("rport", stamp.rport);
  if (stamp.received !== undefined) params.set("received", stamp.received);
}

function firstTopLevelComma(s: string): number {
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === 92 && quoted) i++;
    else if (c === 44 && !quoted) return i;
  }
  return -1;
}
