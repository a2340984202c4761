// §10.3 step 7: turn the contacts of a REGISTER into a change set against the AOR's bindings —
// matching (URI comparison §19.1.4, or instance/reg-id for Outbound and GRUU), the Call-ID/CSeq
// ordering rule, one-contact-per-AOR mode and max_contacts. Pure: no I/O.
import type { Binding, BindingChange } from "../location/binding.js";
import { BINDING_FLAGS } from "../location/binding.js";
import { parseSipUri, type SipUri } from "../sip/uri.js";
import { uriEquals } from "../sip/uri-equality.js";
import type { TransportProtocol } from "../transport/types.js";
import type { ContactIntent } from "./register-contacts.js";
import { reject } from "./rejections.js";

export interface RequestFacts {
  aor: string;
  callId: string;
  cseq: number;
  userAgent: string;
  source: { protocol: TransportProtocol; address: string; port: number };
  listenerId: string;
  connectionId: number | undefined;
  path: readonly string[];
  nowMs: number;
  /** Outbound procedures apply (flows matched by instance + reg-id). */
  outbound: boolean;
  /** reg-id is used for matching. */
  useRegId: boolean;
  /** Keep only this request's contacts (Kamailio save() flag 0x04). */
  singleContact: boolean;
  maxContacts: number;
  retryAfter: number;
  newRuid(): string;
}

export function changesForContacts(existing: readonly Binding[], contacts: readonly ContactIntent[], f: RequestFacts): BindingChange[] {
  const changes: BindingChange[] = [];
  const matched = new Set<string>();
  let added = 0;
  let removed = 0;
  for (const c of contacts) {
    const old = findMatch(existing, c, f);
    if (old !== undefined) {
      matched.add(old.ruid);
      // Same Call-ID: only a higher CSeq may change the binding; else the request fails (§10.3 step 7).
      if (old.callId === f.callId && f.cseq <= old.cseq) reject("invalidCseq", undefined, `CSeq ${f.cseq} ≤ ${old.cseq}`);
      if (c.expiresSec === 0) {
        changes.push({ op: "remove", ruid: old.ruid, reason: "unregistered" });
        removed++;
      } else {
        changes.push({ op: "upsert", binding: makeBinding(c, f, old.ruid) });
      }
    } else if (c.expiresSec > 0) {
      changes.push({ op: "upsert", binding: makeBinding(c, f, f.newRuid()) });
      added++;
    }
  }
  if (f.singleContact) {
    for (const b of existing) {
      if (!matched.has(b.ruid)) {
        changes.push({ op: "remove", ruid: b.ruid, reason: "replaced" });
        removed++;
      }
    }
  }
  if (f.maxContacts > 0 && added > 0 && existing.length - removed + added > f.maxContacts) {
    reject("tooManyContacts", f.retryAfter > 0 ? [["Retry-After", String(f.retryAfter)]] : undefined, `${existing.length - removed + added} > ${f.maxContacts}`);
  }
  return changes;
}

/** Contact: * with Expires: 0 removes every binding, subject to the Call-ID/CSeq rule (§10.3 step 6). */
export function changesForStar(existing: readonly Binding[], f: RequestFacts): BindingChange[] {
  for (const b of existing) {
    if (b.callId === f.callId && f.cseq <= b.cseq) reject("invalidCseq", undefined, `CSeq ${f.cseq} ≤ ${b.cseq}`);
  }
  return existing.map((b) => ({ op: "remove", ruid: b.ruid, reason: "unregistered" }) as const);
}

function findMatch(existing: readonly Binding[], c: ContactIntent, f: RequestFacts): Binding | undefined {
  if (c.instance !== undefined) {
    if (f.useRegId && c.regId > 0) {
      // RFC 5626 §6: a flow is identified by instance and reg-id; a new one replaces the old.
      // Only instance + reg-id identify it: another flow with the same URI is a different binding.
      return existing.find((b) => b.instance === c.instance && b.regId === c.regId);
    } else {
      const byInstance = existing.find((b) => b.instance === c.instance && b.regId === 0);
      if (byInstance !== undefined) return byInstance;
    }
  }
  for (const b of existing) {
    if (b.contact === c.uriText) return b;
  }
  for (const b of existing) {
    if (sameUri(b.contact, c.uri)) return b;
  }
  return undefined;
}

function sameUri(stored: string, uri: SipUri): boolean {
  try {
    return uriEquals(parseSipUri(stored), uri);
  } catch {
    return false;
  }
}

function makeBinding(c: ContactIntent, f: RequestFacts, ruid: string): Binding {
  return {
    aor: f.aor,
    ruid,
    contact: c.uriText,
    expiresAtMs: f.nowMs + c.expiresSec * 1000,
    q1000: c.q1000,
    callId: f.callId,
    cseq: f.cseq,
    flags: f.outbound && c.regId > 0 ? BINDING_FLAGS.outbound : 0,
    userAgent: f.userAgent,
    source: f.source,
    natted: isNatted(c.uri, f.source),
    listenerId: f.listenerId,
    connectionId: f.connectionId,
    path: f.path,
    methods: c.methods,
    instance: c.instance,
    regId: c.regId,
    contactParams: c.params,
    modifiedAtMs: f.nowMs,
  };
}

// The contact is behind NAT when the address it names is not where its REGISTER came from.
function isNatted(uri: SipUri, source: RequestFacts["source"]): boolean {
  const host = uri.host.startsWith("[") ? uri.host.slice(1, -1) : uri.host;
  // A ".invalid" host (RFC 6761 §6.4; RFC 7118 §5 for WebSocket clients) is reachable only over the
  // flow the REGISTER came on: routed to the source like a NATed contact.
  if (/\.invalid\.?$/i.test(host)) return true;
  if (!/^[0-9.]+$/.test(host) && !host.includes(":")) return false;
  const defaultPort = uri.scheme === "sips" ? 5061 : 5060;
  return host !== source.address || (uri.port ?? defaultPort) !== source.port;
}
