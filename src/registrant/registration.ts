// Drives one account over the transaction layer (RFC 3261 §10.2): builds and sends its REGISTERs,
// reads the answers into events for the account machine (account-machine.ts) and carries out the
// machine's effects. One object per account, kept small: what only matters while a REGISTER is out
// (targets, challenge, nonce counts) lives in an Attempt that is dropped when the attempt ends.
//
// - Call-ID kept across refreshes, CSeq incremented on every REGISTER (§10.2.4); a new Call-ID and
//   From tag after a failure (Kamailio reg_keep_callid).
// - 401/407: answered with Digest (challenge.ts) in a new transaction, same Call-ID, CSeq + 1 (§22.2).
// - Pre-emptive credentials: the registrar's last challenge is kept with its nonce-count, and the next
//   REGISTER of the Call-ID (refresh, unregister) carries credentials for it with nc + 1 before being
//   asked (qop challenges, no -sess; setting preemptiveAuth). A 401/407 answering those is no
//   rejection: it is answered like a first challenge. Dropped after a failure and with a new Call-ID.
// - Targets per RFC 3263 (§4.3): a timeout, transport error or 503 moves to the next target of the
//   set before it counts as a failure; the target that accepted is remembered and tried first next time.
// - Outbound (RFC 5626 §4.4.1): over TCP/TLS/WS, when the registrar confirms outbound (Require:
//   outbound, §6), the flow is kept alive with CRLF pings, and when it dies the account re-registers at once.
// - No listener of the transport (a client-only TLS or WebSocket end): Via and Contact name a .invalid
//   host and the registrar reaches us over the connection.
// - Unregister (§10.2.2): REGISTER with Expires: 0 for our contact, same Call-ID, one challenge answered.
import type { DigestChallenge } from "../sip/headers/digest.js";
import { newCallId, newTag } from "../sip/ids.js";
import type { SipRequest, SipResponse } from "../sip/message.js";
import { SipParseError } from "../sip/parse-error.js";
import { reasonPhrase } from "../sip/status.js";
import type { SipTarget } from "../dns/types.js";
import { addVia } from "../transaction/add-via.js";
import { TransactionError, type TransactionTimeoutError, type TransactionTransportError } from "../transaction/errors.js";
import type { ClientHandlers, ClientTransaction } from "../transaction/types.js";
import { isReliable, type ListenerInfo, type SendTarget } from "../transport/types.js";
import type { Clock } from "../util/clock.js";
import type { RandomSource } from "../util/random.js";
import { stableToken, type Account } from "./account.js";
import { INITIAL_MACHINE_STATE, step, type CredentialsChoice, type MachineEvent, type MachineState, type StepResult } from "./account-machine.js";
import { isInProgress, kamailioFlags, regStatus, type AccountState, type RegStatusCode, type StatusFacts } from "./account-state.js";
import { answerChallenge, digestAccountOf, DigestContext, pickChallenge, reuseWindowMs } from "./challenge.js";
import type { RegistrantTotals } from "./counters.js";
import { buildRegister, contactValue, parseContactAddress, type ContactAddress } from "./register-request.js";
import { challengesOf, flowTimerOf, grantedExpiry, minExpiresOf, outboundConfirmed, ownContact, retryAfterOf, type OwnContact } from "./register-response.js";
import { failureOfStatus, type Failure } from "./retry-policy.js";
import type { RegistrantSettings } from "./settings.js";

/** The part of the scheduler a registration uses (scheduler.ts). */
export interface RegistrationScheduler {
  scheduleWithin(index: number, earliestMs: number, latestMs: number): void;
  scheduleUrgent(index: number): void;
  cancel(index: number): void;
  charge(): void;
  dueAt(index: number): number | undefined;
}

