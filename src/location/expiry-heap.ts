// A binary min-heap of binding slots keyed by expiry (epoch ms), held in typed arrays: 16 bytes per
// binding and no object per entry. Kamailio usrloc walks every record on each timer run; the heap lets
// the sweeper touch only what expired.
const ABSENT = -1;

export class ExpiryHeap {
  /** heap position → slot, and its key (kept beside it so sifting reads one array). */
  private slots: Int32Array;
  private keys: Float64Array;
  /** slot → heap position, ABSENT when not in the heap. */
  private positions: Int32Array;
  private count = 0;

  constructor(slotCapacity: number) {
    this.slots = new Int32Array(slotCapacity);
    this.keys = new Float64Array(slotCapacity);
    this.positions = new Int32Array(slotCapacity).fill(ABSENT);
  }

  get size(): number {
    return this.count;
  }

  /** Makes room for slots 0..capacity-1. */
  growTo(capacity: number): void {
    if (capacity <= this.positions.length) return;
    const slots = new Int32Array(capacity);
    slots.set(this.slots);
    const keys = new Float64Array(capacity);
    keys.set(this.keys);
    const positions = new Int32Array(capacity).fill(ABSENT);
    positions.set(this.positions);
    this.slots = slots;
    this.keys = keys;
    this.positions = positions;
  }

  has(slot: number): boolean {
    return this.positions[slot] !== ABSENT;
  }

  /** Inserts `slot` or moves it to its new key. */
  set(slot: number, key: number): void {
    const at = this.positions[slot]!;
    if (at === ABSENT) {
      const i = this.count++;
      this.slots[i] = slot;
      this.keys[i] = key;
      this.positions[slot] = i;
      this.up(i);
      return;
    }
    const old = this.keys[at]!;
    this.keys[at] = key;
    if (key < old) this.up(at);
    else if (key > old) this.down(at);
  }

  delete(slot: number): void {
    const at = this.positions[slot]!;
    if (at === ABSENT) return;
    this.positions[slot] = ABSENT;
    const last = --this.count;
    if (at === last) return;
    this.move(last, at);
    if (at > 0 && this.keys[(at - 1) >> 1]! > this.keys[at]!) this.up(at);
    else this.down(at);
  }

  /** Smallest key, or +Infinity when empty. */
  minKey(): number {
    return this.count === 0 ? Infinity : this.keys[0]!;
  }

  /** Removes and returns the slot with the smallest key; ABSENT (-1) when empty. */
  pop(): number {
    if (this.count === 0) return ABSENT;
    const slot = this.slots[0]!;
    this.delete(slot);
    return slot;
  }

  clear(): void {
    for (let i = 0; i < this.count; i++) this.positions[this.slots[i]!] = ABSENT;
    this.count = 0;
  }

  private move(from: number, to: number): void {
    const slot = this.slots[from]!;
    this.slots[to] = slot;
    this.keys[to] = this.keys[from]!;
    this.positions[slot] = to;
  }

  private up(i: number): void {
    const slot = this.slots[i]!;
    const key = this.keys[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent]! <= key) break;
      this.move(parent, i);
      i = parent;
    }
    this.slots[i] = slot;
    this.keys[i] = key;
    this.positions[slot] = i;
  }

  private down(i: number): void {
    const n = this.count;
    const slot = this.slots[i]!;
    const key = this.keys[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.keys[child + 1]! < this.keys[child]!) child++;
      if (this.keys[child]! >= key) break;
      this.move(child, i);
      i = child;
    }
    this.slots[i] = slot;
    this.keys[i] = key;
    this.positions[slot] = i;
  }
}
