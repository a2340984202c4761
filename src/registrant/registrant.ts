// The registrant: keeps N accounts registered at remote registrars and trunks over one SIP stack
// (what OpenSIPS uac_registrant, Kamailio uac's remote registration and Asterisk
// res_pjsip_outbound_registration do). It owns the registrations (registration.ts), one scheduler
// (scheduler.ts) on the shared timer wheel, the counters, and the management API: the library
// equivalents of reg_list, uac.reg_dump / reg_info / reg_enable / reg_disable / reg_reload /
// reg_refresh / reg_active, and of uac_reg_lookup, uac_reg_status, uac_reg_request_to.
import type { SipTarget } from "../dns/types.js";
import type { SipRequest } from "../sip/message.js";
import type { ClientHandlers, ClientTransaction } from "../transaction/types.js";
import type { ConnectionInfo } from "../transport/connection.js";
import { normaliseAddress, sameAddress } from "../transport/endpoint.js";
import type { Endpoint, ListenerInfo, SendTarget } from "../transport/types.js";
import type { UdpFlowFailedHandler, UdpFlowFailure } from "../transport/udp-keepalive.js";
import { systemClock, type Clock } from "../util/clock.js";
import { silentLogger, type Logger } from "../util/logger.js";
import { defaultRandom, type RandomSource } from "../util/random.js";
import { TimerWheel } from "../util/timer-wheel.js";
import { accountInputOf, resolveAccount, type Account, type AccountInput } from "./account.js";
import { accountInfo, attributeOf, type AccountAttribute, type AccountInfo } from "./account-info.js";
import type { AccountSource } from "./account-source.js";
import { isFailure, REG_STATUS, type AccountState, type RegStatusCode } from "./account-state.js";
import { RegistrantTotals, type RegistrantCounters } from "./counters.js";
import { RegistrantError } from "./errors.js";
import { Registration, type RegistrationHost } from "./registration.js";
import { Scheduler } from "./scheduler.js";
import { resolveSettings, type RegistrantSettings } from "./settings.js";
import { systemTargetResolver, type TargetResolver } from "./target-resolver.js";

/** The parts of a SipStack the registrant uses (SipStack satisfies it). */
export interface RegistrantStack {
  transactions: { sendRequest(req: SipRequest, target: SendTarget, handlers: ClientHandlers): ClientTransaction };
  transport: {
    listenerFor(target: SendTarget): ListenerInfo | undefined;
    connections(): ConnectionInfo[];
    startKeepalive(connectionId: number, intervalMs: number): boolean;
    /** TransportLayer.holdConnection: a held connection is never closed for being idle. */
    holdConnection?(connectionId: number, held: boolean): boolean;
    /** STUN keepalives on a UDP flow (RFC 5626 §4.4.2); TransportLayer.startUdpKeepalive. */
    startUdpKeepalive?(listenerId: string | undefined, remote: Endpoint, minIntervalMs: number, maxIntervalMs: number, onFailed: UdpFlowFailedHandler): number | undefined;
    stopUdpKeepalive?(id: number): boolean;
  };
}

export interface RegistrantOptions {
  stack: RegistrantStack;
  settings?: Partial<RegistrantSettings>;
  /** Where REGISTERs go; default: RFC 3263 over the system's DNS (node:dns) with a TTL cache. */
  resolver?: TargetResolver;
  /** Accounts to reload from (uac.reg_reload, uac.reg_refresh); see account-source.ts. */
  source?: AccountSource;
  /** A timer wheel to share (the transaction layer's, or a manual one in tests); default: its own. */
  wheel?: TimerWheel;
  clock?: Clock;
  random?: RandomSource;
  logger?: Logger;
}

/** A state change of one account (every change, and attempts that ended with something to say). */
export interface RegistrantStateEvent {
  type: "state";
  id: string;
  from: AccountState;
  to: AccountState;
  detail: string | undefined;
  /** Wall-clock ms. */
  at: number;
}

export type RegistrantEvent = RegistrantStateEvent | { type: "added"; id: string } | { type: "removed"; id: string };

export type RegistrantListener = (event: RegistrantEvent) => void;

/** What uac_reg_request_to gives: where to send a request as the account, and how to authenticate it. */
export interface RequestTo {
  /** The account's AOR (Request-URI of the request to the provider). */
  requestUri: string;
  /** The outbound proxy (Kamailio auth_proxy, the dst-uri), when the account has one. */
  destination: string | undefined;
  auth: { username: string; password: string | undefined; ha1: string | undefined; realm: string | undefined };
}

