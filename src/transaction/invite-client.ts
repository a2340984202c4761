// INVITE client transaction, RFC 3261 §17.1.1 (Figure 5) as corrected by RFC 6026 §7.2: Timer A
// retransmits over unreliable transports (T1, doubling each time: no T2 cap for INVITE requests), Timer B
// gives up after 64*T1 in Calling. A 300-699 is acknowledged by the transaction itself (§17.1.1.3) and
// Timer D absorbs its retransmissions; a 2xx moves to Accepted where every further 2xx also goes to the TU
// (RFC 6026 §8.4) until Timer M.
import type { SipRequest, SipResponse } from "../sip/message.js";
import { serializeMessage } from "../sip/serializer.js";
import type { SendTarget } from "../transport/types.js";
import { isReliable } from "../transport/types.js";
import type { TimerHandle } from "../util/timer-wheel.js";
import { TransactionTimeoutError, TransactionTransportError } from "./errors.js";
import { fireTimer, type TimerOwner, type TransactionHost } from "./host.js";
import { buildAckForNon2xx } from "./request-builders.js";
import { forTransport } from "./timer-values.js";
import type { ClientHandlers, ClientTransaction, InviteClientState } from "./types.js";

const TIMER_A = 0;
const TIMER_B = 1;
/** D in Completed, M in Accepted: both end the transaction. */
const TIMER_END = 2;

export class InviteClientTransaction implements ClientTransaction, TimerOwner {
  readonly isInvite = true;
  readonly request: SipRequest;
  readonly target: SendTarget;
  readonly key: string;
  private phase: InviteClientState = "calling";
  private readonly host: TransactionHost;
  private readonly handlers: ClientHandlers;
  private readonly reliable: boolean;
  private readonly bytes: Buffer;
  /** The ACK of the non-2xx final response, sent again for each retransmission of it. */
  private ackBytes: Buffer | undefined;
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
    this.interval = host.timers.aMs;
  }

  get state(): InviteClientState {
    return this.phase;
  }

  /** Sends the INVITE and starts Timers A (unreliable only) and B (§17.1.1.2). */
  start(): void {
    const { wheel, timers } = this.host;
    if (!this.reliable) this.retransmitTimer = wheel.schedule(this.interval, fireTimer, this, TIMER_A);
    this.timeoutTimer = wheel.schedule(timers.bMs, fireTimer, this, TIMER_B);
    this.send(this.bytes);
  }

  onResponse(res: SipResponse): void {
    const status = res.status;
    switch (this.phase) {
      case "calling":
      case "proceeding":
        this.stopCalling();
        if (status < 200) {
          this.phase = "proceeding";
        } else if (status < 300) {
          // RFC 6026 §7.2: Accepted, so 2xx retransmissions and other forks' 2xx reach the TU.
          this.phase = "accepted";
          this.retransmitTimer = this.host.wheel.schedule(this.host.timers.mMs, fireTimer, this, TIMER_END);
        } else {
          // §17.1.1.2: pass the response up, acknowledge it, then wait Timer D for its retransmissions.
          this.phase = "completed";
          this.ackBytes = serializeMessage(buildAckForNon2xx(this.request, res));
          this.deliver(res);
          this.send(this.ackBytes);
          if (this.phase !== "completed") return; // the ACK could not be sent: already terminated
          const d = forTransport(this.host.timers.dMs, this.reliable);
          if (d === 0) this.terminate();
          else this.retransmitTimer = this.host.wheel.schedule(d, fireTimer, this, TIMER_END);
          return;
        }
        this.deliver(res);
        return;
      case "completed":
        // A retransmitted final response: our ACK was lost, send it again (§17.1.1.2); the TU saw it already.
        if (status >= 300 && this.ackBytes !== undefined) this.send(this.ackBytes);
        return;
      case "accepted":
        if (status >= 200 && status < 300) this.deliver(res);
        return;
      case "terminated":
        return;
    }
  }

  onTimer(id: number): void {
    if (id === TIMER_A) {
      if (this.phase !== "calling") return;
      this.interval *= 2;
      this.retransmitTimer = this.host.wheel.schedule(this.interval, fireTimer, this, TIMER_A);
      this.host.counters.requestsResent++;
      this.send(this.bytes);
    } else if (id === TIMER_B) {
      this.timeoutTimer = undefined;
      if (this.phase !== "calling") return;
      this.host.counters.timeouts++;
      this.terminate();
      try {
        this.handlers.onTimeout(new TransactionTimeoutError("B", `no response to INVITE within ${this.host.timers.bMs} ms`), this);
      } catch (err) {
        this.host.userError(err);
      }
    } else if (id === TIMER_END) {
      this.retransmitTimer = undefined;
      this.terminate();
    }
  }

  private deliver(res: SipResponse): void {
    try {
      this.handlers.onResponse(res, this);
    } catch (err) {
      this.host.userError(err);
    }
  }

  /** Timers A and B run only in Calling (Figure 5). */
  private stopCalling(): void {
    this.host.wheel.cancel(this.retransmitTimer);
    this.host.wheel.cancel(this.timeoutTimer);
    this.retransmitTimer = this.timeoutTimer = undefined;
  }

  private send(bytes: Buffer): void {
    this.host.send(bytes, this.target, (err) => this.onSendError(err));
  }

  // Figure 5: a transport error in Calling (the INVITE) or Completed (the ACK) ends the transaction.
  private onSendError(err: Error): void {
    if (this.phase !== "calling" && this.phase !== "completed") return;
    const what = this.phase === "calling" ? "INVITE" : "ACK";
    this.host.counters.transportErrors++;
    this.terminate();
    try {
      this.handlers.onTransportError(new TransactionTransportError(`cannot send ${what}: ${err.message}`, err), this);
    } catch (e) {
      this.host.userError(e);
    }
  }

  private terminate(): void {
    if (this.phase === "terminated") return;
    this.phase = "terminated";
    this.stopCalling();
    this.host.clientTerminated(this.key, this);
  }
}
