// Test support: just enough of the DNS wire format (RFC 1035 §4) to answer A, AAAA, SRV and NAPTR queries.
import { isIP } from "node:net";

export const rrTypeCodes = { A: 1, AAAA: 28, SRV: 33, NAPTR: 35 } as const;
export type TestRecordType = keyof typeof rrTypeCodes;

export type TestDnsRecord =
  | { type: "A"; name: string; address: string; ttl?: number }
  | { type: "AAAA"; name: string; address: string; ttl?: number }
  | { type: "SRV"; name: string; priority: number; weight: number; port: number; target: string; ttl?: number }
  | {
      type: "NAPTR";
      name: string;
      order: number;
      preference: number;
      flags: string;
      service: string;
      regexp: string;
      replacement: string;
      ttl?: number;
    };

export interface ParsedQuery {
  id: number;
  flags: number;
  /** The name as asked, case preserved (resolvers may randomise case and check it comes back). */
  name: string;
  qtype: number;
  /** The question section's bytes, echoed verbatim in the response. */
  question: Buffer;
}

export const rcodes = { noError: 0, serverFailure: 2, nameError: 3 } as const;

/** Reads the header and first question of a query; undefined for anything malformed. */
export function parseQuery(message: Buffer): ParsedQuery | undefined {
  if (message.length < 12 || message.readUInt16BE(4) < 1) return undefined;
  const labels: string[] = [];
  let offset = 12;
  for (;;) {
    const length = message[offset];
    if (length === undefined || length > 63) return undefined; // no compression in questions we accept
    offset += 1;
    if (length === 0) break;
    if (offset + length > message.length) return undefined;
    labels.push(message.toString("latin1", offset, offset + length));
    offset += length;
  }
  if (offset + 4 > message.length) return undefined;
  const qtype = message.readUInt16BE(offset);
  offset += 4; // QTYPE and QCLASS
  return {
    id: message.readUInt16BE(0),
    flags: message.readUInt16BE(2),
    name: labels.join("."),
    qtype,
    question: message.subarray(12, offset),
  };
}

/** A response echoing the query's id, opcode, RD bit and question, with these answers (RFC 1035 §4.1.1). */
export function encodeResponse(query: ParsedQuery, rcode: number, answers: readonly TestDnsRecord[]): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.id, 0);
  const opcodeAndRd = query.flags & 0x7900;
  header.writeUInt16BE(0x8000 | opcodeAndRd | 0x0400 | 0x0080 | rcode, 2); // QR, AA, RA
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, query.question, ...answers.map((r) => encodeRecord(query.name, r))]);
}

function encodeRecord(owner: string, record: TestDnsRecord): Buffer {
  const rdata = encodeRdata(record);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(rrTypeCodes[record.type], 0);
  fixed.writeUInt16BE(1, 2); // class IN
  fixed.writeUInt32BE(record.ttl ?? 300, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([encodeName(owner), fixed, rdata]);
}

function encodeRdata(record: TestDnsRecord): Buffer {
  switch (record.type) {
    case "A":
      return Buffer.from(record.address.split(".").map(Number));
    case "AAAA":
      return ipv6Bytes(record.address);
    case "SRV":
      // RFC 2782: priority, weight, port, then the target, never compressed.
      return Buffer.concat([uint16s(record.priority, record.weight, record.port), encodeName(record.target)]);
    case "NAPTR":
      // RFC 3403 §4.1: order, preference, three character-strings, replacement name (uncompressed).
      return Buffer.concat([
        uint16s(record.order, record.preference),
        characterString(record.flags),
        characterString(record.service),
        characterString(record.regexp),
        encodeName(record.replacement),
      ]);
  }
}

/** RFC 1035 §3.1: length-prefixed labels ending in the root's empty label. */
export function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, "").split(".").filter((l) => l !== "");
  return Buffer.concat([...labels.map(characterString), Buffer.from([0])]);
}

function characterString(text: string): Buffer {
  const bytes = Buffer.from(text, "latin1");
  if (bytes.length > 255) throw new RangeError(`DNS string too long: ${text}`);
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}

function uint16s(...values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => out.writeUInt16BE(v, i * 2));
  return out;
}

/** "2001:db8::1" → 16 bytes (no embedded IPv4 form; tests do not need it). */
export function ipv6Bytes(address: string): Buffer {
  if (isIP(address) !== 6 || address.includes(".")) throw new RangeError(`not a plain IPv6 address: ${address}`);
  const [head = "", tail] = address.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const zeros = new Array<string>(8 - left.length - right.length).fill("0");
  const groups = [...left, ...(tail === undefined ? [] : zeros), ...right];
  return uint16s(...groups.map((g) => parseInt(g, 16)));
}
