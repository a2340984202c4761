// Recognises the IP-literal hosts of SIP URIs, which are used as-is without DNS (RFC 3263 §4.2).
import { isIP } from "node:net";

export interface IpLiteral {
  address: string;
  family: 4 | 6;
}

/** "192.0.2.1" → v4; "[2001:db8::1]" (or a bare "2001:db8::1", as maddr may carry) → v6; a name → undefined. */
export function parseIpLiteral(host: string): IpLiteral | undefined {
  const bracketed = host.startsWith("[") && host.endsWith("]");
  const bare = bracketed ? host.slice(1, -1) : host;
  const family = isIP(bare);
  if (family === 6) return { address: bare.toLowerCase(), family: 6 };
  if (family === 4 && !bracketed) return { address: bare, family: 4 };
  return undefined;
}
