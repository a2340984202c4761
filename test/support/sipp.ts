// Runs SIPp (Debian package sip-tester) with one of our scenarios in test/interop/sipp/, bounded in
// time, in a scratch folder that receives its CSV injection file and its logs. SIPp has no way to
// bind port 0 and report it, so a free port is picked first and the run is retried on a bind failure.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { freePort } from "./ports.js";

/** Folder of the scenario files (the XML is not compiled: it is read from the source tree). */
export const SCENARIOS = fileURLToPath(new URL("../../../test/interop/sipp/", import.meta.url));

/** SIPp's exit status when it could not bind its socket (its -2). */
const EXIT_BIND_FAILED = 254;

export interface SippOptions {
  /** Scenario file name in test/interop/sipp/, e.g. "register.xml". */
  scenario: string;
  /** Port of sipreg serve's UDP listener on 127.0.0.1. */
  serverPort: number;
  /** Rows of the injection file (fields joined with ";"), read in sequence. */
  rows: string[];
  /** Scratch folder for the CSV file and the logs. */
  dir: string;
  /** `-key NAME VALUE` pairs: [NAME] in the scenario. */
  keys?: Record<string, string>;
  /** Calls to run (-m); default: one per row. */
  calls?: number;
  /** Calls per second (-r). */
  rate?: number;
  /** Local port to use; default: a free one. */
  localPort?: number;
  /** SIPp's own global timeout (-timeout, seconds); the process is killed 10 s later if still running. */
  timeoutSec?: number;
  extraArgs?: string[];
}

export interface SippResult {
  code: number | null;
  localPort: number;
  /** SIPp's screen output. */
  out: string;
  /** Its error log (unexpected messages, failed regexps), "" if none. */
  errors: string;
  /** Its scenario log (<log> actions), "" if none. */
  logs: string;
  /** The statistics' "Successful call" and "Failed call" cumulative counters. */
  successful: number;
  failed: number;
  /** Everything above, for assertion messages. */
  report(): string;
}

let runCounter = 0;

function counter(out: string, name: string): number {
  const m = new RegExp(`${name}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`).exec(out);
  return m === null ? -1 : Number(m[1]);
}

function readIfExists(path: string): string {
  return existsSync(path) ? readFileSync(path, "utf8") : "";
}

function spawnSipp(args: string[], cwd: string, killAfterMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("sipp", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const t = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("error", (e) => {
      clearTimeout(t);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(t);
      resolve({ code, out });
    });
  });
}

export async function runSipp(o: SippOptions): Promise<SippResult> {
  const id = `${o.scenario.replace(/\.xml$/, "")}-${process.pid}-${++runCounter}`;
  const csv = join(o.dir, `${id}.csv`);
  writeFileSync(csv, ["SEQUENTIAL", ...o.rows].join("\n") + "\n");
  const errorFile = join(o.dir, `${id}-errors.log`);
  const logFile = join(o.dir, `${id}-logs.log`);
  const timeoutSec = o.timeoutSec ?? 20;
  for (let attempt = 1; ; attempt++) {
    const localPort = o.localPort ?? (await freePort());
    const args = [
      `127.0.0.1:${o.serverPort}`,
      "-sf", join(SCENARIOS, o.scenario),
      "-inf", csv,
      "-m", String(o.calls ?? o.rows.length),
      "-r", String(o.rate ?? 10),
      "-i", "127.0.0.1",
      "-p", String(localPort),
      "-timeout", `${timeoutSec}s`,
      "-timeout_error",
      "-nostdin",
      "-trace_err", "-error_file", errorFile,
      "-trace_logs", "-log_file", logFile,
      ...Object.entries(o.keys ?? {}).flatMap(([k, v]) => ["-key", k, v]),
      ...(o.extraArgs ?? []),
    ];
    const { code, out } = await spawnSipp(args, o.dir, (timeoutSec + 10) * 1000);
    if (code === EXIT_BIND_FAILED && o.localPort === undefined && attempt < 5) continue;
    const errors = readIfExists(errorFile);
    const logs = readIfExists(logFile);
    const successful = counter(out, "Successful call");
    const failed = counter(out, "Failed call");
    return {
      code,
      localPort,
      out,
      errors,
      logs,
      successful,
      failed,
      report: () => `sipp ${args.join(" ")}\nexit ${code}\n${out.slice(-4000)}\n--- errors ---\n${errors.slice(0, 4000)}\n--- logs ---\n${logs.slice(0, 2000)}`,
    };
  }
}