/** What a reload changed. */
export interface ReloadResult {
  added: number;
  removed: number;
  replaced: number;
  unchanged: number;
  /** Rows that could not be used, with the reason. */
  rejected: Array<{ id: string; error: string }>;
}

export class Registrant {
  readonly settings: RegistrantSettings;
  private readonly stack: RegistrantStack;
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly logger: Logger;
  private readonly wheel: TimerWheel;
  private readonly ownsWheel: boolean;
  private readonly resolver: TargetResolver;
  private readonly source: AccountSource | undefined;
  private readonly scheduler: Scheduler;
  private readonly totals = new RegistrantTotals();
  private readonly byId = new Map<string, Registration>();
  /** By scheduler index; kept until a removed account's unregister is done. */
  private readonly byIndex: Array<Registration | undefined> = [];
  /** uac_reg_lookup: contact user → accounts (several may share one, the `line` tells them apart). */
  private readonly byContactUser = new Map<string, Registration | Registration[]>();
  private readonly byLine = new Map<string, Registration>();
  private readonly listeners = new Set<RegistrantListener>();
  private readonly host: RegistrationHost;
  private activeFlag: boolean;
  private started = false;
  private stopped = false;
  private lastReloadAt = -Infinity;
  /** Strings many accounts share (registrar, domains...), held once; dropped wholesale past its cap. */
  private readonly strings = new Map<string, string>();
  private readonly accountOptions = {
    instanceNamespace: "sipreg",
    intern: (s: string): string => {
      const known = this.strings.get(s);
      if (known !== undefined) return known;
      if (this.strings.size >= 65_536) this.strings.clear();
      this.strings.set(s, s);
      return s;
    },
  };
  /** Targets many accounts are registered at, held once. */
  private readonly targets = new Map<string, SipTarget>();
  /** UDP flows kept alive with STUN, by "listener|address|port" and by flow id; shared by the accounts bound over them. */
  private readonly udpFlows = new Map<string, UdpFlow>();
  private readonly udpFlowById = new Map<number, UdpFlow>();
  /** Per account (by index): the flow id it is counted in (UDP < 0, connection > 0), 0 = none. */
  private flowOf = new Float64Array(0);
  /** Accounts bound over each connection (kept alive with CRLF pings, or only held open), by connection id. */
  private readonly connectionFlowRefs = new Map<number, number>();
  private readonly onUdpFlowFailed = (id: number, reason: UdpFlowFailure): void => {
    const flow = this.udpFlowById.get(id);
    if (flow !== undefined) this.dropUdpFlow(flow, false);
    this.logger.warn({ flow: id, reason }, `UDP flow ${flow?.key ?? id} failed (${reason === "no-response" ? "no answer to STUN keepalives" : "the mapped address changed"}): its accounts re-register`);
    this.flowFailed({ id });
  };

  constructor(o: RegistrantOptions) {
    this.settings = resolveSettings(o.settings);
    this.stack = o.stack;
    this.clock = o.clock ?? systemClock;
    this.random = o.random ?? defaultRandom;
    this.logger = o.logger ?? silentLogger();
    this.ownsWheel = o.wheel === undefined;
    this.wheel = o.wheel ?? new TimerWheel({ clock: this.clock });
    this.resolver = o.resolver ?? systemTargetResolver(this.clock, this.random);
    this.source = o.source;
    this.activeFlag = this.settings.active;
    this.accountOptions.instanceNamespace = this.settings.instanceNamespace;
    this.scheduler = new Scheduler({
      wheel: this.wheel,
      clock: this.clock,
      random: this.random,
      slotMs: this.settings.timerGranularityMs,
      maxPerSecond: this.settings.maxRegistersPerSecond,
      run: (i) => this.byIndex[i]?.run(),
    });
    this.scheduler.setPaused(!this.activeFlag);
    this.host = this.makeHost();
  }

  // ---- lifecycle ----

