// A minimal STUN codec (RFC 5389), as much as SIP Outbound's UDP keepalives need (RFC 5626 §4.4.2, §8):
// recognise a STUN message among SIP datagrams, build a Binding request, read a Binding success response
// and its (XOR-)MAPPED-ADDRESS, and answer a Binding request with the address it came from.
// Nothing here throws on bad input: a malformed message is `undefined`.
import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import type { Endpoint } from "./types.js";

export const STUN_HEADER_BYTES = 20;
export const STUN_MAGIC_COOKIE = 0x2112a442;
export const STUN_TRANSACTION_ID_BYTES = 12;

/** Message types of the Binding method (RFC 5389 §6, §18.1). */
export const STUN_BINDING_REQUEST = 0x0001;
export const STUN_BINDING_INDICATION = 0x0011;
export const STUN_BINDING_SUCCESS = 0x0101;
export const STUN_BINDING_ERROR = 0x0111;

/** Attribute types (RFC 5389 §18.2). */
export const STUN_ATTR = {
  MAPPED_ADDRESS: 0x0001,
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  UNKNOWN_ATTRIBUTES: 0x000a,
  XOR_MAPPED_ADDRESS: 0x0020,
  SOFTWARE: 0x8022,
  FINGERPRINT: 0x8028,
} as const;

const FINGERPRINT_XOR = 0x5354554e;
const MAX_ATTRIBUTES = 64;

export type StunClass = "request" | "indication" | "success" | "error";
const CLASSES: readonly StunClass[] = ["request", "indication", "success", "error"];

export interface StunAttribute {
  type: number;
  /** A view into the message (no padding). */
  value: Buffer;
}

export interface StunMessage {
  /** The 14-bit message type (method and class). */
  type: number;
  method: number;
  class: StunClass;
  /** A view into the message. */
  transactionId: Buffer;
  /** In order; FINGERPRINT, when present and valid, is not listed (see `fingerprint`). */
  attributes: StunAttribute[];
  /** The message ended with a valid FINGERPRINT (RFC 5389 §15.5). */
  fingerprint: boolean;
}

/** An address attribute's value: family, port and the raw 4 or 16 address bytes. */
export interface StunAddress {
  family: 4 | 6;
  port: number;
  address: Buffer;
}

/**
 * The cheap test (RFC 5389 §6, RFC 7983 §7): first two bits 0, magic cookie at offset 4, a length that
 * is a multiple of 4 and covers the rest of the datagram exactly. No attribute is looked at.
 */
export function looksLikeStun(buf: Uint8Array): boolean {
  if (buf.length < STUN_HEADER_BYTES || (buf[0]! & 0xc0) !== 0) return false;
  const len = (buf[2]! << 8) | buf[3]!;
  if ((len & 3) !== 0 || len + STUN_HEADER_BYTES !== buf.length) return false;
  return buf[4] === 0x21 && buf[5] === 0x12 && buf[6] === 0xa4 && buf[7] === 0x42;
}

/** The whole message, attributes checked for length (and FINGERPRINT for its CRC); undefined when malformed. */
export function parseStun(buf: Buffer): StunMessage | undefined {
  if (!looksLikeStun(buf)) return undefined;
  const type = (buf[0]! << 8) | buf[1]!;
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const cls = CLASSES[((type & 0x0010) >> 4) | ((type & 0x0100) >> 7)]!;
  const attributes: StunAttribute[] = [];
  let fingerprint = false;
  let off = STUN_HEADER_BYTES;
  while (off < buf.length) {
    if (off + 4 > buf.length || attributes.length >= MAX_ATTRIBUTES) return undefined;
    const at = (buf[off]! << 8) | buf[off + 1]!;
    const len = (buf[off + 2]! << 8) | buf[off + 3]!;
    const end = off + 4 + len;
    const padded = off + 4 + ((len + 3) & ~3);
    if (padded > buf.length) return undefined;
    if (at === STUN_ATTR.FINGERPRINT) {
      // §15.5: the last attribute, CRC-32 of everything before it, XORed with 0x5354554e.
      if (len !== 4 || padded !== buf.length) return undefined;
      if ((crc32(buf, 0, off) ^ FINGERPRINT_XOR) >>> 0 !== buf.readUInt32BE(off + 4)) return undefined;
      fingerprint = true;
    } else {
      attributes.push({ type: at, value: buf.subarray(off + 4, end) });
    }
    off = padded;
  }
  return { type, method, class: cls, transactionId: buf.subarray(8, 20), attributes, fingerprint };
}

/** The value of the first attribute of `type`. */
export function attributeOf(msg: StunMessage, type: number): Buffer | undefined {
  for (const a of msg.attributes) if (a.type === type) return a.value;
  return undefined;
}

