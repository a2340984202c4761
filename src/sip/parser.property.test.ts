// Property tests of the message layer: generated messages survive serialize → parse, damaged messages only
// ever raise SipParseError, URI equality is reflexive and symmetric, framing ignores chunk boundaries.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import fc from "fast-check";
import { parseMessage } from "./parser.js";
import { serializeMessage } from "./serializer.js";
import { HeaderList } from "./header-list.js";
import { headerKey } from "./header-names.js";
import { SipRequest, SipResponse, type SipMessage } from "./message.js";
import { SipParseError } from "./parse-error.js";
import { parseUri, serializeUri } from "./uri.js";
import { uriEquals } from "./uri-equality.js";
import { StreamFramer } from "./stream-framer.js";
import { fixtureBytes, fixtureUrl, readAllAccessors } from "./test-util.js";

/** Runs per property; SIP_PROPERTY_RUNS raises it for a longer hunt (the suite stays at a few seconds). */
const RUNS = Number(process.env.SIP_PROPERTY_RUNS ?? 300);

// --- character classes ---------------------------------------------------------------------------------

const ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGIT = "0123456789";
const TOKEN_CHARS = [...ALPHA, ...DIGIT, ..."-.!%*_+`'~"];
const UNRESERVED = [...ALPHA, ...DIGIT, ..."-_.!~*'()"];
const USER_CHARS = [...UNRESERVED, ..."&=+$,;?/"];
const PARAM_CHARS = [...UNRESERVED, ..."[]/:&+$"];
const HVALUE_CHARS = [...UNRESERVED, ..."[]/?:+$"];
/** Printable text of header values and reason phrases: ASCII, some UTF-8, inner spaces and tabs. */
const TEXT_CHARS = [...ALPHA, ...DIGIT, ..." \t!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", ..."éü☎大停電ж"];

const chars = (set: readonly string[], min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...set), minLength: min, maxLength: max });
const token = (max = 10): fc.Arbitrary<string> => chars(TOKEN_CHARS, 1, max);
const escaped = fc.integer({ min: 0, max: 255 }).map((n) => "%" + n.toString(16).padStart(2, "0").toUpperCase());
const withEscapes = (set: readonly string[], max: number): fc.Arbitrary<string> =>
  fc.array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...set) }, { weight: 1, arbitrary: escaped }), { minLength: 1, maxLength: max }).map((a) => a.join(""));
const trimmedText = (max: number): fc.Arbitrary<string> => chars(TEXT_CHARS, 0, max).map((s) => s.replace(/^[ \t]+|[ \t]+$/g, ""));

const label = fc.tuple(chars([...ALPHA, ...DIGIT], 1, 1), chars([...ALPHA, ...DIGIT, "-"], 0, 6), chars([...ALPHA, ...DIGIT], 0, 1)).map((p) => p.join(""));
const domain = fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join(".") + ".example");
const ipv4 = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }).map((a) => a.join("."));
const ipv6 = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 4 }).map((a) => `[2001:db8::${a.map((n) => n.toString(16)).join(":")}]`);
const host = fc.oneof(domain, ipv4, ipv6);
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });

// --- URIs ----------------------------------------------------------------------------------------------------

const uriParam = fc.tuple(chars([...ALPHA, "-"], 1, 8), fc.option(withEscapes(PARAM_CHARS, 8), { nil: null }));
const uriHeader = fc.tuple(token(6), withEscapes(HVALUE_CHARS, 8));

interface SipUriParts {
  scheme: "sip" | "sips";
  user: string | undefined;
  password: string | undefined;
  host: string;
  port: number | undefined;
  params: Array<[string, string | null]>;
  headers: Array<[string, string]>;
}

const sipUriParts = (withHeaders: boolean): fc.Arbitrary<SipUriParts> =>
  fc.record({
    scheme: fc.constantFrom("sip" as const, "sips" as const),
    user: fc.option(withEscapes(USER_CHARS, 10), { nil: undefined }),
    password: fc.option(withEscapes(UNRESERVED, 6), { nil: undefined }),
    host,
    port,
    params: fc.array(uriParam, { maxLength: 3 }),
    headers: withHeaders ? fc.array(uriHeader, { maxLength: 2 }) : fc.constant([]),
  });

