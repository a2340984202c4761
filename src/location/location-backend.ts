// What a durable backend of the location store does (Kamailio usrloc's db_mode write-through part):
// load what survived a restart, and write batches of change sets atomically.
import type { Binding, BindingChange } from "./binding.js";

/**
 * One queued write: a REGISTER's change set, or the deletion of bindings the sweeper found expired
 * (each deleted only if still expired by `expiredBy`: a refresh committed meanwhile wins).
 */
export type LocationWrite =
  | {
      readonly kind: "changes";
      readonly aor: string;
      readonly changes: readonly BindingChange[];
      /**
       * Set by the store when the batch is cut: refreshes[i] is true when upsert i changes only the
       * expiry, CSeq and modification time of the row held (a plain refresh): a backend may write those
       * three columns alone, and must write the whole row if that row turns out to be missing.
       */
      refreshes?: boolean[];
    }
  | { readonly kind: "purge"; readonly expiredBy: number; readonly ruids: readonly string[] };

export interface LocationBackend {
  /**
   * Opens the backend, deletes rows expired at nowMs, and hands every other binding to `add`, oldest
   * first, built from fresh strings (the index stores them without copying).
   */
  load(nowMs: number, add: (b: Binding) => void): void;
  /**
   * Writes the batch in one transaction and returns the rows it changed; throws (or rejects) having
   * written nothing. A promise lets the transaction run off the event loop (worker-backend.ts).
   */
  commit(batch: readonly LocationWrite[]): number | Promise<number>;
  close(): void | Promise<void>;
}

/** The backend of the memory-only mode: nothing survives, nothing can fail. */
export class NullBackend implements LocationBackend {
  load(): void {}
  commit(batch: readonly LocationWrite[]): number {
    let rows = 0;
    for (const w of batch) if (w.kind === "changes") rows += w.changes.length;
    return rows;
  }
  close(): void {}
}