/** XOR-MAPPED-ADDRESS (§15.2), else MAPPED-ADDRESS (§15.1, RFC 3489 servers); undefined when neither is usable. */
export function mappedAddressOf(msg: StunMessage): StunAddress | undefined {
  const x = attributeOf(msg, STUN_ATTR.XOR_MAPPED_ADDRESS);
  if (x !== undefined) return readAddress(x, msg.transactionId);
  const m = attributeOf(msg, STUN_ATTR.MAPPED_ADDRESS);
  return m === undefined ? undefined : readAddress(m, undefined);
}

/** The address as the layer writes it ("192.0.2.1", "2001:db8::1"). */
export function endpointOf(a: StunAddress): Endpoint {
  return { address: ipString(a.address), port: a.port };
}

/** A Binding success response: its transaction id and mapped address (undefined when it has none). */
export function parseBindingSuccess(buf: Buffer): { transactionId: Buffer; mapped: Endpoint | undefined } | undefined {
  const msg = parseStun(buf);
  if (msg === undefined || msg.type !== STUN_BINDING_SUCCESS) return undefined;
  const a = mappedAddressOf(msg);
  return { transactionId: msg.transactionId, mapped: a === undefined ? undefined : endpointOf(a) };
}

export function randomTransactionId(): Buffer {
  return randomBytes(STUN_TRANSACTION_ID_BYTES);
}

/** A Binding request with no attributes (RFC 5626 §4.4.2), or with FINGERPRINT only. */
export function buildBindingRequest(transactionId: Uint8Array = randomTransactionId(), o: { fingerprint?: boolean } = {}): Buffer {
  return encode(STUN_BINDING_REQUEST, transactionId, [], o.fingerprint ?? false);
}

/** A Binding success response carrying XOR-MAPPED-ADDRESS of `mapped`; undefined when it is not an IP address. */
export function buildBindingSuccess(transactionId: Uint8Array, mapped: Endpoint, o: { fingerprint?: boolean } = {}): Buffer | undefined {
  const ip = ipBytes(mapped.address);
  if (ip === undefined || !Number.isInteger(mapped.port) || mapped.port < 0 || mapped.port > 0xffff) return undefined;
  const v = Buffer.alloc(4 + ip.length);
  v[1] = ip.length === 4 ? 0x01 : 0x02;
  v.writeUInt16BE(mapped.port ^ (STUN_MAGIC_COOKIE >>> 16), 2);
  xorAddress(ip, transactionId, v, 4);
  return encode(STUN_BINDING_SUCCESS, transactionId, [[STUN_ATTR.XOR_MAPPED_ADDRESS, v]], o.fingerprint ?? false);
}

/** A Binding error response (§15.6 ERROR-CODE; UNKNOWN-ATTRIBUTES §15.9 for 420). */
export function buildBindingError(transactionId: Uint8Array, code: number, reason: string, unknown: readonly number[] = [], o: { fingerprint?: boolean } = {}): Buffer {
  const text = Buffer.from(reason, "utf8");
  const ec = Buffer.alloc(4 + text.length);
  ec[2] = Math.floor(code / 100) & 0x07;
  ec[3] = code % 100;
  text.copy(ec, 4);
  const attrs: Array<[number, Buffer]> = [[STUN_ATTR.ERROR_CODE, ec]];
  if (unknown.length > 0) {
    const ua = Buffer.alloc(unknown.length * 2);
    unknown.forEach((t, i) => ua.writeUInt16BE(t & 0xffff, i * 2));
    attrs.push([STUN_ATTR.UNKNOWN_ATTRIBUTES, ua]);
  }
  return encode(STUN_BINDING_ERROR, transactionId, attrs, o.fingerprint ?? false);
}

/**
 * What a server answers to a Binding request from `source` (RFC 5389 §7.3.1, RFC 5626 §8): a success
 * response with XOR-MAPPED-ADDRESS, or 420 listing comprehension-required attributes (none is
 * implemented here: keepalive requests carry none). FINGERPRINT when the request had one.
 * Undefined for anything else (indications, responses, other methods): nothing is sent.
 */
export function answerBindingRequest(msg: StunMessage, source: Endpoint): Buffer | undefined {
  if (msg.type !== STUN_BINDING_REQUEST) return undefined;
  const o = { fingerprint: msg.fingerprint };
  const unknown: number[] = [];
  for (const a of msg.attributes) if (a.type < 0x8000 && !unknown.includes(a.type)) unknown.push(a.type);
  if (unknown.length > 0) return buildBindingError(msg.transactionId, 420, "Unknown Attribute", unknown, o);
  return buildBindingSuccess(msg.transactionId, source, o);
}

