import { test } from "node:test";
import assert from "node:assert/strict";
import { parseMessage } from "./parser.js";
import { SipParseError, type SipParseErrorCode } from "./parse-error.js";
import { SipRequest, SipResponse, type SipMessage } from "./message.js";
import { DEFAULT_LIMITS, type ParserLimits } from "./limits.js";
import { isSipUri, isTelUri } from "./uri.js";
import { viaBranch, viaRport } from "./headers/via.js";
import {
  contactExpires,
  contactInstance,
  contactMethods,
  contactPubGruu,
  contactQ1000,
  contactRegId,
  contactTempGruu,
  type ContactBinding,
} from "./headers/contact.js";
import { readAllAccessors } from "./test-util.js";

const CORE = [
  "Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bKnashds8",
  "Max-Forwards: 70",
  "To: Bob <sip:bob@example.com>",
  "From: Alice <sip:alice@example.com>;tag=1928301774",
  "Call-ID: a84b4c76e66710@pc33.example.com",
  "CSeq: 314159 REGISTER",
];

/** A message from its lines, CRLF-terminated, with an empty line and the body after them. */
function wire(lines: string[], body = ""): Buffer {
  return Buffer.from(lines.join("\r\n") + "\r\n\r\n" + body, "utf8");
}

function register(extra: string[], body = "", start = "REGISTER sip:example.com SIP/2.0"): Buffer {
  return wire([start, ...CORE, ...extra], body);
}

function parseReq(b: Buffer, limits?: ParserLimits): SipRequest {
  const m = parseMessage(b, { limits });
  assert.ok(m instanceof SipRequest);
  return m;
}

