// The engine both location stores share: a LocationIndex in memory, a backend behind it, group commit
// between them, events, and the expiry sweeper (Kamailio usrloc's timer: timer_interval, which walks
// every record; here a heap yields only what expired).
//
// Visibility rule: memory changes only after the backend committed, so get() never shows a binding
// that a crash could lose, and a failed commit leaves memory as it was.
import { systemClock, type Clock } from "../util/clock.js";
import type { Binding, BindingChange } from "./binding.js";
import { checkChangeSet, checkOwnership } from "./binding-validation.js";
import { LocationError } from "./errors.js";
import { GroupCommitQueue, type GroupCommitStats } from "./group-commit.js";
import type { LocationBackend, LocationWrite } from "./location-backend.js";
import type { LocationEvent, LocationStore } from "./location-store.js";
import { LocationIndex } from "./memory-index.js";

export interface LocationStoreOptions {
  /** Time source for expiry; tests pass a ManualClock. Default: the system clock. */
  clock?: Clock;
  /** Most change sets per transaction. Default 512. */
  maxBatch?: number;
  /**
   * Least time between the starts of two commits (ms): bigger batches when a commit has a fixed cost.
   * Default 0; 2 with the SQLite writer thread (a 200 OK waits at most that much longer).
   */
  commitIntervalMs?: number;
  /** How often the sweeper removes expired bindings (ms); 0: only when sweep() is called. Default 1000. */
  sweepIntervalMs?: number;
  /** Most bindings one sweep removes (bounds the pause); the rest go on the next. Default 10 000. */
  maxExpiredPerSweep?: number;
  /** Slots the index allocates up front. Default 1024. */
  initialCapacity?: number;
  /**
   * Receives what a listener threw and background sweep failures.
   * Default: rethrown from a microtask (an uncaught exception: a bug must not pass silently).
   */
  onError?: (err: unknown) => void;
}

export interface LocationStoreStats extends GroupCommitStats {
  /** Rows the backend inserted, updated or deleted. */
  rowsWritten: number;
  /** Change sets applied. */
  changeSets: number;
  /** Bindings removed by the sweeper. */
  expired: number;
  /** Upserts that were plain refreshes (only expiry, CSeq and modification time changed). */
  refreshWrites: number;
}

type State = "new" | "open" | "closed";

function rethrowLater(err: unknown): void {
  queueMicrotask(() => {
    throw err;
  });
}

export class IndexedLocationStore implements LocationStore {
  protected readonly clock: Clock;
  private readonly index: LocationIndex;
  private readonly writes: GroupCommitQueue<LocationWrite>;
  /** Replaced, never mutated, on (un)subscribe: emit iterates a stable array without copying. */
  private listeners: ReadonlyArray<(e: LocationEvent) => void> = [];
  private readonly sweepIntervalMs: number;
  private readonly maxExpiredPerSweep: number;
  private readonly onError: (err: unknown) => void;
  private state: State = "new";
  private sweeper: NodeJS.Timeout | undefined;
  private rowsWritten = 0;
  private changeSets = 0;
  private expired = 0;
  private refreshWrites = 0;
  private readonly ownerOf = (ruid: string): string | undefined => this.index.aorOfRuid(ruid);

  constructor(
    private readonly backend: LocationBackend,
    options: LocationStoreOptions,
    schedule: "immediate" | "microtask",
  ) {
    this.clock = options.clock ?? systemClock;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 1000;
    this.maxExpiredPerSweep = Math.max(1, options.maxExpiredPerSweep ?? 10_000);
    this.onError = options.onError ?? rethrowLater;
    this.index = new LocationIndex({ initialCapacity: options.initialCapacity ?? 1024 });
    this.writes = new GroupCommitQueue<LocationWrite>(
      {
        admit: (batch) => this.admit(batch),
        commit: (batch) => {
          const rows = this.backend.commit(batch);
          if (typeof rows === "number") {
            this.rowsWritten += rows;
            return undefined;
          }
          return rows.then((n) => {
            this.rowsWritten += n;
          });
        },
        committed: (w) => {
          if (w.kind === "changes") this.applyToMemory(w.changes);
        },
        failure: (cause, n) => new LocationError("LOCATION_COMMIT_FAILED", `location commit of ${n} writes failed: ${String(cause)}`, { cause }),
      },
      { maxBatch: options.maxBatch ?? 512, schedule, minIntervalMs: options.commitIntervalMs ?? 0 },
    );
  }

  async open(): Promise<void> {
    if (this.state !== "new") throw new LocationError(this.state === "closed" ? "LOCATION_CLOSED" : "LOCATION_NOT_OPEN", `open() on a store that is ${this.state}`);
    try {
      this.backend.load(this.clock.now(), (b) => this.index.upsertFlat(b));
    } catch (err) {
      this.index.clear();
      throw err instanceof LocationError ? err : new LocationError("LOCATION_LOAD_FAILED", `loading the location store failed: ${String(err)}`, { cause: err });
    }
    this.state = "open";
    if (this.sweepIntervalMs > 0) {
      this.sweeper = setInterval(() => {
        this.sweep().catch(this.onError);
      }, this.sweepIntervalMs);
      this.sweeper.unref();
    }
  }

  get(aor: string): readonly Binding[] {
    return this.index.bindings(aor, this.clock.now());
  }

  byRuid(ruid: string): Binding | undefined {
    return this.index.byRuid(ruid, this.clock.now());
  }

