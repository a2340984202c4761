import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { encodeName, encodeResponse, ipv6Bytes, parseQuery } from "./test-dns-wire.js";

/** A standard query for `name`/`qtype` with RD set, as a stub resolver would send it. */
function query(id: number, name: string, qtype: number): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2);
  header.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(qtype, 0);
  tail.writeUInt16BE(1, 2);
  return Buffer.concat([header, encodeName(name), tail]);
}

describe("test DNS wire format", () => {
  it("encodes names as length-prefixed labels", () => {
    assert.deepEqual(encodeName("a.bc."), Buffer.from([1, 0x61, 2, 0x62, 0x63, 0]));
    assert.deepEqual(encodeName(""), Buffer.from([0]));
  });

  it("expands IPv6 text", () => {
    assert.equal(ipv6Bytes("2001:db8::1").toString("hex"), "20010db8000000000000000000000001");
    assert.equal(ipv6Bytes("::").toString("hex"), "0".repeat(32));
    assert.equal(ipv6Bytes("fe80::").toString("hex"), "fe80" + "0".repeat(28));
  });

  it("parses a query and builds a matching response", () => {
    const parsed = parseQuery(query(0xbeef, "Example.Test", 1));
    assert.ok(parsed);
    assert.equal(parsed.name, "Example.Test");
    assert.equal(parsed.qtype, 1);
    const response = encodeResponse(parsed, 0, [{ type: "A", name: "example.test", address: "192.0.2.1", ttl: 7 }]);
    assert.equal(response.readUInt16BE(0), 0xbeef);
    assert.equal(response.readUInt16BE(2), 0x8580); // QR, AA, RD, RA, NOERROR
    assert.equal(response.readUInt16BE(6), 1);
    assert.deepEqual([...response.subarray(-4)], [192, 0, 2, 1]);
    assert.equal(parseQuery(Buffer.from([1, 2, 3])), undefined);
  });
});
