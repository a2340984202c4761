// RFC 4475 "SIP Torture Test Messages": every message of §3, byte-exact, with what the RFC says about it
// in <name>.expected.json beside it (see fixtures/rfc4475/README.md for the format).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { parseMessage } from "./parser.js";
import { SipParseError } from "./parse-error.js";
import { SipRequest, type SipMessage } from "./message.js";
import { createResponse } from "./response-builder.js";
import { serializeMessage } from "./serializer.js";
import { StreamFramer } from "./stream-framer.js";
import { fixtureUrl, readAllAccessors, resolvePath } from "./test-util.js";

interface Expected {
  section: string;
  title: string;
  rfc: string;
  parse: "ok" | { error: string; header: string | null; partial: boolean };
  values?: Record<string, unknown>;
  throws?: Record<string, { code: string; header: string | null }>;
  status: number | null;
  answer?: boolean;
  note?: string;
  stream?: { messages?: number; waits?: boolean; error?: string };
}

const ROOT = fixtureUrl("rfc4475/");
const skips = JSON.parse(readFileSync(new URL("skip.json", ROOT), "utf8")) as Record<string, string>;

/** Every message of RFC 4475 §3 (§3.1.1, §3.1.2, §3.2, §3.3, §3.4). */
const RFC_NAMES = [
  "wsinv", "intmeth", "esc01", "escnull", "esc02", "lwsdisp", "longreq", "dblreq", "semiuri", "transports", "mpart01",
  "unreason", "noreason",
  "badinv01", "clerr", "ncl", "scalar02", "scalarlg", "quotbal", "ltgtruri", "lwsruri", "lwsstart", "trws", "escruri",
  "baddate", "regbadct", "badaspec", "baddn", "badvers", "mismatch01", "mismatch02", "bigcode",
  "badbranch",
  "insuf", "unkscm", "novelsc", "unksm2", "bext01", "invut", "regaut01", "multi01", "mcl01", "bcast", "zeromf", "cparam01",
  "cparam02", "regescrt", "sdp01",
  "inv2543",
];

interface Fixture {
  dir: "valid" | "invalid";
  name: string;
  bytes: Buffer;
  expected: Expected;
}

const fixtures: Fixture[] = [];
for (const dir of ["valid", "invalid"] as const) {
  for (const file of readdirSync(new URL(`${dir}/`, ROOT)).sort()) {
    if (!file.endsWith(".sip")) continue;
    const name = file.slice(0, -4);
    fixtures.push({
      dir,
      name,
      bytes: readFileSync(new URL(`${dir}/${file}`, ROOT)),
      expected: JSON.parse(readFileSync(new URL(`${dir}/${name}.expected.json`, ROOT), "utf8")) as Expected,
    });
  }
}

test("RFC 4475: every §3 message is present, once, with its expectations", () => {
  assert.deepEqual(fixtures.map((f) => f.name).sort(), [...RFC_NAMES].sort());
  for (const [name, reason] of Object.entries(skips)) {
    assert.ok(RFC_NAMES.includes(name), `skip.json names unknown fixture ${name}`);
    assert.ok(typeof reason === "string" && reason.length > 0, `skip of ${name} needs a reason`);
  }
});

test("RFC 4475: fixtures keep CRLF line ends in their heads", () => {
  for (const f of fixtures) {
    let headEnd = f.bytes.indexOf("\r\n\r\n");
    if (f.name === "baddn") headEnd = f.bytes.length; // the RFC's baddn has no empty line after its headers
    assert.ok(headEnd > 0, `${f.name}: no CRLFCRLF`);
    for (let i = 0; i < headEnd; i++) {
      if (f.bytes[i] === 10) assert.equal(f.bytes[i - 1], 13, `${f.name}: bare LF at ${i}`);
    }
  }
});

function sameError(e: unknown, code: string, header: string | null): boolean {
  return e instanceof SipParseError && e.code === code && (e.header ?? null) === header;
}

