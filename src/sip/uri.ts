// SIP, SIPS and TEL URIs (RFC 3261 §19.1, RFC 3966): parse and serialize. Other schemes are kept opaque.
import { Params, parseParams, ParamSyntaxError } from "./params.js";
import { isWs } from "./lexical.js";

export interface SipUri {
  readonly scheme: "sip" | "sips";
  /** User part as written (escapes kept), or undefined. */
  user: string | undefined;
  password: string | undefined;
  /** Host as written: a domain name, an IPv4 address or an IPv6 reference with its brackets. */
  host: string;
  port: number | undefined;
  params: Params;
  /** URI headers (`?name=value&...`), escapes kept. */
  headers: Array<[string, string]>;
}

export interface TelUri {
  readonly scheme: "tel";
  /** The telephone-subscriber number as written (e.g. "+1-201-555-0123"). */
  number: string;
  params: Params;
}

/** Any other absolute URI (e.g. `http:`, `urn:`, `im:`): kept as written (RFC 3261 §19.1 allows them). */
export interface OtherUri {
  readonly scheme: string;
  readonly opaque: string;
}

export type Uri = SipUri | TelUri | OtherUri;

export class UriError extends Error {}

export function isSipUri(u: Uri): u is SipUri {
  return u.scheme === "sip" || u.scheme === "sips";
}

export function isTelUri(u: Uri): u is TelUri {
  return u.scheme === "tel";
}

const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+.-]*$/;

/** Parses any absolute URI; throws UriError when it is not one. */
export function parseUri(text: string): Uri {
  const colon = text.indexOf(":");
  if (colon <= 0) throw new UriError(`"${clip(text)}" is not a URI (no scheme)`);
  // Fast path for the schemes of nearly every message.
  if (colon === 3 && text.startsWith("sip")) return parseSipUriBody("sip", text, 4);
  if (colon === 4 && text.startsWith("sips")) return parseSipUriBody("sips", text, 5);
  const scheme = text.slice(0, colon);
  if (!SCHEME_RE.test(scheme)) throw new UriError(`bad URI scheme "${clip(scheme)}"`);
  const lower = scheme.toLowerCase();
  if (lower === "sip" || lower === "sips") return parseSipUriBody(lower, text, colon + 1);
  if (lower === "tel") return parseTelBody(text, colon + 1);
  const opaque = text.slice(colon + 1);
  if (opaque.length === 0) throw new UriError(`empty ${lower} URI`);
  for (let i = 0; i < opaque.length; i++) {
    const c = opaque.charCodeAt(i);
    if (c <= 32 || c === 127 || c === 60 || c === 62 || c === 34) throw new UriError(`bad character in URI "${clip(text)}"`);
  }
  return { scheme: lower, opaque };
}

/** Parses a URI that must be sip: or sips:. */
export function parseSipUri(text: string): SipUri {
  const u = parseUri(text);
  if (!isSipUri(u)) throw new UriError(`"${clip(text)}" is not a SIP or SIPS URI`);
  return u;
}

