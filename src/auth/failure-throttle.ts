// Online password-guessing protection (RFC 2617 §4.7, carried into RFC 7616 §5): a source
// address with more than `maxFailures` authentication failures within `windowSec` is blocked for
// `blockSec`; the registrar then answers 403 or drops its requests without verifying anything.
import type { Clock } from "../util/clock.js";
import { AuthConfigError } from "./auth-config-error.js";

export interface FailureThrottleOptions {
  /** Failures tolerated within the window; one more blocks the source. */
  maxFailures: number;
  windowSec: number;
  blockSec: number;
  clock: Pick<Clock, "monotonic">;
  /** Most addresses whose recent failures are counted (default 50 000); the least recently failing go first. */
  maxTracked?: number;
  /** Most addresses blocked at once (default 10 000); the block ending soonest is lifted first. */
  maxBlocked?: number;
}

export interface FailureThrottleStats {
  /** Addresses with recent failures being counted. */
  tracked: number;
  /** Addresses blocked now (blocks that ran out but were not looked at since are included). */
  blocked: number;
  /** Failures recorded since the start. */
  failures: number;
  /** Blocks imposed since the start. */
  blocks: number;
}

/** The times of an address's last failures, in a ring of `maxFailures` slots. */
class FailureRing {
  readonly times: Float64Array;
  next = 0;
  count = 0;
  constructor(size: number) {
    this.times = new Float64Array(size);
  }
}

/**
 * Counts failures per address in a sliding window: the ring keeps the last `maxFailures` failure
 * times, and a failure arriving while the oldest of them is still within the window is one too many.
 * Counting and blocking use separate bounded maps, so a flood of failures from many (possibly spoofed)
 * addresses can push counters out but cannot lift a block early except by filling `maxBlocked`.
 */
export class FailureThrottle {
  private readonly tracked = new Map<string, FailureRing>();
  /** Address -> end of the block (monotonic ms), in the order blocks were imposed. */
  private readonly blocked = new Map<string, number>();
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly blockMs: number;
  private readonly clock: Pick<Clock, "monotonic">;
  private readonly maxTracked: number;
  private readonly maxBlocked: number;
  private failures = 0;
  private blocks = 0;

  constructor(options: FailureThrottleOptions) {
    this.maxFailures = positiveInteger(options.maxFailures, "maxFailures");
    this.windowMs = positiveSeconds(options.windowSec, "windowSec");
    this.blockMs = positiveSeconds(options.blockSec, "blockSec");
    this.maxTracked = positiveInteger(options.maxTracked ?? 50_000, "maxTracked");
    this.maxBlocked = positiveInteger(options.maxBlocked ?? 10_000, "maxBlocked");
    this.clock = options.clock;
  }

  /** Whether requests from `address` are to be refused now. */
  isBlocked(address: string): boolean {
    const until = this.blocked.get(address);
    if (until === undefined) return false;
    if (this.clock.monotonic() < until) return true;
    this.blocked.delete(address);
    return false;
  }

  /** Counts one failure from `address`; true when the address is blocked (now or already). */
  recordFailure(address: string): boolean {
    this.failures++;
    if (this.isBlocked(address)) return true;
    const now = this.clock.monotonic();
    let ring = this.tracked.get(address);
    if (ring === undefined) {
      ring = new FailureRing(this.maxFailures);
      dropOldestWhileFull(this.tracked, this.maxTracked);
    } else {
      this.tracked.delete(address); // re-inserted below: the map stays in least-recently-failing order
    }
    if (ring.count === this.maxFailures && now - (ring.times[ring.next] ?? 0) <= this.windowMs) {
      this.block(address, now);
      return true;
    }
    ring.times[ring.next] = now;
    ring.next = (ring.next + 1) % this.maxFailures;
    if (ring.count < this.maxFailures) ring.count++;
    this.tracked.set(address, ring);
    return false;
  }

  /** A successful authentication from `address` forgets its failures (a block stays until it ends). */
  recordSuccess(address: string): void {
    this.tracked.delete(address);
  }

  /** Lifts a block by hand (administration). */
  unblock(address: string): void {
    this.blocked.delete(address);
    this.tracked.delete(address);
  }

  /** Drops blocks that ended and counters whose failures all left the window (call now and then). */
  sweep(): void {
    const now = this.clock.monotonic();
    for (const [address, until] of this.blocked) if (until <= now) this.blocked.delete(address);
    for (const [address, ring] of this.tracked) {
      const newest = ring.times[(ring.next + this.maxFailures - 1) % this.maxFailures] ?? 0;
      if (now - newest > this.windowMs) this.tracked.delete(address);
    }
  }

  stats(): FailureThrottleStats {
    return { tracked: this.tracked.size, blocked: this.blocked.size, failures: this.failures, blocks: this.blocks };
  }

  private block(address: string, now: number): void {
    this.tracked.delete(address);
    // Every block lasts blockMs, so the first in the map ends soonest.
    dropOldestWhileFull(this.blocked, this.maxBlocked);
    this.blocked.set(address, now + this.blockMs);
    this.blocks++;
  }
}

function dropOldestWhileFull<V>(map: Map<string, V>, max: number): void {
  while (map.size >= max) {
    const oldest = map.keys().next();
    if (oldest.done === true) return;
    map.delete(oldest.value);
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new AuthConfigError(`failure throttle ${name} must be a positive integer`);
  return value;
}

function positiveSeconds(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new AuthConfigError(`failure throttle ${name} must be a positive number of seconds`);
  return value * 1000;
}
