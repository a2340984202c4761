// Copies a string into a fresh flat V8 string. The parser hands out header values as slices of the
// whole decoded message (V8 keeps a substring of 13+ characters as a pointer into its parent), and
// concatenations are rope nodes: storing either in a long-lived binding would keep the whole REGISTER
// (or the rope) alive for an hour. One scratch buffer per owner, reused: no allocation but the result.
const MIN_SLICED_LENGTH = 13;

export class StringFlattener {
  private scratch: Buffer = Buffer.allocUnsafe(2048);
  /** False while storing strings known to be flat already (rows just read from SQLite). */
  enabled = true;

  flatten(s: string): string {
    if (s.length < MIN_SLICED_LENGTH || !this.enabled) return s;
    if (s.length * 3 > this.scratch.length) {
      if (s.length > 65_536) return Buffer.from(s, "utf8").toString("utf8");
      this.scratch = Buffer.allocUnsafe(s.length * 3);
    }
    const n = this.scratch.write(s, 0, "utf8");
    const copy = this.scratch.toString("utf8", 0, n);
    // A lone surrogate does not survive UTF-8 (it cannot come from a decoded message): keep the original.
    return copy === s ? copy : s;
  }
}
