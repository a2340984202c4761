// The state machine of one account, pure: step(state, event, settings) → { state, effects }.
// The registration (registration.ts) turns responses into events and carries out the effects; the
// decisions — which state, whether to answer a challenge, when to refresh or retry, when to give up —
// are all here, so they can be tested as a table.
//
//   from                      event                              to                 effects
//   DISABLED/NOT_REGISTERED   enable                             NOT_REGISTERED     schedule start [regDelay, regDelay + max_random_initial_delay]
//   not DISABLED, idle        due                                REGISTERING        send (new Call-ID after a failure, §10.2.4 / Kamailio reg_keep_callid)
//   not DISABLED, idle        refresh-now                        (same)             schedule at once
//   REGISTERING/AUTH.         challenge (401/407, §22.2)         AUTHENTICATING     send answering it
//   REGISTERING/AUTH.         challenge, same nonce, not stale   WRONG_CREDENTIALS  retry policy (auth-rejected)
//   REGISTERING/AUTH.         challenge, 2nd new nonce, no stale WRONG_CREDENTIALS  retry policy (auth-rejected)
//   REGISTERING/AUTH.         next-target (timeout/503, more left) REGISTERING        send to the next target, not a failure
//   REGISTERING/AUTH.         423 with a larger Min-Expires      (same)             set expires, send again (§10.2.8)
//   REGISTERING/AUTH.         success, granted > 0               REGISTERED         schedule refresh (refresh-policy.ts; the wide
//                                                                                      first-refresh window unless this was a refresh)
//   REGISTERING/AUTH.         failure (or success granting 0)    by kind, below     schedule retry or give up (retry-policy.ts)
//   any but DISABLED          disable                            DISABLED           cancel; unregister when bound
//
// Failure kinds map to states: timeout, transport → REGISTER_TIMEOUT; dns, internal, realm-mismatch →
// INTERNAL_ERROR; auth-rejected → WRONG_CREDENTIALS; forbidden, temporary, fatal, not-bound → REGISTRAR_ERROR.
import { isFailure, isInProgress, type AccountState } from "./account-state.js";
import { refreshWindow, type RefreshSettings, type Window } from "./refresh-policy.js";
import { retryDecision, type Failure, type FailureKind, type RetrySettings } from "./retry-policy.js";

export interface MachineSettings extends RetrySettings, RefreshSettings {
  maxRandomInitialDelaySec: number;
  keepCallId: boolean;
}

export interface MachineState {
  readonly state: AccountState;
  /** Failed attempts in a row (max_retries counts these). */
  readonly failures: number;
  /** Challenges answered with credentials in the current attempt (stale ones not counted). */
  readonly authTries: number;
  /** No further attempt is scheduled: retries exhausted, or a failure whose interval is 0. */
  readonly givenUp: boolean;
  /** The attempt in progress refreshes a registration (it started from REGISTERED). */
  readonly refreshing: boolean;
}

export const INITIAL_MACHINE_STATE: MachineState = Object.freeze({ state: "NOT_REGISTERED", failures: 0, authTries: 0, givenUp: false, refreshing: false });

export type MachineEvent =
  /** The account is enabled (added enabled, or uac.reg_enable): schedule its first REGISTER. */
  | { kind: "enable"; regDelaySec: number }
  /** The account is disabled or removed; `bound`: the registrar may hold a binding of ours. */
  | { kind: "disable"; bound: boolean }
  /** The scheduled time came (start, refresh or retry) and the rate cap let it through. */
  | { kind: "due" }
  /** Register as soon as the rate cap allows: uac.reg_refresh, or the flow the binding used died (RFC 5626 §4.4.1). */
  | { kind: "refresh-now" }
  /**
   * 401/407 with a usable challenge. `credentialsSent`: the request it answers carried credentials;
   * `repeatedNonce`: it challenges with the very nonce those credentials used.
   */
  | { kind: "challenge"; credentialsSent: boolean; repeatedNonce: boolean; stale: boolean }
  /** A timeout, transport error or 503 from one target while others of the registrar's set are left (RFC 3263 §4.3). */
  | { kind: "next-target" }
  /** 423 Interval Too Brief (RFC 3261 §10.3 step 6, §21.4.17). */
  | { kind: "interval-too-brief"; minExpires: number | undefined; requestedSec: number }
  /** 2xx: the expiry granted to our contact (0: our contact is not bound). */
  | { kind: "success"; grantedSec: number }
  | { kind: "failure"; failure: Failure };

/** Which credentials a REGISTER carries: none, an answer to the newest challenge, or the last answer again (nc + 1). */
export type CredentialsChoice = "none" | "answer" | "repeat";

export type Effect =
  /** Send a REGISTER now, in a new transaction (CSeq + 1, §10.2.4). */
  | { kind: "send"; credentials: CredentialsChoice; newCallId: boolean }
  /** Ask for this expiry from now on (423's Min-Expires). */
  | { kind: "set-expires"; seconds: number }
  /** Run `due` at a time inside the window (ms from now). */
  | { kind: "schedule"; window: Window; reason: "start" | "refresh" | "retry" }
  /** Drop whatever is scheduled and the attempt in flight. */
  | { kind: "cancel" }
  /** Send REGISTER with Expires: 0 for our contact (§10.2.2). */
  | { kind: "unregister" }
  /** Nothing more will be attempted until enabled or refreshed again. */
  | { kind: "give-up"; reason: string };

