// registered(): does the AOR have a live contact, optionally one matching the request
// (Kamailio registrar registered() with match_option: 1 contact, 2 Call-ID, 4 received).
import type { TransportProtocol } from "../transport/types.js";
import type { LocationReader } from "./lookup-order.js";

export interface RegisteredMatch {
  /** The Contact URI, compared as a string like Kamailio does (no RFC 3261 §19.1.4 equality). */
  contact?: string;
  callId?: string;
  /** Where the REGISTER came from (the binding's source); protocol only checked when given. */
  received?: { address: string; port: number; protocol?: TransportProtocol };
}

/** True when a live binding of the AOR matches every criterion given (none: any binding). */
export function registered(store: LocationReader, aor: string, match: RegisteredMatch = {}): boolean {
  for (const b of store.get(aor)) {
    if (match.contact !== undefined && b.contact !== match.contact) continue;
    if (match.callId !== undefined && b.callId !== match.callId) continue;
    const r = match.received;
    if (r !== undefined) {
      if (b.source.address !== r.address || b.source.port !== r.port) continue;
      if (r.protocol !== undefined && b.source.protocol !== r.protocol) continue;
    }
    return true;
  }
  return false;
}
