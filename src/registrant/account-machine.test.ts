import { test } from "node:test";
import assert from "node:assert/strict";
import { INITIAL_MACHINE_STATE, failureState, step, type Effect, type MachineEvent, type MachineSettings, type MachineState } from "./account-machine.js";
import { ACCOUNT_STATES, type AccountState } from "./account-state.js";
import type { FailureKind } from "./retry-policy.js";

const S: MachineSettings = {
  retryIntervalSec: 60,
  forbiddenRetryIntervalSec: 0,
  fatalRetryIntervalSec: 0,
  maxRetries: 3,
  authRejectionPermanent: true,
  retryJitter: 0,
  refreshMarginSec: 60,
  refreshJitter: 0,
  minRefreshSec: 10,
  firstRefreshSpread: 0,
  maxRandomInitialDelaySec: 10,
  keepCallId: true,
};

function m(state: AccountState, more: Partial<MachineState> = {}): MachineState {
  return { state, failures: 0, authTries: 0, givenUp: false, refreshing: false, ...more };
}

const at = (ms: number) => ({ earliestMs: ms, latestMs: ms });

interface Row {
  name: string;
  from: MachineState;
  event: MachineEvent;
  to: Partial<MachineState> & { state: AccountState };
  effects: Effect[];
  settings?: Partial<MachineSettings>;
}