  /** Starts sending: accounts added before start() begin now (after their start delay). */
  start(): void {
    if (this.started) throw new RegistrantError("REGISTRANT_LIFECYCLE", "the registrant is already started");
    if (this.stopped) throw new RegistrantError("REGISTRANT_LIFECYCLE", "the registrant was stopped");
    this.started = true;
    // The first REGISTERs spread from now (reg_delay + max_random_initial_delay count from start-up, as
    // Kamailio's reg_random_delay does): accounts added earlier had their window counted from add().
    for (const reg of this.byId.values()) if (reg.state === "NOT_REGISTERED") reg.enable();
    this.scheduler.start();
    this.logger.info({ accounts: this.byId.size, active: this.activeFlag }, "registrant started");
  }

  /**
   * Graceful shutdown: unregisters every bound account (rate-capped, urgent first) and waits for the
   * answers up to unregisterTimeoutMs, then drops everything. With `unregister: false` nothing is sent.
   */
  async stop(options: { unregister?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const waits: Array<Promise<void>> = [];
    if ((options.unregister ?? true) && this.started) {
      for (const reg of this.byId.values()) {
        if (reg.isBound() || reg.state === "REGISTERING" || reg.state === "AUTHENTICATING") {
          reg.disable();
          waits.push(reg.whenUnregistered());
        } else {
          reg.abandon(); // nothing to remove: it must not send a REGISTER while the others unregister
        }
      }
      this.scheduler.setPaused(false);
    }
    if (waits.length > 0) await this.waitAtMost(Promise.all(waits), this.settings.unregisterTimeoutMs);
    for (const reg of this.byIndex) reg?.abandon();
    for (const flow of [...this.udpFlowById.values()]) this.dropUdpFlow(flow, true);
    this.flowOf.fill(0);
    this.connectionFlowRefs.clear();
    this.scheduler.stop();
    if (this.ownsWheel) this.wheel.stop();
    this.logger.info({ unregistered: waits.length }, "registrant stopped");
  }

  // ---- accounts ----

  /** Adds an account (library API; also used by the sources). Throws AccountError or REGISTRANT_DUPLICATE_ACCOUNT. */
  add(input: AccountInput): AccountInfo {
    this.assertOpen();
    const account = resolveAccount(input, this.accountOptions);
    if (this.byId.has(account.id)) throw new RegistrantError("REGISTRANT_DUPLICATE_ACCOUNT", `account "${account.id}" exists already`);
    const reg = this.insert(account);
    return accountInfo(reg);
  }

  /** Removes an account, unregistering it first when bound; resolves once its unregister ended. */
  async remove(id: string): Promise<void> {
    const reg = this.byId.get(id);
    if (reg === undefined) throw unknown(id);
    this.detach(reg);
    reg.disable();
    await reg.whenUnregistered();
    reg.abandon();
    this.syncFlow(reg, true);
    this.scheduler.release(reg.index);
    this.byIndex[reg.index] = undefined;
    this.emit({ type: "removed", id });
  }

  /** uac.reg_enable / uac_reg_enable: enables the accounts whose `attr` equals `value`; returns how many changed. */
  enable(attr: AccountAttribute, value: string): number {
    let n = 0;
    for (const reg of this.matching(attr, value)) {
      if (reg.state !== "DISABLED") continue;
      reg.enable();
      n++;
    }
    return n;
  }

  /** uac.reg_disable / uac_reg_disable: disables (and unregisters) the matching accounts; returns how many changed. */
  disable(attr: AccountAttribute, value: string): number {
    let n = 0;
    for (const reg of this.matching(attr, value)) {
      if (reg.state === "DISABLED") continue;
      reg.disable();
      n++;
    }
    return n;
  }

  /** Sends a REGISTER for the account as soon as the rate cap allows (also revives one that gave up). */
  registerNow(id: string): void {
    const reg = this.byId.get(id);
    if (reg === undefined) throw unknown(id);
    reg.refreshNow();
  }

  /** uac.reg_active: pause (false) or resume (true) all registering; bindings are left to lapse, not removed. */
  setActive(active: boolean): void {
    this.activeFlag = active;
    this.scheduler.setPaused(!active);
    this.logger.info({ active }, "registrant active flag changed");
  }

  get active(): boolean {
    return this.activeFlag;
  }

  // ---- sources ----

  /**
   * uac.reg_reload: re-reads every account from the source. Unchanged accounts are left alone (no
   * new REGISTER), changed ones are replaced (the old binding removed first), missing ones removed.
   * Refused within reloadGuardSec of the previous reload (Kamailio reg_gc_interval).
   */
  async reload(): Promise<ReloadResult> {
    this.assertOpen();
    const source = this.requireSource();
    const now = this.clock.monotonic();
    const guardMs = this.settings.reloadGuardSec * 1000;
    if (now - this.lastReloadAt < guardMs) {
      throw new RegistrantError("REGISTRANT_RELOAD_TOO_SOON", `the last reload was ${Math.round((now - this.lastReloadAt) / 1000)} s ago; wait ${this.settings.reloadGuardSec} s between reloads`);
    }
    this.lastReloadAt = now;
    const result: ReloadResult = { added: 0, removed: 0, replaced: 0, unchanged: 0, rejected: [] };
    const wanted = new Map<string, Account>();
    for (const input of source.loadAll()) {
      try {
        const a = resolveAccount(input, this.accountOptions);
        if (wanted.has(a.id)) throw new RegistrantError("REGISTRANT_DUPLICATE_ACCOUNT", `account "${a.id}" is listed twice`);
        wanted.set(a.id, a);
      } catch (e) {
        if (!(e instanceof RegistrantError)) throw e;
        result.rejected.push({ id: String(input.id), error: e.message });
      }
    }
    const pending: Array<Promise<void>> = [];
    for (const id of [...this.byId.keys()]) {
      if (!wanted.has(id)) {
        pending.push(this.remove(id));
        result.removed++;
      }
    }
    for (const account of wanted.values()) {
      const outcome = this.upsert(account, pending);
      result[outcome]++;
    }
    await Promise.all(pending);
    this.logger.info({ ...result, rejected: result.rejected.length }, "registrant accounts reloaded");
    return result;
  }

  /**
   * uac.reg_refresh / uac_reg_refresh: re-reads one account from the source: added when new,
   * replaced when changed, removed when the source no longer has it.
   */
  async refresh(id: string): Promise<"added" | "replaced" | "unchanged" | "removed"> {
    this.assertOpen();
    const input = this.requireSource().loadOne(id);
    if (input === undefined) {
      if (!this.byId.has(id)) throw unknown(id);
      await this.remove(id);
      return "removed";
    }
    const account = resolveAccount(input, this.accountOptions);
    const pending: Array<Promise<void>> = [];
    const outcome = this.upsert(account, pending);
    await Promise.all(pending);
    return outcome;
  }

  // ---- queries ----

  /** reg_list / uac.reg_dump: every account with its state. */
  list(): AccountInfo[] {
    return [...this.byId.values()].map(accountInfo);
  }

  /** uac.reg_info: the first account whose `attr` equals `value`. */
  info(attr: AccountAttribute, value: string): AccountInfo | undefined {
    const first = this.matching(attr, value)[0];
    return first === undefined ? undefined : accountInfo(first);
  }

  get(id: string): AccountInfo | undefined {
    const reg = this.byId.get(id);
    return reg === undefined ? undefined : accountInfo(reg);
  }

  /** The account as given (defaults filled in), for re-adding or showing the configuration. */
  accountInput(id: string): AccountInput | undefined {
    const reg = this.byId.get(id);
    return reg === undefined ? undefined : accountInputOf(reg.account);
  }

  /** uac_reg_status(uuid): 1, -1 (unknown or gave up), -2, -3, -99. */
  status(id: string): RegStatusCode {
    const reg = this.byId.get(id);
    return reg === undefined ? REG_STATUS.NOT_FOUND_OR_ERROR : reg.status().status;
  }

  /**
   * uac_reg_lookup: the local AOR ("sip:l_username@l_domain") of the account an inbound request is
   * for, by its Request-URI user (the account's contact user; Kamailio: the l_uuid) and, when several
   * accounts share that user, by the `line` parameter (Asterisk line).
   */
  lookup(requestUriUser: string, line?: string): string | undefined {
    const reg = this.lookupRegistration(requestUriUser, line);
    return reg === undefined ? undefined : `sip:${reg.account.localUser}@${reg.account.localDomain}`;
  }

  /** The account (id and endpoint) an inbound request maps to; see lookup(). */
  lookupAccount(requestUriUser: string | undefined, line?: string): { id: string; endpoint: string | undefined; localAor: string } | undefined {
    const reg = this.lookupRegistration(requestUriUser, line);
    if (reg === undefined) return undefined;
    return { id: reg.account.id, endpoint: reg.account.endpoint, localAor: `sip:${reg.account.localUser}@${reg.account.localDomain}` };
  }

  /**
   * uac_reg_request_to(user, mode): where and how to send an authenticated request as the account
   * whose l_uuid (mode 0) or l_username (mode 1) is `user`.
   */
  requestTo(user: string, mode: 0 | 1): RequestTo | undefined {
    const reg = mode === 0 ? this.byId.get(user) : this.matching("l_username", user)[0];
    if (reg === undefined) return undefined;
    const a = reg.account;
    return { requestUri: a.aor, destination: a.outboundProxy, auth: { username: a.authUsername, password: a.password, ha1: a.ha1, realm: a.realm } };
  }

  /** regtotal, regactive, regdisabled and the running totals. */
  counters(): RegistrantCounters {
    let regactive = 0;
    let regdisabled = 0;
    for (const reg of this.byId.values()) {
      if (reg.state === "DISABLED") regdisabled++;
      else if (reg.isBound()) regactive++;
    }
    const t = this.totals;
    return {
      regtotal: this.byId.size,
      regactive,
      regdisabled,
      registersSent: t.registersSent,
      unregistersSent: t.unregistersSent,
      challengesAnswered: t.challengesAnswered,
      preemptiveSent: t.preemptiveSent,
      preemptiveAccepted: t.preemptiveAccepted,
      preemptiveChallenged: t.preemptiveChallenged,
      registered: t.registered,
      targetFailovers: t.targetFailovers,
      failures: { ...t.failures },
    };
  }

  /** Subscribes to state changes and additions/removals; returns the unsubscribe function. */
  onEvent(listener: RegistrantListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- flows ----

  /** Tell the registrant a connection closed (TransportHandlers.onConnectionClosed): accounts bound over it re-register. */
  connectionClosed(info: Pick<ConnectionInfo, "id">): void {
    this.flowFailed(info);
  }

  /** A kept-alive flow stopped answering pings (TransportHandlers.onFlowFailed, RFC 5626 §4.4.1). */
  flowFailed(info: Pick<ConnectionInfo, "id">): void {
    for (const reg of this.byId.values()) if (reg.flow === info.id) reg.flowFailed(info.id);
  }

  // ---- internals ----

  private insert(account: Account): Registration {
    const index = this.scheduler.allocate();
    const reg = new Registration(account, index, this.host);
    this.byId.set(account.id, reg);
    this.byIndex[index] = reg;
    this.attach(reg);
    if (account.enabled) reg.enable();
    else reg.disable();
    this.emit({ type: "added", id: account.id });
    return reg;
  }

  /** Adds `account`, or replaces the one with its id when its settings differ; a removal to wait for goes to `pending`. */
  private upsert(account: Account, pending: Array<Promise<void>>): "added" | "replaced" | "unchanged" {
    const existing = this.byId.get(account.id);
    if (existing === undefined) {
      this.insert(account);
      return "added";
    }
    if (sameSettings(existing.account, account)) return "unchanged";
    // The old binding goes first, so its Expires: 0 cannot remove the new one.
    pending.push(this.remove(account.id).then(() => void this.insert(account)));
    return "replaced";
  }

  private attach(reg: Registration): void {
    const user = reg.account.contactUser;
    const prev = this.byContactUser.get(user);
    if (prev === undefined) this.byContactUser.set(user, reg);
    else if (Array.isArray(prev)) prev.push(reg);
    else this.byContactUser.set(user, [prev, reg]);
    if (reg.account.lineToken !== undefined) this.byLine.set(reg.account.lineToken, reg);
  }

  private detach(reg: Registration): void {
    this.byId.delete(reg.account.id);
    const user = reg.account.contactUser;
    const prev = this.byContactUser.get(user);
    if (prev === reg) this.byContactUser.delete(user);
    else if (Array.isArray(prev)) {
      const rest = prev.filter((r) => r !== reg);
      if (rest.length === 1) this.byContactUser.set(user, rest[0]!);
      else this.byContactUser.set(user, rest);
    }
    if (reg.account.lineToken !== undefined && this.byLine.get(reg.account.lineToken) === reg) this.byLine.delete(reg.account.lineToken);
  }

  private lookupRegistration(user: string | undefined, line: string | undefined): Registration | undefined {
    if (line !== undefined) {
      const byLine = this.byLine.get(line);
      if (byLine !== undefined) return byLine;
    }
    if (user === undefined) return undefined;
    const found = this.byContactUser.get(user);
    return Array.isArray(found) ? found[0] : found;
  }

  private matching(attr: AccountAttribute, value: string): Registration[] {
    if (attr === "l_uuid") {
      const reg = this.byId.get(value);
      return reg === undefined ? [] : [reg];
    }
    const out: Registration[] = [];
    for (const reg of this.byId.values()) if (attributeOf(reg, attr) === value) out.push(reg);
    return out;
  }

  private emit(e: RegistrantEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.logger.error({ err }, "registrant event listener threw");
      }
    }
  }