function sipUriText(p: SipUriParts): string {
  let s = `${p.scheme}:`;
  if (p.user !== undefined) s += p.user + (p.password !== undefined ? `:${p.password}` : "") + "@";
  s += p.host + (p.port !== undefined ? `:${p.port}` : "");
  for (const [n, v] of p.params) s += v === null ? `;${n}` : `;${n}=${v}`;
  if (p.headers.length > 0) s += "?" + p.headers.map(([n, v]) => `${n}=${v}`).join("&");
  return s;
}

const telUri = fc.tuple(chars([...DIGIT, "-"], 1, 12), fc.array(uriParam, { maxLength: 2 })).map(
  ([n, ps]) => `tel:+1${n}` + ps.map(([k, v]) => (v === null ? `;${k}` : `;${k}=${v}`)).join(""),
);
const otherUri = fc.tuple(fc.constantFrom("urn", "im", "http", "mailto"), chars([...UNRESERVED, ":", "@", "/"], 1, 16)).map(([s, o]) => `${s}:${o}`);
const requestUri = fc.oneof({ weight: 4, arbitrary: sipUriParts(false).map(sipUriText) }, telUri, otherUri);
const anyUri = fc.oneof({ weight: 4, arbitrary: sipUriParts(true).map(sipUriText) }, telUri, otherUri);

// --- messages ---------------------------------------------------------------------------------------------------

/** Keys the parser validates itself: extra headers must not collide with them. */
const VALIDATED = new Set(["via", "from", "to", "call-id", "cseq", "max-forwards", "expires", "content-length"]);
const extraHeader = fc.tuple(token(14).filter((n) => !VALIDATED.has(headerKey(n))), trimmedText(40));

const nameAddr = fc.tuple(fc.option(chars([...ALPHA, " "], 1, 10).map((s) => s.trim()).filter((s) => s.length > 0), { nil: undefined }), anyUri)
  .map(([dn, u]) => (dn === undefined ? `<${u}>` : `"${dn}" <${u}>`));
const via = fc.tuple(fc.constantFrom("UDP", "TCP", "TLS", "WS", "SCTP"), host, port, token(12))
  .map(([t, h, p, b]) => `SIP/2.0/${t} ${h}${p === undefined ? "" : `:${p}`};branch=z9hG4bK${b}`);

interface Model {
  start: { method: string; uri: string } | { status: number; reason: string };
  headers: Array<[string, string]>;
  body: Buffer;
}

const model: fc.Arbitrary<Model> = fc
  .record({
    request: fc.boolean(),
    method: token(12),
    uri: requestUri,
    status: fc.integer({ min: 100, max: 699 }),
    reason: trimmedText(20),
    vias: fc.array(via, { minLength: 1, maxLength: 3 }),
    from: nameAddr,
    to: nameAddr,
    fromTag: token(8),
    callId: fc.tuple(token(12), fc.option(domain, { nil: undefined })).map(([a, b]) => (b === undefined ? a : `${a}@${b}`)),
    seq: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    maxForwards: fc.integer({ min: 0, max: 255 }),
    compact: fc.boolean(),
    extras: fc.array(extraHeader, { maxLength: 6 }),
    body: fc.uint8Array({ maxLength: 120 }),
  })
  .chain((r) =>
    // the core headers in any order among the extra ones
    fc.shuffledSubarray(r.extras, { minLength: r.extras.length, maxLength: r.extras.length }).map((extras) => {
      const c = r.compact;
      const core: Array<[string, string]> = [
        ...r.vias.map((v): [string, string] => [c ? "v" : "Via", v]),
        [c ? "f" : "From", `${r.from};tag=${r.fromTag}`],
        [c ? "t" : "To", r.to],
        [c ? "i" : "Call-ID", r.callId],
        ["CSeq", `${r.seq} ${r.request ? r.method : "INVITE"}`],
      ];
      if (r.request) core.push(["Max-Forwards", String(r.maxForwards)]);
      return {
        start: r.request ? { method: r.method, uri: r.uri } : { status: r.status, reason: r.reason },
        headers: [...core, ...extras],
        body: Buffer.from(r.body),
      };
    }),
  );

