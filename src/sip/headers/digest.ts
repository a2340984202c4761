// Digest header values: WWW-Authenticate / Proxy-Authenticate (challenge), Authorization /
// Proxy-Authorization (credentials) and Authentication-Info (RFC 3261 §20.5, §20.7, §20.27, §20.28,
// §20.44, grammar in §25.1; RFC 7616 §3.3-§3.5; RFC 7235 §2.1 for the auth-param list).
// Parsing is tolerant where the RFCs ask for it (case, LWS, empty list elements, quoted or bare
// values) and raises DigestParseError, and nothing else, on anything it cannot read.
import { isToken, isTokenChar } from "../lexical.js";
import { SipregError } from "../../util/errors.js";

export class DigestParseError extends SipregError {
  constructor(message: string) {
    super("SIP_PARSE_DIGEST", message);
  }
}

/** A model value that cannot be written into a header (CR/LF, a non-token parameter name...). */
export class DigestSerializeError extends SipregError {
  constructor(message: string) {
    super("SIP_SERIALIZE_DIGEST", message);
  }
}

export type AuthParamList = [name: string, value: string][];

export interface DigestChallenge {
  scheme: "Digest";
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm?: string;
  /** The qop-options list, in the server's order; empty when the server offered no qop (RFC 2069 mode). */
  qop: string[];
  stale: boolean;
  domain?: string;
  userhash?: boolean;
  charset?: string;
  /** Parameters this module does not know, in the order received, values unquoted. */
  other: AuthParamList;
}

export interface DigestCredentials {
  scheme: "Digest";
  /**
   * The user name as the server must look it up: the plain (or hashed, when userhash is true) name,
   * or the decoded `username*` value when that form was sent.
   */
  username: string;
  /** Set (to the same decoded value as `username`) when the RFC 7616 §3.4.4 `username*` form is used. */
  usernameStar?: string;
  userhash?: boolean;
  realm: string;
  nonce: string;
  /** digest-uri. Optional only because RFC 3261's own examples (§20.7, §20.28) leave it out. */
  uri?: string;
  response: string;
  algorithm?: string;
  cnonce?: string;
  opaque?: string;
  qop?: string;
  /** nonce-count: exactly 8 hex digits (RFC 7616 §3.4). */
  nc?: string;
  other: AuthParamList;
}

export interface AuthenticationInfo {
  nextnonce?: string;
  qop?: string;
  rspauth?: string;
  cnonce?: string;
  nc?: string;
  other: AuthParamList;
}

/** One auth-param as written: `quoted` tells whether the value was a quoted-string. */
export interface AuthParam {
  name: string;
  value: string;
  quoted: boolean;
}

// ---------------------------------------------------------------------------------------------
// Generic auth-param scanning (RFC 7235 §2.1; RFC 3261 §25.1 LWS, quoted-string, quoted-pair)

const HTAB = 9;
const LF = 10;
const CR = 13;
const SP = 32;
const DQUOTE = 34;
const COMMA = 44;
const EQUALS = 61;
const BACKSLASH = 92;
const DEL = 127;

// CR and LF count as whitespace outside quotes so that a value still folded (RFC 3261 §7.3.1) reads.
function isLws(c: number): boolean {
  return c === SP || c === HTAB || c === CR || c === LF;
}

function skipLws(s: string, i: number): number {
  while (i < s.length && isLws(s.charCodeAt(i))) i++;
  return i;
}

