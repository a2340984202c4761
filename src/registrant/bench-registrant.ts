// Registers N accounts with digest auth over loopback UDP and prints: the time until 50 / 99 / 100 %
// are registered, REGISTER/s over the start-up, the registrant's CPU and memory, how the refreshes
// spread over time, failures and kernel UDP drops. Figures are taken from the registrant's own view.
//
//   node --expose-gc dist/src/registrant/bench-registrant.js [N=10000] [rate=4000] [expires=120] [observeSec=2*expires] [options]
//
// Registrar (one of):
//   (default)                    sipreg's own Registrar (memory location store, MD5 digest) in a child
//                                process (this file with --registrar), on an ephemeral loopback port
//   --registrar-addr HOST:PORT   an external registrar, e.g. the Kamailio bench registrar (variant b)
//                                on 127.0.0.1:5070; after the run its bindings are checked with
//                                --verify-rpc (usrloc statistics and ul.lookup spot checks)
// Options:
//   --n N --rate R --expires S   as the positional arguments (accounts, maxRegistersPerSecond, expires)
//   --observe S                  observe S seconds after 100 % registered (default 2 × expires)
//   --duration S                 instead: the run lasts S seconds from the registrant's start
//   --domain D                   AOR domain = digest realm (default: the registrar host; example.com for the child)
//   --user-format F --first I    account names: F with %d or %0Nd, from I (default user%06d from 1);
//                                password pw-<user>, AOR sip:<user>@<domain>, Contact user <user>
//   --initial-delay S            maxRandomInitialDelaySec (default 5)
//   --no-preemptive-auth         preemptiveAuth off: every REGISTER waits for its challenge (as Kamailio uac)
//   --registrar-cpu C            pin the child registrar to CPU C (taskset); pin this process from outside
//   --local-port P               the registrant's UDP port (default 0 = ephemeral)
//   --verify-rpc "CMD ARGS"      command prefix for Kamailio RPC (default for --registrar-addr:
//                                ../shared/bench/kamailio/run.sh rpc --port PORT, when that file exists)
//   --lookups K                  ul.lookup spot checks (default 10)
//   --samples FILE               per-second samples (TSV)
//   --registrar-pid PID          the external registrar's main process: its CPU (and its children's) over
//                                the run is reported, and the host's other load is derived from it
//
// Every figure is also printed as one `bench.<key>=<value>` line (bench/registrant-bench.sh reads them).
import { execFile, fork, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { CredentialSource, StoredCredentials } from "../auth/credential-source.js";
import { MemoryLocationStore } from "../location/memory-store.js";
import { DigestAuthenticator } from "../registrar/digest-authenticator.js";
import { Registrar } from "../registrar/registrar.js";
import { SipStack } from "../stack/sip-stack.js";
import type { RegistrantCounters } from "./counters.js";
import { Registrant } from "./registrant.js";

const SELF = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------- the child registrar

async function runRegistrar(realm: string): Promise<void> {
  /** Every user U has the password "pw-U": nothing to load for 100 000 subscribers. */
  const credentials: CredentialSource = {
    lookup(username: string, r: string): StoredCredentials | undefined {
      return r === realm ? { username, domain: r, password: `pw-${username}` } : undefined;
    },
  };
  const store = new MemoryLocationStore();
  await store.open();
  const registrar = new Registrar({ store, auth: new DigestAuthenticator({ credentials, algorithms: ["MD5"] }), settings: { minExpires: 10 } });
  const stack = new SipStack({ listen: [{ protocol: "udp", host: "127.0.0.1", port: 0 }], user: registrar.transactionUser(), transport: { udpRecvBufferBytes: 8 * 1024 * 1024 } });
  const [l] = await stack.start();
  process.send?.({ port: l!.local.port });
  process.on("message", (m: unknown) => {
    if (m === "count") {
      const u = process.cpuUsage();
      process.send?.({ contacts: store.contactCount, cpuMs: (u.user + u.system) / 1000, rssKb: procStatusKb("VmRSS"), hwmKb: procStatusKb("VmHWM") });
    }
    if (m === "stop") void stack.stop().then(() => process.exit(0));
  });
  process.on("disconnect", () => process.exit(0)); // the parent went away
}

interface RegistrarReport {
  contacts: number;
  cpuMs: number;
  rssKb: number;
  hwmKb: number;
}

function ask(child: ChildProcess): Promise<RegistrarReport> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error("the registrar child did not answer in 30 s")), 30_000);
    const on = (m: unknown): void => {
      if (typeof m === "object" && m !== null && "contacts" in m) {
        clearTimeout(timer);
        child.off("message", on);
        resolvePromise(m as RegistrarReport);
      }
    };
    child.on("message", on);
    child.send("count");
  });
}

