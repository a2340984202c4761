// Upserts per second through LocationStore.apply() with group commit: `concurrency` REGISTERs in
// flight (each one's next starts when its commit resolved, as a registrar's would), over 20 000 AORs,
// first registrations then refreshes. SQLite with synchronous FULL and NORMAL, and the memory store.
//
//   node dist/src/location/bench-store.js [seconds per case, default 1.5]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Binding } from "./binding.js";
import type { IndexedLocationStore } from "./indexed-store.js";
import { MemoryLocationStore } from "./memory-store.js";
import { SqliteLocationStore } from "./sqlite-store.js";
import { testBinding } from "./test-bindings.js";

const AORS = 20_000;

function binding(i: number, cseq: number, nowMs: number): Binding {
  const ip = `10.0.${(i >> 8) & 255}.${i & 255}`;
  return testBinding(`bench${i}@example.com`, i, nowMs, {
    ruid: `b-${i}`,
    contact: `sip:bench${i}@${ip}:5060;transport=udp`,
    callId: `c${i}-bench@${ip}`,
    cseq,
    userAgent: "Bench/1.0",
    source: { protocol: "udp", address: ip, port: 5060 },
  });
}

interface Result {
  upserts: number;
  seconds: number;
  cpuUs: number;
  commits: number;
  meanBatch: number;
}

async function run(store: IndexedLocationStore, concurrency: number, seconds: number): Promise<Result> {
  await store.open();
  let next = 0;
  let done = 0;
  const deadline = performance.now() + seconds * 1000;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const i = next++;
      const b = binding(i % AORS, 1 + Math.floor(i / AORS), Date.now());
      await store.apply(b.aor, [{ op: "upsert", binding: b }]);
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const s = store.stats();
  await store.close();
  return { upserts: done, seconds: elapsed, cpuUs: cpu.user + cpu.system, commits: s.commits, meanBatch: s.meanBatchSize };
}

function row(name: string, concurrency: number, r: Result): string {
  const rate = r.upserts / r.seconds;
  return `| ${name} | ${concurrency} | ${Math.round(rate).toLocaleString("en-US")} | ${(r.cpuUs / r.upserts).toFixed(1)} | ${r.commits} | ${r.meanBatch.toFixed(1)} |`;
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 1.5);
  const dir = mkdtempSync(join(tmpdir(), "sipreg-bench-store-"));
  console.log("| store | in flight | upserts/s | CPU µs/upsert | commits | mean batch |");
  console.log("|---|---|---|---|---|---|");
  try {
    for (const sync of ["full", "normal"] as const) {
      for (const concurrency of [1, 16, 64, 256]) {
        const path = join(dir, `${sync}-${concurrency}.sqlite`);
        const r = await run(new SqliteLocationStore({ path, synchronous: sync, sweepIntervalMs: 0 }), concurrency, seconds);
        console.log(row(`SQLite ${sync.toUpperCase()}`, concurrency, r));
      }
    }
    for (const concurrency of [1, 256]) {
      const r = await run(new MemoryLocationStore({ sweepIntervalMs: 0 }), concurrency, seconds);
      console.log(row("memory", concurrency, r));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
