// One generation of completed non-INVITE server transactions, kept off the JS heap: an open-addressing
// hash table of typed arrays over an append-only arena of byte chunks. A record is the key, the peer's
// address and the final response bytes, plus a few integers: no JS object per record, so a million of
// them cost the garbage collector nothing, and dropping a generation drops its arrays at once.

/** Arena chunk size; a record larger than this gets a chunk of its own. */
const CHUNK_BYTES = 256 * 1024;

// Record fields, stride FIELDS in `recs`.
const HASH = 0;
const CHUNK = 1;
const OFFSET = 2;
const KEY_LEN = 3;
const ADDR_LEN = 4;
const RESP_LEN = 5;
const PORT = 6;
const LISTENER = 7;
const FIELDS = 8;

/** Key length marking a removed record (never matches). */
const REMOVED = -1;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over `len` bytes of `buf`. */
export function hashBytes(buf: Buffer, len: number): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ buf[i]!, FNV_PRIME);
  return h | 0;
}

/**
 * A key ready for the table. Keys are nearly always ASCII (branch, host, method tokens): those are
 * hashed and compared straight from the string, no encoding. Others are compared as UTF-8 bytes.
 */
export class PreparedKey {
  text = "";
  /** UTF-8 length. */
  length = 0;
  hash = 0;
  ascii = true;
  /** The UTF-8 bytes when not ASCII. */
  bytes: Buffer = Buffer.allocUnsafeSlow(256);

  set(key: string): this {
    this.text = key;
    let h = FNV_OFFSET;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c > 127) return this.setUtf8(key);
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    this.ascii = true;
    this.length = key.length;
    this.hash = h | 0;
    return this;
  }

  private setUtf8(key: string): this {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: size the buffer so write() never truncates.
    if (key.length * 3 > this.bytes.length) this.bytes = Buffer.allocUnsafeSlow(key.length * 3);
    this.ascii = false;
    this.length = this.bytes.write(key, 0, "utf8");
    this.hash = hashBytes(this.bytes, this.length);
    return this;
  }
}

export class ResponseRecordTable {
  private readonly chunks: Buffer[] = [];
  /** Chunks of a dropped generation to fill before allocating (shared with the store, which empties it). */
  private readonly spare: Buffer[];
  private chunkUsed = CHUNK_BYTES;
  private recs = new Int32Array(FIELDS * 1024);
  private count = 0;
  /** Record index + 1 per slot, 0 for empty; capacity a power of two, at most half full. */
  private slots = new Int32Array(2048);
  private arenaBytes = 0;

  /** `expected`: records likely to come (the last generation's count), sized for up front. */
  constructor(spare: Buffer[] = [], expected = 0) {
    this.spare = spare;
    if (expected > 1024) {
      this.recs = new Int32Array(FIELDS * expected);
      let capacity = 2048;
      while (capacity < expected * 2) capacity *= 2;
      this.slots = new Int32Array(capacity);
    }
  }

  /** Records held (removed ones included until the generation is dropped). */
  get size(): number {
    return this.count;
  }

  /** Bytes of memory this generation holds (arena chunks, record fields and slots). */
  get bytes(): number {
    return this.arenaBytes + this.recs.byteLength + this.slots.byteLength;
  }

  /** Appends a record. */
  insert(key: PreparedKey, address: string, port: number, listener: number, response: Buffer): void {
    const keyLen = key.length;
    const addrLen = address.length;
    const need = keyLen + addrLen + response.length;
    const chunk = this.reserve(need);
    const offset = this.chunkUsed;
    if (key.ascii) chunk.write(key.text, offset, keyLen, "latin1");
    else chunk.set(key.bytes.subarray(0, keyLen), offset);
    // Addresses are IPv4/IPv6 literals: ASCII.
    chunk.write(address, offset + keyLen, addrLen, "latin1");
    chunk.set(response, offset + keyLen + addrLen);
    this.chunkUsed += need;

    if (this.recs.length < (this.count + 1) * FIELDS) this.recs = grow(this.recs, this.recs.length * 2);
    const r = this.count * FIELDS;
    const recs = this.recs;
    recs[r + HASH] = key.hash;
    recs[r + CHUNK] = this.chunks.length - 1;
    recs[r + OFFSET] = offset;
    recs[r + KEY_LEN] = keyLen;
    recs[r + ADDR_LEN] = addrLen;
    recs[r + RESP_LEN] = response.length;
    recs[r + PORT] = port;
    recs[r + LISTENER] = listener;
    this.count++;
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(this.count - 1);
  }

