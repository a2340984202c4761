// The STUN codec (RFC 5389): header recognition, Binding request/response, (XOR-)MAPPED-ADDRESS with the
// RFC 5769 sample values, FINGERPRINT, the server's answer, malformed input; properties: round trips,
// arbitrary bytes never throw, SIP is never taken for STUN.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  answerBindingRequest,
  buildBindingError,
  buildBindingRequest,
  buildBindingSuccess,
  crc32,
  endpointOf,
  ipBytes,
  ipString,
  looksLikeStun,
  mappedAddressOf,
  parseBindingSuccess,
  parseStun,
  STUN_ATTR,
  STUN_BINDING_ERROR,
  STUN_BINDING_INDICATION,
  STUN_BINDING_REQUEST,
  STUN_BINDING_SUCCESS,
} from "./stun.js";

const RUNS = Number(process.env.SIP_PROPERTY_RUNS ?? 300);

/** The transaction id of the RFC 5769 sample messages. */
const TXID = Buffer.from("b7e7a701bc34d686fa87dfae", "hex");

function message(type: number, txid: Buffer, attrs: Buffer = Buffer.alloc(0)): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(type, 0);
  h.writeUInt16BE(attrs.length, 2);
  h.writeUInt32BE(0x2112a442, 4);
  txid.copy(h, 8);
  return Buffer.concat([h, attrs]);
}

function attr(type: number, value: Buffer): Buffer {
  const pad = (4 - (value.length % 4)) % 4;
  const h = Buffer.alloc(4);
  h.writeUInt16BE(type, 0);
  h.writeUInt16BE(value.length, 2);
  return Buffer.concat([h, value, Buffer.alloc(pad)]);
}

test("a Binding request: 20 bytes, no attributes, the cookie, the transaction id; parsed back", () => {
  const req = buildBindingRequest(TXID);
  assert.equal(req.toString("hex"), "000100002112a442b7e7a701bc34d686fa87dfae");
  assert.ok(looksLikeStun(req));
  const m = parseStun(req)!;
  assert.equal(m.type, STUN_BINDING_REQUEST);
  assert.equal(m.method, 1);
  assert.equal(m.class, "request");
  assert.deepEqual(m.transactionId, TXID);
  assert.deepEqual(m.attributes, []);
  assert.equal(m.fingerprint, false);
  // Default: a random transaction id each time.
  const a = parseStun(buildBindingRequest())!.transactionId;
  const b = parseStun(buildBindingRequest())!.transactionId;
  assert.equal(a.length, 12);
  assert.notDeepEqual(a, b);
});

test("message classes from the type bits (RFC 5389 §6)", () => {
  assert.equal(parseStun(message(STUN_BINDING_INDICATION, TXID))!.class, "indication");
  assert.equal(parseStun(message(STUN_BINDING_SUCCESS, TXID))!.class, "success");
  assert.equal(parseStun(message(STUN_BINDING_ERROR, TXID))!.class, "error");
  // Allocate (method 3, RFC 5766) request: another method.
  assert.equal(parseStun(message(0x0003, TXID))!.method, 3);
});

test("CRC-32 check value and FINGERPRINT: added, verified, and a damaged message refused", () => {
  assert.equal(crc32(Buffer.from("123456789")), 0xcbf43926);
  const req = buildBindingRequest(TXID, { fingerprint: true });
  assert.equal(req.length, 28);
  assert.equal(req.readUInt16BE(2), 8);
  assert.equal(req.readUInt16BE(20), STUN_ATTR.FINGERPRINT);
  assert.equal(req.readUInt32BE(24), (crc32(req, 0, 20) ^ 0x5354554e) >>> 0);
  assert.equal(parseStun(req)!.fingerprint, true);
  const bad = Buffer.from(req);
  bad[10]! ^= 1;
  assert.equal(parseStun(bad), undefined);
  // FINGERPRINT must be the last attribute.
  const notLast = message(STUN_BINDING_REQUEST, TXID, Buffer.concat([attr(STUN_ATTR.FINGERPRINT, Buffer.alloc(4)), attr(STUN_ATTR.SOFTWARE, Buffer.from("x"))]));
  assert.equal(parseStun(notLast), undefined);
});