function parseSipUriBody(scheme: "sip" | "sips", s: string, start: number): SipUri {
  const end = s.length;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c === 127 || c === 60 || c === 62 || c === 34) throw new UriError(`bad character in URI "${clip(s)}"`);
  }
  let user: string | undefined;
  let password: string | undefined;
  let hostStart = start;
  const at = s.indexOf("@", start);
  if (at >= 0) {
    const userinfo = s.slice(start, at);
    const pc = userinfo.indexOf(":");
    if (pc >= 0) {
      user = userinfo.slice(0, pc);
      password = userinfo.slice(pc + 1);
    } else {
      user = userinfo;
    }
    if (user.length === 0) throw new UriError(`empty user part in "${clip(s)}"`);
    checkEscapes(user, s);
    if (password !== undefined) checkEscapes(password, s);
    hostStart = at + 1;
  }
  let i = hostStart;
  let host: string;
  if (s.charCodeAt(i) === 91 /* [ */) {
    const close = s.indexOf("]", i);
    if (close < 0) throw new UriError(`unterminated IPv6 reference in "${clip(s)}"`);
    host = s.slice(i, close + 1);
    if (!/^\[[0-9A-Fa-f:.]+\]$/.test(host)) throw new UriError(`bad IPv6 reference "${clip(host)}"`);
    i = close + 1;
  } else {
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c === 58 || c === 59 || c === 63) break;
      if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46 || c === 95))
        throw new UriError(`bad character "${s[i]}" in host of "${clip(s)}"`);
      i++;
    }
    host = s.slice(hostStart, i);
    if (host.length === 0) throw new UriError(`empty host in "${clip(s)}"`);
  }
  let port: number | undefined;
  if (i < end && s.charCodeAt(i) === 58) {
    i++;
    const ps = i;
    while (i < end && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === ps || i - ps > 5) throw new UriError(`bad port in "${clip(s)}"`);
    port = Number(s.slice(ps, i));
    if (port > 65535) throw new UriError(`port ${port} out of range in "${clip(s)}"`);
  }
  let params: Params;
  try {
    const r = parseParams(s, i, end, 63 /* ? */);
    params = r.params;
    i = r.next;
  } catch (e) {
    if (e instanceof ParamSyntaxError) throw new UriError(`${e.message} in "${clip(s)}"`);
    throw e;
  }
  const headers: Array<[string, string]> = [];
  if (i < end && s.charCodeAt(i) === 63) {
    for (const pair of s.slice(i + 1).split("&")) {
      if (pair.length === 0) continue;
      const eq = pair.indexOf("=");
      if (eq <= 0) throw new UriError(`bad URI header "${clip(pair)}" in "${clip(s)}"`);
      headers.push([pair.slice(0, eq), pair.slice(eq + 1)]);
    }
  } else if (i < end) {
    throw new UriError(`unexpected "${s[i]}" in "${clip(s)}"`);
  }
  return { scheme, user, password, host, port, params, headers };
}

function parseTelBody(s: string, start: number): TelUri {
  let i = start;
  while (i < s.length && s.charCodeAt(i) !== 59) i++;
  const number = s.slice(start, i);
  if (!/^\+?[0-9A-Fa-f*#.()\-pw]+$/.test(number)) throw new UriError(`bad telephone number in "${clip(s)}"`);
  try {
    const { params, next } = parseParams(s, i, s.length);
    if (next !== s.length) throw new UriError(`unexpected text in "${clip(s)}"`);
    return { scheme: "tel", number, params };
  } catch (e) {
    if (e instanceof ParamSyntaxError) throw new UriError(`${e.message} in "${clip(s)}"`);
    throw e;
  }
}

function checkEscapes(part: string, whole: string): void {
  for (let i = part.indexOf("%"); i >= 0; i = part.indexOf("%", i + 1)) {
    if (!/^[0-9A-Fa-f]{2}$/.test(part.slice(i + 1, i + 3))) throw new UriError(`bad escape in "${clip(whole)}"`);
  }
  // Spaces were refused by the character check over the whole URI.
}

export function serializeUri(u: Uri): string {
  if (isSipUri(u)) {
    let s = u.scheme + ":";
    if (u.user !== undefined) {
      s += u.user;
      if (u.password !== undefined) s += ":" + u.password;
      s += "@";
    }
    s += u.host;
    if (u.port !== undefined) s += ":" + u.port;
    s += u.params.toString();
    if (u.headers.length > 0) s += "?" + u.headers.map(([n, v]) => `${n}=${v}`).join("&");
    return s;
  }
  if (isTelUri(u)) return "tel:" + u.number + u.params.toString();
  return u.scheme + ":" + (u as OtherUri).opaque;
}

/** A copy that shares nothing mutable with the original. */
export function cloneUri<T extends Uri>(u: T): T {
  if (isSipUri(u)) return { ...u, params: u.params.clone(), headers: u.headers.map(([n, v]) => [n, v]) } as T;
  if (isTelUri(u)) return { ...u, params: u.params.clone() } as T;
  return { ...u };
}

function clip(s: string): string {
  return s.length > 60 ? s.slice(0, 57) + "..." : s;
}
