// Generic parameter lists: ";name=value;flag" after URIs and header values (RFC 3261 §25.1 generic-param).
import { isTokenChar, isWs, skipQuoted } from "./lexical.js";

/** One parameter: the name as written, and its value as written (quotes kept) or null for a flag. */
export type Param = [name: string, value: string | null];

/** Parameters in the order written. Lookups are case-insensitive on the name. */
export class Params {
  readonly list: Param[];
  constructor(list: Param[] = []) {
    this.list = list;
  }
  /** The value (quotes kept), null for a flag without value, undefined when absent. */
  get(name: string): string | null | undefined {
    const l = this.list;
    for (let i = 0; i < l.length; i++) {
      const p = l[i]!;
      if (p[0] === name || p[0].toLowerCase() === name) return p[1];
    }
    return undefined;
  }
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
  /** Sets (replacing the first of that name) or appends. */
  set(name: string, value: string | null): void {
    const l = this.list;
    for (let i = 0; i < l.length; i++) {
      if (l[i]![0].toLowerCase() === name) {
        l[i] = [l[i]![0], value];
        return;
      }
    }
    l.push([name, value]);
  }
  delete(name: string): void {
    const i = this.list.findIndex((p) => p[0].toLowerCase() === name);
    if (i >= 0) this.list.splice(i, 1);
  }
  get size(): number {
    return this.list.length;
  }
  clone(): Params {
    return new Params(this.list.map((p) => [p[0], p[1]]));
  }
  toString(): string {
    let s = "";
    for (const [n, v] of this.list) s += v === null ? `;${n}` : `;${n}=${v}`;
    return s;
  }
}

export class ParamSyntaxError extends Error {}

/**
 * Parses `;a=b;c;d="q"` starting at `start` (which must be `;` or the end), up to `end`.
 * `stopAt` is a char code that ends the list (e.g. `?` for URI headers), or -1.
 * Returns the params and the index where parsing stopped.
 */
export function parseParams(s: string, start: number, end: number, stopAt = -1): { params: Params; next: number } {
  const list: Param[] = [];
  let i = start;
  while (i < end) {
    while (i < end && isWs(s.charCodeAt(i))) i++;
    if (i >= end) break;
    const c = s.charCodeAt(i);
    if (c === stopAt) break;
    if (c !== 59 /* ; */) throw new ParamSyntaxError(`unexpected "${s[i]}" where ";" was expected`);
    i++;
    while (i < end && isWs(s.charCodeAt(i))) i++;
    const nameStart = i;
    while (i < end && isParamNameChar(s.charCodeAt(i))) i++;
    if (i === nameStart) throw new ParamSyntaxError("empty parameter name");
    const name = s.slice(nameStart, i);
    while (i < end && isWs(s.charCodeAt(i))) i++;
    if (i < end && s.charCodeAt(i) === 61 /* = */) {
      i++;
      while (i < end && isWs(s.charCodeAt(i))) i++;
      const valueStart = i;
      const vc = s.charCodeAt(i);
      if (vc === 34) {
        const q = skipQuoted(s, i);
        if (q < 0 || q > end) throw new ParamSyntaxError(`unterminated quoted value of parameter ${name}`);
        i = q;
      } else {
        // An IPv6 reference ("maddr=[2001:db8::1]", RFC 5118 "received=[...]") is made of value characters
        // too; "[" and "]" need not pair up (paramchar, §25.1).
        while (i < end && isParamValueChar(s.charCodeAt(i)) && s.charCodeAt(i) !== stopAt) i++;
      }
      if (i === valueStart) throw new ParamSyntaxError(`empty value of parameter ${name}`);
      list.push([name, s.slice(valueStart, i)]);
    } else {
      list.push([name, null]);
    }
  }
  return { params: new Params(list), next: i };
}

// Parameter names and values in URIs allow the unreserved and escaped characters beyond "token" (§25.1 paramchar).
const NAME_CHARS = new Uint8Array(128);
const VALUE_CHARS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const name = isTokenChar(c) || c === 91 || c === 93 || c === 47 || c === 58 || c === 38 || c === 36;
  NAME_CHARS[c] = name ? 1 : 0;
  VALUE_CHARS[c] = name || c === 64 /* @ */ || c === 63 /* ? */ || c === 40 || c === 41 || c === 61 ? 1 : 0;
}

function isParamNameChar(c: number): boolean {
  return c < 128 && NAME_CHARS[c] === 1;
}

function isParamValueChar(c: number): boolean {
  return c < 128 && VALUE_CHARS[c] === 1;
}
