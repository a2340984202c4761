// Character classes and small scanners of the RFC 3261 §25.1 grammar, shared by the header parsers.

const TOKEN = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~") TOKEN[c.charCodeAt(0)] = 1;

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN[c] !== 1) return false;
  }
  return true;
}

export function isTokenChar(c: number): boolean {
  return c < 128 && TOKEN[c] === 1;
}

/** Whitespace allowed as LWS inside a header value once folding is undone. */
export function isWs(c: number): boolean {
  return c === 32 || c === 9;
}

/** `s` without the SP and HTAB around it (LWS, §25.1); other white space (NBSP, VT...) is content. */
export function trimWs(s: string): string {
  let i = 0;
  let end = s.length;
  while (i < end && isWs(s.charCodeAt(i))) i++;
  while (end > i && isWs(s.charCodeAt(end - 1))) end--;
  return i === 0 && end === s.length ? s : s.slice(i, end);
}

/**
 * The value of 1*DIGIT with optional LWS around it (leading zeros allowed, RFC 4475 wsinv), or -1 when the
 * text is not that. Very long digit strings give a value above any limit (precision is not needed there).
 */
export function digitValue(s: string): number {
  const t = trimWs(s);
  if (t.length === 0) return -1;
  let n = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Index just past the closing quote of a quoted-string starting at `start` (which holds `"`), or -1. */
export function skipQuoted(s: string, start: number): number {
  for (let i = start + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 34 /* " */) return i + 1;
  }
  return -1;
}

/** The content of a quoted-string with quoted-pairs undone; a value without quotes is returned as is. */
export function unquote(v: string): string {
  if (v.length < 2 || v.charCodeAt(0) !== 34 || v.charCodeAt(v.length - 1) !== 34) return v;
  const inner = v.slice(1, -1);
  return inner.includes("\\") ? inner.replace(/\\(.)/g, "$1") : inner;
}

/** A quoted-string for `v` (escaping `"` and `\`). */
export function quote(v: string): string {
  return `"${v.replace(/(["\\])/g, "\\$1")}"`;
}

/**
 * Splits a list header value at commas that are outside quoted strings and <> (RFC 3261 §7.3.1).
 * Returns null when a quote or bracket is left open. Empty elements are dropped.
 */
export function splitList(value: string): string[] | null {
  const out: string[] = [];
  let start = 0;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 34) {
      const end = skipQuoted(value, i);
      if (end < 0) return null;
      i = end - 1;
    } else if (c === 60 /* < */) {
      angle = true;
    } else if (c === 62 /* > */) {
      angle = false;
    } else if (c === 44 /* , */ && !angle) {
      const part = value.slice(start, i).trim();
      if (part.length > 0) out.push(part);
      start = i + 1;
    }
  }
  if (angle) return null;
  const last = value.slice(start).trim();
  if (last.length > 0) out.push(last);
  return out;
}

/** Undoes %HH escapes (RFC 3261 §19.1.2); malformed escapes are kept as written. */
export function unescapePercent(s: string): string {
  if (!s.includes("%")) return s;
  try {
    return decodeURIComponent(s.replace(/%(?![0-9a-fA-F]{2})/g, "%25"));
  } catch {
    // Escapes that are not valid UTF-8: decode byte by byte as latin1 so comparison stays possible.
    return s.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
}
