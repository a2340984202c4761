// Measures the memory of the location index per binding: 1 000 000 synthetic bindings, like the
// plain-object baseline of bench/RESULTS.md (883 B/binding; Kamailio 1.13 KB): AOR, contact, source
// address and Call-ID unique per binding, user agent from a small set, +sip.instance on a third.
//
//   node --expose-gc dist/src/location/memory-figure.js [count] [bindingsPerAor]
//
// Prints V8 heap and off-heap (typed array) bytes per binding, indexes included.
import type { Binding } from "./binding.js";
import { LocationIndex } from "./memory-index.js";

const USER_AGENTS = ["Linphone/5.2.0 (belle-sip/5.2.0)", "Zoiper rv2.10.20.2", "MicroSIP/3.21.3", "Yealink SIP-T46S 66.86.0.15", "PolycomVVX-VVX_450-UA/6.4.3.5018", "Bria 6 release 6.5.3", "Grandstream GXP2170 1.0.11.23", "Asterisk PBX 20.5.0"];

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error("run with node --expose-gc");
  for (let i = 0; i < 4; i++) collect();
}

function used(): { heap: number; external: number; rss: number } {
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.arrayBuffers, rss: m.rss };
}

/** Binding i, its strings built by concatenation (rope strings, as a parser's would be slices). */
function synthetic(i: number, perAor: number, nowMs: number): Binding {
  const user = `user${Math.floor(i / perAor) + 100_000}`;
  const a = (i >>> 16) & 255;
  const b = (i >>> 8) & 255;
  const c = i & 255;
  const ip = `10.${a}.${b}.${c}`;
  const hasInstance = i % 3 === 0;
  const instance = hasInstance ? `<urn:uuid:6f1c${(i + 0x10000000).toString(16)}-1234-4abc-8def-${(i * 7919 + 0x100000000000).toString(16).slice(-12)}>` : undefined;
  return {
    aor: `${user}@sip.example.com`,
    ruid: `5f2a9c1e-${(i + 0x1000000).toString(36)}`,
    contact: `sip:${user}@${ip}:${5060 + (i % 1000)};transport=udp`,
    expiresAtMs: nowMs + 3_600_000 + (i % 3600) * 1000,
    q1000: -1,
    callId: `${(i * 2654435761 + 0x10000000000).toString(16)}-${i.toString(36)}@${ip}`,
    cseq: 1 + (i % 100),
    flags: 0,
    userAgent: USER_AGENTS[i % USER_AGENTS.length]!,
    source: { protocol: "udp", address: ip, port: 5060 + (i % 1000) },
    natted: i % 2 === 0,
    listenerId: "udp:192.0.2.10:5060",
    connectionId: undefined,
    path: [],
    methods: undefined,
    instance,
    regId: hasInstance ? 1 : 0,
    contactParams: hasInstance ? `;+sip.instance="${instance}";reg-id=1` : "",
    modifiedAtMs: nowMs,
  };
}

function main(): void {
  const count = Number(process.argv[2] ?? 1_000_000);
  const perAor = Number(process.argv[3] ?? 1);
  const nowMs = Date.now();
  const before = used();
  const index = new LocationIndex();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) index.upsert(synthetic(i, perAor, nowMs));
  const insertMs = performance.now() - t0;
  const after = used();
  const heap = (after.heap - before.heap) / count;
  const external = (after.external - before.external) / count;
  const rss = (after.rss - before.rss) / count;
  console.log(`bindings: ${index.contactCount}, AORs: ${index.aorCount}, interned values: ${index.internedCount}`);
  console.log(`insert: ${insertMs.toFixed(0)} ms (${((insertMs * 1000) / count).toFixed(2)} µs/binding)`);
  console.log(`V8 heap: ${heap.toFixed(0)} B/binding; typed arrays: ${external.toFixed(0)} B/binding; total: ${(heap + external).toFixed(0)} B/binding (RSS delta ${rss.toFixed(0)} B/binding)`);
  // Reads stay cheap: one get() per AOR.
  const t1 = performance.now();
  let n = 0;
  for (let i = 0; i < count; i += perAor) n += index.bindings(`user${Math.floor(i / perAor) + 100_000}@sip.example.com`, nowMs).length;
  const readMs = performance.now() - t1;
  console.log(`get(): ${((readMs * 1000) / (count / perAor)).toFixed(2)} µs per AOR (${n} bindings read)`);
}

main();
