// Runs baresip (Debian package, 1.0) headless as a registering UA: its own config folder, no audio or
// video device, no UI module, only the account module; bounded by its own -t and killed by the test.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./ports.js";

export interface BaresipOptions {
  /** Empty folder for the configuration (also used as HOME). */
  dir: string;
  /** The account line, e.g. "<sip:alice@127.0.0.1:5060>;auth_pass=secret;regint=60". */
  account: string;
  /** baresip quits by itself after this long (its -t); the test stops it before. */
  maxSeconds: number;
}

export interface Baresip {
  child: ChildProcess;
  /** Its SIP port on 127.0.0.1 (UDP and TCP). */
  port: number;
  output(): string;
  exited(): boolean;
  /** SIGTERM (baresip then unregisters), SIGKILL after `graceMs`; resolves with the exit signal or code. */
  stop(graceMs?: number): Promise<string>;
}

function writeConfig(dir: string, port: number, account: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "config"),
    [
      "poll_method\t\tepoll",
      `sip_listen\t\t127.0.0.1:${port}`,
      "net_interface\t\t127.0.0.1", // loopback only: the Contact and Via use 127.0.0.1
      "module_path\t\t/usr/lib/baresip/modules",
      "module_app\t\taccount.so", // reads the accounts file; nothing else is needed to register
      "audio_player\t\tnone",
      "audio_source\t\tnone",
      "audio_alert\t\tnone",
      "",
    ].join("\n"),
  );
  writeFileSync(join(dir, "accounts"), `${account}\n`);
  writeFileSync(join(dir, "contacts"), "");
}

function launch(o: BaresipOptions, port: number): Baresip {
  writeConfig(o.dir, port, o.account);
  const child = spawn("baresip", ["-f", o.dir, "-t", String(o.maxSeconds)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, HOME: o.dir },
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  child.on("error", (e) => (out += `\nspawn error: ${String(e)}`));
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    port,
    output: () => out,
    exited,
    stop: (graceMs = 3000) =>
      new Promise((resolve) => {
        if (exited()) return resolve(String(child.signalCode ?? child.exitCode));
        const t = setTimeout(() => child.kill("SIGKILL"), graceMs);
        child.once("exit", (code, signal) => {
          clearTimeout(t);
          resolve(String(signal ?? code));
        });
        child.kill("SIGTERM");
      }),
  };
}

/** Starts baresip on a free port; another port is tried when baresip cannot bind the first. */
export async function startBaresip(o: BaresipOptions): Promise<Baresip> {
  for (let attempt = 1; ; attempt++) {
    const b = launch(o, await freePort(true));
    await new Promise((r) => setTimeout(r, 300));
    if (!b.exited() || attempt >= 3 || !/in use|bind/i.test(b.output())) return b;
  }
}
