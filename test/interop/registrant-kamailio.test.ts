// The registrant (library API) against Kamailio 5.6 (Debian package) as the remote registrar with
// digest auth (test/interop/kamailio/registrar.cfg): accounts register and `kamcmd ul.dump` shows
// their bindings; disabling two unregisters them; a wrong password ends in WRONG_CREDENTIALS; stop()
// unregisters the rest.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SipStack } from "../../src/stack/sip-stack.js";
import { Registrant, parseRegisterSpec, type AccountInfo } from "../../src/registrant/index.js";
import { freePort } from "../support/ports.js";
import { makeTempDir, waitUntil, type TempDir } from "../support/temp-dir.js";

const KAMAILIO = "/usr/sbin/kamailio";
const CONFIG = fileURLToPath(new URL("../../../test/interop/kamailio/registrar.cfg", import.meta.url));

interface Kamailio {
  port: number;
  ctl: string;
  output(): string;
  stop(): Promise<void>;
}

function kamcmd(ctl: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("kamcmd", ["-s", ctl, ...args], { timeout: 3000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`kamcmd ${args.join(" ")}: ${err.message} ${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Runs Kamailio in the foreground in its own process group; retries with another port if the bind fails. */
async function startKamailio(dir: TempDir): Promise<Kamailio> {
  const ctl = `unix:${dir.join("kamailio_ctl")}`;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const args = [
      "-f", CONFIG,
      "-A", `LISTEN=udp:127.0.0.1:${port}`,
      "-A", `CTLSOCK="${ctl}"`,
      "-DD", "-E", "-m", "16", "-M", "4",
      "-Y", dir.path, "-P", dir.join("kamailio.pid"), "-w", dir.path,
    ];
    const child: ChildProcess = spawn(KAMAILIO, args, { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    let gone = false;
    void exited.then(() => (gone = true));
    const stop = async (): Promise<void> => {
      if (gone) return;
      const kill = (sig: NodeJS.Signals): void => {
        try {
          process.kill(-child.pid!, sig); // its process group: the main process and its workers
        } catch {
          /* already gone */
        }
      };
      kill("SIGTERM");
      const t = setTimeout(() => kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(t);
      kill("SIGKILL"); // any worker left behind
    };
    try {
      await waitUntil("Kamailio's control socket", async () => {
        if (gone) throw new Error(`kamailio exited:\n${out}`);
        try {
          return /kamailio 5\./.test(await kamcmd(ctl, "core.version")) ? true : undefined;
        } catch {
          return undefined;
        }
      }, 5000);
      return { port, ctl, output: () => out, stop };
    } catch (e) {
      await stop();
      if (attempt >= 3 || !/bind|Address already in use/i.test(out)) throw e;
    }
  }
}

/** AOR → contact addresses, from `kamcmd ul.dump` (use_domain off: the AOR is the user). */
async function bindings(ctl: string): Promise<Map<string, string[]>> {
  const dump = await kamcmd(ctl, "ul.dump");
  const map = new Map<string, string[]>();
  let aor: string | undefined;
  for (const line of dump.split("\n")) {
    const a = /^\s*AoR:\s*(\S+)/.exec(line);
    if (a) {
      aor = a[1]!;
      map.set(aor, []);
      continue;
    }
    const c = /^\s*Address:\s*(\S+)/.exec(line);
    if (c && aor !== undefined) map.get(aor)!.push(c[1]!);
  }
  return map;
}

test("registrant against Kamailio 5.6 with digest auth: bindings in ul.dump, disable unregisters, wrong password, stop unregisters", { timeout: 40_000 }, async () => {
  // A missing peer is a failure, not a skip: .ci/run installs it.
  assert.ok(existsSync(KAMAILIO), `${KAMAILIO} is not installed (Debian package kamailio; .ci/run installs it)`);
  const dir = makeTempDir("kamailio");
  let kam: Kamailio | undefined;
  let stack: SipStack | undefined;
  let registrant: Registrant | undefined;
  try {
    kam = await startKamailio(dir);
    const { port, ctl } = kam;
    assert.equal((await bindings(ctl)).size, 0, "Kamailio starts with no bindings");

    stack = new SipStack({ listen: [{ protocol: "udp", host: "127.0.0.1", port: 0 }] });
    const [listener] = await stack.start();
    const ourPort = listener!.local.port;
    registrant = new Registrant({ stack, settings: { maxRandomInitialDelaySec: 0.3, timerGranularityMs: 50, unregisterTimeoutMs: 5000 } });

    const users = ["user1", "user2", "user3", "user4", "user5"];
    const ids = users.map((u) => registrant!.add(parseRegisterSpec(`${u}:pw-${u}@127.0.0.1:${port};expires=300`)).l_uuid);
    const wrongId = registrant.add(parseRegisterSpec(`user6:not-the-password@127.0.0.1:${port};expires=300`)).l_uuid;
    assert.deepEqual(ids, users.map((u) => `${u}@127.0.0.1:${port}`));
    registrant.start();

    await waitUntil("the 5 accounts REGISTERED", () => (ids.every((id) => registrant!.get(id)?.state === "REGISTERED") ? true : undefined), 10_000, 50);
    await waitUntil("user6 in WRONG_CREDENTIALS", () => (registrant!.get(wrongId)?.state === "WRONG_CREDENTIALS" ? true : undefined), 10_000, 50);

    // Kamailio holds one binding per account, whose contact is ours.
    let b = await bindings(ctl);
    assert.deepEqual([...b.keys()].sort(), users, `ul.dump AORs (user6 must not be bound):\n${kam.output()}`);
    for (const u of users) {
      const contacts = b.get(u)!;
      assert.equal(contacts.length, 1, `${u} has one contact: ${contacts.join(", ")}`);
      assert.match(contacts[0]!, new RegExp(`^sip:${u}@127\\.0\\.0\\.1:${ourPort}(;|$)`), `${u}'s contact is ours`);
    }
    for (const id of ids) {
      const acc: AccountInfo = registrant.get(id)!;
      assert.ok(acc.boundUntil > Date.now() + 200_000, `${id}: the granted expiry is the requested 300 s`);
      assert.equal(acc.registeredAt, `udp:127.0.0.1:${port}`);
    }

    // Wrong password: rejected credentials, given up (authRejectionPermanent, fatalRetryIntervalSec 0).
    const wrong: AccountInfo = registrant.info("l_uuid", wrongId)!;
    assert.equal(wrong.state, "WRONG_CREDENTIALS");
    assert.equal(wrong.lastStatusCode, 401);
    assert.equal(registrant.status(wrongId), wrong.status);

    // Disabling two accounts unregisters them (Expires: 0) at Kamailio.
    assert.equal(registrant.disable("l_uuid", ids[0]!), 1);
    assert.equal(registrant.disable("r_username", "user2"), 1);
    await waitUntil("user1 and user2 gone from ul.dump", async () => {
      b = await bindings(ctl);
      return !b.has("user1") && !b.has("user2") ? true : undefined;
    }, 10_000);
    assert.deepEqual([...b.keys()].sort(), ["user3", "user4", "user5"]);
    assert.equal(registrant.get(ids[0]!)!.state, "DISABLED");
    assert.equal(registrant.get(ids[1]!)!.state, "DISABLED");

    // stop() unregisters the rest and waits for the answers.
    await registrant.stop();
    registrant = undefined;
    assert.equal((await bindings(ctl)).size, 0, "ul.dump is empty after stop()");
  } finally {
    if (registrant !== undefined) await registrant.stop({ unregister: false });
    if (stack !== undefined) await stack.stop();
    if (kam !== undefined) await kam.stop();
    dir.remove();
  }
});