const rows: Row[] = [
  { name: "enable a new account: start spread over reg_delay + max_random_initial_delay", from: INITIAL_MACHINE_STATE, event: { kind: "enable", regDelaySec: 5 }, to: { state: "NOT_REGISTERED" }, effects: [{ kind: "schedule", window: { earliestMs: 5000, latestMs: 15000 }, reason: "start" }] },
  { name: "enable a disabled account", from: m("DISABLED"), event: { kind: "enable", regDelaySec: 0 }, to: { state: "NOT_REGISTERED" }, effects: [{ kind: "schedule", window: { earliestMs: 0, latestMs: 10000 }, reason: "start" }] },
  { name: "enable a registered account: nothing", from: m("REGISTERED"), event: { kind: "enable", regDelaySec: 0 }, to: { state: "REGISTERED" }, effects: [] },
  { name: "due: send without credentials, keep the Call-ID", from: m("NOT_REGISTERED"), event: { kind: "due" }, to: { state: "REGISTERING" }, effects: [{ kind: "send", credentials: "none", newCallId: false }] },
  { name: "due after success: a refresh keeps the Call-ID (§10.2.4)", from: m("REGISTERED"), event: { kind: "due" }, to: { state: "REGISTERING", refreshing: true }, effects: [{ kind: "send", credentials: "none", newCallId: false }] },
  { name: "due after a failure: a new Call-ID (reg_keep_callid)", from: m("REGISTER_TIMEOUT", { failures: 1 }), event: { kind: "due" }, to: { state: "REGISTERING", failures: 1 }, effects: [{ kind: "send", credentials: "none", newCallId: true }] },
  { name: "due without keepCallId: a new Call-ID each time", from: m("REGISTERED"), event: { kind: "due" }, to: { state: "REGISTERING", refreshing: true }, effects: [{ kind: "send", credentials: "none", newCallId: true }], settings: { keepCallId: false } },
  { name: "due while in progress: ignored", from: m("AUTHENTICATING"), event: { kind: "due" }, to: { state: "AUTHENTICATING" }, effects: [] },
  { name: "due while disabled: ignored", from: m("DISABLED"), event: { kind: "due" }, to: { state: "DISABLED" }, effects: [] },
  { name: "first challenge: answer it", from: m("REGISTERING"), event: { kind: "challenge", credentialsSent: false, repeatedNonce: false, stale: false }, to: { state: "AUTHENTICATING", authTries: 1 }, effects: [{ kind: "send", credentials: "answer", newCallId: false }] },
  { name: "same nonce after credentials: wrong credentials, auth_rejection_permanent with fatal interval 0 gives up", from: m("AUTHENTICATING", { authTries: 1 }), event: { kind: "challenge", credentialsSent: true, repeatedNonce: true, stale: false }, to: { state: "WRONG_CREDENTIALS", failures: 1, givenUp: true }, effects: [{ kind: "give-up", reason: "auth-rejected failure and fatal_retry_interval is 0" }] },
  { name: "same nonce, not permanent: retry after retry_interval", from: m("AUTHENTICATING", { authTries: 1 }), event: { kind: "challenge", credentialsSent: true, repeatedNonce: true, stale: false }, to: { state: "WRONG_CREDENTIALS", failures: 1 }, effects: [{ kind: "schedule", window: at(60000), reason: "retry" }], settings: { authRejectionPermanent: false } },
  { name: "stale=true: answer at once, not a failure, not counted", from: m("AUTHENTICATING", { authTries: 1 }), event: { kind: "challenge", credentialsSent: true, repeatedNonce: true, stale: true }, to: { state: "AUTHENTICATING", authTries: 1 }, effects: [{ kind: "send", credentials: "answer", newCallId: false }] },
  { name: "a new nonce after credentials: one more answer", from: m("AUTHENTICATING", { authTries: 1 }), event: { kind: "challenge", credentialsSent: true, repeatedNonce: false, stale: false }, to: { state: "AUTHENTICATING", authTries: 2 }, effects: [{ kind: "send", credentials: "answer", newCallId: false }] },
  { name: "a third challenge: wrong credentials", from: m("AUTHENTICATING", { authTries: 2 }), event: { kind: "challenge", credentialsSent: true, repeatedNonce: false, stale: false }, to: { state: "WRONG_CREDENTIALS", failures: 1 }, effects: [{ kind: "schedule", window: at(60000), reason: "retry" }], settings: { authRejectionPermanent: false } },
  { name: "next target after a timeout or 503: not a failure, credentials dropped", from: m("AUTHENTICATING", { authTries: 1, failures: 1 }), event: { kind: "next-target" }, to: { state: "REGISTERING", failures: 1 }, effects: [{ kind: "send", credentials: "none", newCallId: false }] },
  { name: "423 with a larger Min-Expires: raise and resend", from: m("REGISTERING"), event: { kind: "interval-too-brief", minExpires: 600, requestedSec: 60 }, to: { state: "REGISTERING" }, effects: [{ kind: "set-expires", seconds: 600 }, { kind: "send", credentials: "none", newCallId: false }] },
  { name: "423 after credentials: resend with them (nc + 1)", from: m("AUTHENTICATING", { authTries: 1 }), event: { kind: "interval-too-brief", minExpires: 600, requestedSec: 60 }, to: { state: "AUTHENTICATING", authTries: 1 }, effects: [{ kind: "set-expires", seconds: 600 }, { kind: "send", credentials: "repeat", newCallId: false }] },
  { name: "423 without a usable Min-Expires: fatal", from: m("REGISTERING"), event: { kind: "interval-too-brief", minExpires: 60, requestedSec: 60 }, to: { state: "REGISTRAR_ERROR", failures: 1, givenUp: true }, effects: [{ kind: "give-up", reason: "fatal failure and fatal_retry_interval is 0" }] },
  { name: "success: registered, refresh scheduled, failures reset", from: m("AUTHENTICATING", { failures: 2, authTries: 1 }), event: { kind: "success", grantedSec: 3600 }, to: { state: "REGISTERED" }, effects: [{ kind: "schedule", window: at(3540000), reason: "refresh" }] },
  { name: "first success with firstRefreshSpread: the wide window", from: m("AUTHENTICATING", { authTries: 1 }), event: { kind: "success", grantedSec: 3600 }, to: { state: "REGISTERED" }, effects: [{ kind: "schedule", window: { earliestMs: 1770000, latestMs: 3540000 }, reason: "refresh" }], settings: { firstRefreshSpread: 0.5 } },
  { name: "success of a refresh: the narrow window even with firstRefreshSpread", from: m("AUTHENTICATING", { authTries: 1, refreshing: true }), event: { kind: "success", grantedSec: 3600 }, to: { state: "REGISTERED" }, effects: [{ kind: "schedule", window: at(3540000), reason: "refresh" }], settings: { firstRefreshSpread: 0.5 } },
  { name: "success granting 0: not bound", from: m("REGISTERING"), event: { kind: "success", grantedSec: 0 }, to: { state: "REGISTRAR_ERROR", failures: 1 }, effects: [{ kind: "schedule", window: at(60000), reason: "retry" }] },
  { name: "timeout", from: m("REGISTERING"), event: { kind: "failure", failure: { kind: "timeout" } }, to: { state: "REGISTER_TIMEOUT", failures: 1 }, effects: [{ kind: "schedule", window: at(60000), reason: "retry" }] },
  { name: "503 Retry-After", from: m("REGISTERING", { failures: 1 }), event: { kind: "failure", failure: { kind: "temporary", retryAfterSec: 20 } }, to: { state: "REGISTRAR_ERROR", failures: 2 }, effects: [{ kind: "schedule", window: at(20000), reason: "retry" }] },
  { name: "the failure exceeding max_retries gives up", from: m("REGISTERING", { failures: 3 }), event: { kind: "failure", failure: { kind: "timeout" } }, to: { state: "REGISTER_TIMEOUT", failures: 4, givenUp: true }, effects: [{ kind: "give-up", reason: "4 failures in a row (max_retries 3)" }] },
  { name: "403 with forbidden interval 0: give up", from: m("AUTHENTICATING"), event: { kind: "failure", failure: { kind: "forbidden" } }, to: { state: "REGISTRAR_ERROR", failures: 1, givenUp: true }, effects: [{ kind: "give-up", reason: "forbidden failure and forbidden_retry_interval is 0" }] },
  { name: "a late answer when not in progress: ignored", from: m("REGISTERED"), event: { kind: "failure", failure: { kind: "timeout" } }, to: { state: "REGISTERED" }, effects: [] },
  { name: "disable a bound account: cancel and unregister", from: m("REGISTERED"), event: { kind: "disable", bound: true }, to: { state: "DISABLED" }, effects: [{ kind: "cancel" }, { kind: "unregister" }] },
  { name: "disable an unbound account: cancel only", from: m("REGISTER_TIMEOUT", { failures: 2 }), event: { kind: "disable", bound: false }, to: { state: "DISABLED" }, effects: [{ kind: "cancel" }] },
  { name: "disable twice: nothing", from: m("DISABLED"), event: { kind: "disable", bound: true }, to: { state: "DISABLED" }, effects: [] },
  { name: "refresh-now of a given-up account revives it", from: m("WRONG_CREDENTIALS", { failures: 4, givenUp: true }), event: { kind: "refresh-now" }, to: { state: "WRONG_CREDENTIALS" }, effects: [{ kind: "schedule", window: at(0), reason: "refresh" }] },
  { name: "refresh-now while in progress: nothing", from: m("REGISTERING"), event: { kind: "refresh-now" }, to: { state: "REGISTERING" }, effects: [] },
];

