// The in-memory location index (Kamailio usrloc's hash table of urecords and their ucontacts), laid out
// in columns: binding i is slot i of a set of typed arrays plus a few string arrays, so a binding costs
// no object of its own. Shared values are interned (intern-pool.ts), unique strings flattened so they
// do not pin the REGISTER they came from. Binding objects are built on read (get, byRuid, events).
//
// Indexes: AOR → its slots (intrusive list in insertion order), ruid → slot, connection id → slots
// (to find the bindings of a flow that closed, RFC 5626 §5.3), and an expiry heap for the sweeper.
// Lookup by instance (GRUU, RFC 5627) walks the AOR's few bindings, so it needs no index.
import type { TransportProtocol } from "../transport/types.js";
import type { Binding } from "./binding.js";
import { ExpiryHeap } from "./expiry-heap.js";
import { ListPool, sameList, StringPool } from "./intern-pool.js";
import { StringFlattener } from "./string-flattener.js";

const NIL = -1;
const NO_CONNECTION = -1;
/** Low 3 bits of the transport column: the protocol; this bit: natted. */
const NATTED = 8;
const PROTOCOLS: readonly TransportProtocol[] = ["udp", "tcp", "tls", "ws", "wss"];
const PROTOCOL_CODE: Readonly<Record<TransportProtocol, number>> = { udp: 0, tcp: 1, tls: 2, ws: 3, wss: 4 };
const NO_BINDINGS: readonly Binding[] = Object.freeze([]);
const NO_PATH: readonly string[] = Object.freeze([]);

export interface LocationIndexOptions {
  /** Slots allocated up front (grows by doubling). Default 1024. */
  initialCapacity?: number;
}

