// A mutex per AOR, so the REGISTERs of one AOR run steps 6-7 of RFC 3261 §10.3 one after the other
// (read the bindings, compute the changes, commit) and never interleave across the await of the commit
// (Kamailio takes the usrloc hash-slot lock for the same reason). Different AORs never wait for each other.
//
// Uncontended cost: one Map entry for the duration (a shared marker, no queue allocated). Waiters are
// served in arrival order and the lock passes straight to the next one, so no later caller can barge in.

/** Marks a held lock nobody waits for. */
const HELD = null;

type Waiters = Array<() => void> | typeof HELD;

export class AorLock {
  private readonly held = new Map<string, Waiters>();

  /** AORs locked right now (held or waited for). */
  get size(): number {
    return this.held.size;
  }

  isLocked(aor: string): boolean {
    return this.held.has(aor);
  }

  /** Runs `fn` holding the lock of `aor`; the lock is released when it settles, however it settles. */
  async run<T>(aor: string, fn: () => T | Promise<T>): Promise<T> {
    if (this.held.has(aor)) await this.wait(aor);
    else this.held.set(aor, HELD);
    try {
      return await fn();
    } finally {
      this.release(aor);
    }
  }

  /** The same as run() (the name the design notes use). */
  withAorLock<T>(aor: string, fn: () => T | Promise<T>): Promise<T> {
    return this.run(aor, fn);
  }

  private wait(aor: string): Promise<void> {
    return new Promise<void>((resolve) => {
      let waiters = this.held.get(aor);
      if (waiters === HELD || waiters === undefined) {
        waiters = [];
        this.held.set(aor, waiters);
      }
      waiters.push(resolve);
    });
  }

  private release(aor: string): void {
    const waiters = this.held.get(aor);
    const next = waiters === HELD || waiters === undefined ? undefined : waiters.shift();
    if (next === undefined) this.held.delete(aor);
    else next(); // ownership passes to the next waiter; the entry stays
  }
}