function checkValues(target: SipMessage, expected: Expected, label: string): void {
  for (const [path, want] of Object.entries(expected.values ?? {})) {
    assert.deepStrictEqual(resolvePath(target, path), want, `${label}: ${path}`);
  }
  for (const [path, err] of Object.entries(expected.throws ?? {})) {
    assert.throws(() => resolvePath(target, path), (e: unknown) => sameError(e, err.code, err.header), `${label}: ${path} must throw ${err.code}`);
  }
}

// The answer an element builds from what it could read (§8.2.6): the Via lines, Call-ID, From and CSeq
// come back as they were written, so the 400/505/501 reaches the sender.
function checkAnswer(target: SipMessage, status: number, label: string): void {
  assert.ok(target instanceof SipRequest, `${label}: only a request is answered`);
  const resp = createResponse(target, status, { toTag: "t0rture" });
  const text = serializeMessage(resp).toString("utf8");
  assert.ok(text.startsWith(`SIP/2.0 ${status} `), `${label}: status line`);
  assert.deepEqual(resp.headers.getAll("via"), target.headers.getAll("via"), `${label}: Via copied in order`);
  assert.deepEqual(resp.headers.getAll("call-id"), target.headers.getAll("call-id"), `${label}: Call-ID copied`);
  assert.deepEqual(resp.headers.getAll("cseq"), target.headers.getAll("cseq"), `${label}: CSeq copied`);
}

for (const f of fixtures) {
  const e = f.expected;
  const label = `${f.dir}/${f.name}`;
  const skip = skips[f.name];
  test(`RFC 4475 §${e.section} ${f.name}: ${e.title}`, { skip: skip ?? false }, () => {
    let msg: SipMessage | undefined;
    let err: unknown;
    try {
      msg = parseMessage(f.bytes, { datagram: true });
    } catch (x) {
      err = x;
    }
    let target: SipMessage | undefined;
    if (e.parse === "ok") {
      assert.equal(err, undefined, `${label}: must parse (${String(err)})`);
      target = msg;
    } else {
      const want = e.parse;
      assert.ok(err instanceof SipParseError, `${label}: must fail with SipParseError, got ${String(err ?? "a message")}`);
      assert.equal(err.code, want.error, `${label}: error code (${err.message})`);
      assert.equal(err.header ?? null, want.header, `${label}: error header`);
      assert.equal(err.partial !== undefined, want.partial, `${label}: partial message`);
      assert.ok(err.reasonPhrase.startsWith("Bad Request"), `${label}: reason phrase`);
      target = err.partial;
    }
    if (target !== undefined) {
      checkValues(target, e, label);
      readAllAccessors(target); // throws only SipParseError, whatever the defect
      if (e.answer === true && e.status !== null) checkAnswer(target, e.status, label);
    }

    if (e.stream !== undefined) {
      const framer = new StreamFramer();
      if (e.stream.error !== undefined) {
        const code = e.stream.error;
        assert.throws(() => framer.push(f.bytes), (x: unknown) => x instanceof SipParseError && x.code === code, `${label}: stream framing error`);
      } else if (e.stream.waits === true) {
        const events = framer.push(f.bytes);
        assert.equal(events.filter((ev) => ev.kind === "message").length, 0, `${label}: no message before the body is complete`);
        assert.equal(framer.buffered, f.bytes.length, `${label}: everything held`);
      } else {
        const frames = framer.push(f.bytes).filter((ev) => ev.kind === "message");
        assert.equal(frames.length, e.stream.messages, `${label}: frames`);
        if (e.stream.messages === 1 && frames[0]?.kind === "message") {
          assert.ok(frames[0].bytes.equals(f.bytes), `${label}: the frame is the whole message`);
          checkValues(parseMessage(frames[0].bytes, { datagram: false }), e, `${label} (stream)`);
        }
      }
    }
  });
}
