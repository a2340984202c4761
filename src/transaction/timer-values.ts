// Transaction timer values, RFC 3261 §17 Table 4 and RFC 6026 §8.11 (timers L and M), derived per layer
// instance from T1, T2 and T4 so two layers in one process may run with different settings.
import { TransactionError } from "./errors.js";

export interface TimerSettings {
  /** RTT estimate (§17.1.1.1). Default 500 ms. */
  t1Ms: number;
  /** Longest retransmit interval for non-INVITE requests and INVITE responses. Default 4 s. */
  t2Ms: number;
  /** Longest time a message stays in the network. Default 5 s. */
  t4Ms: number;
}

export const DEFAULT_TIMER_SETTINGS: Readonly<TimerSettings> = Object.freeze({ t1Ms: 500, t2Ms: 4000, t4Ms: 5000 });

/**
 * Every timer of Table 4. D, I, J and K are their unreliable-transport values: over a reliable
 * transport they are zero (see `forTransport`). A, E and G run only over unreliable transports.
 */
export interface TimerValues extends Readonly<TimerSettings> {
  /** INVITE request retransmit interval, initially T1, doubling (§17.1.1.2). */
  readonly aMs: number;
  /** INVITE transaction timeout: 64*T1. */
  readonly bMs: number;
  /** Wait for INVITE response retransmissions: at least 32 s. */
  readonly dMs: number;
  /** Non-INVITE request retransmit interval, initially T1, doubling up to T2 (§17.1.2.2). */
  readonly eMs: number;
  /** Non-INVITE transaction timeout: 64*T1. */
  readonly fMs: number;
  /** INVITE final response retransmit interval, initially T1, doubling up to T2 (§17.2.1). */
  readonly gMs: number;
  /** Wait for the ACK: 64*T1. */
  readonly hMs: number;
  /** Wait for ACK retransmissions: T4. */
  readonly iMs: number;
  /** Wait for non-INVITE request retransmissions: 64*T1 (§17.2.2). */
  readonly jMs: number;
  /** Wait for non-INVITE response retransmissions: T4 (§17.1.2.2). */
  readonly kMs: number;
  /** RFC 6026: wait in Accepted for INVITE retransmissions after a 2xx: 64*T1. */
  readonly lMs: number;
  /** RFC 6026: wait in Accepted for further 2xx responses: 64*T1. */
  readonly mMs: number;
}

/** When the IST sends 100 Trying on its own if the TU has not answered (§17.2.1). */
export const TRYING_DELAY_MS = 200;

export function timerValues(settings: Partial<TimerSettings> = {}): TimerValues {
  const t1Ms = settings.t1Ms ?? DEFAULT_TIMER_SETTINGS.t1Ms;
  const t2Ms = settings.t2Ms ?? DEFAULT_TIMER_SETTINGS.t2Ms;
  const t4Ms = settings.t4Ms ?? DEFAULT_TIMER_SETTINGS.t4Ms;
  if (!(t1Ms > 0) || !(t2Ms >= t1Ms) || !(t4Ms > 0)) {
    throw new TransactionError("TX_BAD_TIMERS", `need 0 < T1 <= T2 and T4 > 0, got T1=${t1Ms} T2=${t2Ms} T4=${t4Ms}`);
  }
  const sixtyFourT1 = 64 * t1Ms;
  return Object.freeze({
    t1Ms,
    t2Ms,
    t4Ms,
    aMs: t1Ms,
    bMs: sixtyFourT1,
    dMs: Math.max(32_000, sixtyFourT1),
    eMs: t1Ms,
    fMs: sixtyFourT1,
    gMs: t1Ms,
    hMs: sixtyFourT1,
    iMs: t4Ms,
    jMs: sixtyFourT1,
    kMs: t4Ms,
    lMs: sixtyFourT1,
    mMs: sixtyFourT1,
  });
}

/** The value of a transport-dependent wait timer (D, I, J, K): zero over reliable transports. */
export function forTransport(unreliableMs: number, reliable: boolean): number {
  return reliable ? 0 : unreliableMs;
}
