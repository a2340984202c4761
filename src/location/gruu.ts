// GRUUs (RFC 5627): how a temp-gruu names a binding, and resolving a GRUU in a request URI to the
// contacts it stands for (§5.5 / Kamailio lookup() of a gr= URI).
//   pub-gruu  (§3.1): the AOR with ;gr=<instance URN>  → the AOR's live contacts with that instance
//   temp-gruu (§3.2): a user part we made, with ;gr     → the binding whose ruid it carries
import { unescapePercent, unquote } from "../sip/lexical.js";
import { isSipUri, parseUri, type SipUri } from "../sip/uri.js";
import type { Binding } from "./binding.js";
import { orderContacts, type LocationReader } from "./lookup-order.js";

/** User part prefix of our temp-gruus: "tgruu." + the ruid, escaped where the user part needs it (§19.1.2). */
export const TEMP_GRUU_PREFIX = "tgruu.";

/** The user part of the temp-gruu of a binding (a ruid of letters, digits and "-" appears as is). */
export function tempGruuUser(ruid: string): string {
  return TEMP_GRUU_PREFIX + encodeURIComponent(ruid);
}

/** The ruid a temp-gruu user part carries, or undefined when the user part is not one of ours. */
export function ruidOfTempGruuUser(user: string): string | undefined {
  const u = unescapePercent(user);
  return u.startsWith(TEMP_GRUU_PREFIX) && u.length > TEMP_GRUU_PREFIX.length ? u.slice(TEMP_GRUU_PREFIX.length) : undefined;
}

/** "<urn:uuid:...>" (quoted or not) → "urn:uuid:..." : the form a gr parameter carries (§3.1). */
export function instanceUrn(instance: string): string {
  const v = unquote(instance);
  return v.startsWith("<") && v.endsWith(">") ? v.slice(1, -1) : v;
}

/** Instance URNs compare case-insensitively (RFC 8141 §3: the NID; RFC 4122 §3: the UUID hex digits). */
export function sameInstance(binding: Binding, urn: string): boolean {
  return binding.instance !== undefined && instanceUrn(binding.instance).toLowerCase() === urn.toLowerCase();
}

export type GruuResolution =
  /** Not a GRUU (no gr parameter, or not a SIP URI): route by the AOR as usual. */
  | { readonly kind: "none" }
  /** A gr flag on a user part we did not make: an invalid GRUU (§5.5: 404). */
  | { readonly kind: "invalid" }
  /** Contacts empty: the instance is not registered now (§5.5: 480). */
  | { readonly kind: "pub-gruu"; readonly aor: string; readonly instance: string; readonly contacts: readonly Binding[] }
  | { readonly kind: "temp-gruu"; readonly ruid: string; readonly contacts: readonly Binding[] };

export interface ResolveGruuOptions {
  /**
   * The canonical AOR of a pub-gruu (the registrar's canonicalAor with its settings).
   * Default: "user@host" with escapes undone, both lower case.
   */
  toAor?: (uri: SipUri) => string | undefined;
}

function defaultAor(uri: SipUri): string | undefined {
  const host = uri.host.toLowerCase();
  return uri.user === undefined ? host : `${unescapePercent(uri.user).toLowerCase()}@${host}`;
}

/** Resolves a request URI that may be a GRUU; contacts in lookup() order. */
export function resolveGruu(store: LocationReader, uri: string | SipUri, options: ResolveGruuOptions = {}): GruuResolution {
  let parsed: SipUri;
  if (typeof uri === "string") {
    let u;
    try {
      u = parseUri(uri);
    } catch {
      return { kind: "none" };
    }
    if (!isSipUri(u)) return { kind: "none" };
    parsed = u;
  } else {
    parsed = uri;
  }
  const gr = parsed.params.get("gr");
  if (gr === undefined) return { kind: "none" };
  if (gr === null || gr === "") {
    const ruid = parsed.user === undefined ? undefined : ruidOfTempGruuUser(parsed.user);
    if (ruid === undefined) return { kind: "invalid" };
    const b = store.byRuid(ruid);
    return { kind: "temp-gruu", ruid, contacts: b === undefined || b.instance === undefined ? [] : [b] };
  }
  const aor = (options.toAor ?? defaultAor)(parsed);
  if (aor === undefined) return { kind: "invalid" };
  const instance = unescapePercent(unquote(gr));
  const contacts = orderContacts(store.get(aor).filter((b) => sameInstance(b, instance)));
  return { kind: "pub-gruu", aor, instance, contacts };
}
