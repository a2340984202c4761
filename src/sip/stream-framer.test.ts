import { test } from "node:test";
import assert from "node:assert/strict";
import { StreamFramer, type FrameEvent } from "./stream-framer.js";
import { SipParseError } from "./parse-error.js";
import { DEFAULT_LIMITS } from "./limits.js";
import { parseMessage } from "./parser.js";

function msg(extra: string[], body = ""): Buffer {
  return Buffer.from(
    [
      "OPTIONS sip:bob@example.com SIP/2.0",
      "Via: SIP/2.0/TCP pc33.example.com;branch=z9hG4bK776",
      "Max-Forwards: 70",
      "To: <sip:bob@example.com>",
      "From: <sip:alice@example.com>;tag=1",
      "Call-ID: c1@example.com",
      "CSeq: 1 OPTIONS",
      ...extra,
    ].join("\r\n") + "\r\n\r\n" + body,
  );
}

const A = msg(["Content-Length: 0"]);
const B = msg(["Content-Type: text/plain", "Content-Length: 14"], "hello\r\n\r\nworld"); // a CRLFCRLF inside the body
const C = msg(["l: 4"], "\u0000\r\n\u0000");

/** Messages as strings, keepalives as "ping"/"pong". */
function summary(events: FrameEvent[]): string[] {
  return events.map((e) => (e.kind === "message" ? e.bytes.toString("latin1") : e.kind));
}

function feed(chunks: Buffer[]): string[] {
  const f = new StreamFramer();
  const out: FrameEvent[] = [];
  for (const c of chunks) out.push(...f.push(c));
  assert.equal(f.buffered, 0);
  return summary(out);
}

function throwsCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof SipParseError && e.code === code);
}

test("one message, its body cut by Content-Length", () => {
  assert.deepEqual(feed([B]), [B.toString("latin1")]);
  const framed = new StreamFramer().push(B)[0];
  assert.ok(framed?.kind === "message");
  assert.equal(parseMessage(framed.bytes, { datagram: false }).body.toString(), "hello\r\n\r\nworld");
});

test("several messages in one chunk", () => {
  assert.deepEqual(feed([Buffer.concat([A, B, C, A])]), [A, B, C, A].map((m) => m.toString("latin1")));
});

test("split at every byte position, alone and among other messages", () => {
  const all = Buffer.concat([A, B, C]);
  const want = [A, B, C].map((m) => m.toString("latin1"));
  for (let i = 0; i <= all.length; i++) {
    assert.deepEqual(feed([all.subarray(0, i), all.subarray(i)]), want, `split at ${i}`);
  }
  // and byte by byte
  const bytes: Buffer[] = [];
  for (let i = 0; i < all.length; i++) bytes.push(all.subarray(i, i + 1));
  assert.deepEqual(feed(bytes), want);
});

test("CRLFCRLF ping and CRLF pong between messages (RFC 5626 §3.5.1)", () => {
  const stream = Buffer.concat([Buffer.from("\r\n\r\n"), A, Buffer.from("\r\n"), B, Buffer.from("\r\n\r\n\r\n\r\n"), C, Buffer.from("\r\n")]);
  assert.deepEqual(feed([stream]), ["ping", A.toString("latin1"), "pong", B.toString("latin1"), "ping", "ping", C.toString("latin1"), "pong"]);
});

test("a ping alone, a pong alone, and a ping followed by a pong", () => {
  assert.deepEqual(feed([Buffer.from("\r\n\r\n")]), ["ping"]);
  assert.deepEqual(feed([Buffer.from("\r\n")]), ["pong"]);
  assert.deepEqual(feed([Buffer.from("\r\n\r\n\r\n")]), ["ping", "pong"]);
});

test("a CR ending a chunk waits for its LF", () => {
  const f = new StreamFramer();
  assert.deepEqual(f.push(Buffer.from("\r")), []);
  assert.equal(f.buffered, 1);
  assert.deepEqual(summary(f.push(Buffer.from("\n"))), ["pong"]);
  assert.equal(f.buffered, 0);
  // the same split inside a ping before a message
  const g = new StreamFramer();
  const out = [...g.push(Buffer.from("\r\n\r")), ...g.push(Buffer.concat([Buffer.from("\n"), A]))];
  assert.equal(summary(out).at(-1), A.toString("latin1"));
});

