// A TTL cache of one record type's answers, keyed by name, that lets concurrent lookups share a query.
import type { Clock } from "../util/clock.js";

export interface RecordCacheLimits {
  /** How long an empty answer is remembered (negative caching), ms. */
  negativeTtlMs: number;
  /** Upper bound on how long any answer is remembered, ms, whatever its TTL says. */
  maxTtlMs: number;
  /** Entries kept at most; past that, expired then oldest entries are dropped. */
  maxEntries: number;
}

type Entry<T> =
  | { readonly state: "pending"; readonly answer: Promise<readonly T[]> }
  | { readonly state: "ready"; readonly records: readonly T[]; readonly expiresAt: number };

export class RecordCache<T extends { readonly ttl: number }> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: RecordCacheLimits,
  ) {}

  /** The cached answer for `name`, else the in-flight query for it, else a new `query(name)`. Failures are not cached. */
  lookup(name: string, query: (name: string) => Promise<readonly T[]>): Promise<readonly T[]> {
    const key = normalizeName(name);
    const cached = this.entries.get(key);
    if (cached?.state === "pending") return cached.answer;
    if (cached?.state === "ready") {
      if (cached.expiresAt > this.clock.monotonic()) return Promise.resolve(cached.records);
      this.entries.delete(key);
    }
    // Wrapping turns a synchronous throw from `query` into a rejection like any other failure.
    const answer = new Promise<readonly T[]>((resolve) => resolve(query(key))).then(
      (records) => this.settle(key, pending, records),
      (error: unknown) => {
        if (this.entries.get(key) === pending) this.entries.delete(key);
        throw error;
      },
    );
    const pending: Entry<T> = { state: "pending", answer };
    this.makeRoom();
    this.entries.set(key, pending);
    return answer;
  }

  get size(): number {
    return this.entries.size;
  }

  private settle(key: string, pending: Entry<T>, answer: readonly T[]): readonly T[] {
    const records = Object.freeze([...answer]);
    // Only the query that is still the current entry may store its answer (it may have been evicted meanwhile).
    if (this.entries.get(key) !== pending) return records;
    const ttlMs = this.ttlMs(records);
    if (ttlMs > 0) {
      this.entries.set(key, { state: "ready", records, expiresAt: this.clock.monotonic() + ttlMs });
    } else {
      this.entries.delete(key);
    }
    return records;
  }

  /** An RRset lives as long as its shortest TTL (RFC 2181 §5.2 wants equal TTLs; be safe if not). */
  private ttlMs(records: readonly T[]): number {
    if (records.length === 0) return this.limits.negativeTtlMs;
    const seconds = Math.min(...records.map((r) => r.ttl));
    return Math.min(seconds * 1000, this.limits.maxTtlMs);
  }

  private makeRoom(): void {
    if (this.entries.size < this.limits.maxEntries) return;
    const now = this.clock.monotonic();
    for (const [key, entry] of this.entries) {
      if (entry.state === "ready" && entry.expiresAt <= now) this.entries.delete(key);
    }
    for (const key of this.entries.keys()) {
      if (this.entries.size < this.limits.maxEntries) break;
      this.entries.delete(key);
    }
  }
}

/** DNS names compare case-insensitively, and "example.com." is "example.com". */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}
