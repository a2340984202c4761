// A real crash: a child process writes bindings and acknowledges each after its commit; it is killed
// with SIGKILL mid-stream, and every acknowledged binding must be in the database afterwards. In WAL
// mode both synchronous=FULL and NORMAL keep a commit across a process crash (NORMAL may lose the last
// commits only on power loss, which this cannot simulate).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SqliteLocationStore } from "./sqlite-store.js";

const CHILD = fileURLToPath(new URL("./durability-child.js", import.meta.url));
const ACKS_BEFORE_KILL = 1500;

/** Runs the child until it has acknowledged enough writes, kills it, and returns the ruids it acknowledged. */
function runAndKill(path: string, sync: "full" | "normal"): Promise<{ acked: string[]; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, path, sync], { stdio: ["ignore", "pipe", "pipe"] });
    const acked: string[] = [];
    let buffered = "";
    let stderr = "";
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, 8000);
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? ""; // a line cut by the kill is not an acknowledgement
      for (const line of lines) if (line.startsWith("ACK ")) acked.push(line.slice(4));
      if (!killed && acked.length >= ACKS_BEFORE_KILL) {
        killed = true;
        child.kill("SIGKILL");
      }
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (signal !== "SIGKILL") reject(new Error(`child exited with ${code}: ${stderr}`));
      else resolve({ acked, signal });
    });
  });
}

describe("SqliteLocationStore durability across a process crash", () => {
  for (const sync of ["full", "normal"] as const) {
    it(`keeps every acknowledged binding with synchronous=${sync}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "sipreg-crash-"));
      try {
        const path = join(dir, "location.sqlite");
        const { acked } = await runAndKill(path, sync);
        assert.ok(acked.length >= 100, `only ${acked.length} acknowledgements before the kill`);
        const store = new SqliteLocationStore({ path, sweepIntervalMs: 0 });
        await store.open();
        try {
          const missing = acked.filter((ruid) => store.byRuid(ruid) === undefined);
          assert.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged bindings lost`);
          // The child was killed mid-stream: it had more in flight than it acknowledged.
          assert.ok(store.contactCount >= acked.length);
        } finally {
          await store.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