/** What a registration needs from its owner (the registrant). */
export interface RegistrationHost {
  readonly settings: RegistrantSettings;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly scheduler: RegistrationScheduler;
  readonly totals: RegistrantTotals;
  /** TransactionLayer.sendRequest. */
  sendRequest(req: SipRequest, target: SendTarget, handlers: ClientHandlers): ClientTransaction;
  /** TransportLayer.listenerFor: the listener a REGISTER to `target` leaves from. */
  listenerFor(target: SendTarget): ListenerInfo | undefined;
  /** RFC 3263 targets of the account's outbound proxy or registrar, in the order to try them. */
  resolveTargets(account: Account): Promise<SipTarget[]>;
  /** Keeps the flow to `target` alive with CRLF pings (RFC 5626 §4.4.1); returns its connection id. */
  /**
   * The flow a binding was made over, to be told when it dies: with `pings`, kept alive with CRLF pings
   * or STUN (RFC 5626 §4.4); without (a TCP/TLS/WS registration without Outbound), the connection is only
   * held open. Returns its id, or undefined when there is none to watch.
   */
  keepFlowAlive(target: SendTarget, flowTimerSec: number | undefined, pings: boolean): number | undefined;
  /** The state changed, or an attempt ended with something worth telling (`detail`). */
  stateChanged(reg: Registration, from: AccountState, detail: string | undefined): void;
  /** An unregister ended (answered, timed out or abandoned). */
  unregisterDone(reg: Registration): void;
  /** One shared object for equal targets (thousands of accounts are registered at the same one). */
  internTarget(target: SipTarget): SipTarget;
}

/** What only matters while a REGISTER of the account is out. */
class Attempt {
  targets: readonly SipTarget[] = [];
  targetIndex = 0;
  /** The request in flight: matches the transaction's callbacks to this attempt. */
  request: SipRequest | undefined;
  /** The nonce of the credentials the request in flight carries in answer to a challenge of this attempt. */
  sentNonce: string | undefined;
  /** The request in flight carries credentials sent before being asked (pre-emptive). */
  preemptive = false;
  followUps = 0;
  contact = "";
  own: OwnContact | undefined;
  /** Unregister only: a challenge was answered already. */
  answered = false;
  constructor(readonly unregister: boolean) {}
}

/** A snapshot of the account's runtime state (times are wall-clock ms since the epoch; 0 = never). */
export interface RegistrationStatus {
  state: AccountState;
  /** Kamailio uac.reg_info flags. */
  flags: number;
  /** Kamailio uac_reg_status(). */
  status: RegStatusCode;
  enabled: boolean;
  failures: number;
  givenUp: boolean;
  lastStatusCode: number;
  lastReason: string;
  lastError: string | undefined;
  lastSuccessAt: number;
  /** When the binding lapses unless refreshed; 0 when there is none. */
  boundUntil: number;
  /** When the next REGISTER is due; undefined when nothing is scheduled. */
  nextActionAt: number | undefined;
  /** The target that accepted the registration ("udp:192.0.2.1:5060"). */
  registeredAt: string | undefined;
  /** The expiry asked for (raised by 423). */
  expires: number;
  callId: string | undefined;
  cseq: number;
}

export class Registration implements ClientHandlers {
  readonly account: Account;
  readonly index: number;
  private readonly host: RegistrationHost;
  private m: MachineState = INITIAL_MACHINE_STATE;
  private initialized = false;
  private cseq = 0;
  private callId: string | undefined;
  private fromTag = "";
  private expires: number;
  private boundUntil = 0;
  private lastStatus = 0;
  private lastReason = "";
  private lastError: string | undefined;
  private lastSuccessAt = 0;
  private registeredAt: SipTarget | undefined;
  private flowId: number | undefined;
  /** The registrar's newest challenge (see challenge.ts): answers within an attempt, pre-emptive credentials after. */
  private digest: DigestContext | undefined;
  private attempt: Attempt | undefined;
  private unregisterPending = false;
  private unregisterWaiters: Array<() => void> | undefined;

  constructor(account: Account, index: number, host: RegistrationHost) {
    this.account = account;
    this.index = index;
    this.host = host;
    this.expires = account.expires;
  }

  get state(): AccountState {
    return this.m.state;
  }

  /** A binding of ours may be held by the registrar (granted and not lapsed). */
  isBound(): boolean {
    return this.boundUntil > this.host.clock.now();
  }

