// RFC 3261 §8.2.6: responses built from the request.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createResponse } from "./response-builder.js";
import { parseMessage } from "./parser.js";
import { serializeMessage } from "./serializer.js";
import { SipRequest, SipResponse } from "./message.js";
import { viaBranch } from "./headers/via.js";

function req(lines: string[]): SipRequest {
  const m = parseMessage(Buffer.from(lines.join("\r\n") + "\r\n\r\n"));
  assert.ok(m instanceof SipRequest);
  return m;
}

const INVITE = [
  "INVITE sip:bob@biloxi.example.com SIP/2.0",
  "Via: SIP/2.0/UDP p2.example.com;branch=z9hG4bK2d4790.1;received=192.0.2.111",
  "Via: SIP/2.0/TCP p1.example.com;branch=z9hG4bKnashds8, SIP/2.0/UDP client.atlanta.example.com;branch=z9hG4bK74bf9;received=192.0.2.101",
  "Max-Forwards: 69",
  "Record-Route: <sip:p2.example.com;lr>",
  "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl",
  "To: Bob <sip:bob@biloxi.example.com>",
  "Call-ID: 3848276298220188511@atlanta.example.com",
  "CSeq: 1 INVITE",
  "Contact: <sip:alice@client.atlanta.example.com>",
  "Timestamp: 54.2",
  "Content-Length: 0",
];

test("Via values are copied, all of them, in order (§8.2.6.2)", () => {
  const r = createResponse(req(INVITE), 180, { toTag: "8321234356" });
  assert.deepEqual(r.headers.getAll("via"), [
    "SIP/2.0/UDP p2.example.com;branch=z9hG4bK2d4790.1;received=192.0.2.111",
    "SIP/2.0/TCP p1.example.com;branch=z9hG4bKnashds8, SIP/2.0/UDP client.atlanta.example.com;branch=z9hG4bK74bf9;received=192.0.2.101",
  ]);
  assert.deepEqual(r.vias.map(viaBranch), ["z9hG4bK2d4790.1", "z9hG4bKnashds8", "z9hG4bK74bf9"]);
});

test("From, Call-ID and CSeq are copied; other headers are not", () => {
  const r = createResponse(req(INVITE), 486);
  assert.equal(r.headers.get("from"), "Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl");
  assert.equal(r.callId, "3848276298220188511@atlanta.example.com");
  assert.deepEqual(r.cseq, { seq: 1, method: "INVITE" });
  for (const k of ["max-forwards", "record-route", "contact", "content-length", "timestamp"]) assert.equal(r.headers.has(k), false, k);
  assert.equal(r.status, 486);
  assert.equal(r.reason, "Busy Here");
});

test("a To tag is added above 100 when the request has none", () => {
  const r = createResponse(req(INVITE), 200, { toTag: "a6c85cf" });
  assert.equal(r.headers.get("to"), "Bob <sip:bob@biloxi.example.com>;tag=a6c85cf");
  assert.equal(r.toTag, "a6c85cf");
});

test("no To tag on a 100 Trying, which echoes the Timestamp (§8.2.6.1)", () => {
  const r = createResponse(req(INVITE), 100, { toTag: "a6c85cf" });
  assert.equal(r.toTag, undefined);
  assert.equal(r.headers.get("timestamp"), "54.2");
  assert.equal(r.reason, "Trying");
});

test("the To tag of a request in a dialog is kept, not replaced", () => {
  const inDialog = INVITE.map((l) => (l.startsWith("To:") ? "To: Bob <sip:bob@biloxi.example.com>;tag=314159" : l));
  const r = createResponse(req(inDialog), 200, { toTag: "other" });
  assert.equal(r.toTag, "314159");
  assert.equal(r.headers.get("to"), "Bob <sip:bob@biloxi.example.com>;tag=314159");
});

test("a To that does not parse is copied as written (a 400 can still be built)", () => {
  const m = req(INVITE);
  m.headers.set("To", '"Mr. J. User <sip:j.user@example.com>');
  m.invalidate();
  const r = createResponse(m, 400, { toTag: "x" });
  assert.equal(r.headers.get("to"), '"Mr. J. User <sip:j.user@example.com>');
});

test("reason phrases: default per code, or given", () => {
  assert.equal(createResponse(req(INVITE), 200).reason, "OK");
  assert.equal(createResponse(req(INVITE), 599).reason, "Server Internal Error");
  assert.equal(createResponse(req(INVITE), 299).reason, "OK");
  assert.equal(createResponse(req(INVITE), 404, { reason: "Nobody Here" }).reason, "Nobody Here");
});

test("serialized, the response has Content-Length: 0 and parses back", () => {
  const r = createResponse(req(INVITE), 200, { toTag: "a6c85cf" });
  const bytes = serializeMessage(r);
  const text = bytes.toString();
  assert.ok(text.startsWith("SIP/2.0 200 OK\r\n"));
  assert.ok(text.endsWith("\r\nContent-Length: 0\r\n\r\n"));
  const back = parseMessage(bytes);
  assert.ok(back instanceof SipResponse);
  assert.equal(back.status, 200);
  assert.equal(back.vias.length, 3);
  assert.equal(back.toTag, "a6c85cf");
});

test("header names are copied as written (compact forms stay compact)", () => {
  const r = createResponse(
    req(["OPTIONS sip:a@b SIP/2.0", "v: SIP/2.0/UDP h;branch=z9hG4bK1", "f: <sip:c@d>;tag=1", "t: <sip:a@b>", "i: x@y", "CSeq: 2 OPTIONS"]),
    200,
    { toTag: "2" },
  );
  assert.deepEqual(r.headers.names, ["v", "f", "t", "i", "CSeq"]);
  assert.equal(r.headers.get("to"), "<sip:a@b>;tag=2");
});