  private onStateChanged(reg: Registration, from: AccountState, detail: string | undefined): void {
    const to = reg.state;
    const id = reg.account.id;
    // Refresh cycles (REGISTERED → REGISTERING → REGISTERED) are routine: debug; failures: warn.
    if (isFailure(to)) this.logger.warn({ account: id, from, to, detail }, `account ${id}: ${to}${detail === undefined ? "" : ` (${detail})`}`);
    else if (to === "REGISTERED" && from !== "REGISTERING") this.logger.info({ account: id, from, to }, `account ${id}: registered`);
    else this.logger.debug({ account: id, from, to, detail }, `account ${id}: ${from} → ${to}`);
    if (this.listeners.size > 0) this.emit({ type: "state", id, from, to, detail, at: this.clock.now() });
    this.syncFlow(reg, false);
  }

  private keepFlowAlive(target: SendTarget, flowTimerSec: number | undefined, pings: boolean): number | undefined {
    if (target.protocol === "udp") return pings ? this.keepUdpFlowAlive(target, flowTimerSec) : undefined;
    const t = this.stack.transport;
    const conn = t.connections().find((c) => c.protocol === target.protocol && c.remote.port === target.remote.port && sameAddress(c.remote.address, target.remote.address));
    if (conn === undefined) return undefined;
    // Held open while an account is bound over it (released in syncFlow when the last one leaves).
    t.holdConnection?.(conn.id, true);
    if (pings && conn.keepaliveMs === 0) {
      // RFC 5626 §4.4.1: between 80 % and 100 % of Flow-Timer; without one, 95 to 120 s on connection-oriented flows.
      const base = flowTimerSec !== undefined && flowTimerSec > 0 ? flowTimerSec * 1000 : 120_000;
      const low = flowTimerSec !== undefined && flowTimerSec > 0 ? base * 0.8 : 95_000;
      t.startKeepalive(conn.id, Math.round(low + this.random.float() * (base - low)));
    }
    return conn.id;
  }