function grownF64(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}
function grownI32(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
function grownU32(a: Uint32Array, n: number): Uint32Array {
  const b = new Uint32Array(n);
  b.set(a);
  return b;
}
function grownArray<T>(a: T[], n: number, fill: T): T[] {
  const b = new Array<T>(n).fill(fill);
  for (let i = 0; i < a.length; i++) b[i] = a[i]!;
  return b;
}

export class LocationIndex {
  private capacity: number;
  /** Slots handed out at least once; slots below it are live or on the free list. */
  private highWater = 0;
  /** Free slots, chained through nextInAor. */
  private freeHead = NIL;
  private live = 0;

  private readonly flattener = new StringFlattener();
  private readonly strings = new StringPool(this.flattener);
  private readonly lists = new ListPool(this.flattener);
  private readonly heap: ExpiryHeap;

  /** AOR → first slot of its list; the key string is shared by the aor column of its slots. */
  private readonly heads = new Map<string, number>();
  private readonly slotsByRuid = new Map<string, number>();
  private readonly connectionHeads = new Map<number, number>();

  // Unique (or per-AOR) strings.
  private aor: string[];
  private ruid: string[];
  private contact: string[];
  private callId: string[];
  private instance: Array<string | undefined>;
  private params: string[];
  // Numbers.
  private expiresAt: Float64Array;
  private modifiedAt: Float64Array;
  /** Connection id, NO_CONNECTION for none (Float64: ids are not bounded to 31 bits). */
  private connection: Float64Array;
  private q: Int16Array;
  private cseq: Uint32Array;
  private flags: Int32Array;
  private regId: Int32Array;
  private port: Uint16Array;
  private transport: Uint8Array;
  // Interned ids (0 = none held).
  private userAgent: Uint32Array;
  private listener: Uint32Array;
  private sourceAddress: Uint32Array;
  private path: Uint32Array;
  private methods: Uint32Array;
  // Links.
  private nextInAor: Int32Array;
  private nextInConnection: Int32Array;
  private prevInConnection: Int32Array;

  constructor(options: LocationIndexOptions = {}) {
    const n = Math.max(16, Math.floor(options.initialCapacity ?? 1024));
    this.capacity = n;
    this.heap = new ExpiryHeap(n);
    this.aor = new Array<string>(n).fill("");
    this.ruid = new Array<string>(n).fill("");
    this.contact = new Array<string>(n).fill("");
    this.callId = new Array<string>(n).fill("");
    this.instance = new Array<string | undefined>(n).fill(undefined);
    this.params = new Array<string>(n).fill("");
    this.expiresAt = new Float64Array(n);
    this.modifiedAt = new Float64Array(n);
    this.connection = new Float64Array(n).fill(NO_CONNECTION);
    this.q = new Int16Array(n);
    this.cseq = new Uint32Array(n);
    this.flags = new Int32Array(n);
    this.regId = new Int32Array(n);
    this.port = new Uint16Array(n);
    this.transport = new Uint8Array(n);
    this.userAgent = new Uint32Array(n);
    this.listener = new Uint32Array(n);
    this.sourceAddress = new Uint32Array(n);
    this.path = new Uint32Array(n);
    this.methods = new Uint32Array(n);
    this.nextInAor = new Int32Array(n);
    this.nextInConnection = new Int32Array(n);
    this.prevInConnection = new Int32Array(n);
  }

  /** Bindings held, including those past expiry the sweeper has not taken yet. */
  get contactCount(): number {
    return this.live;
  }

  /** AORs with at least one binding held. */
  get aorCount(): number {
    return this.heads.size;
  }

  /** Distinct interned strings and lists (for the memory figure and tests). */
  get internedCount(): number {
    return this.strings.size + this.lists.size;
  }

  /** Earliest expiry held (epoch ms), +Infinity when empty. */
  nextExpiry(): number {
    return this.heap.minKey();
  }

  /** The AOR a ruid belongs to, expired or not. */
  aorOfRuid(ruid: string): string | undefined {
    const slot = this.slotsByRuid.get(ruid);
    return slot === undefined ? undefined : this.aor[slot];
  }

  /** The binding with this ruid, even past its expiry. */
  find(ruid: string): Binding | undefined {
    const slot = this.slotsByRuid.get(ruid);
    return slot === undefined ? undefined : this.read(slot);
  }

  /** The binding with this ruid if it expires after nowMs. */
  byRuid(ruid: string, nowMs: number): Binding | undefined {
    const slot = this.slotsByRuid.get(ruid);
    return slot === undefined || this.expiresAt[slot]! <= nowMs ? undefined : this.read(slot);
  }

  /** Live bindings of an AOR, in insertion order. */
  bindings(aor: string, nowMs: number): readonly Binding[] {
    let slot = this.heads.get(aor) ?? NIL;
    let out: Binding[] | undefined;
    for (; slot !== NIL; slot = this.nextInAor[slot]!) {
      if (this.expiresAt[slot]! <= nowMs) continue;
      (out ??= []).push(this.read(slot));
    }
    return out ?? NO_BINDINGS;
  }

  /** Live bindings made over a connection (RFC 5626 flow). */
  byConnection(connectionId: number, nowMs: number): readonly Binding[] {
    let slot = this.connectionHeads.get(connectionId) ?? NIL;
    let out: Binding[] | undefined;
    for (; slot !== NIL; slot = this.nextInConnection[slot]!) {
      if (this.expiresAt[slot]! <= nowMs) continue;
      (out ??= []).push(this.read(slot));
    }
    return out ?? NO_BINDINGS;
  }

  hasLive(aor: string, nowMs: number): boolean {
    for (let slot = this.heads.get(aor) ?? NIL; slot !== NIL; slot = this.nextInAor[slot]!) {
      if (this.expiresAt[slot]! > nowMs) return true;
    }
    return false;
  }

  /** AORs with a live binding at nowMs. */
  *aors(nowMs: number): IterableIterator<string> {
    for (const [aor, head] of this.heads) {
      for (let slot = head; slot !== NIL; slot = this.nextInAor[slot]!) {
        if (this.expiresAt[slot]! > nowMs) {
          yield aor;
          break;
        }
      }
    }
  }

  /** Adds the binding, or replaces the one with its ruid (keeping its place in the AOR's order). */
  upsert(b: Binding): void {
    let slot = this.slotsByRuid.get(b.ruid);
    if (slot === undefined) {
      slot = this.allocate();
      const ruid = this.flattener.flatten(b.ruid);
      this.ruid[slot] = ruid;
      this.slotsByRuid.set(ruid, slot);
      this.linkAor(slot, b.aor);
      this.live++;
    } else if (this.aor[slot] !== b.aor) {
      // A ruid moving to another AOR: not something the registrar does, but the database allows it.
      this.unlinkAor(slot);
      this.linkAor(slot, b.aor);
    }
    this.write(slot, b);
  }

  /** upsert() of a binding whose strings are fresh and flat (just read from the database): no copying. */
  upsertFlat(b: Binding): void {
    this.flattener.enabled = false;
    try {
      this.upsert(b);
    } finally {
      this.flattener.enabled = true;
    }
  }

  /**
   * True when `b` is held under its ruid with every stored column equal but expiry, CSeq and
   * modification time: a plain refresh, which a backend can write as a three-column update.
   */
  isRefreshOf(b: Binding): boolean {
    const slot = this.slotsByRuid.get(b.ruid);
    if (slot === undefined) return false;
    const old = this.userAgent[slot]!;
    const listener = this.listener[slot]!;
    const source = this.sourceAddress[slot]!;
    return (
      this.aor[slot] === b.aor &&
      this.contact[slot] === b.contact &&
      this.callId[slot] === b.callId &&
      this.params[slot] === b.contactParams &&
      this.instance[slot] === b.instance &&
      this.q[slot] === b.q1000 &&
      this.flags[slot] === b.flags &&
      this.regId[slot] === b.regId &&
      this.port[slot] === b.source.port &&
      this.transport[slot] === (PROTOCOL_CODE[b.source.protocol] | (b.natted ? NATTED : 0)) &&
      this.connection[slot] === (b.connectionId ?? NO_CONNECTION) &&
      old !== 0 && this.strings.value(old) === b.userAgent &&
      listener !== 0 && this.strings.value(listener) === b.listenerId &&
      source !== 0 && this.strings.value(source) === b.source.address &&
      sameList(this.lists.value(this.path[slot]!), b.path) &&
      sameList(this.lists.value(this.methods[slot]!), b.methods)
    );
  }

  /** Removes the binding with this ruid; false when there is none. */
  remove(ruid: string): boolean {
    const slot = this.slotsByRuid.get(ruid);
    if (slot === undefined) return false;
    this.release(slot);
    return true;
  }

  /**
   * Removes up to `max` bindings whose expiry is at or before nowMs, earliest first, appending their
   * ruids to `ruids` and, when given, the bindings to `out` (built only when someone wants them).
   * Returns how many.
   */
  takeExpired(nowMs: number, max: number, ruids?: string[], out?: Binding[]): number {
    let n = 0;
    while (n < max && this.heap.minKey() <= nowMs) {
      const slot = this.heap.pop();
      if (ruids !== undefined) ruids.push(this.ruid[slot]!);
      if (out !== undefined) out.push(this.read(slot));
      this.release(slot);
      n++;
    }
    return n;
  }

  clear(): void {
    for (const slot of this.slotsByRuid.values()) this.release(slot);
  }

  private allocate(): number {
    if (this.freeHead !== NIL) {
      const slot = this.freeHead;
      this.freeHead = this.nextInAor[slot]!;
      return slot;
    }
    if (this.highWater === this.capacity) this.grow(this.capacity * 2);
    return this.highWater++;
  }

  private write(slot: number, b: Binding): void {
    const f = this.flattener;
    // Unchanged values (a refresh) keep the stored copy: no flattening, no interning.
    if (this.contact[slot] !== b.contact) this.contact[slot] = f.flatten(b.contact);
    if (this.callId[slot] !== b.callId) this.callId[slot] = f.flatten(b.callId);
    const paramsChanged = this.params[slot] !== b.contactParams;
    if (paramsChanged) this.params[slot] = f.flatten(b.contactParams);
    if (paramsChanged || this.instance[slot] !== b.instance) this.instance[slot] = this.storedInstance(b.instance, this.params[slot]!);
    this.expiresAt[slot] = b.expiresAtMs;
    this.modifiedAt[slot] = b.modifiedAtMs;
    this.q[slot] = b.q1000;
    this.cseq[slot] = b.cseq;
    this.flags[slot] = b.flags;
    this.regId[slot] = b.regId;
    this.port[slot] = b.source.port;
    this.transport[slot] = PROTOCOL_CODE[b.source.protocol] | (b.natted ? NATTED : 0);
    this.setString(this.userAgent, slot, b.userAgent);
    this.setString(this.listener, slot, b.listenerId);
    this.setString(this.sourceAddress, slot, b.source.address);
    this.setList(this.path, slot, b.path);
    this.setList(this.methods, slot, b.methods);
    const connection = b.connectionId ?? NO_CONNECTION;
    if (this.connection[slot] !== connection) {
      if (this.connection[slot] !== NO_CONNECTION) this.unlinkConnection(slot);
      this.connection[slot] = connection;
      if (connection !== NO_CONNECTION) this.linkConnection(slot, connection);
    }
    this.heap.set(slot, b.expiresAtMs);
  }

  /** The instance usually appears verbatim in the contact params: keep a 32-byte slice of those instead of a copy. */
  private storedInstance(instance: string | undefined, params: string): string | undefined {
    if (instance === undefined) return undefined;
    const at = params.indexOf(instance);
    return at < 0 ? this.flattener.flatten(instance) : params.slice(at, at + instance.length);
  }

  private setString(column: Uint32Array, slot: number, s: string): void {
    const old = column[slot]!;
    if (old !== 0 && this.strings.value(old) === s) return;
    column[slot] = this.strings.acquire(s);
    this.strings.release(old);
  }

  private setList(column: Uint32Array, slot: number, list: readonly string[] | undefined): void {
    const old = column[slot]!;
    if (old !== 0 && sameList(this.lists.value(old), list)) return;
    column[slot] = this.lists.acquire(list);
    this.lists.release(old);
  }

  private read(slot: number): Binding {
    const t = this.transport[slot]!;
    const connection = this.connection[slot]!;
    return {
      aor: this.aor[slot]!,
      ruid: this.ruid[slot]!,
      contact: this.contact[slot]!,
      expiresAtMs: this.expiresAt[slot]!,
      q1000: this.q[slot]!,
      callId: this.callId[slot]!,
      cseq: this.cseq[slot]!,
      flags: this.flags[slot]!,
      userAgent: this.strings.value(this.userAgent[slot]!),
      source: { protocol: PROTOCOLS[t & 7]!, address: this.strings.value(this.sourceAddress[slot]!), port: this.port[slot]! },
      natted: (t & NATTED) !== 0,
      listenerId: this.strings.value(this.listener[slot]!),
      connectionId: connection === NO_CONNECTION ? undefined : connection,
      path: this.lists.value(this.path[slot]!) ?? NO_PATH,
      methods: this.lists.value(this.methods[slot]!),
      instance: this.instance[slot],
      regId: this.regId[slot]!,
      contactParams: this.params[slot]!,
      modifiedAtMs: this.modifiedAt[slot]!,
    };
  }

  /** Frees a slot: drops it from every index and lets go of its strings. */
  private release(slot: number): void {
    this.slotsByRuid.delete(this.ruid[slot]!);
    this.unlinkAor(slot);
    if (this.connection[slot] !== NO_CONNECTION) this.unlinkConnection(slot);
    this.connection[slot] = NO_CONNECTION;
    this.heap.delete(slot);
    this.strings.release(this.userAgent[slot]!);
    this.strings.release(this.listener[slot]!);
    this.strings.release(this.sourceAddress[slot]!);
    this.lists.release(this.path[slot]!);
    this.lists.release(this.methods[slot]!);
    this.userAgent[slot] = 0;
    this.listener[slot] = 0;
    this.sourceAddress[slot] = 0;
    this.path[slot] = 0;
    this.methods[slot] = 0;
    this.aor[slot] = "";
    this.ruid[slot] = "";
    this.contact[slot] = "";
    this.callId[slot] = "";
    this.instance[slot] = undefined;
    this.params[slot] = "";
    this.nextInAor[slot] = this.freeHead;
    this.freeHead = slot;
    this.live--;
  }

  /** Appends the slot to its AOR's list (insertion order), sharing the AOR key string. */
  private linkAor(slot: number, aor: string): void {
    this.nextInAor[slot] = NIL;
    let tail = this.heads.get(aor);
    if (tail === undefined) {
      const key = this.flattener.flatten(aor);
      this.heads.set(key, slot);
      this.aor[slot] = key;
      return;
    }
    this.aor[slot] = this.aor[tail]!;
    while (this.nextInAor[tail]! !== NIL) tail = this.nextInAor[tail]!;
    this.nextInAor[tail] = slot;
  }

  private unlinkAor(slot: number): void {
    const aor = this.aor[slot]!;
    const head = this.heads.get(aor);
    if (head === undefined) return;
    const next = this.nextInAor[slot]!;
    if (head === slot) {
      if (next === NIL) this.heads.delete(aor);
      else this.heads.set(aor, next);
      return;
    }
    let prev = head;
    while (this.nextInAor[prev]! !== slot) {
      prev = this.nextInAor[prev]!;
      if (prev === NIL) return;
    }
    this.nextInAor[prev] = next;
  }

  private linkConnection(slot: number, connection: number): void {
    const head = this.connectionHeads.get(connection) ?? NIL;
    this.prevInConnection[slot] = NIL;
    this.nextInConnection[slot] = head;
    if (head !== NIL) this.prevInConnection[head] = slot;
    this.connectionHeads.set(connection, slot);
  }

  private unlinkConnection(slot: number): void {
    const prev = this.prevInConnection[slot]!;
    const next = this.nextInConnection[slot]!;
    if (next !== NIL) this.prevInConnection[next] = prev;
    if (prev !== NIL) this.nextInConnection[prev] = next;
    else if (next === NIL) this.connectionHeads.delete(this.connection[slot]!);
    else this.connectionHeads.set(this.connection[slot]!, next);
  }

  private grow(n: number): void {
    this.aor = grownArray(this.aor, n, "");
    this.ruid = grownArray(this.ruid, n, "");
    this.contact = grownArray(this.contact, n, "");
    this.callId = grownArray(this.callId, n, "");
    this.instance = grownArray(this.instance, n, undefined);
    this.params = grownArray(this.params, n, "");
    this.expiresAt = grownF64(this.expiresAt, n);
    this.modifiedAt = grownF64(this.modifiedAt, n);
    const connection = new Float64Array(n).fill(NO_CONNECTION);
    connection.set(this.connection);
    this.connection = connection;
    const q = new Int16Array(n);
    q.set(this.q);
    this.q = q;
    this.cseq = grownU32(this.cseq, n);
    this.flags = grownI32(this.flags, n);
    this.regId = grownI32(this.regId, n);
    const port = new Uint16Array(n);
    port.set(this.port);
    this.port = port;
    const transport = new Uint8Array(n);
    transport.set(this.transport);
    this.transport = transport;
    this.userAgent = grownU32(this.userAgent, n);
    this.listener = grownU32(this.listener, n);
    this.sourceAddress = grownU32(this.sourceAddress, n);
    this.path = grownU32(this.path, n);
    this.methods = grownU32(this.methods, n);
    this.nextInAor = grownI32(this.nextInAor, n);
    this.nextInConnection = grownI32(this.nextInConnection, n);
    this.prevInConnection = grownI32(this.prevInConnection, n);
    this.heap.growTo(n);
    this.capacity = n;
  }
}
