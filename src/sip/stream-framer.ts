// Cuts a byte stream (TCP, TLS) into SIP messages by Content-Length (RFC 3261 §18.3) and recognises
// the CRLF keepalives of RFC 5626 §3.5.1 between messages ("\r\n\r\n" ping, "\r\n" pong).
import { DEFAULT_LIMITS, type ParserLimits } from "./limits.js";
import { SipParseError } from "./parse-error.js";

export type FrameEvent =
  | { kind: "message"; bytes: Buffer }
  | { kind: "ping" }
  | { kind: "pong" };

const CRLFCRLF = Buffer.from("\r\n\r\n");
const EMPTY = Buffer.alloc(0);
const CONTENT_LENGTH = Buffer.from("content-length");

/**
 * Feed it chunks; it returns complete frames. A framing error (no header end within the size limit,
 * a bad or conflicting Content-Length) throws SipParseError: the stream cannot be resynchronised, so close it.
 *
 * Keepalives are read from the run of CR and LF octets before a message: each "\r\n\r\n" is a ping and
 * a "\r\n" left over is a pong. A lone CR at the end of a chunk waits for the next one; a ping whose two
 * CRLFs arrive in different chunks is seen as two pongs (telling them apart would need timing).
 */
export class StreamFramer {
  private buf: Buffer = EMPTY;
  /** Body length still awaited for the message whose head ends at `headEnd`; -1 when reading a head. */
  private need = -1;
  private headEnd = 0;
  /** How far the current head was already searched for its end, so a slow head is not rescanned. */
  private scanned = 0;
  private readonly limits: ParserLimits;

  constructor(limits: ParserLimits = DEFAULT_LIMITS) {
    this.limits = limits;
  }

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.buf.length;
  }

  push(chunk: Buffer): FrameEvent[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: FrameEvent[] = [];
    for (;;) {
      if (this.need < 0) {
        // Keepalives and stray empty lines between messages.
        const b = this.buf;
        let i = 0;
        while (i < b.length && (b[i] === 13 || b[i] === 10)) i++;
        // A CR ending the data may be the first half of a CRLF: keep it for the next chunk.
        if (i === b.length && i > 0 && b[i - 1] === 13) i--;
        if (i > 0) {
          keepalives(b, i, out);
          this.buf = b.subarray(i);
          this.scanned = 0;
        }
        if (this.buf.length === 0 || (this.buf.length === 1 && this.buf[0] === 13)) break;
        const end = this.buf.indexOf(CRLFCRLF, this.scanned);
        if (end < 0) {
          if (this.buf.length > this.limits.maxMessageBytes) {
            throw new SipParseError("SIP_PARSE_TOO_LARGE", `no end of headers within ${this.limits.maxMessageBytes} bytes`);
          }
          this.scanned = Math.max(0, this.buf.length - 3);
          break;
        }
        this.headEnd = end + 4;
        this.need = contentLength(this.buf, end);
        if (this.headEnd + this.need > this.limits.maxMessageBytes) {
          throw new SipParseError("SIP_PARSE_TOO_LARGE", `message of ${this.headEnd + this.need} bytes exceeds ${this.limits.maxMessageBytes}`);
        }
      }
      const total = this.headEnd + this.need;
      if (this.buf.length < total) break;
      out.push({ kind: "message", bytes: this.buf.subarray(0, total) });
      this.buf = this.buf.subarray(total);
      this.need = -1;
      this.scanned = 0;
    }
    // Do not pin a large chunk for a small remainder.
    if (this.buf.length > 0 && this.buf.byteOffset > 0 && this.buf.length < 4096) this.buf = Buffer.from(this.buf);
    return out;
  }
}

// A run of CR/LF between messages, b[0..n): each "\r\n\r\n" is a ping; a "\r\n" left over is a pong.
function keepalives(b: Buffer, n: number, out: FrameEvent[]): void {
  let p = 0;
  for (;;) {
    const i = b.indexOf(CRLFCRLF, p);
    if (i < 0 || i + 4 > n) break;
    out.push({ kind: "ping" });
    p = i + 4;
  }
  for (let i = p; i + 1 < n; i++) {
    if (b[i] === 13 && b[i + 1] === 10) {
      out.push({ kind: "pong" });
      return;
    }
  }
}

/**
 * Content-Length of the head b[0..end) (end is where its CRLFCRLF starts), read from the bytes without
 * decoding them: 0 when absent (§18.3 makes it mandatory on streams; a missing one is read as 0).
 * Several lines must agree (RFC 4475 mcl01); a value that is not 1 to 10 digits is an error (RFC 4475 ncl).
 */
function contentLength(b: Buffer, end: number): number {
  let found = -1;
  let pos = b.indexOf(10) + 1; // the start line never holds a header
  while (pos > 0 && pos < end) {
    let nl = b.indexOf(10, pos);
    if (nl < 0 || nl > end) nl = end;
    const v = nameEnd(b, pos, nl);
    if (v >= 0) {
      const n = digits(b, v, nl);
      if (n < 0) throw new SipParseError("SIP_PARSE_CONTENT_LENGTH", `bad Content-Length "${b.toString("latin1", v, Math.min(nl, v + 20)).trim()}"`, "content-length");
      if (found >= 0 && n !== found) throw new SipParseError("SIP_PARSE_CONTENT_LENGTH", "conflicting Content-Length headers", "content-length");
      found = n;
    }
    pos = nl + 1;
  }
  return found < 0 ? 0 : found;
}

// Index just past the colon when the line b[pos..lineEnd) is a Content-Length (or "l") header, else -1.
function nameEnd(b: Buffer, pos: number, lineEnd: number): number {
  let i: number;
  const c = b[pos]!;
  if (c === 108 || c === 76) {
    i = pos + 1;
  } else if (c === 99 || c === 67) {
    if (lineEnd - pos < 15) return -1;
    for (let k = 1; k < 14; k++) {
      const x = b[pos + k]!;
      if ((x >= 65 && x <= 90 ? x + 32 : x) !== CONTENT_LENGTH[k]) return -1;
    }
    i = pos + 14;
  } else {
    return -1;
  }
  while (i < lineEnd && (b[i] === 32 || b[i] === 9)) i++;
  return i < lineEnd && b[i] === 58 ? i + 1 : -1;
}

// 1 to 10 digits with optional SP/HTAB around them in b[from..to) (a CR before the LF is ignored), or -1.
function digits(b: Buffer, from: number, to: number): number {
  if (to > from && b[to - 1] === 13) to--;
  while (from < to && (b[from] === 32 || b[from] === 9)) from++;
  while (to > from && (b[to - 1] === 32 || b[to - 1] === 9)) to--;
  if (to === from || to - from > 10) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}
