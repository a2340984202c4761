// Ordered header store: each line kept as written (name and value), looked up by canonical key.
// Typed views are parsed on demand by the message (see message.ts), so unused headers cost nothing.
import { canonicalName, headerKey } from "./header-names.js";
import { splitList } from "./lexical.js";
import { badHeader } from "./headers/header-error.js";

export class HeaderList {
  /** Names as written (or canonical spelling for headers we add). */
  readonly names: string[] = [];
  /** Lower-case full names (compact forms expanded): the lookup keys. */
  readonly keys: string[] = [];
  /** Values as written, folding undone, surrounding whitespace trimmed. */
  readonly values: string[] = [];

  get length(): number {
    return this.keys.length;
  }

  /** Appends a line; `name` may be any spelling or compact form. */
  add(name: string, value: string): void {
    const key = headerKey(name);
    this.names.push(name.length === 1 || name === key ? canonicalName(key) : name);
    this.keys.push(key);
    this.values.push(value);
  }

  /** Appends a line whose key is already known (the parser's fast path). */
  addRaw(name: string, key: string, value: string): void {
    this.names.push(name);
    this.keys.push(key);
    this.values.push(value);
  }

  /** Inserts a line before all others of any name (e.g. a new top Via). */
  prepend(name: string, value: string): void {
    const key = headerKey(name);
    this.names.unshift(canonicalName(key));
    this.keys.unshift(key);
    this.values.unshift(value);
  }

  /** The first value for `key` (lower-case full name), or undefined. */
  get(key: string): string | undefined {
    const i = this.keys.indexOf(key);
    return i < 0 ? undefined : this.values[i];
  }

  /** Every line's value for `key`, in order. */
  getAll(key: string): string[] {
    const out: string[] = [];
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) out.push(this.values[i]!);
    return out;
  }

  /**
   * The value of a header allowed once (§7.3.1: only comma-list headers may repeat), or undefined.
   * A second line with a different value throws SIP_PARSE_HEADER (RFC 4475 multi01); an identical repeat is tolerated.
   */
  single(key: string): string | undefined {
    const keys = this.keys;
    const i = keys.indexOf(key);
    if (i < 0) return undefined;
    const v = this.values[i]!;
    for (let j = keys.indexOf(key, i + 1); j >= 0; j = keys.indexOf(key, j + 1)) {
      if (this.values[j] !== v) throw badHeader(key, "more than one value for a single-value header");
    }
    return v;
  }

  has(key: string): boolean {
    return this.keys.indexOf(key) >= 0;
  }

  count(key: string): number {
    let n = 0;
    for (const k of this.keys) if (k === key) n++;
    return n;
  }

  /** Every element of a list header across all its lines (§7.3.1 commas outside quotes and <>). */
  listValues(key: string): string[] {
    const out: string[] = [];
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== key) continue;
      const parts = splitList(this.values[i]!);
      if (parts === null) throw badHeader(key, "unbalanced quotes or <>");
      for (const p of parts) out.push(p);
    }
    return out;
  }

  /** Replaces every line of the header by one line with `value` (at the first one's position). */
  set(name: string, value: string): void {
    const key = headerKey(name);
    const i = this.keys.indexOf(key);
    if (i < 0) {
      this.add(name, value);
      return;
    }
    this.values[i] = value;
    for (let j = this.keys.length - 1; j > i; j--) if (this.keys[j] === key) this.removeAt(j);
  }

  /** Replaces the value of the i-th line. */
  setAt(i: number, value: string): void {
    this.values[i] = value;
  }

  /** Removes every line of `key`. */
  delete(key: string): void {
    for (let j = this.keys.length - 1; j >= 0; j--) if (this.keys[j] === key) this.removeAt(j);
  }

  removeAt(i: number): void {
    this.names.splice(i, 1);
    this.keys.splice(i, 1);
    this.values.splice(i, 1);
  }

  clone(): HeaderList {
    const h = new HeaderList();
    h.names.push(...this.names);
    h.keys.push(...this.keys);
    h.values.push(...this.values);
    return h;
  }
}