function clip(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}...` : s);
}

/** Reads the quoted-string whose opening quote is at `start`; returns its content and the index past it. */
function readQuoted(s: string, start: number): { value: string; end: number } {
  // Fast path: plain qdtext up to the closing quote (no escape, fold or control character) is one slice.
  for (let j = start + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === DQUOTE) return { value: s.slice(start + 1, j), end: j + 1 };
    if (c === BACKSLASH || c < SP || c === DEL) break;
  }
  let out = "";
  let i = start + 1;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === DQUOTE) return { value: out, end: i + 1 };
    if (c === BACKSLASH) {
      // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F): anything but CR and LF may be escaped.
      const next = s.charCodeAt(i + 1);
      if (Number.isNaN(next)) break;
      if (next === CR || next === LF) throw new DigestParseError("quoted-pair escapes a line break");
      out += s[i + 1] ?? "";
      i += 2;
    } else if (c === CR || c === LF) {
      // A fold inside qdtext (LWS): the line break must be followed by whitespace; it reads as that whitespace.
      let j = i;
      if (s.charCodeAt(j) === CR) j++;
      if (s.charCodeAt(j) === LF) j++;
      const after = s.charCodeAt(j);
      if (after !== SP && after !== HTAB) throw new DigestParseError("line break inside a quoted string");
      i = j;
    } else if ((c < SP && c !== HTAB) || c === DEL) {
      throw new DigestParseError(`control character 0x${c.toString(16)} inside a quoted string`);
    } else {
      out += s[i] ?? "";
      i++;
    }
  }
  throw new DigestParseError(`unterminated quoted string in ${clip(s.slice(start))}`);
}

/**
 * Reads a comma-separated auth-param list from `start`: `name = value` pairs, value a token or a
 * quoted-string, LWS around `=` and `,`, empty elements ignored (RFC 7230 §7 list tolerance).
 * Bare values are read up to whitespace or a comma, so base64 nonces sent unquoted still parse.
 */
export function parseAuthParams(s: string, start = 0): AuthParam[] {
  const params: AuthParam[] = [];
  let i = start;
  for (;;) {
    i = skipLws(s, i);
    if (i >= s.length) return params;
    if (s.charCodeAt(i) === COMMA) {
      i++;
      continue;
    }
    const nameStart = i;
    while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
    if (i === nameStart) throw new DigestParseError(`expected a parameter name at ${clip(s.slice(i))}`);
    const name = s.slice(nameStart, i);
    i = skipLws(s, i);
    if (s.charCodeAt(i) !== EQUALS) throw new DigestParseError(`parameter "${name}" has no value`);
    i = skipLws(s, i + 1);
    if (s.charCodeAt(i) === DQUOTE) {
      const q = readQuoted(s, i);
      params.push({ name, value: q.value, quoted: true });
      i = q.end;
    } else {
      const valueStart = i;
      while (i < s.length) {
        const c = s.charCodeAt(i);
        if (isLws(c) || c === COMMA) break;
        if (c === DQUOTE || c < SP || c === DEL) throw new DigestParseError(`bad character in the value of "${name}"`);
        i++;
      }
      if (i === valueStart) throw new DigestParseError(`parameter "${name}" has an empty value`);
      params.push({ name, value: s.slice(valueStart, i), quoted: false });
    }
    i = skipLws(s, i);
    if (i < s.length && s.charCodeAt(i) !== COMMA) {
      throw new DigestParseError(`expected "," after parameter "${name}" at ${clip(s.slice(i))}`);
    }
  }
}

/** Splits `scheme 1*SP auth-params` (RFC 7235 §2.1). The scheme keeps the case it was sent in. */
export function parseAuthHeader(value: string): { scheme: string; params: AuthParam[] } {
  let i = skipLws(value, 0);
  const schemeStart = i;
  while (i < value.length && isTokenChar(value.charCodeAt(i))) i++;
  if (i === schemeStart) throw new DigestParseError(`missing authentication scheme in ${clip(value)}`);
  const scheme = value.slice(schemeStart, i);
  if (i < value.length && !isLws(value.charCodeAt(i))) {
    throw new DigestParseError(`expected whitespace after the scheme "${scheme}"`);
  }
  return { scheme, params: parseAuthParams(value, i) };
}

function parseDigestParams(value: string): AuthParam[] {
  const { scheme, params } = parseAuthHeader(value);
  // Scheme names are case-insensitive (RFC 7235 §2.1).
  if (scheme.toLowerCase() !== "digest") throw new DigestParseError(`scheme "${scheme}" is not Digest`);
  return params;
}

/**
 * Calls `onKnown` for parameters whose lower-cased name is in `known` (each at most once, RFC 7235
 * §2.2) and collects the rest, in order, into the returned list.
 */
function dispatchParams(
  params: readonly AuthParam[],
  known: ReadonlyMap<string, number>,
  onKnown: (name: string, p: AuthParam) => void,
): AuthParamList {
  let seen = 0; // one bit per known parameter (the map's values)
  const other: AuthParamList = [];
  for (const p of params) {
    const name = p.name.toLowerCase();
    const bit = known.get(name);
    if (bit === undefined) {
      other.push([p.name, p.value]);
      continue;
    }
    if ((seen & bit) !== 0) throw new DigestParseError(`parameter "${name}" appears twice`);
    seen |= bit;
    onKnown(name, p);
  }
  return other;
}

/** Parameter names → distinct bits, for dispatchParams. */
function knownNames(...names: string[]): ReadonlyMap<string, number> {
  return new Map(names.map((n, i) => [n, 1 << i]));
}

// RFC 2617 §3.2.1: stale is true only for the (case-insensitive) value TRUE; the same reading serves userhash.
function isTrue(v: string): boolean {
  return v.toLowerCase() === "true";
}

/** The qop-options quoted list ("auth,auth-int"), its elements trimmed and empty ones dropped. */
function splitQopOptions(v: string): string[] {
  return v
    .split(",")
    .map((q) => q.trim())
    .filter((q) => q.length > 0);
}

const NC_PATTERN = /^[0-9a-fA-F]{8}$/;

function checkNc(v: string): string {
  if (!NC_PATTERN.test(v)) throw new DigestParseError(`nc must be 8 hex digits, got ${clip(v)}`);
  return v;
}

// ---------------------------------------------------------------------------------------------
// username* (RFC 7616 §3.4.4 with the ext-value of RFC 8187 §3.2.1)

const ATTR_CHAR = /^[A-Za-z0-9!#$&+\-.^_`|~]$/;

