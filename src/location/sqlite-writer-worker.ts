// The worker thread that owns the location database's write connection: it runs each group-commit
// transaction (and its fsync) off the event loop, so a slow disk or a WAL checkpoint never stalls
// SIP processing. Messages: { id, ops } in; { id, rows [, missing] } or { id, error } out.
import { parentPort, workerData } from "node:worker_threads";
import { decodeBatch } from "./batch-wire.js";
import { SqliteLocationBackend, type SqliteBackendOptions } from "./sqlite-backend.js";

interface CommitRequest {
  id: number;
  /** The batch encoded by batch-wire.ts. */
  ops: string;
}

const options = workerData as Omit<SqliteBackendOptions, "database">;
const backend = new SqliteLocationBackend({ ...options, database: undefined });
// Opens the connection and prepares the statements; what is live was already loaded by the main thread.
backend.load(Number.MAX_SAFE_INTEGER, () => undefined, { deleteExpired: false, select: false });

parentPort!.on("message", (msg: CommitRequest | "close") => {
  if (msg === "close") {
    backend.close();
    parentPort!.close();
    return;
  }
  try {
    const missing: string[] = [];
    const rows = backend.commitOps(decodeBatch(msg.ops), missing);
    parentPort!.postMessage(missing.length === 0 ? { id: msg.id, rows } : { id: msg.id, rows, missing });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
parentPort!.postMessage({ ready: true });
