// INVITE server transaction, RFC 3261 §17.2.1 (Figure 7) as corrected by RFC 6026 §7.1:
// Proceeding sends 100 Trying after 200 ms if the TU has not answered; a 300-699 moves to Completed,
// retransmitted by Timer G (T1 doubling up to T2, unreliable only) until the ACK (then Confirmed, Timer I)
// or Timer H; a 2xx moves to Accepted, which absorbs INVITE retransmissions and lets further 2xx from the
// TU through until Timer L. INVITEs are few next to REGISTERs, so this is an object with wheel timers.
import type { SipRequest, SipResponse } from "../sip/message.js";
import { createResponse } from "../sip/response-builder.js";
import { serializeMessage } from "../sip/serializer.js";
import { responseTarget } from "../transport/response-routing.js";
import type { Origin, SendTarget } from "../transport/types.js";
import { isReliable } from "../transport/types.js";
import type { TimerHandle } from "../util/timer-wheel.js";
import { TransactionTimeoutError, TransactionTransportError } from "./errors.js";
import { fireTimer, type TimerOwner, type TransactionHost } from "./host.js";
import { isRfc2543Key, rfc2543Key } from "./keys.js";
import { checkStatus } from "./server-response.js";
import { forTransport, TRYING_DELAY_MS } from "./timer-values.js";
import type { InviteServerState, ServerTransaction } from "./types.js";

const TIMER_TRYING = 0;
const TIMER_G = 1;
const TIMER_H = 2;
/** I in Confirmed, L in Accepted: both end the transaction. */
const TIMER_END = 3;

export class InviteServerTransaction implements ServerTransaction, TimerOwner {
  readonly isInvite = true;
  readonly method = "INVITE";
  readonly origin: Origin;
  readonly key: string;
  private req: SipRequest | undefined;
  private phase: InviteServerState = "proceeding";
  private failed = false;
  private readonly host: TransactionHost;
  private readonly reliable: boolean;
  private target: SendTarget | undefined;
  /** The last provisional (in Proceeding) or the non-2xx final (in Completed) response. */
  private lastResponse: Buffer | undefined;
  /** The To tag of our responses, so a default 487 after CANCEL agrees with them (§9.2). */
  private tag: string | undefined;
  /** RFC 2543 peers: the key their ACK for our non-2xx response will carry. */
  private ackKey: string | undefined;
  private tryingTimer: TimerHandle | undefined;
  /** G in Completed; I or L at the end. */
  private retransmitTimer: TimerHandle | undefined;
  private timeoutTimer: TimerHandle | undefined;
  private interval: number;

  constructor(host: TransactionHost, key: string, request: SipRequest, origin: Origin) {
    this.host = host;
    this.key = key;
    this.req = request;
    this.origin = origin;
    this.reliable = isReliable(origin.protocol);
    this.interval = host.timers.gMs;
    this.tryingTimer = host.wheel.schedule(TRYING_DELAY_MS, fireTimer, this, TIMER_TRYING);
  }

  get request(): SipRequest | undefined {
    return this.req;
  }

  get state(): InviteServerState {
    return this.phase;
  }

  get answered(): boolean {
    return this.phase !== "proceeding";
  }

  /** The To tag our responses carry, once one was sent. */
  get toTag(): string | undefined {
    return this.tag;
  }

  respond(res: SipResponse): boolean {
    checkStatus(res);
    const status = res.status;
    if (this.phase === "accepted") {
      // RFC 6026 §7.1: further 2xx from the TU (its own retransmissions, §13.3.1.4) go out through here.
      if (status < 200 || status >= 300) return false;
      this.send(serializeMessage(res));
      return true;
    }
    if (this.phase !== "proceeding") return false;
    const req = this.req!;
    this.target ??= responseTarget(req.topVia, this.origin);
    this.host.wheel.cancel(this.tryingTimer);
    this.tryingTimer = undefined;
    if (status > 100) this.tag ??= res.toTag;
    const bytes = serializeMessage(res);
    if (status < 200) {
      this.lastResponse = bytes;
    } else if (status < 300) {
      this.phase = "accepted";
      this.lastResponse = undefined;
      this.req = undefined;
      this.retransmitTimer = this.host.wheel.schedule(this.host.timers.lMs, fireTimer, this, TIMER_END);
    } else {
      this.phase = "completed";
      this.lastResponse = bytes;
      const { wheel, timers } = this.host;
      if (!this.reliable) this.retransmitTimer = wheel.schedule(this.interval, fireTimer, this, TIMER_G);
      this.timeoutTimer = wheel.schedule(timers.hMs, fireTimer, this, TIMER_H);
      if (isRfc2543Key(this.key)) {
        // An RFC 2543 ACK carries our To tag, which the INVITE did not (§17.2.3).
        this.ackKey = rfc2543Key(req, res.toTag, "INVITE");
        this.host.aliasServer(this.ackKey, this);
      }
      this.req = undefined;
    }
    this.send(bytes);
    return true;
  }

