// Injectable time source, so timers (transactions, refreshes, nonces) are testable without sleeping.
export interface Clock {
  /** Milliseconds since the epoch (wall clock, for Date headers and stored expiries). */
  now(): number;
  /** Monotonic milliseconds, for timeouts. */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  private t: number;
  constructor(startMs = 1_700_000_000_000) {
    this.t = startMs;
  }
  now(): number {
    return this.t;
  }
  monotonic(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
