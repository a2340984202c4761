// Non-INVITE client transaction, RFC 3261 §17.1.2 (Figure 6): Timer E retransmits over unreliable
// transports (T1 doubling up to T2, then T2 once a provisional arrived), Timer F gives up after 64*T1,
// Timer K absorbs retransmitted responses for T4 after the final one (zero over reliable transports).
import type { SipRequest, SipResponse } from "../sip/message.js";
import type { SendTarget } from "../transport/types.js";
import { isReliable } from "../transport/types.js";
import type { TimerHandle } from "../util/timer-wheel.js";
import { TransactionTimeoutError, TransactionTransportError } from "./errors.js";
import { fireTimer, type TimerOwner, type TransactionHost } from "./host.js";
import { forTransport } from "./timer-values.js";
import type { ClientHandlers, ClientTransaction, NonInviteClientState } from "./types.js";

const TIMER_E = 0;
const TIMER_F = 1;
const TIMER_K = 2;

export class NonInviteClientTransaction implements ClientTransaction, TimerOwner {
  readonly isInvite = false;
  readonly request: SipRequest;
  readonly target: SendTarget;
  readonly key: string;
  private phase: NonInviteClientState = "trying";
  private readonly host: TransactionHost;
  private readonly handlers: ClientHandlers;
  private readonly reliable: boolean;
  /** The request serialized once, sent again as is. */
  private readonly bytes: Buffer;
  private retransmitTimer: TimerHandle | undefined;
  private timeoutTimer: TimerHandle | undefined;
  private interval: number;

  constructor(host: TransactionHost, key: string, request: SipRequest, bytes: Buffer, target: SendTarget, handlers: ClientHandlers) {
    this.host = host;
    this.key = key;
    this.request = request;
    this.bytes = bytes;
    this.target = target;
    this.handlers = handlers;
    this.reliable = isReliable(target.protocol);
    this.interval = host.timers.eMs;
  }

  get state(): NonInviteClientState {
    return this.phase;
  }

  /** Sends the request and starts Timers E (unreliable only) and F (§17.1.2.2). */
  start(): void {
    const { wheel, timers } = this.host;
    if (!this.reliable) this.retransmitTimer = wheel.schedule(this.interval, fireTimer, this, TIMER_E);
    this.timeoutTimer = wheel.schedule(timers.fMs, fireTimer, this, TIMER_F);
    this.send();
  }

  onResponse(res: SipResponse): void {
    switch (this.phase) {
      case "trying":
      case "proceeding":
        if (res.status < 200) {
          this.phase = "proceeding";
        } else {
          this.phase = "completed";
          const { wheel, timers } = this.host;
          wheel.cancel(this.retransmitTimer);
          wheel.cancel(this.timeoutTimer);
          this.retransmitTimer = this.timeoutTimer = undefined;
          const k = forTransport(timers.kMs, this.reliable);
          if (k === 0) this.terminate();
          else this.retransmitTimer = wheel.schedule(k, fireTimer, this, TIMER_K);
        }
        try {
          this.handlers.onResponse(res, this);
        } catch (err) {
          this.host.userError(err);
        }
        return;
      case "completed":
      case "terminated":
        // Retransmitted final responses are absorbed (§17.1.2.2).
        return;
    }
  }

  onTimer(id: number): void {
    if (id === TIMER_E) {
      if (this.phase !== "trying" && this.phase !== "proceeding") return;
      // Trying: the interval doubles up to T2; Proceeding: T2 from now on (§17.1.2.2).
      const { t2Ms } = this.host.timers;
      this.interval = this.phase === "trying" ? Math.min(this.interval * 2, t2Ms) : t2Ms;
      this.retransmitTimer = this.host.wheel.schedule(this.interval, fireTimer, this, TIMER_E);
      this.host.counters.requestsResent++;
      this.send();
    } else if (id === TIMER_F) {
      this.timeoutTimer = undefined;
      if (this.phase !== "trying" && this.phase !== "proceeding") return;
      this.host.counters.timeouts++;
      this.terminate();
      try {
        this.handlers.onTimeout(new TransactionTimeoutError("F", `no final response to ${this.request.method} within ${this.host.timers.fMs} ms`), this);
      } catch (err) {
        this.host.userError(err);
      }
    } else if (id === TIMER_K) {
      this.retransmitTimer = undefined;
      this.terminate();
    }
  }

  private send(): void {
    this.host.send(this.bytes, this.target, (err) => this.onSendError(err));
  }

  private onSendError(err: Error): void {
    if (this.phase !== "trying" && this.phase !== "proceeding") return;
    this.host.counters.transportErrors++;
    this.terminate();
    try {
      this.handlers.onTransportError(new TransactionTransportError(`cannot send ${this.request.method}: ${err.message}`, err), this);
    } catch (e) {
      this.host.userError(e);
    }
  }

  private terminate(): void {
    if (this.phase === "terminated") return;
    this.phase = "terminated";
    this.host.wheel.cancel(this.retransmitTimer);
    this.host.wheel.cancel(this.timeoutTimer);
    this.retransmitTimer = this.timeoutTimer = undefined;
    this.host.clientTerminated(this.key, this);
  }
}
