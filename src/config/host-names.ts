// Syntax of the names a config gives: SIP domains (RFC 3261 §25.1 hostport host), bind addresses,
// and the host[:port] a listener advertises.
import { isIP } from "node:net";

const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const HOSTNAME_RE = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`);

/** A host name or IPv4 address, or an IPv6 address in brackets ("[2001:db8::1]"), as in a SIP URI. */
export function isSipDomain(text: string): boolean {
  if (text.startsWith("[") && text.endsWith("]")) return isIP(text.slice(1, -1)) === 6;
  return text.length <= 253 && (isIP(text) === 4 || HOSTNAME_RE.test(text));
}

/** An address to bind: IPv4 or IPv6, IPv6 without brackets. */
export function isBindAddress(text: string): boolean {
  return isIP(text) !== 0;
}

const HOSTPORT_RE = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/;

/**
 * "sip.example.com", "203.0.113.7:5061", "[2001:db8::1]:5061" → host (IPv6 without brackets) and
 * optional port; undefined when malformed.
 */
export function parseHostPort(text: string): { host: string; port?: number } | undefined {
  const m = HOSTPORT_RE.exec(text);
  if (m === null) return undefined;
  const rawHost = m[1]!;
  const bracketed = rawHost.startsWith("[");
  const host = bracketed ? rawHost.slice(1, -1) : rawHost;
  if (bracketed ? isIP(host) !== 6 : !isSipDomain(host)) return undefined;
  if (m[2] === undefined) return { host };
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { host, port } : undefined;
}

/** "alice@example.com" or, where `wildcardUser`, "*@example.com": an AOR without scheme. */
export function isAorText(text: string, wildcardUser: boolean): boolean {
  const at = text.lastIndexOf("@");
  if (at <= 0) return false;
  const user = text.slice(0, at);
  if (user === "*") return wildcardUser;
  return isSipUser(user) && isSipDomain(text.slice(at + 1));
}

/** A SIP user part as written in config: no whitespace, no ":" or "@" (RFC 3261 §25.1 user). */
export function isSipUser(text: string): boolean {
  return /^[^\s:@<>"]+$/.test(text);
}