test("XOR-MAPPED-ADDRESS, IPv4 (RFC 5769 §2.2 values): read, and built the same", () => {
  const v = Buffer.from("0001a147e112a643", "hex");
  const res = message(STUN_BINDING_SUCCESS, TXID, Buffer.concat([attr(STUN_ATTR.SOFTWARE, Buffer.from("test vector")), attr(STUN_ATTR.XOR_MAPPED_ADDRESS, v)]));
  const m = parseStun(res)!;
  assert.deepEqual(endpointOf(mappedAddressOf(m)!), { address: "192.0.2.1", port: 32853 });
  assert.deepEqual(parseBindingSuccess(res)?.mapped, { address: "192.0.2.1", port: 32853 });
  const built = buildBindingSuccess(TXID, { address: "192.0.2.1", port: 32853 })!;
  assert.equal(built.subarray(20).toString("hex"), "00200008" + v.toString("hex"));
});

test("XOR-MAPPED-ADDRESS, IPv6 (RFC 5769 §2.3 values): read, and built the same", () => {
  const v = Buffer.from("0002a1470113a9faa5d3f179bc25f4b5bed2b9d9", "hex");
  const res = message(STUN_BINDING_SUCCESS, TXID, attr(STUN_ATTR.XOR_MAPPED_ADDRESS, v));
  assert.deepEqual(parseBindingSuccess(res)?.mapped, { address: "2001:db8:1234:5678:11:2233:4455:6677", port: 32853 });
  const built = buildBindingSuccess(TXID, { address: "2001:db8:1234:5678:11:2233:4455:6677", port: 32853 })!;
  assert.equal(built.subarray(24).toString("hex"), v.toString("hex"));
});

test("MAPPED-ADDRESS (RFC 3489 servers) when there is no XOR-MAPPED-ADDRESS; XOR wins when both are there", () => {
  const plain = attr(STUN_ATTR.MAPPED_ADDRESS, Buffer.from("00011f90c6336407", "hex")); // 198.51.100.7:8080
  assert.deepEqual(parseBindingSuccess(message(STUN_BINDING_SUCCESS, TXID, plain))?.mapped, { address: "198.51.100.7", port: 8080 });
  const both = Buffer.concat([plain, attr(STUN_ATTR.XOR_MAPPED_ADDRESS, Buffer.from("0001a147e112a643", "hex"))]);
  assert.deepEqual(parseBindingSuccess(message(STUN_BINDING_SUCCESS, TXID, both))?.mapped, { address: "192.0.2.1", port: 32853 });
  // No address at all: a success all the same, with no mapped address.
  assert.deepEqual(parseBindingSuccess(message(STUN_BINDING_SUCCESS, TXID)), { transactionId: TXID, mapped: undefined });
  // A bad family or length: no usable address.
  assert.equal(parseBindingSuccess(message(STUN_BINDING_SUCCESS, TXID, attr(STUN_ATTR.XOR_MAPPED_ADDRESS, Buffer.from("0003a147e112a643", "hex"))))?.mapped, undefined);
  assert.equal(parseBindingSuccess(message(STUN_BINDING_SUCCESS, TXID, attr(STUN_ATTR.XOR_MAPPED_ADDRESS, Buffer.from("0002a147e112a643", "hex"))))?.mapped, undefined);
  // Not a success response.
  assert.equal(parseBindingSuccess(buildBindingRequest(TXID)), undefined);
});

