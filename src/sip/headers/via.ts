// Via (RFC 3261 §20.42, §18.2.1; rport RFC 3581): protocol, sent-by and the parameters routing depends on.
import { isWs } from "../lexical.js";
import { Params, parseParams, ParamSyntaxError } from "../params.js";
import { badHeader } from "./header-error.js";

/** The branch prefix of RFC 3261 transactions (§8.1.1.7). */
export const MAGIC_COOKIE = "z9hG4bK";

export interface Via {
  /** "SIP/2.0" normally. */
  protocol: string;
  /** Upper case: UDP, TCP, TLS, SCTP, WS, WSS... */
  transport: string;
  host: string;
  port: number | undefined;
  params: Params;
}

export function viaBranch(v: Via): string | undefined {
  const b = v.params.get("branch");
  return b === null ? undefined : b;
}

/** rport present: null when empty (request side), the number when filled in (§4 of RFC 3581). */
export function viaRport(v: Via): number | null | undefined {
  const r = v.params.get("rport");
  if (r === undefined || r === null) return r;
  return Number(r);
}

export function parseVia(value: string): Via {
  const s = value;
  const end = s.length;
  // sent-protocol = name SLASH version SLASH transport, LWS allowed around the slashes.
  const m = /^\s*([A-Za-z0-9.!%*_+`'~-]+)\s*\/\s*([A-Za-z0-9.!%*_+`'~-]+)\s*\/\s*([A-Za-z0-9.!%*_+`'~-]+)\s+/.exec(s);
  if (m === null) throw badHeader("via", `bad sent-protocol in "${clip(s)}"`);
  const protocol = `${m[1]!.toUpperCase()}/${m[2]!}`;
  const transport = m[3]!.toUpperCase();
  let i = m[0].length;
  let host: string;
  if (s.charCodeAt(i) === 91) {
    const close = s.indexOf("]", i);
    if (close < 0) throw badHeader("via", "unterminated IPv6 reference");
    host = s.slice(i, close + 1);
    i = close + 1;
  } else {
    const hs = i;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c === 58 || c === 59 || isWs(c)) break;
      if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46 || c === 95))
        throw badHeader("via", `bad character "${s[i]}" in sent-by`);
      i++;
    }
    host = s.slice(hs, i);
  }
  if (host.length === 0) throw badHeader("via", "empty sent-by host");
  while (i < end && isWs(s.charCodeAt(i))) i++;
  let port: number | undefined;
  if (s.charCodeAt(i) === 58) {
    i++;
    while (i < end && isWs(s.charCodeAt(i))) i++;
    const ps = i;
    while (i < end && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === ps || i - ps > 5) throw badHeader("via", "bad sent-by port");
    port = Number(s.slice(ps, i));
    if (port > 65535) throw badHeader("via", `port ${port} out of range`);
  }
  let params: Params;
  try {
    const r = parseParams(s, i, end);
    params = r.params;
  } catch (e) {
    if (e instanceof ParamSyntaxError) throw badHeader("via", e.message);
    throw e;
  }
  const ttl = params.get("ttl");
  if (ttl !== undefined && (ttl === null || !/^\d{1,3}$/.test(ttl) || Number(ttl) > 255)) throw badHeader("via", "bad ttl");
  const rport = params.get("rport");
  if (rport !== undefined && rport !== null && (!/^\d{1,5}$/.test(rport) || Number(rport) > 65535)) throw badHeader("via", "bad rport");
  return { protocol, transport, host, port, params };
}

export function serializeVia(v: Via): string {
  return `${v.protocol}/${v.transport} ${v.host}${v.port === undefined ? "" : ":" + v.port}${v.params.toString()}`;
}

function clip(s: string): string {
  return s.length > 60 ? s.slice(0, 57) + "..." : s;
}