test("step, table", () => {
  for (const r of rows) {
    const out = step(r.from, r.event, { ...S, ...r.settings });
    assert.deepEqual(out.state, { failures: 0, authTries: 0, givenUp: false, refreshing: false, ...r.to }, `${r.name}: state`);
    assert.deepEqual(out.effects, r.effects, `${r.name}: effects`);
  }
});

test("every failure kind maps to a failure state", () => {
  const kinds: FailureKind[] = ["timeout", "transport", "dns", "temporary", "not-bound", "forbidden", "auth-rejected", "realm-mismatch", "internal", "fatal"];
  for (const k of kinds) assert.ok(["REGISTER_TIMEOUT", "INTERNAL_ERROR", "WRONG_CREDENTIALS", "REGISTRAR_ERROR"].includes(failureState(k)), k);
});

test("no state is left without a way out: due or enable moves every state but in-progress ones", () => {
  for (const s of ACCOUNT_STATES) {
    const due = step(m(s), { kind: "due" }, S);
    const enable = step(m(s), { kind: "enable", regDelaySec: 0 }, S);
    const moved = due.effects.length > 0 || enable.effects.length > 0;
    assert.equal(moved, s !== "REGISTERING" && s !== "AUTHENTICATING", s);
  }
});

test("a machine driven by an endless stream of timeouts gives up after max_retries, never sooner", () => {
  let state = step(INITIAL_MACHINE_STATE, { kind: "enable", regDelaySec: 0 }, S).state;
  let attempts = 0;
  for (;;) {
    const d = step(state, { kind: "due" }, S);
    if (d.effects.length === 0) break;
    attempts++;
    const f = step(d.state, { kind: "failure", failure: { kind: "timeout" } }, S);
    state = f.state;
    if (f.effects.some((e) => e.kind === "give-up")) break;
  }
  assert.equal(attempts, S.maxRetries + 1);
  assert.equal(state.givenUp, true);
});
