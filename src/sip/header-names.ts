// Header names: compact forms (RFC 3261 §7.3.3 and later RFCs), case-insensitive keys, canonical spelling.

/** Compact form → full lower-case name. */
const COMPACT: Readonly<Record<string, string>> = {
  a: "accept-contact",
  b: "referred-by",
  c: "content-type",
  d: "request-disposition",
  e: "content-encoding",
  f: "from",
  i: "call-id",
  j: "reject-contact",
  k: "supported",
  l: "content-length",
  m: "contact",
  o: "event",
  r: "refer-to",
  s: "subject",
  t: "to",
  u: "allow-events",
  v: "via",
  x: "session-expires",
  y: "identity",
};

/** Spelling used when we write a header we know, as the RFCs print it. */
const CANONICAL: Readonly<Record<string, string>> = {
  "call-id": "Call-ID",
  cseq: "CSeq",
  "www-authenticate": "WWW-Authenticate",
  "mime-version": "MIME-Version",
  "rack": "RAck",
  "rseq": "RSeq",
  "sip-etag": "SIP-ETag",
  "sip-if-match": "SIP-If-Match",
};

/** The key a header is stored under: lower case, compact forms expanded. */
export function headerKey(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length === 1) return COMPACT[lower] ?? lower;
  return lower;
}

const canonicalCache = new Map<string, string>();

/** "content-length" → "Content-Length"; "call-id" → "Call-ID". */
export function canonicalName(key: string): string {
  const known = CANONICAL[key];
  if (known !== undefined) return known;
  let cached = canonicalCache.get(key);
  if (cached === undefined) {
    cached = key.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
    if (canonicalCache.size < 1024) canonicalCache.set(key, cached);
  }
  return cached;
}

/** Headers whose value is a comma-separated list (RFC 3261 §7.3.1), so several lines may be joined or split. */
export const LIST_HEADERS: ReadonlySet<string> = new Set([
  "via",
  "contact",
  "route",
  "record-route",
  "path",
  "service-route",
  "supported",
  "require",
  "proxy-require",
  "unsupported",
  "allow",
  "accept",
  "accept-encoding",
  "accept-language",
  "allow-events",
  "content-encoding",
  "in-reply-to",
  "warning",
  "error-info",
  "call-info",
  "alert-info",
  "accept-contact",
  "reject-contact",
  "request-disposition",
]);