/** The child registrar, pinned to `cpu` through taskset when given (the IPC channel survives the exec). */
function startChild(realm: string, cpu: string | undefined): ChildProcess {
  const args = [SELF, "--registrar", "--domain", realm];
  if (cpu !== undefined) return spawn("taskset", ["-c", cpu, process.execPath, ...args], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return fork(SELF, args.slice(1), { stdio: ["ignore", "inherit", "inherit", "ipc"] });
}

// ---------------------------------------------------------------- /proc readings (Linux)

function procStatusKb(field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync("/proc/self/status", "utf8"));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

function pssKb(): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync("/proc/self/smaps_rollup", "utf8"));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** Kernel drops of the IPv4 loopback UDP socket(s) bound to `port` (/proc/net/udp, last column). */
function udpDrops(port: number): number {
  try {
    const key = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
    let drops = 0;
    for (const line of readFileSync("/proc/net/udp", "utf8").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1] === key) drops += Number(f[f.length - 1]);
    }
    return drops;
  } catch {
    return NaN;
  }
}

/** CPU ticks (utime + stime, 1/100 s) of `pid` and all its descendants. */
function treeTicks(pid: number): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  let names: string[];
  try {
    names = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return NaN;
  }
  for (const d of names) {
    try {
      const st = readFileSync(`/proc/${d}/stat`, "utf8");
      const f = st.slice(st.lastIndexOf(")") + 2).split(" "); // f[0] = field 3 (state)
      parent.set(Number(d), Number(f[1]));
      ticks.set(Number(d), Number(f[11]) + Number(f[12]));
    } catch {
      // the process ended meanwhile
    }
  }
  let sum = 0;
  for (const [p] of ticks) {
    for (let q: number | undefined = p, hops = 0; q !== undefined && q > 1 && hops < 64; q = parent.get(q), hops++) {
      if (q === pid) {
        sum += ticks.get(p)!;
        break;
      }
    }
  }
  return sum;
}

/** Busy and total CPU ticks of the host (/proc/stat, all cores). */
function hostTicks(): { busy: number; total: number } {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - f[3]! - f[4]!, total };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

