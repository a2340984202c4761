// Schedules the REGISTERs of many accounts (100 000 in one process) on one timer of the shared timer
// wheel, with no timer and no object per account. The OpenSIPS seed hashes accounts into timer_interval
// buckets and walks one bucket per tick; Kamailio walks the whole table every reg_timer_interval and
// sends what is due, so everything due in one interval leaves at once (the bursts in bench/RESULTS.md).
// Here:
//
//  - Time is cut in slots of `slotMs`. An account due at time T waits in slot ceil(T / slotMs); when a
//    slot's time comes its accounts move, in order, to the ready queue.
//  - Callers give a window [earliest, latest] rather than a time. The scheduler takes the less loaded
//    of two random slots in it ("the power of two choices"), which levels the load of the slots: the
//    refreshes of accounts registered in one burst spread out over the following cycles.
//  - The ready queue is drained through a token bucket of `maxPerSecond`: a start-up with 100 000
//    accounts, or all of them retrying after a registrar outage, leaves at the configured rate, never
//    as a wall. Urgent entries (unregisters, "register now") are drained first. Follow-up REGISTERs of
//    an attempt already admitted (answers to challenges, 423, next target) are sent at once and only
//    charged to the bucket, so the cap holds on average without delaying an exchange half-way.
//  - Per account the state is one number: its slot, or READY / IDLE, in a Float64Array indexed by the
//    account's index. A slot's list holds plain indexes; a cancelled or moved entry is skipped when its
//    slot is drained (lazy deletion), so cancel and reschedule are O(1).
import type { Clock } from "../util/clock.js";
import type { RandomSource } from "../util/random.js";
import type { TimerHandle, TimerWheel } from "../util/timer-wheel.js";

const IDLE = -1;
const READY = -2;

export interface SchedulerOptions {
  wheel: TimerWheel;
  clock: Clock;
  random: RandomSource;
  /** Slot width (ms): entries run at most this late. */
  slotMs: number;
  /** Token bucket rate: entries released per second. */
  maxPerSecond: number;
  /** Called when an entry is released; it may schedule, cancel and charge again. */
  run: (index: number) => void;
}

export interface SchedulerStats {
  /** Entries waiting in slots. */
  scheduled: number;
  /** Entries due and waiting for the rate cap. */
  ready: number;
  /** Entries released so far. */
  released: number;
  /** Follow-ups charged so far. */
  charged: number;
  /** Slots holding entries (stale ones included). */
  slots: number;
}

export class Scheduler {
  private readonly wheel: TimerWheel;
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly slotMs: number;
  private readonly rate: number;
  private readonly burst: number;
  private readonly runEntry: (index: number) => void;
  private readonly origin: number;
  /** Per index: its slot number, READY or IDLE. */
  private where = new Float64Array(1024);
  private capacity = 0;
  private readonly freeList: number[] = [];
  private readonly slots = new Map<number, number[]>();
  /** Slots up to this one have been moved to the ready queue. */
  private drained: number;
  private ready: number[] = [];
  private readyHead = 0;
  private urgent: number[] = [];
  private urgentHead = 0;
  private tokens: number;
  private refilledAt: number;
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;
  private running = false;
  private paused = false;
  private inPump = false;
  private scheduledCount = 0;
  private released = 0;
  private charged = 0;
  private readonly onTimer = (self: Scheduler): void => {
    self.timer = undefined;
    self.timerAt = Infinity;
    self.pump();
  };

  constructor(o: SchedulerOptions) {
    this.wheel = o.wheel;
    this.clock = o.clock;
    this.random = o.random;
    this.slotMs = o.slotMs;
    this.rate = o.maxPerSecond;
    this.burst = Math.max(1, o.maxPerSecond / 50);
    this.runEntry = o.run;
    this.origin = o.clock.monotonic();
    this.drained = -1;
    this.tokens = this.burst;
    this.refilledAt = this.origin;
    this.where.fill(IDLE);
  }

  /** A new index (reusing released ones), idle. */
  allocate(): number {
    const i = this.freeList.pop() ?? this.capacity++;
    if (i >= this.where.length) {
      const grown = new Float64Array(this.where.length * 2).fill(IDLE);
      grown.set(this.where);
      this.where = grown;
    }
    this.where[i] = IDLE;
    return i;
  }

  /** Gives an index back; whatever was scheduled for it is dropped. */
  release(index: number): void {
    this.cancel(index);
    this.freeList.push(index);
  }

  /** Starts releasing entries. */
  start(): void {
    this.running = true;
    this.arm();
  }

  /** Stops the timer; entries stay where they are. */
  stop(): void {
    this.running = false;
    this.wheel.cancel(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  /** Paused: due entries gather in the ready queue but none is released (Kamailio reg_active 0). */
  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) this.arm();
  }

