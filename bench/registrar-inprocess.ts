// In-process cost of one REGISTER through the registrar: parse → §10.3 processing → location update →
// serialize the 200 (no sockets). `npm run bench:registrar-inprocess`. Figures printed, not asserted.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseMessage } from "../src/sip/parser.js";
import { serializeMessage } from "../src/sip/serializer.js";
import { Registrar } from "../src/registrar/registrar.js";
import { MemoryLocationStore } from "../src/location/memory-store.js";
import { SqliteLocationStore } from "../src/location/sqlite-store.js";
import type { LocationStore } from "../src/location/location-store.js";
import type { SipRequest, SipResponse } from "../src/sip/message.js";
import type { Origin } from "../src/transport/types.js";
import { ConfigCredentialSource } from "../src/auth/config-credentials.js";
import { buildCredentials, NonceCounts } from "../src/auth/client-auth.js";
import { parseDigestChallenge, serializeDigestCredentials } from "../src/sip/headers/digest.js";
import { DigestAuthenticator } from "../src/registrar/digest-authenticator.js";
import { CryptoRandom } from "../src/util/random.js";

const ORIGIN: Origin = { protocol: "udp", remote: { address: "192.0.2.10", port: 5060 }, local: { address: "127.0.0.1", port: 5060 }, listenerId: "udp:127.0.0.1:5060", connectionId: undefined };
const USERS = Number(process.env.BENCH_USERS ?? 20000);
const N = Number(process.env.BENCH_REGISTERS ?? 200000);

function registerBytes(i: number, cseq: number, authorization?: string): Buffer {
  const u = `user${String(i % USERS).padStart(6, "0")}`;
  return Buffer.from(
    `REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;rport;branch=z9hG4bK-${i}-${cseq}\r\nMax-Forwards: 70\r\n` +
      `To: <sip:${u}@example.com>\r\nFrom: <sip:${u}@example.com>;tag=t${i}\r\nCall-ID: ${u}-call@192.0.2.10\r\nCSeq: ${cseq} REGISTER\r\n` +
      `Contact: <sip:${u}@192.0.2.10:5060>\r\nExpires: 3600\r\nUser-Agent: bench\r\n` +
      (authorization === undefined ? "" : `Authorization: ${authorization}\r\n`) +
      `Content-Length: 0\r\n\r\n`,
  );
}

/**
 * Digest: the 401s for N REGISTERs without credentials are timed, then (client work untimed) each is
 * answered, and the N authenticated REGISTERs are timed: the registrar's cost of one registration is the sum.
 */
async function runAuth(label: string, store: LocationStore): Promise<void> {
  await store.open();
  const users = Array.from({ length: USERS }, (_, i) => ({ username: `user${String(i).padStart(6, "0")}`, domain: "example.com", password: `pw-${i}` }));
  const registrar = new Registrar({ store, settings: { minExpires: 0 }, auth: new DigestAuthenticator({ credentials: new ConfigCredentialSource(users), algorithms: ["MD5"] }) });
  const plain: Buffer[] = [];
  for (let i = 0; i < N; i++) plain.push(registerBytes(i, 1 + 2 * Math.floor(i / USERS)));
  const t0 = performance.now();
  const challenges = await pumpAll(registrar, plain, (res) => res.headers.get("www-authenticate")!);
  const t401 = performance.now() - t0;
  const random = new CryptoRandom();
  const authed = challenges.map((header, i) => {
    const challenge = parseDigestChallenge(header);
    const creds = buildCredentials({ challenge, method: "REGISTER", uri: "sip:example.com", account: { username: `user${String(i % USERS).padStart(6, "0")}`, password: `pw-${i % USERS}` }, nonceCounts: new NonceCounts(), random });
    return registerBytes(i, 2 + 2 * Math.floor(i / USERS), serializeDigestCredentials(creds));
  });
  const t1 = performance.now();
  const oks = await pumpAll(registrar, authed, (res) => res.status);
  const t200 = performance.now() - t1;
  const failed = oks.filter((status) => status !== 200).length;
  const us = ((t401 + t200) * 1000) / N;
  console.log(`${label.padEnd(34)} ${Math.round(1e6 / us).toLocaleString("en-US").padStart(9)} reg/s       ${us.toFixed(1).padStart(6)} µs each  (401: ${((t401 * 1000) / N).toFixed(1)} µs, authenticated: ${((t200 * 1000) / N).toFixed(1)} µs${failed > 0 ? `, ${failed} NOT 200` : ""})`);
  await store.close();
}