  /** The flow (connection id) the binding was made over, when outbound keeps one alive. */
  get flow(): number | undefined {
    return this.flowId;
  }

  statusFacts(): StatusFacts {
    return { state: this.m.state, bound: this.isBound(), initialized: this.initialized, givenUp: this.m.givenUp };
  }

  status(): RegistrationStatus {
    const facts = this.statusFacts();
    const due = this.host.scheduler.dueAt(this.index);
    const t = this.registeredAt;
    return {
      state: this.m.state,
      flags: kamailioFlags(facts),
      status: regStatus(facts),
      enabled: this.m.state !== "DISABLED",
      failures: this.m.failures,
      givenUp: this.m.givenUp,
      lastStatusCode: this.lastStatus,
      lastReason: this.lastReason,
      lastError: this.lastError,
      lastSuccessAt: this.lastSuccessAt,
      boundUntil: facts.bound ? this.boundUntil : 0,
      nextActionAt: due === undefined ? undefined : this.host.clock.now() + (due - this.host.clock.monotonic()),
      registeredAt: t === undefined ? undefined : `${t.transport}:${t.address.includes(":") ? `[${t.address}]` : t.address}:${t.port}`,
      expires: this.expires,
      callId: this.callId,
      cseq: this.cseq,
    };
  }

  // ---- commands ----

  /** Schedules the first REGISTER (reg_delay + random initial delay), or re-enables a disabled account. */
  enable(): void {
    this.initialized = true;
    if (this.unregisterPending || this.attempt?.unregister === true) {
      this.unregisterPending = false;
      if (this.attempt?.unregister === true) this.attempt = undefined;
      this.resolveUnregisterWaiters();
    }
    this.step({ kind: "enable", regDelaySec: this.account.regDelay });
  }

  /** Stops registering; unregisters when a binding may exist (also when a REGISTER is out). */
  disable(): void {
    this.initialized = true;
    this.step({ kind: "disable", bound: this.isBound() || isInProgress(this.m.state) });
  }

  /** Registers as soon as the rate cap allows (uac.reg_refresh); revives an account that gave up. */
  refreshNow(): void {
    this.step({ kind: "refresh-now" });
  }

  /** The connection `connectionId` closed or stopped answering pings: re-register at once if the binding used it. */
  flowFailed(connectionId: number): void {
    if (this.flowId !== connectionId) return;
    this.flowId = undefined;
    this.step({ kind: "refresh-now" }, `flow ${connectionId} failed`);
  }

  /** Resolves once no unregister of this account is pending or out. */
  whenUnregistered(): Promise<void> {
    if (!this.unregisterPending && this.attempt?.unregister !== true) return Promise.resolve();
    return new Promise((resolve) => (this.unregisterWaiters ??= []).push(resolve));
  }

  /** Forgets everything in flight without sending anything (the registrant is going away). */
  abandon(): void {
    this.host.scheduler.cancel(this.index);
    this.attempt = undefined;
    this.digest = undefined;
    this.unregisterPending = false;
    this.resolveUnregisterWaiters();
  }

  /** The scheduler released this account: send the pending unregister, or whatever the machine says is due. */
  run(): void {
    if (this.unregisterPending) {
      this.unregisterPending = false;
      this.beginUnregister();
      return;
    }
    this.step({ kind: "due" });
  }

  // ---- the machine ----

  private step(event: MachineEvent, detail?: string): void {
    const result = step(this.m, event, this.host.settings);
    this.apply(result, detail);
  }