function parseErr(b: Buffer, code: SipParseErrorCode, options: { datagram?: boolean; limits?: ParserLimits } = {}): SipParseError {
  try {
    parseMessage(b, options);
  } catch (e) {
    assert.ok(e instanceof SipParseError, `expected SipParseError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

function binding(m: SipMessage, i = 0): ContactBinding {
  const c = m.contacts[i];
  assert.ok(c !== undefined && c.kind === "binding");
  return c;
}

// --- start line ------------------------------------------------------------------------------------

test("request line: method, Request-URI, version", () => {
  const m = parseReq(register([]));
  assert.equal(m.kind, "request");
  assert.equal(m.method, "REGISTER");
  assert.equal(m.uriText, "sip:example.com");
  assert.equal(m.version, "SIP/2.0");
  const u = m.uri;
  assert.ok(isSipUri(u));
  assert.equal(u.host, "example.com");
});

test("status line: code and reason phrase with spaces", () => {
  const m = parseMessage(wire(["SIP/2.0 486 Busy Here  now", ...CORE.filter((l) => !l.startsWith("Max"))]));
  assert.ok(m instanceof SipResponse);
  assert.equal(m.status, 486);
  assert.equal(m.reason, "Busy Here  now");
});

test("status line without reason phrase, with or without the SP", () => {
  const hs = CORE.filter((l) => !l.startsWith("Max"));
  for (const start of ["SIP/2.0 200 ", "SIP/2.0 200"]) {
    const m = parseMessage(wire([start, ...hs]));
    assert.ok(m instanceof SipResponse);
    assert.equal(m.status, 200);
    assert.equal(m.reason, "");
  }
});

test("bad status codes", () => {
  const hs = CORE.filter((l) => !l.startsWith("Max"));
  for (const start of ["SIP/2.0 20 OK", "SIP/2.0 2000 OK", "SIP/2.0 099 x", "SIP/2.0 700 x", "SIP/2.0 2x0 OK", "SIP/2.0 -10 x"]) {
    const e = parseErr(wire([start, ...hs]), "SIP_PARSE_STATUS");
    assert.equal(e.partial, undefined);
  }
  parseErr(wire(["SIP/2.0", ...hs]), "SIP_PARSE_START_LINE");
});

test("request line errors: missing parts, non-token method, wrong protocol", () => {
  parseErr(wire(["REGISTER sip:example.com", ...CORE]), "SIP_PARSE_START_LINE");
  parseErr(wire(["REGISTER", ...CORE]), "SIP_PARSE_START_LINE");
  parseErr(wire(["REG(ISTER sip:example.com SIP/2.0", ...CORE]), "SIP_PARSE_START_LINE");
  parseErr(wire(["REGISTER sip:example.com HTTP/1.1", ...CORE]), "SIP_PARSE_START_LINE");
  parseErr(wire(["GET / HTTP/1.1", "Host: x"]), "SIP_PARSE_START_LINE");
});

test("an unsupported version is SIP_PARSE_VERSION with the whole request readable (505 can be answered)", () => {
  const e = parseErr(register([], "", "OPTIONS sip:example.com SIP/3.0"), "SIP_PARSE_VERSION");
  assert.ok(e.partial instanceof SipRequest);
  assert.equal(e.partial.method, "OPTIONS");
  assert.equal(e.partial.callId, "a84b4c76e66710@pc33.example.com");
  assert.equal(e.partial.topVia.host, "pc33.example.com");
});

test("lowercase version is accepted", () => {
  assert.equal(parseReq(register([], "", "REGISTER sip:example.com sip/2.0")).method, "REGISTER");
});

test("extra SP in the request line: START_LINE, but the request stays readable for a 400", () => {
  for (const start of ["REGISTER  sip:example.com SIP/2.0", "REGISTER sip:example.com SIP/2.0 ", "REGISTER sip:a.com ;lr SIP/2.0"]) {
    const e = parseErr(register([], "", start), "SIP_PARSE_START_LINE");
    assert.ok(e.partial instanceof SipRequest, start);
    assert.equal(e.partial.method, "REGISTER");
    assert.equal(e.partial.cseq.seq, 314159);
  }
});

test("empty lines before the start line are ignored (§7.5)", () => {
  const m = parseReq(Buffer.concat([Buffer.from("\r\n\r\n\r\n"), register([])]));
  assert.equal(m.method, "REGISTER");
});

test("a message cut inside its headers is truncated", () => {
  parseErr(Buffer.from("REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP h"), "SIP_PARSE_TRUNCATED");
  parseErr(Buffer.from("REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"), "SIP_PARSE_TRUNCATED", { datagram: false });
  parseErr(Buffer.alloc(0), "SIP_PARSE_TRUNCATED");
  parseErr(Buffer.from("\r\n\r\n"), "SIP_PARSE_TRUNCATED");
});

test("a datagram ending right after its last header line has an empty body", () => {
  const b = register([]);
  const noEmptyLine = b.subarray(0, b.length - 2);
  assert.equal(parseMessage(noEmptyLine, { datagram: true }).callId, "a84b4c76e66710@pc33.example.com");
  assert.equal(parseMessage(noEmptyLine, { datagram: true }).body.length, 0);
  const lf = Buffer.from(["REGISTER sip:example.com SIP/2.0", ...CORE, ""].join("\n"));
  assert.equal(parseMessage(lf, { datagram: true }).cseq.seq, 314159);
});

test("bare LF line ends are tolerated", () => {
  const m = parseMessage(Buffer.from(["REGISTER sip:example.com SIP/2.0", ...CORE, "Content-Length: 3", "", "abc"].join("\n")));
  assert.equal(m.callId, "a84b4c76e66710@pc33.example.com");
  assert.equal(m.body.toString(), "abc");
});

// --- header names ----------------------------------------------------------------------------------

test("compact forms i m f t v l c k s e o u r x y b j d a", () => {
  const b = wire([
    "INVITE sip:bob@example.com SIP/2.0",
    "v: SIP/2.0/TCP client.example.com;branch=z9hG4bK74bf9",
    "Max-Forwards: 70",
    "f: Alice <sip:alice@example.com>;tag=9fxced76sl",
    "t: Bob <sip:bob@example.com>",
    "i: 3848276298220188511@example.com",
    "CSeq: 1 INVITE",
    "m: <sip:alice@client.example.com;transport=tcp>",
    "c: application/sdp",
    "k: path, gruu",
    "s: lunch",
    "e: gzip",
    "o: presence",
    "u: dialog",
    "r: <sip:carol@example.com>",
    "x: 1800;refresher=uac",
    "y: abc",
    "b: <sip:referrer@example.com>",
    "j: *;+sip.audio",
    "d: proxy",
    "a: *;+sip.video",
    "l: 4",
  ], "v=0\n");
  const m = parseReq(b);
  assert.equal(m.topVia.host, "client.example.com");
  assert.equal(m.from.displayName, "Alice");
  assert.equal(m.to.displayName, "Bob");
  assert.equal(m.callId, "3848276298220188511@example.com");
  assert.equal(m.contacts.length, 1);
  assert.equal(m.contentType, "application/sdp");
  assert.deepEqual(m.supported, ["path", "gruu"]);
  assert.equal(m.contentLength, 4);
  const full: Record<string, string> = {
    subject: "lunch",
    "content-encoding": "gzip",
    event: "presence",
    "allow-events": "dialog",
    "refer-to": "<sip:carol@example.com>",
    "session-expires": "1800;refresher=uac",
    identity: "abc",
    "referred-by": "<sip:referrer@example.com>",
    "reject-contact": "*;+sip.audio",
    "request-disposition": "proxy",
    "accept-contact": "*;+sip.video",
    "content-length": "4",
  };
  for (const [k, v] of Object.entries(full)) assert.equal(m.headers.get(k), v, k);
  // Names are kept as written.
  assert.equal(m.headers.names[0], "v");
});

test("header names are case-insensitive", () => {
  const m = parseReq(wire([
    "REGISTER sip:example.com SIP/2.0",
    "vIA: SIP/2.0/UDP pc33.example.com;branch=z9hG4bKnashds8",
    "max-FORWARDS: 70",
    "TO: Bob <sip:bob@example.com>",
    "fRoM: <sip:alice@example.com>;tag=1",
    "CALL-id: x@y",
    "cseq: 2 REGISTER",
    "EXPIRES: 60",
  ]));
  assert.equal(m.callId, "x@y");
  assert.equal(m.cseq.seq, 2);
  assert.equal(m.expires, 60);
  assert.equal(m.maxForwards, 70);
  assert.equal(m.fromTag, "1");
});

test("whitespace around the colon of a header name", () => {
  const m = parseReq(register(["Expires \t :  120  ", "Subject:"]));
  assert.equal(m.expires, 120);
  assert.equal(m.headers.get("subject"), "");
});

test("bad header lines", () => {
  parseErr(register(["no colon here"]), "SIP_PARSE_HEADER");
  parseErr(register(["Bad Name: x"]), "SIP_PARSE_HEADER");
  parseErr(register([": empty name"]), "SIP_PARSE_HEADER");
  parseErr(register(["Bad(Name): x"]), "SIP_PARSE_HEADER");
});

// --- lists and folding -----------------------------------------------------------------------------

test("a list header over several lines and comma lists keep their order", () => {
  const m = parseReq(wire([
    "REGISTER sip:example.com SIP/2.0",
    "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com;branch=z9hG4bK2",
    "Max-Forwards: 70",
    "Via: SIP/2.0/TLS c.example.com:5061;branch=z9hG4bK3",
    ...CORE.slice(2),
  ]));
  assert.deepEqual(m.vias.map((v) => v.host), ["a.example.com", "b.example.com", "c.example.com"]);
  assert.equal(m.topVia.host, "a.example.com");
  assert.equal(m.vias[2]!.port, 5061);
});

test("topVia is the first value of the first Via line that has one", () => {
  const rest = CORE.slice(1);
  const top = (vias: string[]): string => parseReq(wire(["REGISTER sip:example.com SIP/2.0", ...vias, ...rest])).topVia.host;
  assert.equal(top(["Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1"]), "a.example.com");
  assert.equal(top(["Via: SIP/2.0/UDP a.example.com;x=\"q,q\";branch=z9hG4bK1, SIP/2.0/UDP b.example.com"]), "a.example.com");
  assert.equal(top(["Via:", "Via: SIP/2.0/UDP b.example.com;branch=z9hG4bK1"]), "b.example.com");
  assert.equal(top(["Via: ,SIP/2.0/UDP c.example.com;branch=z9hG4bK1"]), "c.example.com");
  parseErr(wire(["REGISTER sip:example.com SIP/2.0", "Via: ,", ...rest]), "SIP_PARSE_HEADER");
  parseErr(wire(["REGISTER sip:example.com SIP/2.0", 'Via: SIP/2.0/UDP a;x="open, b', ...rest]), "SIP_PARSE_HEADER");
  for (const vias of [["Via: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b"], ["Via:", "v: SIP/2.0/TCP c;branch=z9hG4bK2"]]) {
    const m = parseReq(wire(["REGISTER sip:example.com SIP/2.0", ...vias, ...rest]));
    assert.deepEqual(m.topVia, m.vias[0]);
  }
});

test("commas inside quoted strings and <> do not split values", () => {
  const m = parseReq(register([
    'Contact: "Doe, John" <sip:john,doe@example.com;x=a>;expires=60, <sip:jane@example.com?h=1>',
    "Contact: sip:third@example.com",
  ]));
  assert.equal(m.contacts.length, 3);
  assert.equal(binding(m, 0).displayName, "Doe, John");
  const u = binding(m, 0).uri;
  assert.ok(isSipUri(u) && u.user === "john,doe");
  assert.equal(contactExpires(binding(m, 0)), 60);
  assert.equal(binding(m, 2).uri.scheme, "sip");
});

test("unbalanced quotes or brackets in a list are a header error", () => {
  const m = parseReq(register(['Contact: "unterminated <sip:a@b>']));
  assert.throws(() => m.contacts, (e: unknown) => e instanceof SipParseError && e.header === "contact");
  const m2 = parseReq(register(["Route: <sip:a@b"]));
  assert.throws(() => m2.nameAddrList("route"), (e: unknown) => e instanceof SipParseError && e.header === "route");
});

test("folded header values are joined with one SP", () => {
  const m = parseReq(register([
    "Subject: I know you're there,",
    "   pick up the phone",
    "\tand talk to me!",
    "Supported: path,",
    " gruu",
  ]));
  assert.equal(m.headers.get("subject"), "I know you're there, pick up the phone and talk to me!");
  assert.deepEqual(m.supported, ["path", "gruu"]);
});

test("a folded core header parses", () => {
  const m = parseReq(wire([
    "REGISTER sip:example.com SIP/2.0",
    "Via: SIP/2.0/UDP pc33.example.com",
    "   ;branch=z9hG4bKnashds8",
    "CSeq: 7",
    "  REGISTER",
    ...CORE.filter((l) => !l.startsWith("Via") && !l.startsWith("CSeq")),
  ]));
  assert.equal(viaBranch(m.topVia), "z9hG4bKnashds8");
  assert.deepEqual(m.cseq, { seq: 7, method: "REGISTER" });
});

test("a continuation line before any header is an error", () => {
  parseErr(wire(["REGISTER sip:example.com SIP/2.0", " Via: SIP/2.0/UDP h", ...CORE]), "SIP_PARSE_HEADER");
});

// --- body and Content-Length -----------------------------------------------------------------------

test("datagram: bytes after Content-Length are dropped (§18.3)", () => {
  const m = parseMessage(register(["Content-Length: 5"], "helloEXTRA BYTES"), { datagram: true });
  assert.equal(m.body.toString(), "hello");
  assert.equal(m.contentLength, 5);
});

test("datagram: a Content-Length larger than what arrived is an error, with the partial message", () => {
  const e = parseErr(register(["Content-Length: 50"], "short"), "SIP_PARSE_CONTENT_LENGTH", { datagram: true });
  assert.equal(e.header, "content-length");
  assert.ok(e.partial instanceof SipRequest);
});

test("datagram without Content-Length: the body runs to the end", () => {
  assert.equal(parseMessage(register([], "all of it"), { datagram: true }).body.toString(), "all of it");
});

test("stream frame without Content-Length: empty body", () => {
  assert.equal(parseMessage(register([]), { datagram: false }).body.length, 0);
});

test("Content-Length forms: LWS around it, leading zeros, compact l", () => {
  assert.equal(parseMessage(register(["Content-Length:   003  "], "abc")).body.toString(), "abc");
  assert.equal(parseMessage(register(["l:2"], "abc")).body.toString(), "ab");
  assert.equal(parseMessage(register(["Content-Length: 0"], "abc")).body.length, 0);
});

test("bad Content-Length values", () => {
  for (const v of ["-1", "five", "1 2", "", "12345678901", "0x10", "+3"]) {
    const e = parseErr(register([`Content-Length: ${v}`], "abc"), "SIP_PARSE_CONTENT_LENGTH");
    assert.equal(e.header, "content-length");
  }
});

test("several Content-Length lines must agree", () => {
  assert.equal(parseMessage(register(["Content-Length: 2", "l: 2"], "abc")).body.toString(), "ab");
  parseErr(register(["Content-Length: 2", "Content-Length: 3"], "abc"), "SIP_PARSE_CONTENT_LENGTH");
});

test("a binary body with NUL and CR LF bytes is kept intact", () => {
  const body = Buffer.from([0, 13, 10, 13, 10, 255, 0, 1]);
  const m = parseMessage(Buffer.concat([register([`Content-Length: ${body.length}`]), body]));
  assert.ok(m.body.equals(body));
});

// --- limits ----------------------------------------------------------------------------------------

test("limit: message size", () => {
  const b = register([], "x".repeat(100));
  const limits = { ...DEFAULT_LIMITS, maxMessageBytes: b.length };
  assert.equal(parseMessage(b, { limits }).body.length, 100);
  parseErr(b, "SIP_PARSE_TOO_LARGE", { limits: { ...limits, maxMessageBytes: b.length - 1 } });
});

test("limit: header count", () => {
  const b = register(["X-A: 1", "X-B: 2"]);
  const n = CORE.length + 2;
  assert.equal(parseMessage(b, { limits: { ...DEFAULT_LIMITS, maxHeaders: n } }).headers.length, n);
  parseErr(b, "SIP_PARSE_TOO_MANY_HEADERS", { limits: { ...DEFAULT_LIMITS, maxHeaders: n - 1 } });
});

test("limit: line length of headers, folded headers and the start line", () => {
  const limits = { ...DEFAULT_LIMITS, maxLineBytes: 100 };
  assert.ok(parseMessage(register([`X-Long: ${"a".repeat(100)}`]), { limits }));
  const e = parseErr(register([`X-Long: ${"a".repeat(101)}`]), "SIP_PARSE_LINE_TOO_LONG", { limits });
  assert.equal(e.header, "x-long");
  parseErr(register(["X-Folded: " + "a".repeat(60), " " + "b".repeat(60)]), "SIP_PARSE_LINE_TOO_LONG", { limits });
  parseErr(register([], "", `REGISTER sip:${"h".repeat(100)}.com SIP/2.0`), "SIP_PARSE_LINE_TOO_LONG", { limits });
});

test("default limits", () => {
  assert.deepEqual({ ...DEFAULT_LIMITS }, { maxMessageBytes: 65535, maxHeaders: 256, maxLineBytes: 8192 });
  assert.ok(Object.isFrozen(DEFAULT_LIMITS));
});

// --- core headers validated at parse time ------------------------------------------------------------

test("missing core headers are reported with the header name and a partial message", () => {
  for (const [prefix, key] of [["Via", "via"], ["To", "to"], ["From", "from"], ["Call-ID", "call-id"], ["CSeq", "cseq"]] as const) {
    const e = parseErr(wire(["REGISTER sip:example.com SIP/2.0", ...CORE.filter((l) => !l.startsWith(prefix + ":"))]), "SIP_PARSE_MISSING_HEADER");
    assert.equal(e.header, key);
    assert.ok(e.partial instanceof SipRequest);
    assert.match(e.reasonPhrase, /^Bad Request \(missing/);
  }
});

test("CSeq method must match the request method", () => {
  const e = parseErr(register([], "", "OPTIONS sip:example.com SIP/2.0"), "SIP_PARSE_CSEQ_MISMATCH");
  assert.equal(e.header, "cseq");
});

test("single-value headers repeated with different values are errors; identical repeats are tolerated", () => {
  const m = parseReq(register(["Expires: 60", "Expires: 60"]));
  assert.equal(m.expires, 60);
  parseErr(register(["Call-ID: other@x"]), "SIP_PARSE_HEADER");
  parseErr(register(["CSeq: 2 REGISTER"]), "SIP_PARSE_HEADER");
  parseErr(register(["Max-Forwards: 5"]), "SIP_PARSE_HEADER");
  parseErr(register(["Expires: 1", "Expires: 2"]), "SIP_PARSE_HEADER");
  parseErr(register(["To: <sip:bob@example.com>"]), "SIP_PARSE_HEADER");
});

test("a Request-URI with headers is refused (§19.1.1)", () => {
  const e = parseErr(register([], "", "REGISTER sip:example.com?Route=%3Csip:x%3E SIP/2.0"), "SIP_PARSE_URI");
  assert.ok(e.partial instanceof SipRequest);
});

test("non-SIP Request-URIs parse (the application answers 416)", () => {
  const tel = parseReq(wire(["INVITE tel:+1-201-555-0123 SIP/2.0", ...CORE.slice(0, 5), "CSeq: 1 INVITE"]));
  assert.ok(isTelUri(tel.uri));
  const urn = parseReq(wire(["INVITE urn:service:sos SIP/2.0", ...CORE.slice(0, 5), "CSeq: 1 INVITE"]));
  assert.equal(urn.uri.scheme, "urn");
});

// --- typed accessors -------------------------------------------------------------------------------

test("Via: protocol, transport, sent-by and the routing parameters", () => {
  const m = parseReq(wire([
    "REGISTER sip:example.com SIP/2.0",
    "Via: SIP/2.0/udp 192.0.2.1:5070;branch=z9hG4bK776;received=198.51.100.7;rport=40000;maddr=224.2.0.1;ttl=16",
    "Via: SIP / 2.0 / TCP [2001:db8::9]:5061;rport;branch=z9hG4bKx",
    ...CORE.slice(1),
  ]));
  const [a, b] = m.vias;
  assert.ok(a !== undefined && b !== undefined);
  assert.equal(a.protocol, "SIP/2.0");
  assert.equal(a.transport, "UDP");
  assert.equal(a.host, "192.0.2.1");
  assert.equal(a.port, 5070);
  assert.equal(viaBranch(a), "z9hG4bK776");
  assert.equal(a.params.get("received"), "198.51.100.7");
  assert.equal(viaRport(a), 40000);
  assert.equal(a.params.get("maddr"), "224.2.0.1");
  assert.equal(a.params.get("ttl"), "16");
  assert.equal(b.host, "[2001:db8::9]");
  assert.equal(b.port, 5061);
  assert.equal(b.transport, "TCP");
  assert.equal(viaRport(b), null);
  assert.equal(viaBranch(b), "z9hG4bKx");
});

test("Via errors", () => {
  for (const v of ["SIP/2.0/UDP", "SIP/2.0 host", "SIP/2.0/UDP host;ttl=256", "SIP/2.0/UDP host;rport=70000", "SIP/2.0/UDP host:99999",
    "SIP/2.0/UDP ho$t", "SIP/2.0/UDP host;=x", "SIP/2.0/UDP [::1"]) {
    const e = parseErr(wire(["REGISTER sip:example.com SIP/2.0", `Via: ${v}`, ...CORE.slice(1)]), "SIP_PARSE_HEADER");
    assert.equal(e.header, "via", v);
  }
});

test("From and To: display names (quoted, token, none) and tags", () => {
  const m = parseReq(wire([
    "REGISTER sip:example.com SIP/2.0",
    CORE[0]!,
    'From: "Alice \\"A\\" Liddell" <sip:alice@example.com>;tag=88sja8x',
    "To: The Bob <sips:bob@example.com>",
    ...CORE.slice(4),
  ]));
  assert.equal(m.from.displayName, 'Alice "A" Liddell');
  assert.equal(m.fromTag, "88sja8x");
  assert.equal(m.to.displayName, "The Bob");
  assert.equal(m.to.uri.scheme, "sips");
  assert.equal(m.toTag, undefined);
  const n = parseReq(wire(["REGISTER sip:example.com SIP/2.0", CORE[0]!, "From: sip:a@example.com;tag=x", "To: sip:b@example.com;tag=y", ...CORE.slice(4)]));
  assert.equal(n.from.displayName, undefined);
  assert.equal(n.fromTag, "x");
  assert.equal(n.toTag, "y");
});

test("Contact: star", () => {
  const m = parseReq(register(["Contact: *", "Expires: 0"]));
  assert.deepEqual(m.contacts, [{ kind: "star" }]);
  assert.equal(m.expires, 0);
});

test("Contact: bindings with q, expires, +sip.instance, reg-id, methods, pub-gruu, temp-gruu", () => {
  const m = parseReq(register([
    'Contact: <sip:alice@192.0.2.4;ob>;q=0.7;expires=3600;+sip.instance="<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>";reg-id=1;methods="INVITE, bye,OPTIONS"',
    'Contact: <sip:alice@192.0.2.5>;pub-gruu="sip:alice@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6";temp-gruu="sip:tgruu.7hs==jd7vnzga5w7fajsc7-ajd6fabz0f8g5@example.com;gr";q=1',
    "Contact: sip:alice@192.0.2.6",
  ]));
  const a = binding(m, 0);
  assert.equal(a.uri.scheme, "sip");
  assert.ok(isSipUri(a.uri) && a.uri.params.has("ob"));
  assert.equal(contactQ1000(a), 700);
  assert.equal(contactExpires(a), 3600);
  assert.equal(contactInstance(a), "<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>");
  assert.equal(contactRegId(a), 1);
  assert.deepEqual(contactMethods(a), ["INVITE", "BYE", "OPTIONS"]);
  const b = binding(m, 1);
  assert.equal(contactPubGruu(b), "sip:alice@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
  assert.equal(contactTempGruu(b), "sip:tgruu.7hs==jd7vnzga5w7fajsc7-ajd6fabz0f8g5@example.com;gr");
  assert.equal(contactQ1000(b), 1000);
  const c = binding(m, 2);
  assert.equal(contactQ1000(c), undefined);
  assert.equal(contactExpires(c), undefined);
  assert.equal(contactInstance(c), undefined);
  assert.equal(contactRegId(c), undefined);
  assert.equal(contactMethods(c), undefined);
  assert.equal(contactPubGruu(c), undefined);
});

test("Contact parameter errors throw SipParseError for the contact header", () => {
  const m = parseReq(register(["Contact: <sip:a@b>;q=1.5;expires=abc;reg-id=0"]));
  const c = binding(m);
  for (const f of [contactQ1000, contactExpires, contactRegId]) {
    assert.throws(() => f(c), (e: unknown) => e instanceof SipParseError && e.header === "contact");
  }
  assert.throws(() => contactExpires(binding(parseReq(register(["Contact: <sip:a@b>;expires=4294967296"])))), SipParseError);
  assert.equal(contactExpires(binding(parseReq(register(["Contact: <sip:a@b>;expires=4294967295"])))), 4294967295);
});

test("a contact addr-spec's parameters are header parameters; a URI with ? needs <>", () => {
  const m = parseReq(register(["Contact: sip:a@b;transport=tcp;expires=5"]));
  const c = binding(m);
  assert.ok(isSipUri(c.uri));
  assert.equal(c.uri.params.size, 0);
  assert.equal(contactExpires(c), 5);
  assert.equal(c.params.get("transport"), "tcp");
  const bad = parseReq(register(["Contact: sip:a@b?subject=x"]));
  assert.throws(() => bad.contacts, (e: unknown) => e instanceof SipParseError && e.header === "contact");
});

test("Expires, Min-Expires, Max-Forwards, Flow-Timer", () => {
  const m = parseReq(register(["Expires: 7200", "Min-Expires: 60", "Flow-Timer: 120"]));
  assert.equal(m.expires, 7200);
  assert.equal(m.minExpires, 60);
  assert.equal(m.maxForwards, 70);
  assert.equal(m.flowTimer, 120);
  const none = parseReq(wire(["REGISTER sip:example.com SIP/2.0", ...CORE.filter((l) => !l.startsWith("Max"))]));
  assert.equal(none.expires, undefined);
  assert.equal(none.minExpires, undefined);
  assert.equal(none.maxForwards, undefined);
  assert.equal(none.flowTimer, undefined);
  assert.equal(parseReq(register(["Expires: 0004294967295"])).expires, 4294967295);
  parseErr(register(["Expires: 4294967296"]), "SIP_PARSE_HEADER");
  parseErr(register(["Expires: soon"]), "SIP_PARSE_HEADER");
  const mf = parseReq(register(["Min-Expires: -1", "Flow-Timer: x"]));
  assert.throws(() => mf.minExpires, SipParseError);
  assert.throws(() => mf.flowTimer, SipParseError);
});

test("Max-Forwards bounds", () => {
  const mf = (v: string): Buffer => wire(["REGISTER sip:example.com SIP/2.0", `Max-Forwards: ${v}`, ...CORE.filter((l) => !l.startsWith("Max"))]);
  assert.equal(parseReq(mf("0")).maxForwards, 0);
  assert.equal(parseReq(mf("255")).maxForwards, 255);
  assert.equal(parseReq(mf("0068")).maxForwards, 68);
  parseErr(mf("256"), "SIP_PARSE_HEADER");
  parseErr(mf("-1"), "SIP_PARSE_HEADER");
});

test("Route, Record-Route, Path and Service-Route as name-addr lists", () => {
  const m = parseReq(register([
    "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>",
    "Route: <sip:p3.example.com;lr>",
    "Record-Route: <sip:rr.example.com;lr;transport=tcp>",
    "Path: <sip:edge.example.com;lr;ob>",
    "Service-Route: <sip:orig@scscf.example.com;lr>",
  ]));
  assert.deepEqual(m.nameAddrList("route").map((r) => (isSipUri(r.uri) ? r.uri.host : "")), ["p1.example.com", "p2.example.com", "p3.example.com"]);
  const rr = m.nameAddrList("record-route")[0]!.uri;
  assert.ok(isSipUri(rr) && rr.params.get("transport") === "tcp");
  const path = m.nameAddrList("path")[0]!.uri;
  assert.ok(isSipUri(path) && path.params.has("ob"));
  const sr = m.nameAddrList("service-route")[0]!.uri;
  assert.ok(isSipUri(sr) && sr.user === "orig");
  assert.deepEqual(parseReq(register([])).nameAddrList("route"), []);
});

test("Supported, Require, Proxy-Require, Unsupported, Allow", () => {
  const m = parseReq(register([
    "Supported: path, outbound",
    "Supported: gruu",
    "Require: outbound",
    "Proxy-Require: sec-agree",
    "Unsupported: foo",
    "Allow: INVITE, ack, Cancel",
  ]));
  assert.deepEqual(m.supported, ["path", "outbound", "gruu"]);
  assert.deepEqual(m.require, ["outbound"]);
  assert.deepEqual(m.proxyRequire, ["sec-agree"]);
  assert.deepEqual(m.unsupported, ["foo"]);
  assert.deepEqual(m.allow, ["INVITE", "ACK", "CANCEL"]);
  assert.deepEqual(parseReq(register(["Supported:"])).supported, []);
  assert.throws(() => parseReq(register(["Require: a b"])).require, (e: unknown) => e instanceof SipParseError && e.header === "require");
});

test("User-Agent, Server, Content-Type are kept as written", () => {
  const m = parseReq(register(["User-Agent: Softphone Beta1.5 (Linux)", "Server: HomeServer v2", "Content-Type: application/sdp; charset=utf-8"]));
  assert.equal(m.userAgent, "Softphone Beta1.5 (Linux)");
  assert.equal(m.server, "HomeServer v2");
  assert.equal(m.contentType, "application/sdp; charset=utf-8");
});

test("Date: RFC 1123 in GMT only", () => {
  assert.equal(parseReq(register(["Date: Sat, 13 Nov 2010 23:29:00 GMT"])).date, Date.UTC(2010, 10, 13, 23, 29, 0));
  for (const v of ["Sat, 13 Nov 2010 23:29:00 UTC", "Sat, 13 Nov 2010 23:29:00 EST", "13 Nov 2010 23:29:00 GMT", "yesterday"]) {
    assert.throws(() => parseReq(register([`Date: ${v}`])).date, (e: unknown) => e instanceof SipParseError && e.header === "date", v);
  }
});

test("Retry-After with comment and duration", () => {
  const m = parseMessage(wire(["SIP/2.0 503 Service Unavailable", ...CORE.filter((l) => !l.startsWith("Max")), "Retry-After: 18000;duration=3600"]));
  assert.deepEqual(m.retryAfter, { seconds: 18000, comment: undefined, durationSec: 3600 });
  const n = parseMessage(wire(["SIP/2.0 486 Busy Here", ...CORE.filter((l) => !l.startsWith("Max")), "Retry-After: 120 (I'm in a meeting)"]));
  assert.deepEqual(n.retryAfter, { seconds: 120, comment: "I'm in a meeting", durationSec: undefined });
  assert.throws(() => parseReq(register(["Retry-After: later"])).retryAfter, SipParseError);
  assert.throws(() => parseReq(register(["Retry-After: 949302838503028349304023988"])).retryAfter, SipParseError);
});

test("Timestamp kept as text for the echo", () => {
  assert.deepEqual(parseReq(register(["Timestamp: 54.2 0.31"])).timestamp, { value: "54.2", delay: "0.31" });
  assert.deepEqual(parseReq(register(["Timestamp: 1000"])).timestamp, { value: "1000", delay: undefined });
  assert.throws(() => parseReq(register(["Timestamp: noon"])).timestamp, SipParseError);
});

test("WWW-Authenticate and other auth headers are kept raw, one value per line", () => {
  const c1 = 'Digest realm="atlanta.com", domain="sip:boxesbybob.com", qop="auth", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=MD5';
  const c2 = 'Digest realm="atlanta.com", qop="auth", nonce="abc", algorithm=SHA-256';
  const m = parseMessage(wire(["SIP/2.0 401 Unauthorized", ...CORE.filter((l) => !l.startsWith("Max")), `WWW-Authenticate: ${c1}`, `WWW-Authenticate: ${c2}`]));
  assert.deepEqual(m.headers.getAll("www-authenticate"), [c1, c2]);
  assert.equal(m.headers.names.at(-1), "WWW-Authenticate");
});

test("unknown headers are kept verbatim, in order, with their spelling", () => {
  const m = parseReq(register(["X-Custom: a;b=c, d", "p-asserted-identity: <sip:x@y>", "X-Custom: second", "Weird-Header:  ;;,,  "]));
  const n = CORE.length;
  assert.deepEqual(m.headers.names.slice(n), ["X-Custom", "p-asserted-identity", "X-Custom", "Weird-Header"]);
  assert.deepEqual(m.headers.values.slice(n), ["a;b=c, d", "<sip:x@y>", "second", ";;,,"]);
  assert.deepEqual(m.headers.getAll("x-custom"), ["a;b=c, d", "second"]);
});

test("UTF-8 in header values and reason phrases", () => {
  const m = parseMessage(wire(["SIP/2.0 200 Добро", ...CORE.filter((l) => !l.startsWith("Max")), "Subject: 大停電 ☎"]));
  assert.ok(m instanceof SipResponse);
  assert.equal(m.reason, "Добро");
  assert.equal(m.headers.get("subject"), "大停電 ☎");
});

test("every accessor of a well-formed message answers", () => {
  const m = parseReq(register(["Contact: <sip:a@b>;expires=5", "Supported: path", "Date: Sat, 13 Nov 2010 23:29:00 GMT"]));
  assert.equal(readAllAccessors(m), 0);
});

test("errors keep the partial message and a readable reason phrase", () => {
  const e = parseErr(register(["Expires: tomorrow"]), "SIP_PARSE_HEADER");
  assert.equal(e.header, "expires");
  assert.ok(e.partial instanceof SipRequest);
  assert.equal(e.partial.callId, "a84b4c76e66710@pc33.example.com");
  assert.ok(!/[\r\n]/.test(e.reasonPhrase));
  assert.ok(e.reasonPhrase.length <= 120);
  assert.equal(e.name, "SipParseError");
});