/** Sends every input through the registrar (256 in flight); keeps only what `keep` extracts of each response. */
async function pumpAll<T>(registrar: Registrar, inputs: Buffer[], keep: (res: SipResponse) => T): Promise<T[]> {
  const out: T[] = new Array(inputs.length);
  let done = 0;
  let next = 0;
  const window = 256;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (next < inputs.length && next - done < window) {
        const i = next++;
        const req = parseMessage(inputs[i]!) as SipRequest;
        void registrar.handle(req, ORIGIN).then((res) => {
          serializeMessage(res);
          out[i] = keep(res);
          if (++done === inputs.length) resolve();
          else if (next < inputs.length && next - done < window / 2) setImmediate(pump);
        });
      }
    };
    pump();
  });
  return out;
}

async function run(label: string, store: LocationStore): Promise<void> {
  await store.open();
  const registrar = new Registrar({ store, settings: { minExpires: 0 } });
  const inputs: Buffer[] = [];
  for (let i = 0; i < N; i++) inputs.push(registerBytes(i, 1 + Math.floor(i / USERS)));
  // Warm-up on the first USERS (creates every binding), then measure refreshes.
  const t0 = performance.now();
  let done = 0;
  const window = 256; // REGISTERs in flight, like a socket's worth of datagrams per loop turn
  let next = 0;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (next < N && next - done < window) {
        const req = parseMessage(inputs[next++]!) as SipRequest;
        registrar.handle(req, ORIGIN).then((res) => {
          serializeMessage(res);
          if (++done === N) resolve();
          else if (next < N && next - done < window / 2) setImmediate(pump);
        });
      }
    };
    pump();
  });
  const ms = performance.now() - t0;
  const rss = process.memoryUsage().rss;
  const st = (store as { stats?: () => { commits: number; meanBatchSize: number } }).stats?.();
  console.log(`${label.padEnd(34)} ${Math.round((N / ms) * 1000).toLocaleString("en-US").padStart(9)} REGISTER/s  ${((ms * 1000) / N).toFixed(1).padStart(6)} µs each  (${USERS} AORs, RSS ${(rss / 1048576).toFixed(0)} MB${st === undefined ? "" : `, ${st.commits} commits, mean batch ${st.meanBatchSize.toFixed(1)}`})`);
  await store.close();
}

console.log(`registrar in-process benchmark (node ${process.version}): ${N} REGISTERs over ${USERS} AORs`);
if (process.env.BENCH_ONLY_AUTH !== "1") await run("memory store", new MemoryLocationStore({}));
await runAuth("memory store, digest MD5", new MemoryLocationStore({}));
// BENCH_SQLITE=0: no SQLite runs; =full or =normal: that mode only.
const modes = process.env.BENCH_SQLITE === "0" ? [] : process.env.BENCH_SQLITE === "full" || process.env.BENCH_SQLITE === "normal" ? [process.env.BENCH_SQLITE] : ["normal", "full"];
for (const sync of modes as Array<"normal" | "full">) {
  const dir = mkdtempSync(join(tmpdir(), "sipreg-bench-"));
  await run(`SQLite WAL synchronous=${sync}`, new SqliteLocationStore({ path: join(dir, "location.db"), synchronous: sync }));
  await run(`SQLite ${sync}, writer thread`, new SqliteLocationStore({ path: join(dir, "location-w.db"), synchronous: sync, writer: "worker" }));
  rmSync(dir, { recursive: true, force: true });
}
