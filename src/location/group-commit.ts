// Group commit: writes queued while the event loop is busy go to the backend together, in one
// transaction, and each caller's promise settles only after that transaction committed (the figures in
// bench/RESULTS: one fsync per REGISTER caps at ~5 400/s, 64 rows per commit reach 127 000/s).
// Kamailio's db_mode=1 commits each REGISTER alone; its db_mode=2 (write-back) answers before writing.

export interface GroupCommitHandler<W> {
  /**
   * Checks a batch just before its commit: an Error at position i rejects write i alone, which is left
   * out of the transaction (so one bad write cannot fail the others). Undefined: all admitted.
   */
  admit?(batch: readonly W[]): ReadonlyArray<Error | undefined> | undefined;
  /**
   * Writes the whole batch in one transaction, or throws having written none of it. When it returns a
   * promise, one transaction is in flight at a time and everything queued meanwhile forms the next.
   */
  commit(batch: readonly W[]): void | Promise<void>;
  /** Runs for each write of a committed batch, in order, just before its promise resolves. */
  committed(write: W): void;
  /** The error the promises of a failed batch reject with. */
  failure(cause: unknown, batchSize: number): Error;
}

export interface GroupCommitOptions {
  /** Most writes per transaction; a longer queue is committed in several. */
  maxBatch: number;
  /**
   * When a queued write is flushed: "immediate" (setImmediate, after the poll phase, so every datagram
   * read in one loop turn joins the batch: for durable backends) or "microtask" (memory backends).
   */
  schedule: "immediate" | "microtask";
  /**
   * Least time between the starts of two commits (ms), to gather bigger batches when each commit has a
   * fixed cost (the writer thread's message round trip is ~25 µs of CPU): Postgres' commit_delay idea.
   * 0 (default): commit as soon as the previous one ended.
   */
  minIntervalMs?: number;
}

export interface GroupCommitStats {
  /** Transactions committed. */
  commits: number;
  /** Transactions that failed (their writes were rejected). */
  failedCommits: number;
  /** Writes committed. */
  writes: number;
  /** Writes per committed transaction. */
  meanBatchSize: number;
}

interface Entry<W> {
  write: W;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class GroupCommitQueue<W> {
  private queue: Array<Entry<W>> = [];
  private scheduled = false;
  /** The asynchronous commit in flight, if any. */
  private inFlight: Promise<void> | undefined;
  private lastCommitAtMs = -Infinity;
  private delayTimer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private commits = 0;
  private failedCommits = 0;
  private writes = 0;
  private readonly runFlush = (): void => {
    this.immediate = undefined;
    this.flush();
  };

  constructor(
    private readonly handler: GroupCommitHandler<W>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Writes waiting for the next flush. */
  get pending(): number {
    return this.queue.length;
  }

  stats(): GroupCommitStats {
    return {
      commits: this.commits,
      failedCommits: this.failedCommits,
      writes: this.writes,
      meanBatchSize: this.commits === 0 ? 0 : this.writes / this.commits,
    };
  }

  /** Queues a write; resolves once its transaction committed and `committed` ran for it. */
  enqueue(write: W): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      if (this.inFlight !== undefined) return; // the commit in flight flushes again when it ends
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    const wait = (this.options.minIntervalMs ?? 0) - (performance.now() - this.lastCommitAtMs);
    if (wait > 0) {
      this.delayTimer = setTimeout(() => {
        this.delayTimer = undefined;
        this.flush();
      }, wait);
    } else if (this.options.schedule === "immediate") this.immediate = setImmediate(this.runFlush);
    else queueMicrotask(this.runFlush);
  }

  /** Commits everything queued, waiting for asynchronous commits (close()); writes queued by `committed` callbacks included. */
  async drain(): Promise<void> {
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.immediate = undefined;
    if (this.delayTimer !== undefined) clearTimeout(this.delayTimer);
    this.delayTimer = undefined;
    this.lastCommitAtMs = -Infinity;
    for (;;) {
      if (this.inFlight !== undefined) {
        await this.inFlight;
        continue;
      }
      if (this.queue.length === 0) return;
      this.flush();
    }
  }

  private flush(): void {
    this.scheduled = false;
    if (this.inFlight !== undefined) return; // the commit in flight flushes again when it ends
    const all = this.queue;
    if (all.length === 0) return;
    const max = Math.max(1, this.options.maxBatch);
    this.queue = all.length <= max ? [] : all.slice(max);
    this.lastCommitAtMs = performance.now();
    const pending = this.commitBatch(all.length <= max ? all : all.slice(0, max));
    if (pending !== undefined) {
      this.inFlight = pending.then(() => {
        this.inFlight = undefined;
        if (this.queue.length > 0) {
          this.scheduled = true;
          this.scheduleFlush();
        }
      });
    } else if (this.queue.length > 0) {
      this.flush();
    }
  }

  private commitBatch(all: ReadonlyArray<Entry<W>>): Promise<void> | undefined {
    let entries = all;
    const verdicts = this.handler.admit?.(all.map((e) => e.write));
    if (verdicts !== undefined) {
      entries = all.filter((e, i) => {
        const err = verdicts[i];
        if (err !== undefined) e.reject(err);
        return err === undefined;
      });
      if (entries.length === 0) return undefined;
    }
    const batch = entries.map((e) => e.write);
    let result: void | Promise<void>;
    try {
      result = this.handler.commit(batch);
    } catch (cause) {
      this.failed(entries, cause);
      return undefined;
    }
    if (result === undefined) {
      this.succeeded(entries);
      return undefined;
    }
    return result.then(
      () => this.succeeded(entries),
      (cause: unknown) => this.failed(entries, cause),
    );
  }

  private failed(entries: ReadonlyArray<Entry<W>>, cause: unknown): void {
    this.failedCommits++;
    const err = this.handler.failure(cause, entries.length);
    for (const e of entries) e.reject(err);
  }

  private succeeded(entries: ReadonlyArray<Entry<W>>): void {
    this.commits++;
    this.writes += entries.length;
    for (const e of entries) {
      try {
        this.handler.committed(e.write);
      } catch (err) {
        e.reject(err instanceof Error ? err : new Error(String(err)));
        continue;
      }
      e.resolve();
    }
  }
}
