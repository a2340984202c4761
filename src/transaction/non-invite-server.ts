// Non-INVITE server transaction, RFC 3261 §17.2.2 (Figure 8). This object lives only in Trying and
// Proceeding: once the final response is sent, Completed is a compact record in the layer's store of
// completed transactions over UDP (Timer J = 64*T1, expiry by generation), and nothing over reliable
// transports (J = 0). The request is released with the final response so it can be collected.
import type { SipRequest, SipResponse } from "../sip/message.js";
import { serializeMessage } from "../sip/serializer.js";
import { responseTarget } from "../transport/response-routing.js";
import type { Origin, SendTarget } from "../transport/types.js";
import { isReliable } from "../transport/types.js";
import { TransactionTransportError } from "./errors.js";
import type { TransactionHost } from "./host.js";
import { checkStatus } from "./server-response.js";
import type { NonInviteServerState, ServerTransaction } from "./types.js";

export class NonInviteServerTransaction implements ServerTransaction {
  readonly isInvite = false;
  readonly method: string;
  readonly origin: Origin;
  readonly key: string;
  /** Monotonic ms when the request arrived: the layer drops transactions the TU never answers. */
  readonly createdAt: number;
  private req: SipRequest | undefined;
  private phase: NonInviteServerState = "trying";
  private failed = false;
  private readonly host: TransactionHost;
  /** §18.2.2 destination, computed once. */
  private target: SendTarget | undefined;
  /** The last provisional response, sent again for each retransmission in Proceeding. */
  private provisional: Buffer | undefined;
  private completedAt = 0;
  private finalSent = false;

  constructor(host: TransactionHost, key: string, request: SipRequest, origin: Origin) {
    this.host = host;
    this.key = key;
    this.req = request;
    this.method = request.method;
    this.origin = origin;
    this.createdAt = host.clock.monotonic();
  }

  get request(): SipRequest | undefined {
    return this.req;
  }

  get answered(): boolean {
    return this.finalSent;
  }

  get state(): NonInviteServerState {
    // Completed lasts Timer J after the final response (§17.2.2); the record itself is kept by the layer.
    if (this.phase === "completed" && this.host.clock.monotonic() - this.completedAt >= this.host.timers.jMs) return "terminated";
    return this.phase;
  }

  respond(res: SipResponse): boolean {
    checkStatus(res);
    if (this.phase !== "trying" && this.phase !== "proceeding") return false;
    const req = this.req!;
    const target = (this.target ??= responseTarget(req.topVia, this.origin));
    const bytes = serializeMessage(res);
    if (res.status < 200) {
      this.phase = "proceeding";
      this.provisional = bytes;
      this.send(bytes, target);
      return true;
    }
    const reliable = isReliable(this.origin.protocol);
    this.phase = reliable ? "terminated" : "completed";
    this.finalSent = true;
    this.completedAt = this.host.clock.monotonic();
    this.req = undefined;
    this.provisional = undefined;
    if (!reliable) this.host.keepCompleted(this.key, bytes, target);
    this.host.serverTerminated(this.key, this);
    this.send(bytes, target);
    return true;
  }

  /** The request came again (§17.2.2): absorbed in Trying, answered with the last provisional in Proceeding. */
  onRetransmission(): void {
    if (this.phase === "proceeding" && this.provisional !== undefined) {
      this.host.counters.responsesResent++;
      this.send(this.provisional, this.target!);
    }
  }

  /** The TU never answered and the client gave up long ago (Timer F): the layer forgets the transaction. */
  abandon(): void {
    this.phase = "terminated";
    this.req = undefined;
    this.provisional = undefined;
  }

  private send(bytes: Buffer, target: SendTarget): void {
    this.host.send(bytes, target, (err) => this.onSendError(err));
  }

  // §17.2.4: a response that cannot be sent terminates the transaction, and the TU is told.
  private onSendError(err: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.host.counters.transportErrors++;
    if (this.phase === "completed") this.host.dropCompleted(this.key);
    this.phase = "terminated";
    this.req = undefined;
    this.provisional = undefined;
    this.host.serverTerminated(this.key, this);
    this.host.serverFailed(this, new TransactionTransportError(`cannot send response to ${this.method}: ${err.message}`, err));
  }
}
