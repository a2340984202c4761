// A hierarchical hashed timer wheel (Varghese & Lauck, "scheme 7"): O(1) schedule and cancel, one Node
// timer for any number of pending timers. Transactions keep a handful of timers each (RFC 3261 §17), and at
// tens of thousands of transactions a second a Node timer apiece costs too much memory and too many wakeups.
//
// Time is cut in ticks of `tickMs`. Four levels of 256 slots cover 2^32 ticks (about 497 days at 10 ms):
// level 0 holds timers due within 256 ticks, level n those due within 256^(n+1) ticks. When level 0 wraps,
// the next slot of level 1 is redistributed to level 0 (and so on up), so each timer is moved at most
// three times in its life and a firing tick touches only the timers that are due.
import { ManualClock, systemClock, type Clock } from "./clock.js";
import { SipregError } from "./errors.js";

/** Called when a timer fires: `ctx` and `arg` are what was given to schedule (no closure needed). */
export type TimerCallback<C> = (ctx: C, arg: number) => void;

/** What schedule returns: pass it to cancel. */
export interface TimerHandle {
  /** True until the timer fires or is cancelled. */
  readonly pending: boolean;
}

export interface TimerWheelOptions {
  /** Source of time; tests pass a ManualClock. Default: the system clock. */
  clock?: Clock;
  /** Resolution: timers fire within one tick after their deadline. Default 10 ms. */
  tickMs?: number;
  /** True: no Node timer, time moves only through tick() or advance() (tests). Default false. */
  manual?: boolean;
  /** Receives what a callback threw; the other timers of the tick still fire. Default: rethrown from a microtask. */
  onError?: (err: unknown) => void;
}

export class TimerWheelError extends SipregError {
  constructor(message: string) {
    super("TIMER_WHEEL", message);
  }
}

const SLOT_BITS = 8;
const SLOTS = 1 << SLOT_BITS;
const LEVELS = 4;
/** Ticks per slot at each level: 1, 256, 65536, 16777216. */
const SPAN = [1, SLOTS, SLOTS ** 2, SLOTS ** 3] as const;
const MAX_DELTA_TICKS = SLOTS ** LEVELS - 1;

const noop: TimerCallback<unknown> = () => undefined;

function rethrowLater(err: unknown): void {
  queueMicrotask(() => {
    throw err;
  });
}

/** A timer and its place in a slot's circular doubly linked list (each slot has a sentinel node). */
class TimerNode implements TimerHandle {
  prev: TimerNode | null = null;
  next: TimerNode | null = null;
  expiry = 0;
  callback: TimerCallback<unknown>;
  ctx: unknown;
  arg: number;
  constructor(callback: TimerCallback<unknown>, ctx: unknown, arg: number) {
    this.callback = callback;
    this.ctx = ctx;
    this.arg = arg;
  }
  get pending(): boolean {
    return this.prev !== null;
  }
}

function sentinel(): TimerNode {
  const s = new TimerNode(noop, undefined, 0);
  s.prev = s;
  s.next = s;
  return s;
}

function unlink(n: TimerNode): void {
  n.prev!.next = n.next;
  n.next!.prev = n.prev;
  n.prev = null;
  n.next = null;
}

function append(head: TimerNode, n: TimerNode): void {
  const last = head.prev!;
  n.prev = last;
  n.next = head;
  last.next = n;
  head.prev = n;
}

export class TimerWheel {
  readonly tickMs: number;
  private readonly clock: Clock;
  private readonly manual: boolean;
  private readonly onError: (err: unknown) => void;
  private readonly origin: number;
  /** levels[l][s]: sentinel of slot s at level l. */
  private readonly levels: TimerNode[][] = [];
  /** Timers of the tick being fired, moved out of their slot so callbacks may schedule into it. */
  private readonly firing = sentinel();
  /** The next tick to process. */
  private current = 0;
  private count = 0;
  private running = false;
  private interval: NodeJS.Timeout | undefined;
  private readonly onInterval = (): void => {
    this.tick();
  };

  constructor(options: TimerWheelOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.tickMs = options.tickMs ?? 10;
    if (!(this.tickMs >= 1)) throw new TimerWheelError(`tickMs must be at least 1, got ${this.tickMs}`);
    this.manual = options.manual ?? false;
    this.onError = options.onError ?? rethrowLater;
    this.origin = this.clock.monotonic();
    for (let l = 0; l < LEVELS; l++) {
      const slots: TimerNode[] = [];
      for (let s = 0; s < SLOTS; s++) slots.push(sentinel());
      this.levels.push(slots);
    }
  }

  /** Timers pending. */
  get size(): number {
    return this.count;
  }

