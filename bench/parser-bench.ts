// npm run bench:parser — messages/s for parsing a typical REGISTER and INVITE, and for serializing.
// Each case runs for a fixed time after a warm-up; figures are printed, never asserted.
import { readFileSync } from "node:fs";
import { parseMessage } from "../src/sip/parser.js";
import { serializeMessage } from "../src/sip/serializer.js";
import { createResponse } from "../src/sip/response-builder.js";
import type { SipRequest } from "../src/sip/message.js";

const fixture = (name: string): Buffer => readFileSync(new URL(`../../bench/fixtures/${name}`, import.meta.url));
const register = fixture("register.sip");
const invite = fixture("invite.sip");

function measure(label: string, fn: () => unknown, seconds = Number(process.env.BENCH_SECONDS ?? 2)): number {
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) fn();
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
    now = performance.now();
  }
  const perSec = n / ((now - start) / 1000);
  console.log(`${label.padEnd(58)} ${Math.round(perSec).toLocaleString("en-US").padStart(12)} msg/s  ${(1e6 / perSec).toFixed(2).padStart(7)} µs/msg`);
  return perSec;
}

const reg = parseMessage(register) as SipRequest;
const resp = createResponse(reg, 200, { toTag: "a1b2c3" });
let sink = 0;

console.log(`sipreg parser benchmark (node ${process.version}, one thread)`);
measure("parse REGISTER (core headers validated)", () => parseMessage(register));
measure("parse REGISTER + Contact list + Expires", () => {
  const m = parseMessage(register);
  sink += m.contacts.length + (m.expires ?? 0);
});
measure("parse INVITE with SDP body", () => parseMessage(invite));
measure("serialize 200 OK built from the REGISTER (§8.2.6)", () => serializeMessage(createResponse(reg, 200, { toTag: "a1b2c3" })));
measure("serialize a parsed REGISTER", () => serializeMessage(reg));
measure("serialize a prepared 200 OK", () => serializeMessage(resp));
if (sink < 0) console.log(sink);
