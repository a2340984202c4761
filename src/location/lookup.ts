// lookup(): the contacts a request for an AOR is forwarded to (RFC 3261 §16.5, Kamailio registrar
// lookup()), with Kamailio's method filtering. GRUU resolution, registered() and the $ulc view live
// beside it and are re-exported here.
import type { Binding } from "./binding.js";
import { orderContacts, type LocationReader } from "./lookup-order.js";

export { compareContacts, orderContacts, type LocationReader } from "./lookup-order.js";
export { resolveGruu, tempGruuUser, ruidOfTempGruuUser, type GruuResolution, type ResolveGruuOptions } from "./gruu.js";
export { registered, type RegisteredMatch } from "./registered.js";
export { fetchContacts, type ContactRecord, type FetchedContacts } from "./fetch-contacts.js";

export interface LookupOptions {
  /** The request method, e.g. "INVITE". */
  method?: string;
  /** Keep only contacts whose stored methods include `method` (Kamailio method_filtering). */
  methodFiltering?: boolean;
  /** Now (epoch ms): contacts expiring at or before it are left out. */
  nowMs: number;
}

export interface LookupResult {
  /** Live contacts, q descending then most recently modified first. */
  readonly contacts: readonly Binding[];
  /** Contacts exist but none accepts the method (Kamailio lookup() returning -2: answer 405). */
  readonly methodNotAllowed: boolean;
}

/** True when the contact accepts the method (no stored methods means all). */
export function acceptsMethod(b: Binding, method: string): boolean {
  if (b.methods === undefined) return true;
  const m = method.toUpperCase();
  return b.methods.includes(m);
}

export function lookup(store: LocationReader, aor: string, options: LookupOptions): LookupResult {
  const now = options.nowMs;
  let live = store.get(aor).filter((b) => b.expiresAtMs > now);
  if (live.length === 0) return { contacts: live, methodNotAllowed: false };
  const method = options.method;
  if (options.methodFiltering === true && method !== undefined) {
    live = live.filter((b) => acceptsMethod(b, method));
    if (live.length === 0) return { contacts: live, methodNotAllowed: true };
  }
  return { contacts: orderContacts(live), methodNotAllowed: false };
}
