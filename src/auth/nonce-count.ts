// Replay protection for Digest with qop (RFC 7616 §3.4 nonce-count; replay attacks: RFC 2617 §4.5,
// carried into RFC 7616 §5): per nonce, the highest nonce-count accepted so far; a request must
// carry a higher one.
import type { Clock } from "../util/clock.js";
import { AuthConfigError } from "./auth-config-error.js";

export interface NonceCountStoreOptions {
  /** Nonce lifetime, the same as the NonceManager's: an entry is useless once its nonce is stale. */
  lifetimeSec: number;
  /** Wall clock: compared with the issue times carried by nonces. */
  clock: Pick<Clock, "now">;
  /** Most nonces remembered at once (default 100 000: about 15 MB, some 150 bytes an entry). */
  maxEntries?: number;
}

export interface NonceCountStats {
  /** Nonces currently remembered. */
  size: number;
  /** Entries dropped while their nonce was still valid, to stay within maxEntries. */
  evictedLive: number;
  /** Requests refused because their nc was not above the last one seen (or the nonce was evicted). */
  refused: number;
}

class Entry {
  constructor(
    public nc: number,
    public readonly issuedAt: number,
  ) {}
}

/**
 * The highest nc seen per nonce, in a Map kept in first-use order: since every nonce lives equally
 * long, expired entries are found at the front, and at capacity the oldest entry is evicted.
 *
 * An evicted nonce must not become replayable, so eviction of a still-valid entry raises a watermark
 * and an unknown nonce issued at or before it is refused: the client is then re-challenged and gets
 * a newer nonce. Entries are created only by the verifier after a correct response, so a forger cannot
 * fill the map.
 */
export class NonceCountStore {
  private readonly entries = new Map<string, Entry>();
  /**
   * The nonces in first-use order, consumed from `head`. Kept beside the Map because iterating a Map
   * from the front after many deletions walks every deleted slot until the table is rehashed.
   */
  private order: string[] = [];
  private head = 0;
  private readonly lifetimeMs: number;
  private readonly clock: Pick<Clock, "now">;
  private readonly maxEntries: number;
  /** Unknown nonces issued at or before this time may have been evicted while valid. */
  private evictedUpTo = Number.NEGATIVE_INFINITY;
  private evictedLive = 0;
  private refused = 0;

  constructor(options: NonceCountStoreOptions) {
    if (!Number.isFinite(options.lifetimeSec) || options.lifetimeSec <= 0) {
      throw new AuthConfigError("nonce-count lifetime must be a positive number of seconds");
    }
    const max = options.maxEntries ?? 100_000;
    if (!Number.isInteger(max) || max < 1) throw new AuthConfigError("nonce-count maxEntries must be a positive integer");
    this.lifetimeMs = options.lifetimeSec * 1000;
    this.clock = options.clock;
    this.maxEntries = max;
  }

  /**
   * Whether `nc` may be used with `nonce` (issued at `issuedAtMs`): above the last accepted count,
   * and at least 1 (RFC 7616 §3.4: the first request with a nonce sends 00000001). Records nothing.
   */
  isFresh(nonce: string, nc: number, issuedAtMs: number): boolean {
    const entry = this.entries.get(nonce);
    if (entry !== undefined) return nc > entry.nc;
    return nc >= 1 && issuedAtMs > this.evictedUpTo;
  }

  /** Records `nc` for `nonce` when it is fresh (see isFresh); false, recording nothing, when it is not. */
  accept(nonce: string, nc: number, issuedAtMs: number): boolean {
    if (!this.isFresh(nonce, nc, issuedAtMs)) {
      this.refused++;
      return false;
    }
    const entry = this.entries.get(nonce);
    if (entry !== undefined) {
      entry.nc = nc; // set in place: the entry keeps its position and nothing is allocated
      return true;
    }
    this.makeRoom();
    this.entries.set(nonce, new Entry(nc, issuedAtMs));
    this.order.push(nonce);
    return true;
  }

  get size(): number {
    return this.entries.size;
  }

  stats(): NonceCountStats {
    return { size: this.entries.size, evictedLive: this.evictedLive, refused: this.refused };
  }

  /** Drops expired entries from the front, then the oldest live ones while the map is full. */
  private makeRoom(): void {
    const expiredBefore = this.clock.now() - this.lifetimeMs;
    const order = this.order;
    while (this.head < order.length) {
      const nonce = order[this.head]!;
      const entry = this.entries.get(nonce)!;
      if (entry.issuedAt < expiredBefore) {
        this.entries.delete(nonce);
      } else if (this.entries.size >= this.maxEntries) {
        this.entries.delete(nonce);
        this.evictedLive++;
        if (entry.issuedAt > this.evictedUpTo) this.evictedUpTo = entry.issuedAt;
      } else {
        break;
      }
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > order.length) {
      this.order = order.slice(this.head);
      this.head = 0;
    }
  }
}
