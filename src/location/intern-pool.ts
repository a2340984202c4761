// Reference-counted interning of the strings and string lists many bindings share (user agent, listener,
// source address, Path, methods): a binding keeps a 4-byte id instead of its own copy, and a value is
// forgotten when its last binding goes (Kamailio shares nothing: each ucontact holds its own copies).
import type { StringFlattener } from "./string-flattener.js";

/** Strings by id. Id 0 is never handed out: columns use it for "nothing held". */
export class StringPool {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [""];
  private refs = new Int32Array(64);
  private readonly free: number[] = [];

  constructor(private readonly flattener: StringFlattener) {}

  /** Distinct values held. */
  get size(): number {
    return this.ids.size;
  }

  /** The id of `s`, adding it if new; the caller owns one reference. */
  acquire(s: string): number {
    const known = this.ids.get(s);
    if (known !== undefined) {
      this.refs[known]!++;
      return known;
    }
    const value = this.flattener.flatten(s);
    const id = this.free.pop() ?? this.values.length;
    if (id === this.values.length) this.values.push(value);
    else this.values[id] = value;
    if (id >= this.refs.length) {
      const refs = new Int32Array(this.refs.length * 2);
      refs.set(this.refs);
      this.refs = refs;
    }
    this.refs[id] = 1;
    this.ids.set(value, id);
    return id;
  }

  /** Drops one reference; true when that was the last. Id 0 is ignored. */
  release(id: number): boolean {
    if (id === 0) return false;
    if (--this.refs[id]! > 0) return false;
    this.ids.delete(this.values[id]!);
    this.values[id] = "";
    this.free.push(id);
    return true;
  }

  value(id: number): string {
    return this.values[id]!;
  }
}

/** Frozen string lists by id; id 0 stands for `undefined` (no list: e.g. "all methods"). */
export class ListPool {
  private readonly keys: StringPool;
  private readonly lists: Array<readonly string[] | undefined> = [undefined];

  constructor(flattener: StringFlattener) {
    this.keys = new StringPool(flattener);
  }

  get size(): number {
    return this.keys.size;
  }

  acquire(list: readonly string[] | undefined): number {
    if (list === undefined) return 0;
    // "\n" cannot occur in a header value; the leading one tells [] from [""].
    const id = this.keys.acquire(list.length === 0 ? "" : "\n" + list.join("\n"));
    if (this.lists[id] === undefined) {
      while (this.lists.length <= id) this.lists.push(undefined);
      this.lists[id] = Object.freeze(this.keys.value(id) === "" ? [] : this.keys.value(id).slice(1).split("\n"));
    }
    return id;
  }

  release(id: number): void {
    if (this.keys.release(id)) this.lists[id] = undefined;
  }

  value(id: number): readonly string[] | undefined {
    return this.lists[id];
  }
}

/** Element-wise equality of two optional lists. */
export function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
