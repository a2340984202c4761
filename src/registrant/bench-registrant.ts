// Registers N accounts against sipreg's own registrar (Digest auth, memory location store) running in
// a child process, both on loopback UDP, and prints: time until all are registered, REGISTER/s,
// registrant CPU and memory per account, and how the refreshes spread over time.
//
//   node --expose-gc dist/src/registrant/bench-registrant.js [accounts=10000] [maxRegistersPerSecond=4000] [expires=120] [observeSec=2*expires]
//
// (The registrar child process is this file with --registrar.)
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { CredentialSource, StoredCredentials } from "../auth/credential-source.js";
import { MemoryLocationStore } from "../location/memory-store.js";
import { DigestAuthenticator } from "../registrar/digest-authenticator.js";
import { Registrar } from "../registrar/registrar.js";
import { SipStack } from "../stack/sip-stack.js";
import { Registrant } from "./registrant.js";

const REALM = "example.com";

/** Every user "uN" has the password "pw-uN": nothing to load for 100 000 subscribers. */
const derivedCredentials: CredentialSource = {
  lookup(username: string, realm: string): StoredCredentials | undefined {
    return realm === REALM ? { username, domain: realm, password: `pw-${username}` } : undefined;
  },
};

async function runRegistrar(): Promise<void> {
  const store = new MemoryLocationStore();
  await store.open();
  const registrar = new Registrar({ store, auth: new DigestAuthenticator({ credentials: derivedCredentials, algorithms: ["MD5"] }), settings: { minExpires: 10 } });
  const stack = new SipStack({ listen: [{ protocol: "udp", host: "127.0.0.1", port: 0 }], user: registrar.transactionUser(), transport: { udpRecvBufferBytes: 8 * 1024 * 1024 } });
  const [l] = await stack.start();
  process.send?.({ port: l!.local.port });
  process.on("message", (m: unknown) => {
    if (m === "count") process.send?.({ contacts: store.contactCount, cpuMs: process.cpuUsage().user / 1000 + process.cpuUsage().system / 1000 });
    if (m === "stop") void stack.stop().then(() => process.exit(0));
  });
}

function ask(child: ChildProcess): Promise<{ contacts: number; cpuMs: number }> {
  return new Promise((resolve) => {
    const on = (m: unknown): void => {
      if (typeof m === "object" && m !== null && "contacts" in m) {
        child.off("message", on);
        resolve(m as { contacts: number; cpuMs: number });
      }
    };
    child.on("message", on);
    child.send("count");
  });
}

const gc = (globalThis as { gc?: () => void }).gc;
function heapMb(): number {
  gc?.();
  return process.memoryUsage().heapUsed / 1048576;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 10_000);
  const rate = Number(process.argv[3] ?? 4000);
  const expires = Number(process.argv[4] ?? 120);
  const observeSec = Number(process.argv[5] ?? expires * 2);
  const child = fork(fileURLToPath(import.meta.url), ["--registrar"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve) => child.once("message", (m) => resolve((m as { port: number }).port)));

  const stack = new SipStack({ listen: [{ protocol: "udp", host: "127.0.0.1", port: 0 }], transport: { udpRecvBufferBytes: 8 * 1024 * 1024 } });
  await stack.start();
  const registrant = new Registrant({ stack, settings: { maxRegistersPerSecond: rate, maxRandomInitialDelaySec: 5, timerGranularityMs: 1000 } });
  const heap0 = heapMb();
  for (let i = 0; i < n; i++) registrant.add({ id: `a${i}`, aor: `sip:u${i}@${REALM}`, registrar: `sip:127.0.0.1:${port}`, password: `pw-u${i}`, expires });
  const heapAdded = heapMb();
  console.log(`accounts: ${n}, rate cap ${rate} REGISTER/s, expires ${expires} s`);
  console.log(`memory: ${(((heapAdded - heap0) * 1048576) / n).toFixed(0)} B of heap per account added (settings + state), RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  registrant.start();
  const perSecond: number[] = [];
  let lastSent = 0;
  let allAt: number | undefined;
  let peakRss = 0;
  for (let s = 0; s < observeSec + 600; s++) {
    await new Promise((r) => setTimeout(r, 1000));
    const c = registrant.counters();
    perSecond.push(c.registersSent - lastSent);
    lastSent = c.registersSent;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (allAt === undefined && c.regactive === n) {
      allAt = (performance.now() - t0) / 1000;
      console.log(`all ${n} registered after ${allAt.toFixed(1)} s (${(c.registersSent / allAt).toFixed(0)} REGISTER/s, challenges answered ${c.challengesAnswered})`);
    }
    if (allAt !== undefined && s + 1 >= Math.ceil(allAt) + observeSec) break;
  }
  const cpu = process.cpuUsage(cpu0);
  const c = registrant.counters();
  const wall = (performance.now() - t0) / 1000;
  // Quiet moment for the memory figure: no refresh leaves, the last transactions finish (Timer K, 5 s).
  registrant.setActive(false);
  await new Promise((r) => setTimeout(r, 6000));
  const heapRegistered = heapMb();
  const reg = await ask(child);
  console.log(`registrar holds ${reg.contacts} bindings; regactive ${c.regactive}; failures ${JSON.stringify(Object.fromEntries(Object.entries(c.failures).filter(([, v]) => v > 0)))}`);
  console.log(`REGISTERs sent ${c.registersSent} in ${wall.toFixed(0)} s; registrant CPU ${((cpu.user + cpu.system) / 1000 / wall / 10).toFixed(1)} % of a core, ${((cpu.user + cpu.system) / c.registersSent).toFixed(0)} µs per REGISTER`);
  console.log(`memory: ${(((heapRegistered - heap0) * 1048576) / n).toFixed(0)} B of heap per registered account (refreshes paused, no transaction in flight), peak RSS ${(peakRss / 1048576).toFixed(0)} MB`);
  if (allAt !== undefined) {
    // The spread once the first refreshes have levelled: the last full refresh period of the observation.
    const period = Math.round(expires <= 120 ? expires / 2 : expires - 60);
    const steady = perSecond.slice(-period);
    if (perSecond.length - Math.ceil(allAt) >= 2 * period && steady.length > 0) {
      const mean = steady.reduce((a, b) => a + b, 0) / steady.length;
      const max = Math.max(...steady);
      const idle = steady.filter((x) => x === 0).length;
      console.log(`refreshes over the last refresh period (${period} s): mean ${mean.toFixed(0)}/s, max ${max}/s (${(max / Math.max(mean, 1)).toFixed(2)}× mean), idle seconds ${idle}`);
    } else {
      console.log(`observe at least two refresh periods (${2 * period} s) after start-up for the refresh spread`);
    }
  }
  await registrant.stop({ unregister: false });
  await stack.stop();
  child.send("stop");
}

if (process.argv.includes("--registrar")) void runRegistrar();
else void main();