test("keepalives split at every position still frame the messages", () => {
  const stream = Buffer.concat([Buffer.from("\r\n\r\n"), A, Buffer.from("\r\n"), B]);
  for (let i = 0; i <= stream.length; i++) {
    const got = feed([stream.subarray(0, i), stream.subarray(i)]).filter((s) => s !== "ping" && s !== "pong");
    assert.deepEqual(got, [A, B].map((m) => m.toString("latin1")), `split at ${i}`);
  }
});

test("Content-Length spellings: compact, any case, LWS around the value, leading zeros", () => {
  for (const h of ["l: 5", "CONTENT-LENGTH:5", "content-length :  005 ", "Content-Length\t:\t5"]) {
    const m = msg([h], "12345");
    assert.deepEqual(feed([Buffer.concat([m, A])]), [m.toString("latin1"), A.toString("latin1")], h);
  }
});

test("a missing Content-Length is read as 0", () => {
  const m = msg([]);
  assert.deepEqual(feed([Buffer.concat([m, A])]), [m.toString("latin1"), A.toString("latin1")]);
});

test("headers that only look like Content-Length are ignored", () => {
  const m = msg(["Location: 99", "Content-Length-X: 99", "X-Content-Length: 99", "Subject: l: 99", "Content-Length: 2"], "ok");
  assert.deepEqual(feed([m]), [m.toString("latin1")]);
});

test("a body is held until it is complete", () => {
  const f = new StreamFramer();
  assert.deepEqual(f.push(B.subarray(0, B.length - 1)), []);
  assert.equal(f.buffered, B.length - 1);
  assert.equal(f.push(B.subarray(B.length - 1)).length, 1);
});

test("bad Content-Length values are framing errors", () => {
  for (const h of ["Content-Length: -999", "Content-Length: five", "l: 1 2", "Content-Length:", "Content-Length: 12345678901"]) {
    throwsCode(() => new StreamFramer().push(msg([h])), "SIP_PARSE_CONTENT_LENGTH");
  }
});

test("conflicting Content-Length lines are a framing error (RFC 4475 mcl01); agreeing ones are not", () => {
  throwsCode(() => new StreamFramer().push(msg(["Content-Length: 13", "Content-Length: 5"], "x".repeat(13))), "SIP_PARSE_CONTENT_LENGTH");
  const ok = msg(["Content-Length: 2", "l: 2"], "ok");
  assert.deepEqual(feed([ok]), [ok.toString("latin1")]);
});

test("an absurd Content-Length is refused at once, without waiting for the body", () => {
  throwsCode(() => new StreamFramer().push(msg(["Content-Length: 4294967295"])), "SIP_PARSE_TOO_LARGE");
  throwsCode(() => new StreamFramer({ ...DEFAULT_LIMITS, maxMessageBytes: 100 }).push(msg(["Content-Length: 10"])), "SIP_PARSE_TOO_LARGE");
});

test("no end of headers within the size limit is an error", () => {
  const limits = { ...DEFAULT_LIMITS, maxMessageBytes: 200 };
  const f = new StreamFramer(limits);
  assert.deepEqual(f.push(Buffer.from("OPTIONS sip:a@b SIP/2.0\r\nX: " + "a".repeat(150))), []);
  throwsCode(() => f.push(Buffer.from("a".repeat(100))), "SIP_PARSE_TOO_LARGE");
});

test("a message exactly at the size limit passes", () => {
  const m = msg(["Content-Length: 10"], "0123456789");
  assert.equal(new StreamFramer({ ...DEFAULT_LIMITS, maxMessageBytes: m.length }).push(m).length, 1);
  throwsCode(() => new StreamFramer({ ...DEFAULT_LIMITS, maxMessageBytes: m.length - 1 }).push(m), "SIP_PARSE_TOO_LARGE");
});

test("frames do not keep a large chunk alive for a small remainder", () => {
  const f = new StreamFramer();
  const big = Buffer.concat([msg(["Content-Length: 5000"], "x".repeat(5000)), A.subarray(0, 10)]);
  assert.equal(f.push(big).length, 1);
  assert.equal(f.buffered, 10);
  assert.equal(f.push(A.subarray(10)).length, 1);
});
