// A SQLite location backend whose writes run in a worker thread (sqlite-writer-worker.ts): the main
// thread loads the live bindings at start, then hands each group-commit batch to the worker and
// resolves once that transaction committed. The 200 OK still waits for durability; the event loop
// no longer waits for the disk.
import { Worker } from "node:worker_threads";
import type { Binding } from "./binding.js";
import { LocationError } from "./errors.js";
import { encodeBatch, fullUpserts } from "./batch-wire.js";
import type { LocationBackend, LocationWrite } from "./location-backend.js";
import { SqliteLocationBackend, type SqliteBackendOptions } from "./sqlite-backend.js";

type Reply = { id: number; rows: number; missing?: string[] } | { id: number; error: string } | { ready: true };
type Committed = { rows: number; missing: string[] | undefined };

export class WorkerSqliteBackend implements LocationBackend {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (c: Committed) => void; reject: (err: Error) => void }>();
  private failure: Error | undefined;
  /** Commits asked for and not yet answered: the worker is ref'd while there are any. */
  private outstanding = 0;

  private settled(): void {
    if (--this.outstanding === 0) this.worker?.unref();
  }

  constructor(private readonly options: Omit<SqliteBackendOptions, "database"> & { path: string }) {}

  load(nowMs: number, add: (b: Binding) => void): void {
    // Load (and delete what expired while down) on a short-lived connection of the main thread.
    const loader = new SqliteLocationBackend({ ...this.options, database: undefined });
    try {
      loader.load(nowMs, add);
    } finally {
      loader.close();
    }
    const worker = new Worker(new URL("./sqlite-writer-worker.js", import.meta.url), { workerData: { ...this.options } });
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.once("error", reject);
      worker.on("message", (m: Reply) => {
        if ("ready" in m) {
          worker.off("error", reject);
          if (this.outstanding === 0) worker.unref();
          resolve();
          return;
        }
        const p = this.pending.get(m.id);
        if (p === undefined) return;
        this.pending.delete(m.id);
        this.settled();
        if ("error" in m) p.reject(new LocationError("LOCATION_COMMIT_FAILED", m.error));
        else p.resolve({ rows: m.rows, missing: m.missing });
      });
    });
    worker.on("error", (err) => this.fail(err));
    worker.on("exit", (code) => {
      if (this.worker !== undefined) this.fail(new LocationError("LOCATION_COMMIT_FAILED", `the location writer thread exited (code ${code})`));
    });
    // The writer keeps the process alive only while starting and while a commit is outstanding.
  }

  commit(batch: readonly LocationWrite[]): Promise<number> {
    return this.send(batch).then(({ rows, missing }) => {
      if (missing === undefined) return rows;
      // Refreshes whose row was gone (purged as expired just before): written whole, then answered.
      const whole = fullUpserts(batch, new Set(missing));
      return this.send(whole).then((again) => rows + again.rows);
    });
  }

  private send(batch: readonly LocationWrite[]): Promise<Committed> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const worker = this.worker;
    if (worker === undefined || this.ready === undefined) return Promise.reject(new LocationError("LOCATION_CLOSED", "the location database is not open"));
    const id = this.nextId++;
    const ops = encodeBatch(batch);
    if (this.outstanding++ === 0) worker.ref();
    return this.ready.then(
      () =>
        new Promise<Committed>((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          worker.postMessage({ id, ops });
        }),
    );
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker === undefined) return;
    await this.ready?.catch(() => undefined);
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    worker.ref(); // keep the process alive until the writer has closed the database
    worker.postMessage("close");
    await Promise.race([exited, new Promise<void>((r) => setTimeout(r, 5000).unref())]);
    await worker.terminate();
  }

  private fail(err: Error): void {
    this.failure ??= err instanceof LocationError ? err : new LocationError("LOCATION_COMMIT_FAILED", `the location writer thread failed: ${err.message}`, { cause: err });
    for (const p of this.pending.values()) p.reject(this.failure);
    this.outstanding -= this.pending.size;
    this.pending.clear();
    if (this.outstanding <= 0) {
      this.outstanding = 0;
      this.worker?.unref();
    }
  }
}