  private apply(r: StepResult, detail: string | undefined): void {
    const from = this.m.state;
    this.m = r.state;
    // The attempt lives only while the machine is in progress (an unregister has its own life).
    if (!isInProgress(r.state.state) && this.attempt !== undefined && !this.attempt.unregister) this.attempt = undefined;
    if (from !== r.state.state || detail !== undefined) this.host.stateChanged(this, from, detail);
    const sched = this.host.scheduler;
    for (const e of r.effects) {
      switch (e.kind) {
        case "send":
          this.send(e.credentials, e.newCallId);
          break;
        case "set-expires":
          this.expires = e.seconds;
          break;
        case "schedule":
          if (e.window.latestMs <= 0) sched.scheduleUrgent(this.index);
          else sched.scheduleWithin(this.index, e.window.earliestMs, e.window.latestMs);
          break;
        case "cancel":
          sched.cancel(this.index);
          break;
        case "unregister":
          this.unregisterPending = true;
          sched.scheduleUrgent(this.index);
          break;
        case "give-up":
          this.lastError = this.lastError === undefined ? `gave up: ${e.reason}` : `${this.lastError}; gave up: ${e.reason}`;
          break;
      }
    }
  }

  // ---- sending ----

  private send(credentials: CredentialsChoice, freshCallId: boolean): void {
    const current = this.attempt;
    if (current !== undefined && !current.unregister) {
      // A follow-up within the attempt: sent at once, charged to the rate cap.
      if (++current.followUps > this.host.settings.maxFollowUps) {
        this.failAttempt({ kind: "internal" }, `more than ${this.host.settings.maxFollowUps} follow-up REGISTERs in one attempt`);
        return;
      }
      this.host.scheduler.charge();
      this.transmit(current, credentials);
      return;
    }
    if (freshCallId || this.callId === undefined) {
      this.callId = newCallId(this.host.random);
      this.fromTag = newTag(this.host.random);
      this.digest = undefined; // its nonce belongs to the old Call-ID's exchange
    }
    const attempt = new Attempt(false);
    this.attempt = attempt;
    this.lastError = undefined;
    this.withTargets(attempt, () => this.transmit(attempt, "none"));
  }

