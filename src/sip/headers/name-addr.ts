// name-addr / addr-spec with header parameters (RFC 3261 §20.10, §20.20, §20.39, §25.1):
// the shape of From, To, Contact, Route, Record-Route, Path, Service-Route, Reply-To.
import { isTokenChar, isWs, quote, skipQuoted, unquote } from "../lexical.js";
import { Params, parseParams, ParamSyntaxError } from "../params.js";
import { parseUri, serializeUri, UriError, type Uri } from "../uri.js";
import { badHeader } from "./header-error.js";

export interface NameAddr {
  /** Display name without quotes (undefined when absent). */
  displayName: string | undefined;
  uri: Uri;
  /** Header parameters after the URI (e.g. tag, expires, q). */
  params: Params;
}

/** Parses one name-addr or addr-spec with its parameters; `header` names the header in errors. */
export function parseNameAddr(value: string, header: string): NameAddr {
  const s = value;
  const end = s.length;
  let i = 0;
  while (i < end && isWs(s.charCodeAt(i))) i++;
  let displayName: string | undefined;
  let uriText: string;
  let rest: number;
  const c0 = s.charCodeAt(i);
  const lt = s.indexOf("<", i);
  if (c0 === 34 /* " */ || lt >= 0) {
    if (c0 === 34) {
      const q = skipQuoted(s, i);
      if (q < 0) throw badHeader(header, "unterminated quoted display name");
      displayName = unquote(s.slice(i, q));
      i = q;
      while (i < end && isWs(s.charCodeAt(i))) i++;
      if (s.charCodeAt(i) !== 60) throw badHeader(header, "expected < after display name");
    } else {
      const dn = s.slice(i, lt).trim();
      if (dn.length > 0) {
        // An unquoted display name is a run of tokens separated by LWS.
        for (let k = 0; k < dn.length; k++) {
          const c = dn.charCodeAt(k);
          if (!isTokenChar(c) && !isWs(c)) throw badHeader(header, `character "${dn[k]}" not allowed in an unquoted display name`);
        }
        displayName = dn;
      }
      i = lt;
    }
    const gt = s.indexOf(">", i);
    if (gt < 0) throw badHeader(header, "missing >");
    uriText = s.slice(i + 1, gt);
    rest = gt + 1;
  } else {
    // addr-spec: parameters after the first ';' belong to the header, not the URI (§20.10).
    let k = i;
    while (k < end && s.charCodeAt(k) !== 59 && !isWs(s.charCodeAt(k))) k++;
    uriText = s.slice(i, k);
    rest = k;
    if (uriText.includes("?") || uriText.includes(",")) throw badHeader(header, "a URI with ? or , must be enclosed in <>");
  }
  let uri: Uri;
  try {
    uri = parseUri(uriText);
  } catch (e) {
    if (e instanceof UriError) throw badHeader(header, e.message);
    throw e;
  }
  let params: Params;
  try {
    const r = parseParams(s, rest, end);
    params = r.params;
  } catch (e) {
    if (e instanceof ParamSyntaxError) throw badHeader(header, e.message);
    throw e;
  }
  return { displayName, uri, params };
}

export function serializeNameAddr(na: NameAddr): string {
  const dn = na.displayName === undefined ? "" : `${quote(na.displayName)} `;
  return `${dn}<${serializeUri(na.uri)}>${na.params.toString()}`;
}