  /** The index of the record with this key, or -1. */
  find(key: PreparedKey): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    const recs = this.recs;
    const hash = key.hash;
    const keyLen = key.length;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const entry = slots[s]!;
      if (entry === 0) return -1;
      const r = (entry - 1) * FIELDS;
      if (recs[r + HASH] === hash && recs[r + KEY_LEN] === keyLen && this.keyEquals(r, key)) return entry - 1;
    }
  }

  /** Makes a record unfindable (its bytes stay until the generation is dropped). */
  remove(index: number): void {
    this.recs[index * FIELDS + KEY_LEN] = REMOVED;
  }

  /** A copy of the response bytes of a record (arena chunks are recycled, so no view of them escapes). */
  response(index: number): Buffer {
    const r = index * FIELDS;
    const start = this.recs[r + OFFSET]! + this.recs[r + KEY_LEN]! + this.recs[r + ADDR_LEN]!;
    const length = this.recs[r + RESP_LEN]!;
    const out = Buffer.allocUnsafe(length);
    this.chunkOf(r).copy(out, 0, start, start + length);
    return out;
  }

  /** The standard-size chunks, for the next generation to reuse once this one is dropped. */
  recyclableChunks(): Buffer[] {
    return this.chunks.filter((c) => c.length === CHUNK_BYTES);
  }

  address(index: number): string {
    const r = index * FIELDS;
    const start = this.recs[r + OFFSET]! + this.recs[r + KEY_LEN]!;
    return this.chunkOf(r).toString("latin1", start, start + this.recs[r + ADDR_LEN]!);
  }

  port(index: number): number {
    return this.recs[index * FIELDS + PORT]!;
  }

  listener(index: number): number {
    return this.recs[index * FIELDS + LISTENER]!;
  }

  private chunkOf(r: number): Buffer {
    return this.chunks[this.recs[r + CHUNK]!]!;
  }

  private keyEquals(r: number, key: PreparedKey): boolean {
    const chunk = this.chunkOf(r);
    const off = this.recs[r + OFFSET]!;
    const n = key.length;
    if (key.ascii) {
      const text = key.text;
      for (let i = 0; i < n; i++) if (chunk[off + i] !== text.charCodeAt(i)) return false;
    } else {
      const bytes = key.bytes;
      for (let i = 0; i < n; i++) if (chunk[off + i] !== bytes[i]) return false;
    }
    return true;
  }

  /** The chunk the next `need` bytes go to, opening a new one when the current one is full. */
  private reserve(need: number): Buffer {
    const current = this.chunks[this.chunks.length - 1];
    if (current !== undefined && this.chunkUsed + need <= current.length) return current;
    // Reused chunks have their pages mapped already: writing to fresh memory costs a page fault per 4 KiB.
    const chunk = (need <= CHUNK_BYTES ? this.spare.pop() : undefined) ?? Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, need));
    this.chunks.push(chunk);
    this.arenaBytes += chunk.length;
    this.chunkUsed = 0;
    return chunk;
  }

  private place(index: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let s = this.recs[index * FIELDS + HASH]! & mask;
    while (slots[s] !== 0) s = (s + 1) & mask;
    slots[s] = index + 1;
  }

  private rehash(capacity: number): void {
    this.slots = new Int32Array(capacity);
    for (let i = 0; i < this.count; i++) this.place(i);
  }
}

function grow(a: Int32Array<ArrayBuffer>, length: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(length);
  b.set(a);
  return b;
}