  /**
   * RFC 5626 §4.4.2: STUN keepalives on the UDP flow (our listener → the registrar), one per flow
   * whatever the number of accounts bound over it. Returns the flow id (negative: never a connection id).
   */
  private keepUdpFlowAlive(target: SendTarget, flowTimerSec: number | undefined): number | undefined {
    const t = this.stack.transport;
    if (t.startUdpKeepalive === undefined || this.stopped) return undefined;
    const listener = t.listenerFor(target);
    if (listener === undefined || listener.protocol !== "udp") return undefined;
    const key = `${listener.id}|${normaliseAddress(target.remote.address)}|${target.remote.port}`;
    const known = this.udpFlows.get(key);
    if (known !== undefined) return known.id;
    // RFC 5626 §4.4: between 80 % and 100 % of Flow-Timer; without one, 24 to 29 s on UDP.
    const ft = flowTimerSec !== undefined && flowTimerSec > 0 ? flowTimerSec * 1000 : undefined;
    const id = t.startUdpKeepalive(listener.id, target.remote, ft === undefined ? 24_000 : ft * 0.8, ft ?? 29_000, this.onUdpFlowFailed);
    if (id === undefined) return undefined;
    const flow: UdpFlow = { id, key, refs: 0 };
    this.udpFlows.set(key, flow);
    this.udpFlowById.set(id, flow);
    // The account that asked is counted on its state change, just after; a flow nobody took is dropped.
    queueMicrotask(() => {
      if (flow.refs === 0 && this.udpFlowById.get(id) === flow) this.dropUdpFlow(flow, true);
    });
    return id;
  }