export interface StepResult {
  state: MachineState;
  effects: Effect[];
}

/** Two challenges answered with credentials in one attempt is the most a registrar that changes its nonce gets. */
const MAX_AUTH_TRIES = 2;

export function failureState(kind: FailureKind): AccountState {
  switch (kind) {
    case "timeout":
    case "transport":
      return "REGISTER_TIMEOUT";
    case "dns":
    case "internal":
    case "realm-mismatch":
      return "INTERNAL_ERROR";
    case "auth-rejected":
      return "WRONG_CREDENTIALS";
    case "forbidden":
    case "temporary":
    case "fatal":
    case "not-bound":
      return "REGISTRAR_ERROR";
  }
}

export function step(m: MachineState, e: MachineEvent, s: MachineSettings): StepResult {
  switch (e.kind) {
    case "enable":
      if (m.state !== "DISABLED" && m.state !== "NOT_REGISTERED") return same(m);
      return {
        state: { state: "NOT_REGISTERED", failures: 0, authTries: 0, givenUp: false, refreshing: false },
        effects: [{ kind: "schedule", window: seconds(e.regDelaySec, e.regDelaySec + s.maxRandomInitialDelaySec), reason: "start" }],
      };
    case "disable": {
      if (m.state === "DISABLED") return same(m);
      const effects: Effect[] = [{ kind: "cancel" }];
      if (e.bound) effects.push({ kind: "unregister" });
      return { state: { state: "DISABLED", failures: 0, authTries: 0, givenUp: false, refreshing: false }, effects };
    }
    case "due":
      if (m.state === "DISABLED" || isInProgress(m.state)) return same(m);
      return {
        state: { state: "REGISTERING", failures: m.failures, authTries: 0, givenUp: false, refreshing: m.state === "REGISTERED" },
        effects: [{ kind: "send", credentials: "none", newCallId: !s.keepCallId || isFailure(m.state) }],
      };
    case "refresh-now":
      if (m.state === "DISABLED" || isInProgress(m.state)) return same(m);
      return { state: { ...m, failures: m.givenUp ? 0 : m.failures, givenUp: false }, effects: [{ kind: "schedule", window: { earliestMs: 0, latestMs: 0 }, reason: "refresh" }] };
    case "challenge": {
      if (!isInProgress(m.state)) return same(m);
      const rejected = e.credentialsSent && !e.stale && (e.repeatedNonce || m.authTries >= MAX_AUTH_TRIES);
      if (rejected) return fail(m, { kind: "auth-rejected" }, s);
      return { state: { ...m, state: "AUTHENTICATING", authTries: e.stale ? m.authTries : m.authTries + 1 }, effects: [{ kind: "send", credentials: "answer", newCallId: false }] };
    }
    case "next-target":
      // Not a failure: the same attempt goes on at the next target, without the old target's nonce.
      if (!isInProgress(m.state)) return same(m);
      return { state: { ...m, state: "REGISTERING", authTries: 0 }, effects: [{ kind: "send", credentials: "none", newCallId: false }] };
    case "interval-too-brief":
      if (!isInProgress(m.state)) return same(m);
      if (e.minExpires === undefined || e.minExpires <= e.requestedSec) return fail(m, { kind: "fatal" }, s);
      return {
        state: m,
        effects: [
          { kind: "set-expires", seconds: e.minExpires },
          { kind: "send", credentials: m.state === "AUTHENTICATING" ? "repeat" : "none", newCallId: false },
        ],
      };
    case "success":
      if (!isInProgress(m.state)) return same(m);
      if (!(e.grantedSec > 0)) return fail(m, { kind: "not-bound" }, s);
      return {
        state: { state: "REGISTERED", failures: 0, authTries: 0, givenUp: false, refreshing: false },
        effects: [{ kind: "schedule", window: refreshWindow(e.grantedSec, s, !m.refreshing), reason: "refresh" }],
      };
    case "failure":
      if (!isInProgress(m.state)) return same(m);
      return fail(m, e.failure, s);
  }
}

function fail(m: MachineState, failure: Failure, s: MachineSettings): StepResult {
  const failures = m.failures + 1;
  const state = failureState(failure.kind);
  const d = retryDecision(failure, failures, s);
  if (d.retry) return { state: { state, failures, authTries: 0, givenUp: false, refreshing: false }, effects: [{ kind: "schedule", window: d.window, reason: "retry" }] };
  return { state: { state, failures, authTries: 0, givenUp: true, refreshing: false }, effects: [{ kind: "give-up", reason: d.reason }] };
}

function same(m: MachineState): StepResult {
  return { state: m, effects: [] };
}

function seconds(from: number, to: number): Window {
  return { earliestMs: Math.round(from * 1000), latestMs: Math.round(to * 1000) };
}
