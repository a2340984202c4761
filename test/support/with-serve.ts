// Runs a test body against a `sipreg serve` started in a fresh temporary folder, and always stops the
// server and removes the folder, whatever the body did; a server that did not stop cleanly (exit 0 on
// SIGTERM) fails the test, but never hides the body's own failure. KEEP_TMP=1 keeps the folder.
import assert from "node:assert/strict";
import { startServe, type ServeProcess } from "./serve-process.js";
import { makeTempDir, type TempDir } from "./temp-dir.js";

export interface ServeScope {
  srv: ServeProcess;
  tmp: TempDir;
  /** The server's --data folder. */
  data: string;
  /** Port of the server's listener "proto:127.0.0.1". */
  port(proto: "udp" | "tcp" | "tls" | "ws" | "wss"): number;
}

/** `args(tmp, data)` gives the serve flags (without --data, which is added). */
export async function withServe(prefix: string, args: (tmp: TempDir) => string[], body: (s: ServeScope) => Promise<void>): Promise<void> {
  const tmp = makeTempDir(prefix);
  const data = tmp.join("data");
  let srv: ServeProcess | undefined;
  let exit: number | null = null;
  try {
    srv = await startServe([...args(tmp), "--data", data]);
    const s = srv;
    await body({
      srv: s,
      tmp,
      data,
      port: (proto) => {
        const p = s.ports.get(`${proto}:127.0.0.1`);
        assert.ok(p !== undefined, `no ${proto} listener: ${s.output()}`);
        return p;
      },
    });
  } finally {
    if (srv !== undefined) exit = await srv.stop();
    if (process.env.KEEP_TMP === undefined) tmp.remove();
    else process.stderr.write(`kept ${tmp.path}\n`);
  }
  assert.equal(exit, 0, `sipreg serve did not stop cleanly:\n${srv?.output() ?? ""}`);
}