  /**
   * Counts `reg` in the flow it is bound over (none when disabled or `gone`): a UDP flow kept alive with
   * STUN (negative id) or a connection kept alive with CRLF pings (positive id). When the last account
   * leaves a flow (unregistered, disabled, removed, re-registered elsewhere) its keepalives stop; an
   * unused connection is then closed by the transport's idle timeout.
   */
  private syncFlow(reg: Registration, gone: boolean): void {
    const i = reg.index;
    const had = i < this.flowOf.length ? this.flowOf[i]! : 0;
    const f = reg.flow;
    let want = !gone && f !== undefined && f !== 0 && reg.state !== "DISABLED" ? f : 0;
    if (want === had) return;
    if (had < 0) {
      const old = this.udpFlowById.get(had);
      if (old !== undefined && --old.refs <= 0) this.dropUdpFlow(old, true);
    } else if (had > 0) {
      const refs = (this.connectionFlowRefs.get(had) ?? 1) - 1;
      if (refs > 0) this.connectionFlowRefs.set(had, refs);
      else {
        this.connectionFlowRefs.delete(had);
        this.stack.transport.startKeepalive(had, 0); // 0 stops the pings (no-op once the connection is gone)
        this.stack.transport.holdConnection?.(had, false); // and the idle timeout applies again
      }
    }
    if (want < 0) {
      const flow = this.udpFlowById.get(want);
      if (flow === undefined) want = 0; // failed or stopped meanwhile
      else flow.refs++;
    } else if (want > 0) {
      this.connectionFlowRefs.set(want, (this.connectionFlowRefs.get(want) ?? 0) + 1);
    }
    if (i >= this.flowOf.length) {
      if (want === 0) return;
      const grown = new Float64Array(Math.max(64, (i + 1) * 2));
      grown.set(this.flowOf);
      this.flowOf = grown;
    }
    this.flowOf[i] = want;
  }

