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

/** FNV-1a over `len` bytes of `buf`: the hash callers pass to find/insert. */
export function hashBytes(buf: Buffer, len: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h | 0;
}

export class ResponseRecordTable {
  private readonly chunks: Buffer[] = [];
  private chunkUsed = CHUNK_BYTES;
  private recs = new Int32Array(FIELDS * 1024);
  private count = 0;
  /** Record index + 1 per slot, 0 for empty; capacity a power of two, at most half full. */
  private slots = new Int32Array(2048);
  private arenaBytes = 0;

  /** Records held (removed ones included until the generation is dropped). */
  get size(): number {
    return this.count;
  }

  /** Bytes of memory this generation holds (arena chunks, record fields and slots). */
  get bytes(): number {
    return this.arenaBytes + this.recs.byteLength + this.slots.byteLength;
  }

  /** Appends a record; `key` holds the key in its first `keyLen` bytes and `hash` is hashBytes of them. */
  insert(key: Buffer, keyLen: number, hash: number, address: string, port: number, listener: number, response: Buffer): void {
    const addrLen = Buffer.byteLength(address, "latin1");
    const need = keyLen + addrLen + response.length;
    const chunk = this.reserve(need);
    const offset = this.chunkUsed;
    key.copy(chunk, offset, 0, keyLen);
    chunk.write(address, offset + keyLen, addrLen, "latin1");
    response.copy(chunk, offset + keyLen + addrLen);
    this.chunkUsed += need;

    if (this.recs.length < (this.count + 1) * FIELDS) this.recs = grow(this.recs, this.recs.length * 2);
    const r = this.count * FIELDS;
    const recs = this.recs;
    recs[r + HASH] = hash;
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
  find(key: Buffer, keyLen: number, hash: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    const recs = this.recs;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const entry = slots[s]!;
      if (entry === 0) return -1;
      const r = (entry - 1) * FIELDS;
      if (recs[r + HASH] === hash && recs[r + KEY_LEN] === keyLen && this.keyEquals(r, key, keyLen)) return entry - 1;
    }
  }

  /** Makes a record unfindable (its bytes stay until the generation is dropped). */
  remove(index: number): void {
    this.recs[index * FIELDS + KEY_LEN] = REMOVED;
  }

  /** The response bytes of a record: a view into the arena, valid for as long as it is referenced. */
  response(index: number): Buffer {
    const r = index * FIELDS;
    const start = this.recs[r + OFFSET]! + this.recs[r + KEY_LEN]! + this.recs[r + ADDR_LEN]!;
    return this.chunkOf(r).subarray(start, start + this.recs[r + RESP_LEN]!);
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

  private keyEquals(r: number, key: Buffer, keyLen: number): boolean {
    const chunk = this.chunkOf(r);
    const off = this.recs[r + OFFSET]!;
    for (let i = 0; i < keyLen; i++) if (chunk[off + i] !== key[i]) return false;
    return true;
  }

  /** The chunk the next `need` bytes go to, opening a new one when the current one is full. */
  private reserve(need: number): Buffer {
    const current = this.chunks[this.chunks.length - 1];
    if (current !== undefined && this.chunkUsed + need <= current.length) return current;
    const chunk = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, need));
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
