// The registrant's counters: Kamailio's regtotal / regactive / regdisabled (computed on demand from
// the accounts) and running totals of what was sent and how attempts ended.
import type { FailureKind } from "./retry-policy.js";

export const FAILURE_KINDS: readonly FailureKind[] = ["timeout", "transport", "dns", "temporary", "not-bound", "forbidden", "auth-rejected", "realm-mismatch", "internal", "fatal"];

/** Running totals, mutated in place by the registrations (one object per registrant). */
export class RegistrantTotals {
  /** REGISTERs sent that ask for a binding (first ones, refreshes, follow-ups). */
  registersSent = 0;
  /** REGISTERs sent with Expires: 0. */
  unregistersSent = 0;
  /** REGISTERs that answered a 401/407 with credentials. */
  challengesAnswered = 0;
  /** REGISTERs sent with credentials for the previous challenge before being asked (pre-emptive). */
  preemptiveSent = 0;
  /** Pre-emptive credentials answered by a 2xx: a 401/407 round saved. */
  preemptiveAccepted = 0;
  /** Pre-emptive credentials answered by a new challenge (stale or unknown nonce), then answered as usual. */
  preemptiveChallenged = 0;
  /** 2xx that bound our contact. */
  registered = 0;
  /** Times an attempt moved to the next target of the registrar's set (RFC 3263 §4.3). */
  targetFailovers = 0;
  /** Failed attempts by kind (see retry-policy.ts). */
  readonly failures: Record<FailureKind, number> = Object.fromEntries(FAILURE_KINDS.map((k) => [k, 0])) as Record<FailureKind, number>;
}

export interface RegistrantCounters {
  /** Accounts held (Kamailio regtotal). */
  regtotal: number;
  /** Accounts with a binding that has not lapsed (Kamailio regactive). */
  regactive: number;
  /** Disabled accounts (Kamailio regdisabled). */
  regdisabled: number;
  registersSent: number;
  unregistersSent: number;
  challengesAnswered: number;
  preemptiveSent: number;
  preemptiveAccepted: number;
  preemptiveChallenged: number;
  registered: number;
  targetFailovers: number;
  failures: Record<FailureKind, number>;
}