const gc = (globalThis as { gc?: () => void }).gc;
function heapBytes(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

// ---------------------------------------------------------------- options

interface Options {
  n: number;
  rate: number;
  expires: number;
  observeSec: number | undefined;
  durationSec: number | undefined;
  initialDelaySec: number;
  registrarAddr: { host: string; port: number } | undefined;
  domain: string;
  userFormat: string;
  first: number;
  registrarCpu: string | undefined;
  localPort: number;
  verifyRpc: string[] | undefined;
  lookups: number;
  samplesFile: string | undefined;
  registrarPid: number | undefined;
  preemptiveAuth: boolean;
}

function fail(message: string): never {
  console.error(`bench-registrant: ${message}`);
  process.exit(2);
}

function num(text: string | undefined, name: string, dflt: number, min: number, max: number): number {
  if (text === undefined) return dflt;
  const v = Number(text);
  if (!Number.isFinite(v) || v < min || v > max) fail(`${name} must be a number from ${min} to ${max}, got "${text}"`);
  return v;
}

function parseOptions(argv: string[]): Options {
  const { values: v, positionals: p } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      n: { type: "string" },
      rate: { type: "string" },
      expires: { type: "string" },
      observe: { type: "string" },
      duration: { type: "string" },
      "initial-delay": { type: "string" },
      "registrar-addr": { type: "string" },
      domain: { type: "string" },
      "user-format": { type: "string" },
      first: { type: "string" },
      "registrar-cpu": { type: "string" },
      "local-port": { type: "string" },
      "verify-rpc": { type: "string" },
      lookups: { type: "string" },
      samples: { type: "string" },
      "registrar-pid": { type: "string" },
      "no-preemptive-auth": { type: "boolean" },
    },
  });
  const n = num(v.n ?? p[0], "N", 10_000, 1, 2_000_000);
  const rate = num(v.rate ?? p[1], "rate", 4000, 1, 1_000_000);
  const expires = num(v.expires ?? p[2], "expires", 120, 10, 86_400);
  const observe = v.observe ?? p[3];
  let registrarAddr: Options["registrarAddr"];
  if (v["registrar-addr"] !== undefined) {
    const m = /^([^:]+):(\d+)$/.exec(v["registrar-addr"]);
    if (!m) fail(`--registrar-addr must be HOST:PORT (IPv4), got "${v["registrar-addr"]}"`);
    registrarAddr = { host: m[1]!, port: Number(m[2]) };
  }
  const userFormat = v["user-format"] ?? "user%06d";
  if (!/^[^%]*%(0\d+)?d[^%]*$/.test(userFormat)) fail(`--user-format needs exactly one %d or %0Nd, got "${userFormat}"`);
  let verifyRpc: string[] | undefined;
  if (v["verify-rpc"] !== undefined) verifyRpc = v["verify-rpc"].split(/\s+/).filter((s) => s !== "");
  else if (registrarAddr !== undefined) {
    const runSh = resolve(dirname(SELF), "../../../../shared/bench/kamailio/run.sh"); // dist/src/registrant → repo/..
    if (existsSync(runSh)) verifyRpc = [runSh, "rpc", "--port", String(registrarAddr.port)];
  }
  return {
    n,
    rate,
    expires,
    observeSec: observe === undefined ? undefined : num(observe, "observe", 0, 0, 86_400),
    durationSec: v.duration === undefined ? undefined : num(v.duration, "duration", 0, 5, 86_400),
    initialDelaySec: num(v["initial-delay"], "initial-delay", 5, 0, 3600),
    registrarAddr,
    domain: v.domain ?? registrarAddr?.host ?? "example.com",
    userFormat,
    first: num(v.first, "first", 1, 0, 1e9),
    registrarCpu: v["registrar-cpu"],
    localPort: num(v["local-port"], "local-port", 0, 0, 65535),
    verifyRpc,
    lookups: num(v.lookups, "lookups", 10, 0, 10_000),
    samplesFile: v.samples,
    preemptiveAuth: v["no-preemptive-auth"] !== true,
    registrarPid: v["registrar-pid"] === undefined ? undefined : num(v["registrar-pid"], "registrar-pid", 0, 2, 1e9),
  };
}

/** "user%06d", 7 → "user000007". */
function userName(format: string, i: number): string {
  return format.replace(/%(0(\d+))?d/, (_m, _z: string | undefined, width: string | undefined) => String(i).padStart(Number(width ?? 0), "0"));
}

// ---------------------------------------------------------------- Kamailio RPC (verification)

function rpc(prefix: string[], args: string[]): Promise<string> {
  return new Promise((resolvePromise) => {
    execFile(prefix[0]!, [...prefix.slice(1), ...args], { timeout: 10_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolvePromise(err ? `ERROR ${err.message}\n${stdout}${stderr}` : stdout);
    });
  });
}

interface Verification {
  contacts: number;
  lookupsOk: number;
  lookupsDone: number;
  missing: string[];
}

