// What a transaction needs from the layer that owns it: one object per layer, shared by all its
// transactions, so a transaction holds a single reference instead of closures.
import type { SendTarget } from "../transport/types.js";
import type { Clock } from "../util/clock.js";
import type { TimerCallback, TimerWheel } from "../util/timer-wheel.js";
import type { TransactionTimeoutError, TransactionTransportError } from "./errors.js";
import type { TimerValues } from "./timer-values.js";
import type { ServerTransaction, TransactionCounters } from "./types.js";

export interface TransactionHost {
  readonly wheel: TimerWheel;
  readonly timers: TimerValues;
  readonly clock: Clock;
  readonly counters: TransactionCounters;
  send(data: Buffer, target: SendTarget, onError?: (err: Error) => void): void;
  /** A client transaction reached Terminated: forget it. */
  clientTerminated(key: string, tx: object): void;
  /** A server transaction object reached Terminated (or handed its state to a compact record): forget it. */
  serverTerminated(key: string, tx: object): void;
  /** A UDP non-INVITE server transaction sent its final response: keep it as a compact record (Timer J). */
  keepCompleted(key: string, response: Buffer, target: SendTarget): void;
  /** A completed record whose response could not be sent is terminated (§17.2.4). */
  dropCompleted(key: string): void;
  /** An INVITE server transaction expects the ACK of a non-2xx under this additional key (RFC 2543 peers). */
  aliasServer(key: string, tx: object): void;
  /** Tells the TU a server transaction failed. */
  serverFailed(tx: ServerTransaction, err: TransactionTransportError | TransactionTimeoutError): void;
  /** A TU callback threw. */
  userError(err: unknown): void;
}

/** Anything with timers on the wheel: the wheel calls back `onTimer(id)` without a closure per timer. */
export interface TimerOwner {
  onTimer(id: number): void;
}

export const fireTimer: TimerCallback<TimerOwner> = (owner, id) => owner.onTimer(id);