function decodeExtValue(v: string): string {
  const first = v.indexOf("'");
  const second = first < 0 ? -1 : v.indexOf("'", first + 1);
  if (second < 0) throw new DigestParseError(`username* is not an ext-value: ${clip(v)}`);
  const charset = v.slice(0, first);
  if (charset.toLowerCase() !== "utf-8") throw new DigestParseError(`username* charset "${charset}" is not UTF-8`);
  const encoded = v.slice(second + 1);
  if (!/^(?:[A-Za-z0-9!#$&+\-.^_`|~]|%[0-9A-Fa-f]{2})*$/.test(encoded)) {
    throw new DigestParseError(`username* has characters that need percent-encoding: ${clip(v)}`);
  }
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new DigestParseError(`username* is not valid UTF-8: ${clip(v)}`);
  }
}

function encodeExtValue(v: string): string {
  let out = "UTF-8''";
  for (const byte of Buffer.from(v, "utf8")) {
    const ch = String.fromCharCode(byte);
    out += byte < 128 && ATTR_CHAR.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parsers

const CHALLENGE_PARAMS = knownNames("realm", "nonce", "opaque", "algorithm", "qop", "stale", "domain", "userhash", "charset");

export function parseDigestChallenge(value: string): DigestChallenge {
  let realm: string | undefined;
  let nonce: string | undefined;
  const c: Omit<DigestChallenge, "realm" | "nonce" | "other"> = { scheme: "Digest", qop: [], stale: false };
  const other = dispatchParams(parseDigestParams(value), CHALLENGE_PARAMS, (name, p) => {
    switch (name) {
      case "realm": realm = p.value; break;
      case "nonce": nonce = p.value; break;
      case "opaque": c.opaque = p.value; break;
      case "algorithm": c.algorithm = p.value; break;
      case "qop": c.qop = splitQopOptions(p.value); break;
      case "stale": c.stale = isTrue(p.value); break;
      case "domain": c.domain = p.value; break;
      case "userhash": c.userhash = isTrue(p.value); break;
      case "charset": c.charset = p.value; break;
    }
  });
  // realm and nonce are the two parameters a challenge cannot do without (RFC 7616 §3.3).
  if (realm === undefined) throw new DigestParseError("challenge has no realm");
  if (nonce === undefined) throw new DigestParseError("challenge has no nonce");
  return { ...c, realm, nonce, other };
}

const CREDENTIAL_PARAMS = knownNames("username", "username*", "userhash", "realm", "nonce", "uri", "response", "algorithm", "cnonce", "opaque", "qop", "nc");

export function parseDigestCredentials(value: string): DigestCredentials {
  let username: string | undefined;
  let usernameStar: string | undefined;
  let realm: string | undefined;
  let nonce: string | undefined;
  let response: string | undefined;
  const c: Omit<DigestCredentials, "scheme" | "username" | "usernameStar" | "realm" | "nonce" | "response" | "other"> =
    {};
  const other = dispatchParams(parseDigestParams(value), CREDENTIAL_PARAMS, (name, p) => {
    switch (name) {
      case "username": username = p.value; break;
      case "username*": usernameStar = decodeExtValue(p.value); break;
      case "userhash": c.userhash = isTrue(p.value); break;
      case "realm": realm = p.value; break;
      case "nonce": nonce = p.value; break;
      case "uri": c.uri = p.value; break;
      case "response": response = p.value; break;
      case "algorithm": c.algorithm = p.value; break;
      case "cnonce": c.cnonce = p.value; break;
      case "opaque": c.opaque = p.value; break;
      case "qop": c.qop = p.value; break;
      case "nc": c.nc = checkNc(p.value); break;
    }
  });
  // RFC 7616 §3.4: username and username* are alternatives, never both.
  if (username !== undefined && usernameStar !== undefined) {
    throw new DigestParseError("credentials carry both username and username*");
  }
  const name = username ?? usernameStar;
  if (name === undefined) throw new DigestParseError("credentials have no username");
  if (realm === undefined) throw new DigestParseError("credentials have no realm");
  if (nonce === undefined) throw new DigestParseError("credentials have no nonce");
  if (response === undefined) throw new DigestParseError("credentials have no response");
  const out: DigestCredentials = { scheme: "Digest", username: name, realm, nonce, response, ...c, other };
  if (usernameStar !== undefined) out.usernameStar = usernameStar;
  return out;
}

const AUTH_INFO_PARAMS = knownNames("nextnonce", "qop", "rspauth", "cnonce", "nc");

/** Authentication-Info (RFC 3261 §20.6, RFC 7616 §3.5): a bare auth-param list, no scheme. */
export function parseAuthenticationInfo(value: string): AuthenticationInfo {
  const info: Omit<AuthenticationInfo, "other"> = {};
  const params = parseAuthParams(value);
  // RFC 3261 §25.1: Authentication-Info = ainfo *(COMMA ainfo), so at least one.
  if (params.length === 0) throw new DigestParseError("empty Authentication-Info");
  const other = dispatchParams(params, AUTH_INFO_PARAMS, (name, p) => {
    switch (name) {
      case "nextnonce": info.nextnonce = p.value; break;
      case "qop": info.qop = p.value; break;
      case "rspauth": info.rspauth = p.value; break;
      case "cnonce": info.cnonce = p.value; break;
      case "nc": info.nc = checkNc(p.value); break;
    }
  });
  return { ...info, other };
}

// ---------------------------------------------------------------------------------------------
// Serializers: canonical forms, quoting what RFC 7616 §3.3-§3.5 quote and leaving tokens bare.

function checkWritable(what: string, v: string): void {
  if (v.includes("\r") || v.includes("\n")) throw new DigestSerializeError(`${what} contains a line break`);
}

/** A quoted-string for `v`: `"` and `\` escaped, and so are control characters (quoted-pair, §25.1). */
export function quoteAuthValue(v: string): string {
  checkWritable("value", v);
  let out = '"';
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === DQUOTE || c === BACKSLASH || (c < SP && c !== HTAB) || c === DEL) out += "\\";
    out += v[i] ?? "";
  }
  return `${out}"`;
}

function tokenOrQuoted(v: string): string {
  return isToken(v) ? v : quoteAuthValue(v);
}

/** Writes params, the known ones first in the given order, then `other` (checked against `known`). */
class ParamWriter {
  private readonly parts: string[] = [];
  constructor(private readonly known: { has(name: string): boolean }) {}
  quoted(name: string, v: string | undefined): this {
    if (v !== undefined) this.parts.push(`${name}=${quoteAuthValue(v)}`);
    return this;
  }
  bare(name: string, v: string | undefined): this {
    if (v !== undefined) this.parts.push(`${name}=${tokenOrQuoted(v)}`);
    return this;
  }
  raw(name: string, v: string | undefined): this {
    if (v !== undefined) this.parts.push(`${name}=${v}`);
    return this;
  }
  other(list: AuthParamList): this {
    for (const [name, v] of list) {
      if (!isToken(name)) throw new DigestSerializeError(`parameter name ${clip(name)} is not a token`);
      if (this.known.has(name.toLowerCase())) {
        throw new DigestSerializeError(`"${name}" belongs in its own field, not in other`);
      }
      this.bare(name, v);
    }
    return this;
  }
  join(): string {
    return this.parts.join(", ");
  }
}

function writeNc(v: string | undefined): string | undefined {
  if (v !== undefined && !NC_PATTERN.test(v)) throw new DigestSerializeError(`nc must be 8 hex digits, got ${clip(v)}`);
  return v;
}

// Options are joined into one quoted list, so each must survive the split-and-trim of the parser.
function writeQopOptions(qop: readonly string[]): string | undefined {
  if (qop.length === 0) return undefined;
  for (const q of qop) {
    if (q.length === 0 || q.includes(",") || q.trim() !== q) {
      throw new DigestSerializeError(`qop option ${clip(q)} cannot be written in a qop list`);
    }
  }
  return qop.join(",");
}

function writeBool(v: boolean | undefined): string | undefined {
  return v === undefined ? undefined : String(v);
}

export function serializeDigestChallenge(c: DigestChallenge): string {
  const params = new ParamWriter(CHALLENGE_PARAMS)
    .quoted("realm", c.realm)
    .quoted("domain", c.domain)
    .quoted("nonce", c.nonce)
    .quoted("opaque", c.opaque)
    // RFC 2617 §3.2.1 spells the flag TRUE; readers compare case-insensitively. false is the default.
    .raw("stale", c.stale ? "TRUE" : undefined)
    .bare("algorithm", c.algorithm)
    .quoted("qop", writeQopOptions(c.qop))
    .bare("charset", c.charset)
    .raw("userhash", writeBool(c.userhash))
    .other(c.other)
    .join();
  return `Digest ${params}`;
}

export function serializeDigestCredentials(c: DigestCredentials): string {
  const w = new ParamWriter(CREDENTIAL_PARAMS);
  if (c.usernameStar !== undefined) w.raw("username*", encodeExtValue(c.usernameStar));
  else w.quoted("username", c.username);
  const params = w
    .quoted("realm", c.realm)
    .quoted("nonce", c.nonce)
    .quoted("uri", c.uri)
    .quoted("response", c.response)
    .bare("algorithm", c.algorithm)
    .quoted("cnonce", c.cnonce)
    .quoted("opaque", c.opaque)
    .bare("qop", c.qop)
    .raw("nc", writeNc(c.nc))
    .raw("userhash", writeBool(c.userhash))
    .other(c.other)
    .join();
  return `Digest ${params}`;
}

export function serializeAuthenticationInfo(info: AuthenticationInfo): string {
  const out = new ParamWriter(AUTH_INFO_PARAMS)
    .quoted("nextnonce", info.nextnonce)
    .bare("qop", info.qop)
    .quoted("rspauth", info.rspauth)
    .quoted("cnonce", info.cnonce)
    .raw("nc", writeNc(info.nc))
    .other(info.other)
    .join();
  if (out.length === 0) throw new DigestSerializeError("Authentication-Info needs at least one parameter");
  return out;
}