  /** Resolves the targets for `attempt`, then calls `next` unless the attempt was dropped meanwhile. */
  private withTargets(attempt: Attempt, next: () => void): void {
    this.host.resolveTargets(this.account).then(
      (targets) => {
        if (this.attempt !== attempt) return;
        attempt.targets = this.preferRegisteredTarget(targets);
        if (attempt.targets.length === 0) this.attemptFailedEarly(attempt, { kind: "dns" }, "no targets for the registrar");
        else next();
      },
      (err: unknown) => {
        if (this.attempt !== attempt) return;
        this.attemptFailedEarly(attempt, { kind: "dns" }, `cannot resolve ${this.account.outboundProxy ?? this.account.registrar}: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
  }

  /** The target that accepted us last time first, so refreshes reach the server that holds the binding. */
  private preferRegisteredTarget(targets: SipTarget[]): SipTarget[] {
    const r = this.registeredAt;
    if (r === undefined || targets.length < 2) return targets;
    const i = targets.findIndex((t) => t.transport === r.transport && t.address === r.address && t.port === r.port);
    if (i <= 0) return targets;
    return [targets[i]!, ...targets.slice(0, i), ...targets.slice(i + 1)];
  }

  /** Sends the attempt's REGISTER to its current target. */
  private transmit(attempt: Attempt, credentials: CredentialsChoice): void {
    const a = this.account;
    const target = attempt.targets[attempt.targetIndex];
    if (target === undefined) {
      this.attemptFailedEarly(attempt, { kind: "internal" }, "no target left");
      return;
    }
    const sendTarget = sendTargetOf(target, a.socket);
    const listener = this.host.listenerFor(sendTarget);
    const reliable = isReliable(target.transport);
    let sentBy: SentBy;
    // A forced socket of another transport (udp:... for a TLS registrar) is no address to be reached at over this one.
    if (listener !== undefined && (listener.protocol === target.transport || !reliable)) sentBy = { host: listener.advertisedHost, port: listener.advertisedPort };
    else if (reliable) sentBy = { host: this.clientOnlyHost(), port: undefined };
    else {
      this.targetFailed(attempt, { kind: "transport" }, `no ${target.transport} listener to reach ${target.address}:${target.port}`);
      return;
    }
    attempt.contact = contactValue(a, this.contactAddress(sentBy), target.transport);
    attempt.own = undefined;
    let authorization: { name: "Authorization" | "Proxy-Authorization"; value: string } | undefined;
    attempt.sentNonce = undefined;
    attempt.preemptive = false;
    const d = this.digest;
    const answering = credentials !== "none" && d !== undefined;
    // A REGISTER nobody asked credentials for yet carries them when the last challenge of this Call-ID may be reused.
    const preemptive = credentials === "none" && d !== undefined && d.reusable && this.host.settings.preemptiveAuth && d.from(target) && this.host.clock.now() < d.reuseUntilMs;
    if (answering || preemptive) {
      const answer = answerChallenge(d, digestAccountOf(a), a.registrar, this.host.random);
      if (!answer.ok) {
        this.attemptFailedEarly(attempt, { kind: answer.kind }, answer.message);
        return;
      }
      authorization = { name: d.status === 407 ? "Proxy-Authorization" : "Authorization", value: answer.value };
      if (answering) attempt.sentNonce = d.nonce;
      else attempt.preemptive = true;
    }
    this.cseq++;
    const req = buildRegister({
      account: a,
      callId: this.callId ?? newCallId(this.host.random),
      fromTag: this.fromTag,
      cseq: this.cseq,
      expires: attempt.unregister ? 0 : this.expires,
      contact: attempt.contact,
      userAgent: a.userAgent ?? this.host.settings.userAgent,
      ...(authorization === undefined ? {} : { authorization }),
    });
    addVia(req, { transport: target.transport, host: sentBy.host, port: sentBy.port }, this.host.random);
    attempt.request = req;
    const totals = this.host.totals;
    if (attempt.unregister) totals.unregistersSent++;
    else totals.registersSent++;
    if (attempt.sentNonce !== undefined) totals.challengesAnswered++;
    else if (attempt.preemptive) totals.preemptiveSent++;
    try {
      this.host.sendRequest(req, sendTarget, this);
    } catch (e) {
      if (!(e instanceof TransactionError)) throw e;
      this.attemptFailedEarly(attempt, { kind: "internal" }, e.message);
    }
  }

  private contactAddress(sentBy: SentBy): ContactAddress {
    const configured = this.account.contactAddress ?? this.host.settings.contactAddress;
    if (configured !== undefined) return parseContactAddress(configured);
    return { host: sentBy.host, port: sentBy.port, params: "" };
  }

  /**
   * Via sent-by and Contact host when no listener of the transport exists (`--register ...;transport=tls`
   * on a server listening on UDP only): the connection is opened as a client, nothing can connect back,
   * so a name under .invalid (RFC 6761 §6.4) says so, as RFC 7118 §8's WebSocket examples do; the
   * registrar reaches us over the connection (RFC 5626 flows, or its NAT handling). Derived from the
   * account id, so it is the same on every REGISTER and across restarts.
   */
  private clientOnlyHost(): string {
    return `${stableToken(`client:${this.account.id}`, 6)}.invalid`;
  }

  // ---- answers ----

  onResponse(res: SipResponse, tx: ClientTransaction): void {
    const a = this.attempt;
    if (a === undefined || tx.request !== a.request || res.status < 200) return;
    this.lastStatus = res.status;
    // The standard phrase is a shared constant; another one is copied, so the datagram's text is not kept alive.
    this.lastReason = res.reason === reasonPhrase(res.status) ? reasonPhrase(res.status) : Buffer.from(res.reason, "utf8").toString("utf8");
    if (a.unregister) {
      this.unregisterAnswered(a, res);
      return;
    }
    const s = res.status;
    if (s < 300) this.succeeded(a, res);
    else if (s === 401 || s === 407) this.challenged(a, res);
    else if (s === 423) this.step({ kind: "interval-too-brief", minExpires: minExpiresOf(res), requestedSec: this.expires }, `423 Min-Expires ${minExpiresOf(res) ?? "missing"}`);
    else if (s === 503 && this.nextTarget(a, `503 from ${describe(a)}`)) return;
    else this.failAttempt(failureOfStatus(s, retryAfterOf(res)), `${s} ${res.reason}`);
  }

  onTimeout(_err: TransactionTimeoutError, tx: ClientTransaction): void {
    const a = this.attempt;
    if (a === undefined || tx.request !== a.request) return;
    if (a.unregister) {
      this.finishUnregister(`no answer to the unregister from ${describe(a)}`);
      return;
    }
    this.targetFailed(a, { kind: "timeout" }, `no answer from ${describe(a)}`);
  }

  onTransportError(err: TransactionTransportError, tx: ClientTransaction): void {
    const a = this.attempt;
    if (a === undefined || tx.request !== a.request) return;
    const cause = err.cause instanceof Error ? err.cause.message : err.message;
    if (a.unregister) {
      this.finishUnregister(`cannot send the unregister to ${describe(a)}: ${cause}`);
      return;
    }
    this.targetFailed(a, { kind: "transport" }, `cannot send to ${describe(a)}: ${cause}`);
  }

  private succeeded(a: Attempt, res: SipResponse): void {
    let granted: number;
    try {
      a.own ??= ownContact(a.contact);
      granted = grantedExpiry(res, a.own, this.expires);
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      granted = res.expires ?? this.expires;
    }
    const now = this.host.clock.now();
    const target = a.targets[a.targetIndex];
    if (a.preemptive) this.host.totals.preemptiveAccepted++;
    // Kept for the next REGISTER only when it may be used again.
    if (this.digest !== undefined && !(this.digest.reusable && this.host.settings.preemptiveAuth)) this.digest = undefined;
    if (granted > 0 && target !== undefined) {
      this.boundUntil = now + granted * 1000;
      this.lastSuccessAt = now;
      this.registeredAt = this.host.internTarget(target);
      this.host.totals.registered++;
      // RFC 5626 keepalives only on a flow the registrar took as one: its 2xx says Require: outbound (§6).
      // Without them a connection is still held open and watched: the registrar reaches us over it.
      const outbound = this.account.supportOutbound && outboundConfirmed(res);
      if (outbound || isReliable(target.transport)) {
        this.flowId = this.host.keepFlowAlive(sendTargetOf(target, this.account.socket), flowTimerOf(res), outbound);
      } else {
        this.flowId = undefined;
      }
      this.step({ kind: "success", grantedSec: granted });
    } else {
      this.boundUntil = 0;
      this.lastError = "the 2xx does not bind our contact";
      this.host.totals.failures["not-bound"]++;
      this.step({ kind: "success", grantedSec: 0 }, this.lastError);
    }
  }

  private challenged(a: Attempt, res: SipResponse): void {
    const pick = pickChallenge(challengesOf(res), this.account.realm);
    if (pick.kind === "realm-mismatch") {
      this.failAttempt({ kind: "realm-mismatch" }, `realms do not match (expected "${pick.expected}", offered "${pick.offered}")`);
      return;
    }
    if (pick.kind === "unusable") {
      this.failAttempt({ kind: "internal" }, pick.reason);
      return;
    }
    const c = pick.challenge;
    // Only credentials answering a challenge of this attempt can be rejected; pre-emptive ones were a guess.
    const credentialsSent = a.sentNonce !== undefined;
    const repeatedNonce = credentialsSent && a.sentNonce === c.nonce;
    if (a.preemptive) this.host.totals.preemptiveChallenged++;
    this.learn(c, res.status, a);
    const detail = credentialsSent && !c.stale ? `credentials answered by ${res.status} ${res.reason}${repeatedNonce ? " with the same nonce" : " with a new nonce"}` : undefined;
    const before = this.m.failures;
    const previousError = this.lastError;
    // Set before the step, so a give-up reason the machine adds is appended to it.
    if (detail !== undefined) this.lastError = detail;
    this.step({ kind: "challenge", credentialsSent, repeatedNonce, stale: c.stale }, detail);
    if (this.m.failures > before) this.host.totals.failures["auth-rejected"]++;
    else this.lastError = previousError;
  }

  /** Keeps the challenge of a 401/407 to answer it (and later requests with its nonce). */
  private learn(c: DigestChallenge, status: number, a: Attempt): void {
    const target = a.targets[a.targetIndex];
    if (target === undefined) return;
    const s = status === 407 ? 407 : 401;
    const d = this.digest === undefined ? new DigestContext(c, s, target) : this.digest.next(c, s, target);
    if (d.nc === 0) d.reuseUntilMs = this.host.clock.now() + reuseWindowMs(this.host.settings.preemptiveNonceMaxAgeSec, this.host.random);
    this.digest = d;
  }

  /** Moves to the next target when one is left (RFC 3263 §4.3); true when it did. */
  private nextTarget(a: Attempt, why: string): boolean {
    if (a.targetIndex + 1 >= a.targets.length) return false;
    a.targetIndex++;
    this.digest = undefined; // the old target's nonce
    a.sentNonce = undefined;
    this.host.totals.targetFailovers++;
    this.step({ kind: "next-target" }, `${why}; trying ${describe(a)}`);
    return true;
  }

  private targetFailed(a: Attempt, failure: Failure, message: string): void {
    if (this.nextTarget(a, message)) return;
    this.failAttempt(failure, message);
  }

  private failAttempt(failure: Failure, message: string): void {
    this.attempt = undefined;
    this.digest = undefined;
    this.lastError = message;
    this.host.totals.failures[failure.kind]++;
    this.step({ kind: "failure", failure }, message);
  }

  /** A failure found before anything was sent for the request: an unregister just ends. */
  private attemptFailedEarly(a: Attempt, failure: Failure, message: string): void {
    if (a.unregister) this.finishUnregister(message);
    else this.failAttempt(failure, message);
  }

  // ---- unregister ----

  private beginUnregister(): void {
    const attempt = new Attempt(true);
    this.attempt = attempt;
    if (this.callId === undefined) {
      this.callId = newCallId(this.host.random);
      this.fromTag = newTag(this.host.random);
    }
    if (this.registeredAt !== undefined) {
      attempt.targets = [this.registeredAt];
      this.transmit(attempt, "none");
    } else {
      this.withTargets(attempt, () => this.transmit(attempt, "none"));
    }
  }

  private unregisterAnswered(a: Attempt, res: SipResponse): void {
    if ((res.status === 401 || res.status === 407) && !a.answered) {
      const pick = pickChallenge(challengesOf(res), this.account.realm);
      if (pick.kind === "usable") {
        a.answered = true;
        if (a.preemptive) this.host.totals.preemptiveChallenged++;
        this.learn(pick.challenge, res.status, a);
        this.host.scheduler.charge();
        this.transmit(a, "answer");
        return;
      }
    }
    this.finishUnregister(res.status < 300 ? undefined : `unregister answered ${res.status} ${res.reason}`);
  }

  private finishUnregister(error: string | undefined): void {
    this.attempt = undefined;
    if (this.m.state === "DISABLED") {
      this.boundUntil = 0;
      this.registeredAt = undefined;
      this.flowId = undefined;
      this.digest = undefined;
    }
    if (error !== undefined) this.lastError = error;
    this.resolveUnregisterWaiters();
    this.host.unregisterDone(this);
  }

  private resolveUnregisterWaiters(): void {
    const w = this.unregisterWaiters;
    this.unregisterWaiters = undefined;
    if (w !== undefined) for (const f of w) f();
  }
}

/** Where our requests say they come from: Via sent-by and the default Contact address. */
interface SentBy {
  host: string;
  port: number | undefined;
}

function sendTargetOf(t: SipTarget, listenerId: string | undefined): SendTarget {
  const out: SendTarget = { protocol: t.transport, remote: { address: t.address, port: t.port } };
  if (listenerId !== undefined) out.listenerId = listenerId;
  if ((t.transport === "tls" || t.transport === "wss") && t.host !== t.address) out.serverName = t.host;
  return out;
}

function describe(a: Attempt): string {
  const t = a.targets[a.targetIndex];
  return t === undefined ? "the registrar" : `${t.transport}:${t.address.includes(":") ? `[${t.address}]` : t.address}:${t.port}`;
}