  /** The INVITE came again: the last response is sent again in Proceeding and Completed, absorbed otherwise. */
  onRetransmission(): void {
    if ((this.phase === "proceeding" || this.phase === "completed") && this.lastResponse !== undefined) {
      this.host.counters.responsesResent++;
      this.send(this.lastResponse);
    }
  }

  /**
   * An ACK matched this transaction. Returns true when it is absorbed (the ACK of our non-2xx, §17.2.1),
   * false when it is the TU's (Accepted: an ACK for the 2xx, RFC 6026 §7.1).
   */
  onAck(): boolean {
    if (this.phase === "completed") {
      this.phase = "confirmed";
      const { wheel, timers } = this.host;
      wheel.cancel(this.retransmitTimer);
      wheel.cancel(this.timeoutTimer);
      this.retransmitTimer = this.timeoutTimer = undefined;
      this.lastResponse = undefined;
      const i = forTransport(timers.iMs, this.reliable);
      if (i === 0) this.terminate();
      else this.retransmitTimer = wheel.schedule(i, fireTimer, this, TIMER_END);
      return true;
    }
    return this.phase === "confirmed";
  }

  onTimer(id: number): void {
    switch (id) {
      case TIMER_TRYING: {
        // §17.2.1: the TU did not answer within 200 ms, so say we are on it.
        this.tryingTimer = undefined;
        if (this.phase !== "proceeding" || this.lastResponse !== undefined || this.req === undefined) return;
        this.target ??= responseTarget(this.req.topVia, this.origin);
        this.lastResponse = serializeMessage(createResponse(this.req, 100));
        this.send(this.lastResponse);
        return;
      }
      case TIMER_G: {
        if (this.phase !== "completed" || this.lastResponse === undefined) return;
        this.interval = Math.min(this.interval * 2, this.host.timers.t2Ms);
        this.retransmitTimer = this.host.wheel.schedule(this.interval, fireTimer, this, TIMER_G);
        this.host.counters.responsesResent++;
        this.send(this.lastResponse);
        return;
      }
      case TIMER_H: {
        this.timeoutTimer = undefined;
        if (this.phase !== "completed") return;
        this.host.counters.timeouts++;
        this.terminate();
        this.host.serverFailed(this, new TransactionTimeoutError("H", `no ACK for the final response to INVITE within ${this.host.timers.hMs} ms`));
        return;
      }
      case TIMER_END:
        this.retransmitTimer = undefined;
        this.terminate();
        return;
    }
  }

  private send(bytes: Buffer): void {
    this.host.send(bytes, this.target!, (err) => this.onSendError(err));
  }

  private onSendError(err: Error): void {
    if (this.failed || this.phase === "terminated") return;
    this.failed = true;
    this.host.counters.transportErrors++;
    this.terminate();
    this.host.serverFailed(this, new TransactionTransportError(`cannot send response to INVITE: ${err.message}`, err));
  }

  private terminate(): void {
    if (this.phase === "terminated") return;
    this.phase = "terminated";
    const wheel = this.host.wheel;
    wheel.cancel(this.tryingTimer);
    wheel.cancel(this.retransmitTimer);
    wheel.cancel(this.timeoutTimer);
    this.tryingTimer = this.retransmitTimer = this.timeoutTimer = undefined;
    this.req = undefined;
    this.lastResponse = undefined;
    this.host.serverTerminated(this.key, this);
    if (this.ackKey !== undefined) this.host.serverTerminated(this.ackKey, this);
  }
}