function build(m: Model): SipMessage {
  const h = new HeaderList();
  for (const [n, v] of m.headers) h.addRaw(n, headerKey(n), v);
  return "method" in m.start ? new SipRequest(m.start.method, m.start.uri, h, m.body) : new SipResponse(m.start.status, m.start.reason, h, m.body);
}

function view(msg: SipMessage): Model {
  const h = msg.headers;
  const headers: Array<[string, string]> = [];
  for (let i = 0; i < h.keys.length; i++) if (h.keys[i] !== "content-length") headers.push([h.names[i]!, h.values[i]!]);
  return {
    start: msg.kind === "request" ? { method: msg.method, uri: msg.uriText } : { status: msg.status, reason: msg.reason },
    headers,
    body: Buffer.from(msg.body),
  };
}

test("property: serialize then parse gives back the model (start line, headers in order, body)", () => {
  fc.assert(
    fc.property(model, (m) => {
      const bytes = serializeMessage(build(m));
      for (const datagram of [true, false]) {
        const parsed = parseMessage(bytes, { datagram });
        assert.deepStrictEqual(view(parsed), m);
        assert.equal(readAllAccessors(parsed) >= 0, true);
      }
    }),
    { numRuns: RUNS },
  );
});

test("property: parse(serialize(parse(x))) is stable", () => {
  fc.assert(
    fc.property(model, (m) => {
      const once = serializeMessage(parseMessage(serializeMessage(build(m))));
      const twice = serializeMessage(parseMessage(once));
      assert.ok(twice.equals(once));
    }),
    { numRuns: RUNS },
  );
});

// --- damaged input ----------------------------------------------------------------------------------------------

const FIXTURES: Buffer[] = [];
for (const dir of ["valid", "invalid"]) {
  for (const f of readdirSync(fixtureUrl(`rfc4475/${dir}/`))) if (f.endsWith(".sip")) FIXTURES.push(fixtureBytes(`rfc4475/${dir}/${f}`));
}

type Mutation =
  | { op: "flip"; at: number; byte: number }
  | { op: "truncate"; at: number }
  | { op: "insert"; at: number; bytes: Uint8Array }
  | { op: "delete"; at: number; len: number }
  | { op: "duplicate"; at: number; len: number };

const INTERESTING = [0, 9, 10, 13, 32, 34, 37, 44, 58, 59, 60, 62, 64, 92, 127, 128, 255].map((b) => fc.constant(b));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("flip" as const), at: fc.nat(), byte: fc.oneof(fc.integer({ min: 0, max: 255 }), ...INTERESTING) }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant("duplicate" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
);

function mutate(b: Buffer, m: Mutation): Buffer {
  const at = b.length === 0 ? 0 : m.at % (b.length + 1);
  switch (m.op) {
    case "flip": {
      const c = Buffer.from(b);
      if (c.length > 0) c[Math.min(at, c.length - 1)] = m.byte;
      return c;
    }
    case "truncate":
      return b.subarray(0, at);
    case "insert":
      return Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
    case "delete":
      return Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
    case "duplicate":
      return Buffer.concat([b.subarray(0, at + m.len), b.subarray(at, at + m.len), b.subarray(at + m.len)]);
  }
}

function onlyParseErrors(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
  }
}