async function verifyAtKamailio(o: Options, localPort: number): Promise<Verification> {
  const prefix = o.verifyRpc!;
  const stats = await rpc(prefix, ["stats.get_statistics", "usrloc:", "registrar:"]);
  const m = /usrloc:location_contacts = (\d+)/.exec(stats);
  const picks = new Set<number>();
  const k = Math.min(o.lookups, o.n);
  for (let j = 0; j < k; j++) picks.add(o.first + (k === 1 ? 0 : Math.round((j * (o.n - 1)) / (k - 1))));
  let ok = 0;
  const missing: string[] = [];
  for (const i of picks) {
    const user = userName(o.userFormat, i);
    const out = await rpc(prefix, ["ul.lookup", "location", user]);
    // the Contact we sent (sip:<user>@127.0.0.1:<our port>[;params]) must be there with time left
    const at = out.indexOf(`Address: sip:${user}@127.0.0.1:${localPort}`);
    const exp = at < 0 ? undefined : /Expires: (-?\d+)/.exec(out.slice(at));
    if (exp && Number(exp[1]) > 0) ok++;
    else missing.push(user);
  }
  if (!m) console.log(`registrar statistics not readable: ${stats.slice(0, 300).replace(/\n/g, " | ")}`);
  return { contacts: m ? Number(m[1]) : NaN, lookupsOk: ok, lookupsDone: picks.size, missing };
}

// ---------------------------------------------------------------- the run

interface Mark {
  t: number;
  sent: number;
  cpuUs: number;
}

const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : "NA");
const f0 = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : "NA");
const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : "NA");