test("the server's answer: XOR-MAPPED-ADDRESS of the source, FINGERPRINT when asked with one, 420 for what it does not know", () => {
  const ok = answerBindingRequest(parseStun(buildBindingRequest(TXID))!, { address: "203.0.113.9", port: 5060 })!;
  const r = parseStun(ok)!;
  assert.equal(r.type, STUN_BINDING_SUCCESS);
  assert.deepEqual(r.transactionId, TXID);
  assert.equal(r.fingerprint, false);
  assert.deepEqual(endpointOf(mappedAddressOf(r)!), { address: "203.0.113.9", port: 5060 });

  const fp = parseStun(answerBindingRequest(parseStun(buildBindingRequest(TXID, { fingerprint: true }))!, { address: "::1", port: 40000 })!)!;
  assert.equal(fp.fingerprint, true);
  assert.deepEqual(endpointOf(mappedAddressOf(fp)!), { address: "::1", port: 40000 });

  // SOFTWARE is comprehension-optional: ignored. PRIORITY (0x0024, ICE) is comprehension-required: 420.
  const withSoftware = message(STUN_BINDING_REQUEST, TXID, attr(STUN_ATTR.SOFTWARE, Buffer.from("phone 1.0")));
  assert.equal(parseStun(answerBindingRequest(parseStun(withSoftware)!, { address: "192.0.2.1", port: 1 })!)!.type, STUN_BINDING_SUCCESS);
  const ice = message(STUN_BINDING_REQUEST, TXID, Buffer.concat([attr(0x0024, Buffer.alloc(4)), attr(STUN_ATTR.USERNAME, Buffer.from("a:b"))]));
  const e = parseStun(answerBindingRequest(parseStun(ice)!, { address: "192.0.2.1", port: 1 })!)!;
  assert.equal(e.type, STUN_BINDING_ERROR);
  const ec = e.attributes.find((a) => a.type === STUN_ATTR.ERROR_CODE)!.value;
  assert.equal(ec[2]! * 100 + ec[3]!, 420);
  assert.equal(ec.subarray(4).toString(), "Unknown Attribute");
  assert.equal(e.attributes.find((a) => a.type === STUN_ATTR.UNKNOWN_ATTRIBUTES)!.value.toString("hex"), "00240006");

  // Indications and responses are not answered.
  assert.equal(answerBindingRequest(parseStun(message(STUN_BINDING_INDICATION, TXID))!, { address: "192.0.2.1", port: 1 }), undefined);
  assert.equal(answerBindingRequest(parseStun(message(STUN_BINDING_SUCCESS, TXID))!, { address: "192.0.2.1", port: 1 }), undefined);
  // Not an IP address: nothing to put in XOR-MAPPED-ADDRESS.
  assert.equal(buildBindingSuccess(TXID, { address: "example.com", port: 1 }), undefined);
  assert.equal(buildBindingError(TXID, 400, "Bad Request").readUInt16BE(0), STUN_BINDING_ERROR);
});

test("malformed messages are undefined, never an exception", () => {
  const good = buildBindingRequest(TXID);
  const cases: Buffer[] = [
    Buffer.alloc(0),
    good.subarray(0, 19), // short
    Buffer.concat([good, Buffer.alloc(4)]), // length field says 0, datagram has 24
    Buffer.from("000100022112a442b7e7a701bc34d686fa87dfae0000", "hex"), // length not a multiple of 4
    Buffer.from("000100002112a443b7e7a701bc34d686fa87dfae", "hex"), // wrong cookie
    Buffer.from("400100002112a442b7e7a701bc34d686fa87dfae", "hex"), // first two bits not 0
    message(STUN_BINDING_SUCCESS, TXID, Buffer.from("00200010000100000000000000000000", "hex")), // attribute overruns
    message(STUN_BINDING_SUCCESS, TXID, Buffer.from("0020", "hex")), // header cut
  ];
  for (const c of cases) {
    assert.equal(parseStun(c), undefined, c.toString("hex"));
    assert.equal(parseBindingSuccess(c), undefined);
  }
  // A truncated attribute header (2 bytes) makes the length field a non-multiple of 4 anyway.
  assert.equal(looksLikeStun(good.subarray(0, 19)), false);
});

test("addresses: text ↔ bytes", () => {
  assert.deepEqual([...ipBytes("192.0.2.1")!], [192, 0, 2, 1]);
  assert.equal(ipBytes("::")!.toString("hex"), "0".repeat(32));
  assert.equal(ipBytes("[2001:db8::1]")!.toString("hex"), "20010db8000000000000000000000001");
  assert.equal(ipBytes("::ffff:192.0.2.1")!.toString("hex"), "00000000000000000000ffffc0000201");
  assert.equal(ipBytes("fe80::1%eth0")!.toString("hex"), "fe800000000000000000000000000001");
  assert.equal(ipBytes("1.2.3"), undefined);
  assert.equal(ipBytes("example.com"), undefined);
  assert.equal(ipString(ipBytes("2001:db8:0:0:1:0:0:1")!), "2001:db8::1:0:0:1");
  assert.equal(ipString(ipBytes("2001:db8:0:1:1:1:1:1")!), "2001:db8:0:1:1:1:1:1");
  assert.equal(ipString(ipBytes("::1")!), "::1");
  assert.equal(ipString(ipBytes("1::")!), "1::");
});

