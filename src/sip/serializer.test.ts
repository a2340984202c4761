import { test } from "node:test";
import assert from "node:assert/strict";
import { serializeHead, serializeMessage, startLine } from "./serializer.js";
import { parseMessage } from "./parser.js";
import { HeaderList } from "./header-list.js";
import { SipRequest, SipResponse } from "./message.js";
import { fixtureBytes } from "./test-util.js";

function request(body = ""): SipRequest {
  const h = new HeaderList();
  h.add("Via", "SIP/2.0/UDP pc33.example.com;branch=z9hG4bKnashds8");
  h.add("v", "SIP/2.0/TCP proxy.example.com;branch=z9hG4bK1");
  h.add("max-forwards", "70");
  h.add("To", "Bob <sip:bob@example.com>");
  h.add("From", "Alice <sip:alice@example.com>;tag=1928301774");
  h.add("call-id", "a84b4c76e66710@pc33.example.com");
  h.add("CSeq", "314159 INVITE");
  h.add("Content-Length", "999");
  h.add("X-Note", "ünïcödé ☎");
  return new SipRequest("INVITE", "sip:bob@example.com", h, Buffer.from(body));
}

test("start lines", () => {
  assert.equal(startLine(request()), "INVITE sip:bob@example.com SIP/2.0");
  assert.equal(startLine(new SipResponse(180, "Ringing")), "SIP/2.0 180 Ringing");
  assert.equal(startLine(new SipResponse(100, "")), "SIP/2.0 100 ");
});

test("headers in order with CRLF, compact names as given, canonical names for added headers", () => {
  const head = serializeHead(request());
  assert.equal(
    head,
    "INVITE sip:bob@example.com SIP/2.0\r\n" +
      "Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bKnashds8\r\n" +
      "Via: SIP/2.0/TCP proxy.example.com;branch=z9hG4bK1\r\n" +
      "Max-Forwards: 70\r\n" +
      "To: Bob <sip:bob@example.com>\r\n" +
      "From: Alice <sip:alice@example.com>;tag=1928301774\r\n" +
      "Call-ID: a84b4c76e66710@pc33.example.com\r\n" +
      "CSeq: 314159 INVITE\r\n" +
      "X-Note: ünïcödé ☎\r\n" +
      "Content-Length: 0\r\n\r\n",
  );
});

test("Content-Length is computed from the body (bytes, not characters) and written last", () => {
  const body = "v=0\r\ns=ü\r\n";
  const out = serializeMessage(request(body));
  const text = out.toString("utf8");
  assert.ok(text.includes(`\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`));
  assert.equal((text.match(/Content-Length/g) ?? []).length, 1);
  assert.ok(out.subarray(out.length - Buffer.byteLength(body)).equals(Buffer.from(body)));
});

test("a binary body is copied byte for byte", () => {
  const body = Buffer.from([0, 1, 2, 13, 10, 13, 10, 255]);
  const req = request();
  req.body = body;
  const out = serializeMessage(req);
  assert.ok(out.subarray(out.length - body.length).equals(body));
  assert.ok(parseMessage(out).body.equals(body));
});

test("a response with an empty reason phrase keeps the SP", () => {
  const h = new HeaderList();
  h.add("Via", "SIP/2.0/UDP h;branch=z9hG4bK1");
  const out = serializeMessage(new SipResponse(100, "", h)).toString();
  assert.ok(out.startsWith("SIP/2.0 100 \r\nVia: "));
});

test("parse → serialize → parse keeps start line, headers (in order) and body", () => {
  for (const name of ["valid/wsinv.sip", "valid/esc01.sip", "valid/longreq.sip", "valid/mpart01.sip", "valid/unreason.sip", "valid/intmeth.sip"]) {
    const a = parseMessage(fixtureBytes(`rfc4475/${name}`));
    const b = parseMessage(serializeMessage(a));
    assert.equal(startLine(b), startLine(a), name);
    const strip = (h: HeaderList): string[][] => h.names.map((n, i) => [n, h.values[i]!]).filter((_p, i) => h.keys[i] !== "content-length");
    assert.deepEqual(strip(b.headers), strip(a.headers), name);
    assert.ok(b.body.equals(a.body), name);
    // and serializing again gives the same bytes
    assert.ok(serializeMessage(b).equals(serializeMessage(a)), name);
  }
});

test("folded headers come out on one line", () => {
  const a = parseMessage(fixtureBytes("rfc4475/valid/wsinv.sip"));
  const text = serializeMessage(a).toString("utf8");
  assert.ok(text.includes("\r\ncseq: 0009 INVITE\r\n"));
  assert.ok(text.includes("\r\nNewFangledHeader: newfangled value continued newfangled value\r\n"));
  assert.ok(!/\r\n[ \t]/.test(text.slice(0, text.indexOf("\r\n\r\n"))));
});