/** Spread of REGISTERs over a window of per-second counts: the same figures registrant-scale.sh gives. */
function spread(xs: number[]): { len: number; mean: number; max: number; peakOverMean: number; idle: number; over2: number; shareOver2: number } {
  const len = xs.length;
  const sum = xs.reduce((a, b) => a + b, 0);
  const mean = len > 0 ? sum / len : NaN;
  const max = len > 0 ? Math.max(...xs) : NaN;
  let over = 0;
  let sumOver = 0;
  for (const x of xs) {
    if (x > 2 * mean) {
      over++;
      sumOver += x;
    }
  }
  return { len, mean, max, peakOverMean: mean > 0 ? max / mean : NaN, idle: xs.filter((x) => x === 0).length, over2: over, shareOver2: sum > 0 ? sumOver / sum : NaN };
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const n = o.n;
  const out: Array<[string, string | number]> = [];
  const put = (key: string, value: string | number): void => {
    out.push([key, value]);
  };

  // the registrar
  let stopping = false;
  let child: ChildProcess | undefined;
  let registrarHost = "127.0.0.1";
  let registrarPort: number;
  if (o.registrarAddr === undefined) {
    child = startChild(o.domain, o.registrarCpu);
    child.on("exit", (code, signal) => {
      if (!stopping) fail(`the registrar child exited early (code ${code}, signal ${signal})`);
    });
    registrarPort = await new Promise<number>((res, rej) => {
      const t = setTimeout(() => rej(new Error("the registrar child did not start in 30 s")), 30_000);
      child!.once("message", (m) => {
        clearTimeout(t);
        res((m as { port: number }).port);
      });
    });
  } else {
    registrarHost = o.registrarAddr.host;
    registrarPort = o.registrarAddr.port;
  }

  const stack = new SipStack({ listen: [{ protocol: "udp", host: "127.0.0.1", port: o.localPort }], transport: { udpRecvBufferBytes: 8 * 1024 * 1024 } });
  const [listener] = await stack.start();
  const localPort = listener!.local.port;
  const registrant = new Registrant({ stack, settings: { maxRegistersPerSecond: o.rate, maxRandomInitialDelaySec: o.initialDelaySec, timerGranularityMs: 1000, preemptiveAuth: o.preemptiveAuth } });

  const first = new Uint8Array(n);
  const marks: Array<Mark | undefined> = [undefined, undefined, undefined];
  const thresholds = [Math.ceil(0.5 * n), Math.ceil(0.99 * n), n];
  const prefixLen = o.userFormat.indexOf("%");
  const suffixLen = o.userFormat.length - o.userFormat.search(/%(0\d+)?d/) - (/%(0\d+)?d/.exec(o.userFormat)![0].length);
  const failureDetails = new Map<string, number>();
  let firstRegistered = 0;
  let t0 = 0;
  let cpu0 = process.cpuUsage();

  const heap0 = heapBytes();
  for (let i = 0; i < n; i++) {
    const user = userName(o.userFormat, o.first + i);
    registrant.add({ id: user, aor: `sip:${user}@${o.domain}`, registrar: `sip:${registrarHost}:${registrarPort}`, password: `pw-${user}`, expires: o.expires });
  }
  const heapAdded = heapBytes();
  registrant.onEvent((e) => {
    if (e.type !== "state") return;
    if (e.to === "REGISTERED") {
      const i = Number(e.id.slice(prefixLen, e.id.length - suffixLen)) - o.first;
      if (i >= 0 && i < n && first[i] === 0) {
        first[i] = 1;
        firstRegistered++;
        for (let k = 0; k < 3; k++) {
          if (marks[k] === undefined && firstRegistered >= thresholds[k]!) {
            const u = process.cpuUsage(cpu0);
            marks[k] = { t: (performance.now() - t0) / 1000, sent: registrant.counters().registersSent, cpuUs: u.user + u.system };
          }
        }
      }
    } else if (e.detail !== undefined && failureDetails.size < 20) {
      const key = `${e.to}: ${e.detail}`;
      failureDetails.set(key, (failureDetails.get(key) ?? 0) + 1);
    }
  });

  const target = o.registrarAddr === undefined ? `sipreg Registrar (child process${o.registrarCpu === undefined ? "" : `, CPU ${o.registrarCpu}`}) udp:127.0.0.1:${registrarPort}` : `external registrar udp:${registrarHost}:${registrarPort}`;
  console.log(`accounts: ${n} (${userName(o.userFormat, o.first)}..${userName(o.userFormat, o.first + n - 1)}@${o.domain}), rate cap ${o.rate} REGISTER/s, expires ${o.expires} s, initial spread ${o.initialDelaySec} s, pre-emptive credentials ${o.preemptiveAuth ? "on" : "off"}`);
  console.log(`registrar: ${target}; registrant udp:127.0.0.1:${localPort}, pid ${process.pid}`);
  console.log(`memory: ${f0((heapAdded - heap0) / n)} B of heap per account added (settings + state), RSS ${f0(procStatusKb("VmRSS") / 1024)} MB`);
  const drops0 = { own: udpDrops(localPort), reg: udpDrops(registrarPort) };

  // samples once a second, on a fixed grid from t0
  const perSecond: number[] = [];
  const samples: string[] = ["t\tregisters_sent\tfirst_registered\tregactive\tcpu_ms\trss_kb"];
  let pssPeak = 0;
  /** What the loop below does once a second besides waiting: its cost is part of the baseline. */
  const sample = (): RegistrantCounters => {
    const c = registrant.counters();
    pssPeak = Math.max(pssPeak, pssKb());
    procStatusKb("VmRSS");
    return c;
  };
  const registrarPid = child?.pid ?? o.registrarPid;
  const regTicks0 = registrarPid === undefined ? NaN : treeTicks(registrarPid);
  const host0 = hostTicks();
  const load0 = loadavg();
  const t0Epoch = Date.now();
  cpu0 = process.cpuUsage();
  t0 = performance.now();
  registrant.start();
  let lastSent = 0;
  const limit = o.durationSec ?? (o.observeSec ?? 2 * o.expires) + 600;
  for (let s = 1; s <= limit; s++) {
    const wait = t0 + s * 1000 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const c = sample();
    const sent = c.registersSent;
    perSecond.push(sent - lastSent);
    lastSent = sent;
    const u = process.cpuUsage(cpu0);
    samples.push(`${s}\t${sent}\t${firstRegistered}\t${c.regactive}\t${((u.user + u.system) / 1000).toFixed(0)}\t${procStatusKb("VmRSS")}`);
    if (s % 15 === 0) console.log(`t=${s}s registered ${firstRegistered} (bound now ${c.regactive}), REGISTERs sent ${c.registersSent}, RSS ${f0(procStatusKb("VmRSS") / 1024)} MB`);
    if (o.durationSec === undefined && marks[2] !== undefined && s >= Math.ceil(marks[2].t) + (o.observeSec ?? 2 * o.expires)) break;
  }
  const cpuRun = process.cpuUsage(cpu0);
  const wall = (performance.now() - t0) / 1000;
  const host1 = hostTicks();
  const regTicks1 = registrarPid === undefined ? NaN : treeTicks(registrarPid);
  const load1 = loadavg();
  const c = registrant.counters();
  const states = new Map<string, number>();
  let givenUp = 0;
  for (const a of registrant.list()) {
    states.set(a.state, (states.get(a.state) ?? 0) + 1);
    if (a.givenUp) givenUp++;
  }
  const rssEnd = procStatusKb("VmRSS");
  const pssEnd = pssKb();
  const drops1 = { own: udpDrops(localPort), reg: udpDrops(registrarPort) };
  if (o.samplesFile !== undefined) writeFileSync(o.samplesFile, samples.join("\n") + "\n");

  // quiet moment: no refresh leaves, the last transactions finish (Timer K, 5 s); then memory and the registrar's view
  registrant.setActive(false);
  await new Promise((r) => setTimeout(r, 6000));
  const heapRegistered = heapBytes();
  const hwm = procStatusKb("VmHWM");
  // the idle baseline: 3 s of the 1-s sampling alone, every account held, none sending (paused); not
  // before start(): the registrant counts the first REGISTER's random delay from add(), not from start()
  const base0 = process.cpuUsage();
  const baseT0 = performance.now();
  for (let s = 1; s <= 3; s++) {
    await new Promise((r) => setTimeout(r, baseT0 + s * 1000 - performance.now()));
    sample();
  }
  const baseU = process.cpuUsage(base0);
  const baselineUsPerS = (baseU.user + baseU.system) / ((performance.now() - baseT0) / 1000);

  // ---- figures
  const cpuUs = cpuRun.user + cpuRun.system;
  const failures = Object.entries(c.failures).filter(([, v]) => v > 0);
  const failureTotal = failures.reduce((a, [, v]) => a + v, 0);
  put("mode", o.registrarAddr === undefined ? "sipreg-child" : "external");
  put("registrar", `${registrarHost}:${registrarPort}`);
  put("n", n);
  put("rate_cap", o.rate);
  put("expires", o.expires);
  put("initial_delay_s", o.initialDelaySec);
  put("t0_epoch_ms", t0Epoch);
  put("run_s", f1(wall));
  const names = ["t50_s", "t99_s", "t100_s"];
  for (let k = 0; k < 3; k++) put(names[k]!, marks[k] === undefined ? "NA" : f1(marks[k]!.t));
  put("registered_first", firstRegistered);
  const m100 = marks[2];
  if (m100 !== undefined) {
    put("startup_registers", m100.sent);
    put("startup_register_per_s", f0(m100.sent / m100.t));
    put("startup_cpu_us_per_registration", f0(m100.cpuUs / n));
    put("startup_cpu_pct", f1((m100.cpuUs / 1e4) / m100.t));
  }
  const startupSecs = Math.max(1, Math.ceil(m100?.t ?? perSecond.length));
  put("peak_register_per_s", Math.max(...perSecond));
  put("peak_register_per_s_startup", Math.max(...perSecond.slice(0, startupSecs)));
  put("registers_sent", c.registersSent);
  put("challenges_answered", c.challengesAnswered);
  put("preemptive_auth", o.preemptiveAuth ? "on" : "off");
  put("preemptive_sent", c.preemptiveSent);
  put("preemptive_accepted", c.preemptiveAccepted);
  put("preemptive_challenged", c.preemptiveChallenged);
  put("registrations", c.registered);
  put("cpu_s", f2(cpuUs / 1e6));
  put("cpu_pct", f1(cpuUs / 1e4 / wall));
  put("cpu_us_per_registration", f0(cpuUs / Math.max(1, c.registered)));
  put("cpu_us_per_register", f0(cpuUs / Math.max(1, c.registersSent)));
  // less the idle baseline (what the process costs with nothing to send, the 1-s sampling included)
  put("cpu_baseline_pct", f1(baselineUsPerS / 1e4));
  put("cpu_us_per_registration_net", f0(Math.max(0, cpuUs - baselineUsPerS * wall) / Math.max(1, c.registered)));
  put("rss_peak_mb", f1(hwm / 1024));
  put("rss_end_mb", f1(rssEnd / 1024));
  put("pss_end_mb", f1(pssEnd / 1024));
  put("pss_peak_mb", f1(pssPeak / 1024));
  put("heap_per_account_added_b", f0((heapAdded - heap0) / n));
  put("heap_per_account_registered_b", f0((heapRegistered - heap0) / n));
  // the steady window as registrant-scale.sh takes it: from 100 % registered to the end
  const steady = spread(perSecond.slice(startupSecs));
  put("steady_window_s", steady.len);
  put("steady_mean_per_s", f1(steady.mean));
  put("steady_max_per_s", Number.isFinite(steady.max) ? steady.max : "NA");
  put("steady_peak_over_mean", f2(steady.peakOverMean));
  put("steady_idle_s", steady.idle);
  put("steady_over2x_s", steady.over2);
  put("steady_share_over2x_pct", f0(100 * steady.shareOver2));
  // and the last full refresh period (once the first refreshes have levelled)
  const period = Math.round(o.expires <= 120 ? o.expires / 2 : o.expires - 60);
  if (perSecond.length - startupSecs >= 2 * period) {
    const last = spread(perSecond.slice(-period));
    put("lastperiod_s", period);
    put("lastperiod_mean_per_s", f1(last.mean));
    put("lastperiod_max_per_s", last.max);
    put("lastperiod_peak_over_mean", f2(last.peakOverMean));
    put("lastperiod_idle_s", last.idle);
  }
  put("regactive_end", c.regactive);
  put("not_bound_end", n - c.regactive);
  put("given_up", givenUp);
  put("failures", failureTotal);
  put("failures_by_kind", failures.length === 0 ? "none" : failures.map(([k, v]) => `${k}:${v}`).join(","));
  put("states_end", [...states].map(([k, v]) => `${k}:${v}`).join(","));
  put("udp_drops_registrant", drops1.own - drops0.own);
  put("udp_drops_registrar", Number.isFinite(drops1.reg) ? drops1.reg : "NA");
  // the host during the run: everything busy minus this process and the registrar = the others (% of one core)
  const regCpuS = (regTicks1 - regTicks0) / 100;
  const hostBusyS = (host1.busy - host0.busy) / 100;
  put("registrar_cpu_s", f2(regCpuS));
  put("registrar_cpu_pct", f1((100 * regCpuS) / wall));
  put("host_busy_pct", f1((100 * hostBusyS) / wall));
  put("others_cpu_pct", f1((100 * (hostBusyS - cpuUs / 1e6 - (Number.isFinite(regCpuS) ? regCpuS : 0))) / wall));
  put("loadavg_start", load0.map((x) => x.toFixed(2)).join(" "));
  put("loadavg_end", load1.map((x) => x.toFixed(2)).join(" "));

  if (child !== undefined) {
    const reg = await ask(child);
    put("registrar_bindings", reg.contacts);
    put("registrar_rss_peak_mb", f1(reg.hwmKb / 1024));
  } else if (o.verifyRpc !== undefined) {
    const v = await verifyAtKamailio(o, localPort);
    put("registrar_bindings", Number.isFinite(v.contacts) ? v.contacts : "NA");
    put("lookups_ok", `${v.lookupsOk}/${v.lookupsDone}`);
    if (v.missing.length > 0) put("lookups_missing", v.missing.slice(0, 10).join(","));
  } else {
    put("registrar_bindings", "NA (no --verify-rpc)");
  }

  // ---- report
  const g = new Map(out.map(([k, v]) => [k, String(v)]));
  console.log(`registered 50 % at ${g.get("t50_s")} s, 99 % at ${g.get("t99_s")} s, 100 % at ${g.get("t100_s")} s` + (m100 ? ` (${g.get("startup_registers")} REGISTERs, ${g.get("startup_register_per_s")} REGISTER/s, peak ${g.get("peak_register_per_s_startup")}/s)` : ` (100 % not reached: ${firstRegistered} of ${n})`));
  console.log(`registrar holds ${g.get("registrar_bindings")} bindings${g.has("lookups_ok") ? `, ul.lookup spot checks ok ${g.get("lookups_ok")}` : ""}; bound at the end ${c.regactive}; failures ${g.get("failures_by_kind")}; given up ${givenUp}; states ${g.get("states_end")}`);
  console.log(`REGISTERs sent ${c.registersSent} (${c.challengesAnswered} answering a challenge, ${c.preemptiveSent} with credentials before being asked: ${c.preemptiveAccepted} accepted, ${c.preemptiveChallenged} challenged) in ${f0(wall)} s; registrant CPU ${g.get("cpu_pct")} % of a core, ${g.get("cpu_us_per_registration")} µs per registration (${g.get("cpu_us_per_register")} µs per REGISTER; ${g.get("cpu_us_per_registration_net")} µs per registration less the idle baseline of ${g.get("cpu_baseline_pct")} %); start-up ${g.get("startup_cpu_us_per_registration") ?? "NA"} µs per registration at ${g.get("startup_cpu_pct") ?? "NA"} %`);
  console.log(`memory: RSS peak ${g.get("rss_peak_mb")} MB, at the end ${g.get("rss_end_mb")} MB (PSS ${g.get("pss_end_mb")} MB); heap per account ${g.get("heap_per_account_added_b")} B added, ${g.get("heap_per_account_registered_b")} B registered (refreshes paused, no transaction in flight)`);
  console.log(`refreshes from 100 % to the end (${steady.len} s): mean ${g.get("steady_mean_per_s")}/s, max ${g.get("steady_max_per_s")}/s (${g.get("steady_peak_over_mean")}× mean), ${steady.idle} s with none, ${steady.over2} s above 2× mean`);
  if (g.has("lastperiod_s")) console.log(`refreshes over the last refresh period (${period} s): mean ${g.get("lastperiod_mean_per_s")}/s, max ${g.get("lastperiod_max_per_s")}/s (${g.get("lastperiod_peak_over_mean")}× mean), ${g.get("lastperiod_idle_s")} s with none`);
  console.log(`kernel UDP drops: registrant socket ${g.get("udp_drops_registrant")}, registrar socket ${g.get("udp_drops_registrar")}`);
  console.log(`registrar CPU ${g.get("registrar_cpu_s")} s (${g.get("registrar_cpu_pct")} % of a core); host busy ${g.get("host_busy_pct")} % of a core, others ${g.get("others_cpu_pct")} %; load average ${g.get("loadavg_start")} → ${g.get("loadavg_end")}`);
  if (failureDetails.size > 0) console.log(`failure details (first kinds): ${[...failureDetails].map(([k, v]) => `${k} ×${v}`).join("; ")}`);
  for (const [k, v] of out) console.log(`bench.${k}=${v}`);

  stopping = true;
  await registrant.stop({ unregister: false });
  await stack.stop();
  child?.send("stop");
}

const argv = process.argv.slice(2);
if (argv.includes("--registrar")) {
  const d = argv.indexOf("--domain");
  void runRegistrar(d >= 0 && argv[d + 1] !== undefined ? argv[d + 1]! : "example.com");
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