  /** Live bindings made over a connection (RFC 5626 flow): what to drop or mark when it closes. */
  byConnection(connectionId: number): readonly Binding[] {
    return this.index.byConnection(connectionId, this.clock.now());
  }

  apply(aor: string, changes: readonly BindingChange[]): Promise<void> {
    if (this.state !== "open") {
      return Promise.reject(new LocationError(this.state === "new" ? "LOCATION_NOT_OPEN" : "LOCATION_CLOSED", `apply() on a store that is ${this.state}`));
    }
    const invalid = checkChangeSet(aor, changes) ?? checkOwnership(aor, changes, this.ownerOf);
    if (invalid !== undefined) return Promise.reject(invalid);
    if (changes.length === 0) return Promise.resolve();
    return this.writes.enqueue({ kind: "changes", aor, changes });
  }

  aors(): IterableIterator<string> {
    return this.index.aors(this.clock.now());
  }

  /** AORs held; includes, until the next sweep, AORs whose last binding just expired. */
  get aorCount(): number {
    return this.index.aorCount;
  }

  /** Bindings held; includes, until the next sweep, bindings that just expired. */
  get contactCount(): number {
    return this.index.contactCount;
  }

  subscribe(listener: (e: LocationEvent) => void): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /**
   * Removes expired bindings from memory now (emitting contact-expired) and queues their deletion from
   * the backend; resolves with how many were removed once that deletion committed.
   */
  sweep(): Promise<number> {
    if (this.state !== "open") return Promise.resolve(0);
    const now = this.clock.now();
    const ruids: string[] = [];
    const out: Binding[] | undefined = this.listeners.length > 0 ? [] : undefined;
    const n = this.index.takeExpired(now, this.maxExpiredPerSweep, ruids, out);
    if (n === 0) return Promise.resolve(0);
    this.expired += n;
    if (out !== undefined) for (const binding of out) this.emit({ type: "contact-expired", binding });
    return this.writes.enqueue({ kind: "purge", expiredBy: now, ruids }).then(() => n);
  }

  stats(): LocationStoreStats {
    return { ...this.writes.stats(), rowsWritten: this.rowsWritten, changeSets: this.changeSets, expired: this.expired, refreshWrites: this.refreshWrites };
  }

  async close(): Promise<void> {
    if (this.state === "closed") return;
    const wasOpen = this.state === "open";
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
    if (wasOpen) await this.writes.drain();
    this.state = "closed";
    try {
      await this.backend.close();
    } finally {
      this.index.clear();
    }
  }

  /**
   * Re-checks ruid ownership when the batch is cut, against memory and against the change sets before
   * it in the batch: two REGISTERs of different AORs cannot both claim one new ruid.
   */
  private admit(batch: readonly LocationWrite[]): Array<LocationError | undefined> | undefined {
    let verdicts: Array<LocationError | undefined> | undefined;
    let claimed: Map<string, string> | undefined;
    // Memory equals the database here (one commit in flight at a time, memory applied on commit), so
    // a change can be compared with the row held, unless an earlier write of this batch touched its ruid.
    let touched: Set<string> | undefined;
    const ownerOf = (ruid: string): string | undefined => this.index.aorOfRuid(ruid) ?? claimed?.get(ruid);
    for (let i = 0; i < batch.length; i++) {
      const w = batch[i]!;
      if (w.kind !== "changes") continue;
      const err = checkOwnership(w.aor, w.changes, ownerOf);
      if (err !== undefined) {
        (verdicts ??= new Array<LocationError | undefined>(batch.length))[i] = err;
        continue;
      }
      const changes = w.changes;
      for (let k = 0; k < changes.length; k++) {
        const c = changes[k]!;
        const ruid = c.op === "upsert" ? c.binding.ruid : c.ruid;
        if (c.op === "upsert") {
          if (this.index.aorOfRuid(ruid) === undefined) (claimed ??= new Map()).set(ruid, w.aor);
          else if (touched?.has(ruid) !== true && this.index.isRefreshOf(c.binding)) {
            (w.refreshes ??= new Array<boolean>(changes.length).fill(false))[k] = true;
            this.refreshWrites++;
          }
        }
        if (batch.length > 1) (touched ??= new Set()).add(ruid);
      }
    }
    return verdicts;
  }

  /** Applies a committed change set to memory and tells the listeners. */
  private applyToMemory(changes: readonly BindingChange[]): void {
    this.changeSets++;
    const index = this.index;
    if (this.listeners.length === 0) {
      for (const c of changes) {
        if (c.op === "upsert") index.upsert(c.binding);
        else index.remove(c.ruid);
      }
      return;
    }
    const now = this.clock.now();
    for (const c of changes) {
      if (c.op === "upsert") {
        const previous = index.find(c.binding.ruid);
        index.upsert(c.binding);
        if (previous === undefined) {
          this.emit({ type: "contact-added", binding: c.binding });
        } else if (previous.expiresAtMs <= now) {
          // It expired before the sweeper saw it: to listeners that is an expiry and a new binding.
          this.emit({ type: "contact-expired", binding: previous });
          this.emit({ type: "contact-added", binding: c.binding });
        } else {
          this.emit({ type: "contact-updated", binding: c.binding, previous });
        }
        continue;
      }
      const binding = index.find(c.ruid);
      if (binding === undefined || !index.remove(c.ruid)) continue;
      if (c.reason === "expired" || binding.expiresAtMs <= now) this.emit({ type: "contact-expired", binding });
      else this.emit({ type: "contact-removed", binding, reason: c.reason });
    }
  }

  private emit(e: LocationEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(e);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