// ---- properties ----

const txid = fc.uint8Array({ minLength: 12, maxLength: 12 }).map((a) => Buffer.from(a));
const v4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((a) => ipString(a));
const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => ipString(a));
const port = fc.integer({ min: 0, max: 65535 });

test("property: a Binding success response round-trips its transaction id and address (IPv4 and IPv6, with or without FINGERPRINT)", () => {
  fc.assert(
    fc.property(txid, fc.oneof(v4, v6), port, fc.boolean(), (id, address, p, fingerprint) => {
      const buf = buildBindingSuccess(id, { address, port: p }, { fingerprint })!;
      assert.ok(looksLikeStun(buf));
      const r = parseBindingSuccess(buf)!;
      assert.deepEqual(r.transactionId, id);
      assert.deepEqual(r.mapped, { address, port: p });
      assert.equal(parseStun(buf)!.fingerprint, fingerprint);
    }),
    { numRuns: RUNS },
  );
});

test("property: a Binding request round-trips; the server's answer to it names the source", () => {
  fc.assert(
    fc.property(txid, fc.oneof(v4, v6), port, fc.boolean(), (id, address, p, fingerprint) => {
      const req = parseStun(buildBindingRequest(id, { fingerprint }))!;
      assert.equal(req.type, STUN_BINDING_REQUEST);
      assert.deepEqual(req.transactionId, id);
      const res = parseBindingSuccess(answerBindingRequest(req, { address, port: p })!)!;
      assert.deepEqual(res, { transactionId: id, mapped: { address, port: p } });
    }),
    { numRuns: RUNS },
  );
});

test("property: IPv6 text from bytes reads back as the same bytes", () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
      assert.deepEqual([...ipBytes(ipString(b))!], [...b]);
    }),
    { numRuns: RUNS },
  );
});

/** A valid header with the cookie and an arbitrary body: gets the parser into the attributes. */
const stunish = fc.tuple(fc.integer({ min: 0, max: 0x3fff }), txid, fc.uint8Array({ maxLength: 64 })).map(([type, id, body]) => {
  const padded = Buffer.alloc(body.length + ((4 - (body.length % 4)) % 4));
  padded.set(body);
  return message(type, id, padded);
});

test("property: arbitrary bytes never throw (and what parses is consistent)", () => {
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 96 }).map((a) => Buffer.from(a)), stunish), (buf) => {
      const m = parseStun(buf);
      if (m !== undefined) {
        assert.ok(looksLikeStun(buf));
        mappedAddressOf(m);
        answerBindingRequest(m, { address: "192.0.2.1", port: 5060 });
      }
      parseBindingSuccess(buf);
    }),
    { numRuns: RUNS * 3 },
  );
});

const ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const PRINTABLE = [...ALPHA, ..."0123456789 \t!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\r\n"];

test("property: SIP messages (and CRLF keepalives before them) are never taken for STUN", () => {
  const startLine = fc.oneof(
    fc.tuple(fc.string({ unit: fc.constantFrom(...ALPHA), minLength: 1, maxLength: 10 }), fc.string({ unit: fc.constantFrom(...PRINTABLE), maxLength: 40 })).map(([m, rest]) => `${m} sip:${rest} SIP/2.0\r\n`),
    fc.integer({ min: 100, max: 699 }).map((s) => `SIP/2.0 ${s} OK\r\n`),
  );
  const sip = fc.tuple(fc.constantFrom("", "\r\n", "\r\n\r\n", "\n"), startLine, fc.string({ unit: fc.constantFrom(...PRINTABLE), maxLength: 200 })).map(([pre, line, rest]) => Buffer.from(pre + line + rest, "utf8"));
  fc.assert(
    fc.property(sip, (buf) => {
      assert.ok(buf[0]! >= 4, "the transport's one-byte check sends it to the SIP parser");
      assert.equal(looksLikeStun(buf), false);
      assert.equal(parseStun(buf), undefined);
    }),
    { numRuns: RUNS },
  );
});