  /**
   * Runs `index` once, at a time in [now + earliestMs, now + latestMs] (to the slot), replacing what
   * was scheduled for it. Among the slots of the window, the less loaded of two random ones.
   */
  scheduleWithin(index: number, earliestMs: number, latestMs: number): void {
    const now = this.clock.monotonic();
    const first = Math.max(this.slotOf(now + Math.max(0, earliestMs)), this.drained + 1);
    const last = Math.max(first, Math.floor((now + Math.max(earliestMs, latestMs) - this.origin) / this.slotMs));
    let slot = first;
    if (last > first) {
      const span = last - first + 1;
      const a = first + Math.floor(this.random.float() * span);
      const b = first + Math.floor(this.random.float() * span);
      slot = this.load(a) <= this.load(b) ? a : b;
    }
    this.placeInSlot(index, slot);
  }

  /** Runs `index` as soon as the rate cap allows, before the entries merely due. */
  scheduleUrgent(index: number): void {
    this.leave(index);
    this.where[index] = READY;
    this.urgent.push(index);
    this.arm();
  }

  /** Drops what is scheduled for `index`. */
  cancel(index: number): void {
    this.leave(index);
    this.where[index] = IDLE;
  }

  /** Monotonic time `index` is due at (now when it waits for the rate cap), or undefined when idle. */
  dueAt(index: number): number | undefined {
    const w = this.where[index];
    if (w === undefined || w === IDLE) return undefined;
    if (w === READY) return this.clock.monotonic();
    return this.origin + w * this.slotMs;
  }

  /** Counts a follow-up REGISTER sent at once against the rate cap (the bucket may go below zero). */
  charge(): void {
    this.refill();
    this.tokens -= 1;
    this.charged++;
  }

  stats(): SchedulerStats {
    return {
      scheduled: this.scheduledCount,
      ready: this.ready.length - this.readyHead + (this.urgent.length - this.urgentHead),
      released: this.released,
      charged: this.charged,
      slots: this.slots.size,
    };
  }

  private slotOf(timeMs: number): number {
    return Math.ceil((timeMs - this.origin) / this.slotMs);
  }

  private load(slot: number): number {
    return this.slots.get(slot)?.length ?? 0;
  }

  private placeInSlot(index: number, slot: number): void {
    const w = this.where[index];
    if (w === slot) return;
    this.leave(index);
    let list = this.slots.get(slot);
    if (list === undefined) this.slots.set(slot, (list = []));
    list.push(index);
    this.where[index] = slot;
    this.scheduledCount++;
    const at = this.origin + slot * this.slotMs;
    if (at < this.timerAt) this.arm();
  }

  /** Forgets where `index` waits (its list entry becomes stale). */
  private leave(index: number): void {
    const w = this.where[index]!;
    if (w >= 0) this.scheduledCount--;
  }

  private refill(): void {
    const now = this.clock.monotonic();
    if (now > this.refilledAt) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) * this.rate) / 1000);
      this.refilledAt = now;
    }
  }

  /** Moves due slots to the ready queue, releases what the bucket allows, sets the next wake-up. */
  private pump(): void {
    if (!this.running || this.inPump) return;
    this.inPump = true;
    try {
      const current = Math.floor((this.clock.monotonic() - this.origin) / this.slotMs);
      for (let k = this.drained + 1; k <= current; k++) {
        const list = this.slots.get(k);
        this.drained = k;
        if (list === undefined) continue;
        this.slots.delete(k);
        for (const i of list) {
          if (this.where[i] !== k) continue; // moved or cancelled since
          this.where[i] = READY;
          this.scheduledCount--;
          this.ready.push(i);
        }
      }
      if (!this.paused) this.releaseReady();
    } finally {
      this.inPump = false;
    }
    this.arm();
  }

  private releaseReady(): void {
    this.refill();
    while (this.tokens >= 1) {
      const i = this.next();
      if (i === undefined) break;
      this.tokens -= 1;
      this.released++;
      this.where[i] = IDLE;
      this.runEntry(i);
    }
    this.compact();
  }

  /** The next live ready entry, urgent ones first. */
  private next(): number | undefined {
    while (this.urgentHead < this.urgent.length) {
      const i = this.urgent[this.urgentHead++]!;
      if (this.where[i] === READY) return i;
    }
    while (this.readyHead < this.ready.length) {
      const i = this.ready[this.readyHead++]!;
      if (this.where[i] === READY) return i;
    }
    return undefined;
  }

  private compact(): void {
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
    if (this.urgentHead > 1024 && this.urgentHead * 2 > this.urgent.length) {
      this.urgent = this.urgent.slice(this.urgentHead);
      this.urgentHead = 0;
    }
  }

  /** Sets the wheel timer for the next thing to do: a token for a ready entry, or the next slot. */
  private arm(): void {
    if (!this.running || this.inPump) return;
    const now = this.clock.monotonic();
    let at = Infinity;
    const waiting = this.urgent.length > this.urgentHead || this.ready.length > this.readyHead;
    if (waiting && !this.paused) {
      this.refill();
      at = now + Math.max(0, ((1 - this.tokens) * 1000) / this.rate);
    }
    if (this.scheduledCount > 0) at = Math.min(at, this.origin + (this.drained + 1) * this.slotMs);
    if (at === Infinity) {
      this.wheel.cancel(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    if (this.timer !== undefined && this.timer.pending && this.timerAt <= at) return;
    this.wheel.cancel(this.timer);
    this.timerAt = at;
    this.timer = this.wheel.schedule(Math.max(0, at - now), this.onTimer, this);
  }
}