  private dropUdpFlow(flow: UdpFlow, stop: boolean): void {
    this.udpFlows.delete(flow.key);
    this.udpFlowById.delete(flow.id);
    if (stop) this.stack.transport.stopUdpKeepalive?.(flow.id);
  }

  private makeHost(): RegistrationHost {
    return {
      settings: this.settings,
      clock: this.clock,
      random: this.random,
      scheduler: this.scheduler,
      totals: this.totals,
      sendRequest: (req, target, handlers) => this.stack.transactions.sendRequest(req, target, handlers),
      listenerFor: (target) => this.stack.transport.listenerFor(target),
      resolveTargets: (account): Promise<SipTarget[]> => this.resolver.resolve(account),
      keepFlowAlive: (target, flowTimerSec, pings) => this.keepFlowAlive(target, flowTimerSec, pings),
      stateChanged: (reg, from, detail) => this.onStateChanged(reg, from, detail),
      internTarget: (t) => this.internTarget(t),
      unregisterDone: (reg) => this.syncFlow(reg, false),
    };
  }

  private internTarget(t: SipTarget): SipTarget {
    const key = `${t.transport}|${t.address}|${t.port}|${t.host}`;
    const known = this.targets.get(key);
    if (known !== undefined) return known;
    if (this.targets.size >= 4096) this.targets.clear();
    this.targets.set(key, t);
    return t;
  }

  private requireSource(): AccountSource {
    if (this.source === undefined) throw new RegistrantError("REGISTRANT_LIFECYCLE", "no account source to reload from");
    return this.source;
  }

  private assertOpen(): void {
    if (this.stopped) throw new RegistrantError("REGISTRANT_LIFECYCLE", "the registrant was stopped");
  }

  /** Waits for `p` at most `ms` (on the timer wheel). */
  private waitAtMost(p: Promise<unknown>, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.wheel.schedule(ms, () => resolve(), undefined);
      void p.then(() => {
        this.wheel.cancel(timer);
        resolve();
      });
    });
  }
}

/** A UDP flow kept alive with STUN and the number of accounts bound over it. */
interface UdpFlow {
  id: number;
  key: string;
  refs: number;
}

function unknown(id: string): RegistrantError {
  return new RegistrantError("REGISTRANT_UNKNOWN_ACCOUNT", `no account "${id}"`);
}

function sameSettings(a: Account, b: Account): boolean {
  const keys = Object.keys(a) as Array<keyof Account>;
  return keys.every((k) => a[k] === b[k]);
}