  /**
   * Calls `callback(ctx, arg)` once, no earlier than `delayMs` from now and at most one tick after.
   * Delays beyond 2^32 ticks are shortened to that.
   */
  schedule<C>(delayMs: number, callback: TimerCallback<C>, ctx: C, arg = 0): TimerHandle {
    const node = new TimerNode(callback as TimerCallback<unknown>, ctx, arg);
    const delay = delayMs > 0 ? delayMs : 0;
    const due = Math.ceil((this.clock.monotonic() - this.origin + delay) / this.tickMs);
    node.expiry = Math.min(Math.max(due, this.current), this.current + MAX_DELTA_TICKS);
    this.place(node);
    this.count++;
    if (!this.manual && this.interval === undefined) {
      this.interval = setInterval(this.onInterval, this.tickMs);
      this.interval.unref();
    }
    return node;
  }

  /** Cancels a pending timer; false when it already fired or was cancelled. */
  cancel(handle: TimerHandle | undefined): boolean {
    if (!(handle instanceof TimerNode) || handle.prev === null) return false;
    unlink(handle);
    handle.ctx = undefined;
    this.count--;
    return true;
  }

  /** Fires every timer whose tick has come by the clock; returns how many fired. */
  tick(): number {
    if (this.running) return 0;
    this.running = true;
    let fired = 0;
    try {
      const target = Math.floor((this.clock.monotonic() - this.origin) / this.tickMs);
      while (this.current <= target) {
        // Nothing pending: skip the empty ticks at once (after an idle spell or a suspended process).
        if (this.count === 0) {
          this.current = target + 1;
          break;
        }
        fired += this.runTick();
      }
    } finally {
      this.running = false;
    }
    if (this.count === 0 && this.interval !== undefined) {
      clearInterval(this.interval);
      this.interval = undefined;
    }
    return fired;
  }

  /**
   * Test driver: moves the ManualClock the wheel was built with forward by `ms`, one tick at a time,
   * firing timers as their tick comes so callbacks see the time they were due at.
   */
  advance(ms: number): number {
    const clock = this.clock;
    if (!(clock instanceof ManualClock)) throw new TimerWheelError("advance() needs the wheel to run on a ManualClock");
    let fired = this.tick();
    let left = ms;
    while (left > 0) {
      // Step to the next tick boundary, so each tick fires at the time it stands for.
      const sinceOrigin = clock.monotonic() - this.origin;
      const step = Math.min(left, (Math.floor(sinceOrigin / this.tickMs) + 1) * this.tickMs - sinceOrigin);
      clock.advance(step);
      left -= step;
      fired += this.tick();
    }
    return fired;
  }

  /** Stops the Node timer and drops every pending timer. */
  stop(): void {
    if (this.interval !== undefined) clearInterval(this.interval);
    this.interval = undefined;
    for (const slots of this.levels) {
      for (const head of slots) {
        while (head.next !== head) unlink(head.next!);
      }
    }
    this.count = 0;
  }

  private place(node: TimerNode): void {
    const delta = node.expiry - this.current;
    let level = 0;
    while (level < LEVELS - 1 && delta >= SPAN[level + 1]!) level++;
    const slot = Math.floor(node.expiry / SPAN[level]!) % SLOTS;
    append(this.levels[level]![slot]!, node);
  }

  /** Processes tick `current`: cascades the higher levels when level 0 wraps, then fires its slot. */
  private runTick(): number {
    const t = this.current;
    const index = t % SLOTS;
    if (index === 0) {
      for (let level = 1; level < LEVELS; level++) {
        const slot = Math.floor(t / SPAN[level]!) % SLOTS;
        this.cascade(this.levels[level]![slot]!);
        if (slot !== 0) break;
      }
    }
    this.current = t + 1;
    const head = this.levels[0]![index]!;
    if (head.next === head) return 0;
    // Move the slot's list to `firing` in O(1); a callback may cancel one of them or schedule anew.
    const firing = this.firing;
    firing.next = head.next;
    firing.prev = head.prev;
    head.next!.prev = firing;
    head.prev!.next = firing;
    head.next = head;
    head.prev = head;
    let fired = 0;
    while (firing.next !== firing) {
      const node = firing.next!;
      unlink(node);
      this.count--;
      fired++;
      const ctx = node.ctx;
      node.ctx = undefined;
      try {
        node.callback(ctx, node.arg);
      } catch (err) {
        this.onError(err);
      }
    }
    return fired;
  }

  private cascade(head: TimerNode): void {
    while (head.next !== head) {
      const node = head.next!;
      unlink(node);
      this.place(node);
    }
  }
}
