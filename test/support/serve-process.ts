// Runs `sipreg serve` as a child process (the real command), waits until its listeners are bound,
// and reads their ports from its log; always stopped by the test.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const CLI = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  /** listener id → port, e.g. "udp:127.0.0.1" → 40123 */
  ports: Map<string, number>;
  output(): string;
  stop(): Promise<number | null>;
}

export async function startServe(args: string[], timeoutMs = 10_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, "serve", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const ports = new Map<string, number>();
  const expected = args.filter((a, i) => args[i - 1] === "--listen").length;
  const deadline = Date.now() + timeoutMs;
  while (ports.size < Math.max(1, expected)) {
    if (child.exitCode !== null) throw new Error(`sipreg serve exited with ${child.exitCode}: ${out}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`sipreg serve did not start in time: ${out}`);
    }
    for (const m of out.matchAll(/listening on (\w+):(\[[^\]]+\]|[^:\s"]+):(\d+)/g)) ports.set(`${m[1]}:${m[2]}`, Number(m[3]));
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    child,
    ports,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        const t = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", (code) => {
          clearTimeout(t);
          resolve(code);
        });
        child.kill("SIGTERM");
      }),
  };
}

/** Runs a command to completion (bounded), collecting its output. */
export function run(cmd: string, args: string[], timeoutMs = 15_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const t = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(t);
      reject(e);
    });
    child.on("exit", (code) => {
      clearTimeout(t);
      resolve({ code, out });
    });
  });
}
