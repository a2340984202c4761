// URI comparison, RFC 3261 §19.1.4 (SIP/SIPS) and RFC 3966 §4 (TEL, simplified to number + params).
import { unescapePercent } from "./lexical.js";
import { isSipUri, isTelUri, type SipUri, type Uri } from "./uri.js";
import type { Params } from "./params.js";

/** Parameters that, when present in either URI, must be present and equal in both (§19.1.4). */
const MUST_MATCH = ["user", "ttl", "method", "maddr", "transport"] as const;

export function uriEquals(a: Uri, b: Uri): boolean {
  if (a.scheme !== b.scheme) return false;
  if (isSipUri(a) && isSipUri(b)) return sipUriEquals(a, b);
  if (isTelUri(a) && isTelUri(b)) {
    return normaliseTel(a.number) === normaliseTel(b.number) && paramsEqualAll(a.params, b.params) && paramsEqualAll(b.params, a.params);
  }
  return (a as { opaque: string }).opaque === (b as { opaque: string }).opaque;
}

function sipUriEquals(a: SipUri, b: SipUri): boolean {
  // userinfo is case-sensitive, compared after unescaping.
  if ((a.user === undefined) !== (b.user === undefined)) return false;
  if (a.user !== undefined && unescapePercent(a.user) !== unescapePercent(b.user!)) return false;
  if ((a.password === undefined) !== (b.password === undefined)) return false;
  if (a.password !== undefined && unescapePercent(a.password) !== unescapePercent(b.password!)) return false;
  if (a.host.toLowerCase() !== b.host.toLowerCase()) return false;
  // An absent port is not equal to the default port.
  if (a.port !== b.port) return false;
  for (const name of MUST_MATCH) {
    const av = a.params.get(name);
    const bv = b.params.get(name);
    if (av === undefined && bv === undefined) continue;
    if (av === undefined || bv === undefined) return false;
    if (!paramValueEquals(av, bv)) return false;
  }
  // Other parameters: compared only when both carry them.
  if (!otherParamsAgree(a.params, b.params) || !otherParamsAgree(b.params, a.params)) return false;
  // Headers: every header in either must be in both and equal (names case-insensitive, values unescaped);
  // compared as multisets so the order they are written in does not matter and the test stays symmetric.
  if (a.headers.length !== b.headers.length) return false;
  if (a.headers.length === 0) return true;
  const ha = normalisedHeaders(a);
  const hb = normalisedHeaders(b);
  for (let i = 0; i < ha.length; i++) if (ha[i] !== hb[i]) return false;
  return true;
}

function normalisedHeaders(u: SipUri): string[] {
  return u.headers.map(([n, v]) => `${unescapePercent(n).toLowerCase()}=${unescapePercent(v)}`).sort();
}

// A repeated name is compared by its first value on both sides, as every lookup sees it.
function otherParamsAgree(a: Params, b: Params): boolean {
  for (const [name] of a.list) {
    const key = name.toLowerCase();
    if ((MUST_MATCH as readonly string[]).includes(key)) continue;
    const bv = b.get(key);
    if (bv !== undefined && !paramValueEquals(a.get(key)!, bv)) return false;
  }
  return true;
}

function paramValueEquals(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return unescapePercent(a).toLowerCase() === unescapePercent(b).toLowerCase();
}

function paramsEqualAll(a: Params, b: Params): boolean {
  if (a.size !== b.size) return false;
  for (const [n] of a.list) {
    const key = n.toLowerCase();
    const bv = b.get(key);
    if (bv === undefined || !paramValueEquals(a.get(key)!, bv)) return false;
  }
  return true;
}

// Visual separators carry no meaning in a telephone number (RFC 3966 §5.1.1).
function normaliseTel(n: string): string {
  return n.replace(/[-.()]/g, "").toLowerCase();
}
