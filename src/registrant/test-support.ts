// Shared by the registrant's tests: a reproducible random source, and a bed that runs one or more
// registrations over a real TransactionLayer whose transport is a recorder (no sockets), on a
// ManualClock and a manual timer wheel, so refreshes and retries are tested without sleeping.
import type { SipTarget } from "../dns/types.js";
import type { SipRequest, SipResponse } from "../sip/message.js";
import { parseMessage } from "../sip/parser.js";
import { createResponse } from "../sip/response-builder.js";
import { serializeMessage } from "../sip/serializer.js";
import { FakeTransport } from "../transaction/test-support.js";
import { TransactionLayer } from "../transaction/transaction-layer.js";
import type { ListenerInfo, Origin, SendTarget } from "../transport/types.js";
import { ManualClock } from "../util/clock.js";
import type { RandomSource } from "../util/random.js";
import { TimerWheel } from "../util/timer-wheel.js";
import { resolveAccount, type Account, type AccountInput } from "./account.js";
import type { AccountState } from "./account-state.js";
import { RegistrantTotals } from "./counters.js";
import { Registration, type RegistrationHost } from "./registration.js";
import { Scheduler } from "./scheduler.js";
import { resolveSettings, type RegistrantSettings } from "./settings.js";

/** Deterministic floats and hex (a linear congruential sequence), so spreads and ids are reproducible. */
export class SeededRandom implements RandomSource {
  private s: number;
  constructor(seed = 1) {
    this.s = seed >>> 0;
  }
  float(): number {
    this.s = (Math.imul(this.s, 1664525) + 1013904223) >>> 0;
    return this.s / 2 ** 32;
  }
  hex(n: number): string {
    let out = "";
    while (out.length < n * 2) out += Math.floor(this.float() * 2 ** 32).toString(16).padStart(8, "0");
    return out.slice(0, n * 2);
  }
}

/** Lets pending promise callbacks (target resolution) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export const TEST_LISTENER: ListenerInfo = Object.freeze({
  id: "udp:192.0.2.1:5060",
  protocol: "udp",
  local: { address: "192.0.2.1", port: 5060 },
  advertisedHost: "192.0.2.1",
  advertisedPort: 5060,
});

export interface StateEvent {
  id: string;
  from: AccountState;
  to: AccountState;
  detail: string | undefined;
  at: number;
}

/** A RegistrationHost over a recording transport; `targets` is what every resolution returns. */
export class RegistrationBed implements RegistrationHost {
  readonly clock = new ManualClock(1_700_000_000_000);
  readonly wheel = new TimerWheel({ clock: this.clock, tickMs: 10, manual: true });
  readonly random = new SeededRandom(3);
  readonly transport = new FakeTransport(this.clock);
  readonly layer = new TransactionLayer({ transport: this.transport, clock: this.clock, random: this.random, wheel: this.wheel });
  readonly settings: RegistrantSettings;
  readonly totals = new RegistrantTotals();
  readonly scheduler: Scheduler;
  readonly events: StateEvent[] = [];
  readonly keepalives: Array<{ target: SendTarget; flowTimerSec: number | undefined; pings: boolean }> = [];
  unregistersDone = 0;
  targets: SipTarget[] = [{ transport: "udp", address: "192.0.2.20", port: 5060, family: 4, host: "192.0.2.20" }];
  dnsError: Error | undefined;
  private next = 0;

  constructor(settings: Partial<RegistrantSettings> = {}) {
    // No nonce age limit by default here: the pre-emptive tests refresh every half hour (one test sets it).
    this.settings = resolveSettings({ maxRandomInitialDelaySec: 0, retryJitter: 0, refreshJitter: 0, firstRefreshSpread: 0, preemptiveNonceMaxAgeSec: 0, ...settings });
    this.scheduler = new Scheduler({ wheel: this.wheel, clock: this.clock, random: this.random, slotMs: 100, maxPerSecond: 1000, run: (i) => this.byIndex.get(i)?.run() });
    this.scheduler.start();
  }

  private readonly byIndex = new Map<number, Registration>();

  add(input: Partial<AccountInput> = {}): Registration {
    const account: Account = resolveAccount({ id: `acc${this.next++}`, aor: "sip:alice@example.com", password: "secret", ...input });
    const index = this.scheduler.allocate();
    const reg = new Registration(account, index, this);
    this.byIndex.set(index, reg);
    return reg;
  }

  sendRequest: RegistrationHost["sendRequest"] = (req, target, handlers) => this.layer.sendRequest(req, target, handlers);
  /** TEST_LISTENER for UDP; a listener of the same address for the other transports. */
  listenerFor(target: SendTarget): ListenerInfo | undefined {
    if (target.protocol === "udp") return TEST_LISTENER;
    return { ...TEST_LISTENER, id: `${target.protocol}:192.0.2.1:5060`, protocol: target.protocol };
  }
  resolveTargets(): Promise<SipTarget[]> {
    return this.dnsError === undefined ? Promise.resolve(this.targets) : Promise.reject(this.dnsError);
  }
  keepFlowAlive(target: SendTarget, flowTimerSec: number | undefined, pings: boolean): number | undefined {
    this.keepalives.push({ target, flowTimerSec, pings });
    return 42;
  }
  stateChanged(reg: Registration, from: AccountState, detail: string | undefined): void {
    this.events.push({ id: reg.account.id, from, to: reg.state, detail, at: this.clock.now() });
  }
  unregisterDone(): void {
    this.unregistersDone++;
  }
  internTarget(t: SipTarget): SipTarget {
    return t;
  }

  /** Moves time by `ms` (firing timers as they come due), then lets resolutions run. */
  async advance(ms: number): Promise<void> {
    this.wheel.advance(ms);
    await settle();
  }

  /** REGISTERs sent so far (retransmissions included), oldest first. */
  registers(): SipRequest[] {
    return this.transport.requests("REGISTER");
  }

  /** The newest REGISTER sent. */
  last(): SipRequest {
    const all = this.registers();
    const r = all[all.length - 1];
    if (r === undefined) throw new Error("no REGISTER sent");
    return r;
  }

  /** Answers `req` (default: the newest REGISTER) as if from the network, with extra header lines. */
  answer(status: number, headers: Array<[string, string]> = [], req: SipRequest = this.last()): SipResponse {
    const res = createResponse(req, status, { toTag: "reg1" });
    for (const [n, v] of headers) res.headers.add(n, v);
    const parsed = parseMessage(serializeMessage(res));
    if (parsed.kind !== "response") throw new Error("not a response");
    const origin: Origin = { protocol: "udp", remote: { address: "192.0.2.20", port: 5060 }, local: { address: "192.0.2.1", port: 5060 }, listenerId: TEST_LISTENER.id, connectionId: undefined };
    this.layer.receive({ message: parsed, origin });
    return parsed;
  }

  /** A 200 echoing the request's Contact with `expires`. */
  ok(expires: number, req: SipRequest = this.last()): SipResponse {
    return this.answer(200, [["Contact", `${req.headers.get("contact") ?? ""};expires=${expires}`]], req);
  }

  close(): void {
    this.scheduler.stop();
    this.layer.close();
    this.wheel.stop();
  }
}

/** A 401 challenge header value. */
export function challenge(nonce: string, more = ""): [string, string] {
  return ["WWW-Authenticate", `Digest realm="example.com", nonce="${nonce}", qop="auth", algorithm=MD5${more}`];
}