test("property: damaged torture messages raise only SipParseError, and their accessors too", () => {
  fc.assert(
    fc.property(fc.constantFrom(...FIXTURES), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (fixture, muts, datagram) => {
      const bytes = muts.reduce(mutate, fixture);
      let parsed: SipMessage | undefined;
      let partial: SipMessage | undefined;
      try {
        parsed = parseMessage(bytes, { datagram });
      } catch (e) {
        if (!(e instanceof SipParseError)) throw e;
        partial = e.partial;
      }
      for (const m of [parsed, partial]) {
        if (m === undefined) continue;
        readAllAccessors(m); // rethrows anything that is not a SipParseError
        onlyParseErrors(() => serializeMessage(m));
      }
      onlyParseErrors(() => new StreamFramer().push(bytes));
    }),
    { numRuns: RUNS * 2 },
  );
});

test("property: random bytes raise only SipParseError", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (b, datagram) => {
      onlyParseErrors(() => {
        const m = parseMessage(Buffer.from(b), { datagram });
        readAllAccessors(m);
      });
      onlyParseErrors(() => new StreamFramer().push(Buffer.from(b)));
    }),
    { numRuns: RUNS },
  );
});

// --- URI equality -----------------------------------------------------------------------------------------------

/** A variant of a URI text that may or may not be equivalent: case changes, escapes, params added, reordered. */
const uriVariant = (text: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constant(text),
    fc.constant(text.toUpperCase()),
    fc.constant(text.replace(/^sips?:/i, (s) => s.toUpperCase())),
    fc.constant(text.replace(/@([^;?]*)/, (_m, h: string) => `@${h.toUpperCase()}`)),
    fc.constant(text.replace(/^(sips?:)([a-z])/i, (_m, s: string, c: string) => `${s}%${c.charCodeAt(0).toString(16)}`)),
    uriParam.map(([n, v]) => (text.includes("?") ? text.replace("?", v === null ? `;${n}?` : `;${n}=${v}?`) : text + (v === null ? `;${n}` : `;${n}=${v}`))),
    fc.constant(text.replace(/;transport=[^;?]*/i, "")),
    fc.constant(text + (text.includes("?") ? "&x=1" : "")),
  );

test("property: URI equality is reflexive and symmetric", () => {
  fc.assert(
    fc.property(
      anyUri.chain((a) => fc.tuple(fc.constant(a), uriVariant(a), anyUri)),
      ([a, variant, other]) => {
        const ua = parseUri(a);
        assert.ok(uriEquals(ua, ua));
        assert.ok(uriEquals(ua, parseUri(a)));
        assert.ok(uriEquals(ua, parseUri(serializeUri(ua))));
        for (const b of [variant, other]) {
          let ub;
          try {
            ub = parseUri(b);
          } catch {
            continue; // a variant may not be a URI any more (e.g. upper-cased escapes are fine, others not)
          }
          assert.equal(uriEquals(ua, ub), uriEquals(ub, ua), `${a} vs ${b}`);
        }
      },
    ),
    { numRuns: RUNS },
  );
});

// --- framing ---------------------------------------------------------------------------------------------------

const streamItems = fc.array(
  fc.oneof({ weight: 4, arbitrary: model.map((m) => ({ message: serializeMessage(build(m)) })) }, fc.constantFrom({ keepalive: "\r\n\r\n" }, { keepalive: "\r\n" })),
  { minLength: 1, maxLength: 6 },
);

test("property: the stream framer yields the same messages whatever the chunking", () => {
  fc.assert(
    fc.property(streamItems, fc.array(fc.nat(), { maxLength: 12 }), (items, cuts) => {
      const messages = items.flatMap((i) => ("message" in i ? [i.message] : []));
      const stream = Buffer.concat(items.map((i) => ("message" in i ? i.message : Buffer.from(i.keepalive))));
      const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((x, y) => x - y);
      const framer = new StreamFramer();
      const got: Buffer[] = [];
      let last = 0;
      for (const p of [...points, stream.length]) {
        for (const ev of framer.push(stream.subarray(last, p))) if (ev.kind === "message") got.push(Buffer.from(ev.bytes));
        last = p;
      }
      assert.equal(got.length, messages.length);
      got.forEach((g, i) => assert.ok(g.equals(messages[i]!)));
      // each frame parses as the stream message it is
      for (const g of got) parseMessage(g, { datagram: false });
    }),
    { numRuns: RUNS },
  );
});
