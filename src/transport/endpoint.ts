// Address helpers: families, brackets for IPv6 in SIP text (RFC 3261 §19.1.1), connection-table keys.
import { isIP } from "node:net";
import type { Endpoint, TransportProtocol } from "./types.js";

export function familyOf(address: string): 4 | 6 {
  return isIP(stripBrackets(address)) === 6 ? 6 : 4;
}

/** "::1" → "[::1]"; IPv4 and names unchanged. */
export function hostForSip(address: string): string {
  return address.includes(":") && !address.startsWith("[") ? `[${address}]` : address;
}

/** "[::1]" → "::1". */
export function stripBrackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/** Key of a remote peer in the connection table. */
export function peerKey(protocol: TransportProtocol, remote: Endpoint): string {
  return `${protocol}|${remote.address.toLowerCase()}|${remote.port}`;
}

export function formatEndpoint(e: Endpoint): string {
  return `${hostForSip(e.address)}:${e.port}`;
}

/**
 * The form addresses take inside the layer: no brackets, IPv6 in lower case, and IPv4-mapped IPv6
 * addresses from dual-stack sockets ("::ffff:1.2.3.4") as plain IPv4.
 */
export function normaliseAddress(address: string): string {
  const a = stripBrackets(address);
  if (a.startsWith("::ffff:") && a.includes(".")) return a.slice(7);
  return a.includes(":") ? a.toLowerCase() : a;
}

/** Two IP addresses written differently ("[::1]", "::1", "0:0::1") denote the same host. */
export function sameAddress(a: string, b: string): boolean {
  const x = normaliseAddress(a);
  const y = normaliseAddress(b);
  if (x === y) return true;
  return isIP(x) === 6 && isIP(y) === 6 && expandV6(x) === expandV6(y);
}

function expandV6(a: string): string {
  const [head = "", tail] = a.split("::");
  const h = head === "" ? [] : head.split(":");
  const t = tail === undefined || tail === "" ? [] : tail.split(":");
  const zeros = tail === undefined ? [] : new Array<string>(8 - h.length - t.length).fill("0");
  return [...h, ...zeros, ...t].map((g) => g.replace(/^0+(?=.)/, "")).join(":");
}