// ---- addresses ----

/** "192.0.2.1" → 4 bytes, "2001:db8::1" (brackets, zone and IPv4 tail allowed) → 16 bytes; else undefined. */
export function ipBytes(address: string): Buffer | undefined {
  let a = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const zone = a.indexOf("%");
  if (zone >= 0) a = a.slice(0, zone);
  const kind = isIP(a);
  if (kind === 4) return Buffer.from(a.split(".").map(Number));
  if (kind !== 6) return undefined;
  const out = Buffer.alloc(16);
  const dbl = a.indexOf("::");
  const parts = (s: string): string[] => (s === "" ? [] : s.split(":"));
  const head = parts(dbl < 0 ? a : a.slice(0, dbl));
  const tail = dbl < 0 ? [] : parts(a.slice(dbl + 2));
  const words = (list: string[]): number[] => {
    const w: number[] = [];
    for (const g of list) {
      if (g.includes(".")) {
        const v4 = g.split(".").map(Number);
        w.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        w.push(parseInt(g, 16));
      }
    }
    return w;
  };
  const h = words(head);
  const t = words(tail);
  const all = dbl < 0 ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  if (all.length !== 8) return undefined;
  all.forEach((w, i) => out.writeUInt16BE(w & 0xffff, i * 2));
  return out;
}

/** 4 bytes → dotted quad; 16 bytes → RFC 5952 text (lower case, longest run of zero groups as "::"). */
export function ipString(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const w: number[] = [];
  for (let i = 0; i < 16; i += 2) w.push((b[i]! << 8) | b[i + 1]!);
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(":");
  if (bestAt < 0) return hex(w);
  return `${hex(w.slice(0, bestAt))}::${hex(w.slice(bestAt + bestLen))}`;
}

function readAddress(v: Buffer, xorWith: Buffer | undefined): StunAddress | undefined {
  if (v.length < 4) return undefined;
  const fam = v[1];
  const n = fam === 0x01 ? 4 : fam === 0x02 ? 16 : 0;
  if (n === 0 || v.length !== 4 + n) return undefined;
  const raw = v.subarray(4, 4 + n);
  let port = v.readUInt16BE(2);
  let address: Buffer;
  if (xorWith === undefined) {
    address = Buffer.from(raw);
  } else {
    port ^= STUN_MAGIC_COOKIE >>> 16;
    address = Buffer.alloc(n);
    xorAddress(raw, xorWith, address, 0);
  }
  return { family: n === 4 ? 4 : 6, port, address };
}

/** XORs an address with the magic cookie (and, past its 4 bytes, the transaction id) into `out` at `at` (§15.2). */
function xorAddress(ip: Uint8Array, transactionId: Uint8Array, out: Buffer, at: number): void {
  for (let i = 0; i < ip.length; i++) {
    const k = i < 4 ? (STUN_MAGIC_COOKIE >>> (24 - 8 * i)) & 0xff : transactionId[i - 4]!;
    out[at + i] = ip[i]! ^ k;
  }
}

// ---- encoding ----

function encode(type: number, transactionId: Uint8Array, attrs: ReadonlyArray<readonly [number, Buffer]>, fingerprint: boolean): Buffer {
  let len = 0;
  for (const [, v] of attrs) len += 4 + ((v.length + 3) & ~3);
  const total = STUN_HEADER_BYTES + len + (fingerprint ? 8 : 0);
  const out = Buffer.alloc(total);
  out.writeUInt16BE(type, 0);
  out.writeUInt16BE(total - STUN_HEADER_BYTES, 2);
  out.writeUInt32BE(STUN_MAGIC_COOKIE, 4);
  out.set(transactionId.subarray(0, STUN_TRANSACTION_ID_BYTES), 8);
  let off = STUN_HEADER_BYTES;
  for (const [t, v] of attrs) {
    out.writeUInt16BE(t, off);
    out.writeUInt16BE(v.length, off + 2);
    v.copy(out, off + 4);
    off += 4 + ((v.length + 3) & ~3);
  }
  if (fingerprint) {
    out.writeUInt16BE(STUN_ATTR.FINGERPRINT, off);
    out.writeUInt16BE(4, off + 2);
    out.writeUInt32BE((crc32(out, 0, off) ^ FINGERPRINT_XOR) >>> 0, off + 4);
  }
  return out;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO 3309, the one of zlib and RFC 5389 §15.5) of buf[from, to). */
export function crc32(buf: Uint8Array, from = 0, to = buf.length): number {
  let table = crcTable;
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    crcTable = table;
  }
  let crc = 0xffffffff;
  for (let i = from; i < to; i++) crc = table[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
