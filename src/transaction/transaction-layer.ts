// The transaction layer (RFC 3261 §17, RFC 6026) between the transport and the TU: matches inbound
// requests and responses to transactions (§17.1.3, §17.2.3), absorbs retransmissions, creates server
// transactions for new requests, runs client transactions for the TU's requests, and answers what no
// one else will (parse errors, unmatched CANCEL, unclaimed OPTIONS).
//
// Memory: completed non-INVITE server transactions over UDP, the bulk of a registrar's state, are
// compact off-heap records (see completed-store.ts); live transactions use the timer wheel, never a
// Node timer of their own.
import type { SipMessage, SipRequest, SipResponse } from "../sip/message.js";
import { viaBranch } from "../sip/headers/via.js";
import { newTag } from "../sip/ids.js";
import type { SipParseError } from "../sip/parse-error.js";
import { createResponse } from "../sip/response-builder.js";
import { serializeMessage } from "../sip/serializer.js";
import { isReliable, type InboundMessage, type Origin, type SendTarget } from "../transport/types.js";
import { systemClock, type Clock } from "../util/clock.js";
import { defaultRandom, type RandomSource } from "../util/random.js";
import { TimerWheel, type TimerCallback, type TimerHandle } from "../util/timer-wheel.js";
import { CompletedServerTransactions } from "./completed-store.js";
import { TransactionError, type TransactionTimeoutError, type TransactionTransportError } from "./errors.js";
import type { TransactionHost } from "./host.js";
import { InviteClientTransaction } from "./invite-client.js";
import { InviteServerTransaction } from "./invite-server.js";
import { clientKey, hasMagicCookie, responseKey, serverKey, serverKeyAs } from "./keys.js";
import { NonInviteClientTransaction } from "./non-invite-client.js";
import { NonInviteServerTransaction } from "./non-invite-server.js";
import { DEFAULT_CAPABILITIES, methodNotAllowed, optionsAnswer, type Capabilities } from "./options-answer.js";
import { parseErrorAnswer } from "./parse-error-answer.js";
import { timerValues, type TimerSettings, type TimerValues } from "./timer-values.js";
import { newCounters, type ClientHandlers, type ClientTransaction, type ServerTransaction, type TransactionCounters, type TransactionStats, type TransactionUser } from "./types.js";

/** The part of the transport layer this layer uses. */
export interface TransactionTransport {
  send(data: Buffer, target: SendTarget, onError?: (err: Error) => void): void;
}

export interface TransactionLayerOptions {
  transport: TransactionTransport;
  clock?: Clock;
  random?: RandomSource;
  timers?: Partial<TimerSettings>;
  /** A wheel to share (tests pass one in manual mode); by default the layer makes its own. */
  wheel?: TimerWheel;
  user?: TransactionUser;
  /** Answer OPTIONS the TU does not claim with 200 (default true). */
  answerOptions?: boolean;
  /** What an automatic OPTIONS 200 or 405 advertises. */
  capabilities?: Partial<Capabilities>;
  /** Generations of completed records (≥ 2; default 3): records live between J and J·n/(n-1). */
  completedGenerations?: number;
}

type LiveServer = NonInviteServerTransaction | InviteServerTransaction;
type LiveClient = NonInviteClientTransaction | InviteClientTransaction;

export class TransactionLayer {
  private readonly transport: TransactionTransport;
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly timers: TimerValues;
  private readonly wheel: TimerWheel;
  private readonly ownsWheel: boolean;
  private readonly answerOptions: boolean;
  private readonly capabilities: Capabilities;
  private user: TransactionUser;
  private readonly counters: TransactionCounters = newCounters();
  /** Live server transactions by key (§17.2.3), in creation order; RFC 2543 ACK aliases too. */
  private readonly servers = new Map<string, LiveServer>();
  private aliases = 0;
  private readonly clients = new Map<string, LiveClient>();
  private readonly completed: CompletedServerTransactions;
  private readonly rotationMs: number;
  private rotationTimer: TimerHandle | undefined;
  private readonly host: TransactionHost;
  private readonly rotateNow = (): void => this.rotate();
  private readonly countSendError = (): void => {
    this.counters.transportErrors++;
  };

  constructor(options: TransactionLayerOptions) {
    this.transport = options.transport;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? defaultRandom;
    this.timers = timerValues(options.timers);
    this.ownsWheel = options.wheel === undefined;
    this.wheel = options.wheel ?? new TimerWheel({ clock: this.clock });
    this.answerOptions = options.answerOptions ?? true;
    this.capabilities = { ...DEFAULT_CAPABILITIES, ...options.capabilities };
    this.user = options.user ?? {};
    const generations = options.completedGenerations ?? 3;
    if (!Number.isInteger(generations) || generations < 2) throw new TransactionError("TX_BAD_TIMERS", `completedGenerations must be an integer ≥ 2, got ${generations}`);
    this.completed = new CompletedServerTransactions(generations);
    this.rotationMs = Math.ceil(this.timers.jMs / (generations - 1));
    this.host = this.makeHost();
    this.scheduleRotation();
  }

  setUser(user: TransactionUser): void {
    this.user = user;
  }

  /** Everything the transport delivers goes here. */
  receive(inbound: InboundMessage): void {
    const msg = inbound.message;
    if (msg.kind === "request") this.receiveRequest(msg, inbound.origin);
    else this.receiveResponse(msg, inbound.origin);
  }

  /**
   * A message that failed to parse: a request whose core headers could be read gets a stateless 400
   * (505 for a bad version) naming the defect; anything else is dropped.
   */
  receiveParseError(err: SipParseError, origin: Origin): void {
    const answer = parseErrorAnswer(err, origin, newTag(this.random));
    if (answer === undefined) {
      this.counters.parseErrorsDropped++;
      return;
    }
    this.counters.parseErrorsAnswered++;
    this.sendStateless(answer.response, answer.target);
  }

  /**
   * Sends a request through a new client transaction (§17.1). The caller has put the top Via with an
   * RFC 3261 branch (see addVia). A transport error reported at once reaches `handlers` before this returns.
   */
  sendRequest(req: SipRequest, target: SendTarget, handlers: ClientHandlers): ClientTransaction {
    if (req.method === "ACK") throw new TransactionError("TX_BAD_REQUEST", "an ACK has no client transaction: send it with sendStateless (§17.1.1.3, §13.2.2.4)");
    const branch = viaBranch(req.topVia);
    if (!hasMagicCookie(branch)) throw new TransactionError("TX_BAD_REQUEST", "the top Via needs a branch starting with z9hG4bK (§8.1.1.7)");
    const key = clientKey(branch, req.cseq.method);
    if (this.clients.has(key)) throw new TransactionError("TX_DUPLICATE", `a client transaction with branch ${branch} and method ${req.cseq.method} is already running`);
    const bytes = serializeMessage(req);
    const tx =
      req.method === "INVITE"
        ? new InviteClientTransaction(this.host, key, req, bytes, target, handlers)
        : new NonInviteClientTransaction(this.host, key, req, bytes, target, handlers);
    this.clients.set(key, tx);
    tx.start();
    return tx;
  }

  /** Sends a message outside any transaction: a stateless response, or an ACK for a 2xx. */
  sendStateless(msg: SipMessage, target: SendTarget): void {
    this.transport.send(serializeMessage(msg), target, this.countSendError);
  }

  stats(): TransactionStats {
    return {
      clientTransactions: this.clients.size,
      serverTransactions: this.servers.size - this.aliases,
      completedRecords: this.completed.size,
      completedRecordBytes: this.completed.bytes,
      ...this.counters,
    };
  }

  /** Stops the layer's timers (and its wheel, when it made it). Live transactions are abandoned. */
  close(): void {
    this.wheel.cancel(this.rotationTimer);
    this.rotationTimer = undefined;
    if (this.ownsWheel) this.wheel.stop();
  }

  private receiveRequest(req: SipRequest, origin: Origin): void {
    const key = serverKey(req);
    if (req.method === "ACK") {
      this.receiveAck(req, origin, key);
      return;
    }
    const live = this.servers.get(key);
    if (live !== undefined) {
      this.counters.retransmissionsAbsorbed++;
      live.onRetransmission();
      return;
    }
    // Only UDP transactions leave records behind (J is zero over reliable transports).
    if (!isReliable(origin.protocol)) {
      const done = this.completed.lookup(key);
      if (done !== undefined) {
        this.counters.retransmissionsAbsorbed++;
        this.counters.responsesResent++;
        this.transport.send(done.response, done.target, this.countSendError);
        return;
      }
    }
    if (req.method === "INVITE") {
      const tx = new InviteServerTransaction(this.host, key, req, origin);
      this.servers.set(key, tx);
      this.passUp(req, tx);
      return;
    }
    const tx = new NonInviteServerTransaction(this.host, key, req, origin);
    this.servers.set(key, tx);
    if (req.method === "CANCEL") this.receiveCancel(req, tx);
    else this.passUp(req, tx);
  }

  // §17.2.1: the ACK of our non-2xx final is absorbed; an ACK for a 2xx has a branch of its own
  // (§13.2.2.4) and goes to the TU, as does one matching an Accepted transaction (RFC 6026 §7.1).
  private receiveAck(ack: SipRequest, origin: Origin, key: string): void {
    const tx = this.servers.get(key);
    if (tx instanceof InviteServerTransaction && tx.onAck()) {
      this.counters.retransmissionsAbsorbed++;
      return;
    }
    this.counters.acksPassedUp++;
    const onAck = this.user.onAck;
    if (onAck === undefined) return;
    try {
      onAck.call(this.user, ack, origin, tx);
    } catch {
      this.counters.userErrors++;
    }
  }

  // §9.2: a CANCEL matches the INVITE with the same key but for the method; without one it gets 481.
  private receiveCancel(cancel: SipRequest, cancelTx: NonInviteServerTransaction): void {
    const invite = this.servers.get(serverKeyAs(cancel, "INVITE"));
    if (!(invite instanceof InviteServerTransaction) || invite.state === "terminated") {
      this.counters.cancelsUnmatched++;
      cancelTx.respond(createResponse(cancel, 481, { toTag: newTag(this.random) }));
      return;
    }
    const onCancel = this.user.onCancel;
    if (onCancel !== undefined) {
      try {
        onCancel.call(this.user, cancel, cancelTx, invite);
      } catch {
        this.counters.userErrors++;
        if (!cancelTx.answered) cancelTx.respond(createResponse(cancel, 500, { toTag: invite.toTag ?? newTag(this.random) }));
      }
      return;
    }
    // The UAS default (§9.2): 200 to the CANCEL and, if the INVITE is still unanswered, 487 to it,
    // both with the To tag of the INVITE's responses.
    const tag = invite.toTag ?? newTag(this.random);
    const inviteRequest = invite.request;
    cancelTx.respond(createResponse(cancel, 200, { toTag: tag }));
    if (!invite.answered && inviteRequest !== undefined) invite.respond(createResponse(inviteRequest, 487, { toTag: tag }));
  }

  private passUp(req: SipRequest, tx: LiveServer): void {
    const onRequest = this.user.onRequest;
    let claimed: boolean | void = false;
    if (onRequest !== undefined) {
      try {
        claimed = onRequest.call(this.user, req, tx);
      } catch {
        this.counters.userErrors++;
        if (!tx.answered) tx.respond(createResponse(req, 500, { toTag: newTag(this.random) }));
        return;
      }
    }
    if (claimed !== false || tx.answered) return;
    const tag = newTag(this.random);
    if (req.method === "OPTIONS" && this.answerOptions) {
      this.counters.optionsAnswered++;
      tx.respond(optionsAnswer(req, this.capabilities, tag));
    } else {
      tx.respond(methodNotAllowed(req, this.capabilities, tag));
    }
  }

  private receiveResponse(res: SipResponse, origin: Origin): void {
    const key = responseKey(res);
    const tx = key === undefined ? undefined : this.clients.get(key);
    if (tx !== undefined) {
      tx.onResponse(res);
      return;
    }
    // RFC 6026 §7.1.1 leaves unmatched responses to the core (a UAC core may ACK a late 2xx).
    this.counters.strayResponses++;
    const onStray = this.user.onStrayResponse;
    if (onStray === undefined) return;
    try {
      onStray.call(this.user, res, origin);
    } catch {
      this.counters.userErrors++;
    }
  }

  private scheduleRotation(): void {
    this.rotationTimer = this.wheel.schedule(this.rotationMs, invoke, this.rotateNow);
  }

  /** Every J/(n-1): the oldest completed generation goes, and so do NISTs the TU left unanswered. */
  private rotate(): void {
    this.completed.rotate();
    this.dropAbandoned();
    this.scheduleRotation();
  }

  // A non-INVITE request unanswered for Timer F (64*T1) is one its client gave up on (§17.1.2.2):
  // no response can matter any more. Map order is creation order, so the scan stops at the first young one.
  private dropAbandoned(): void {
    const cutoff = this.clock.monotonic() - this.timers.fMs;
    for (const [key, tx] of this.servers) {
      if (!(tx instanceof NonInviteServerTransaction)) continue;
      if (tx.createdAt > cutoff) break;
      this.servers.delete(key);
      tx.abandon();
      this.counters.abandoned++;
    }
  }

  private makeHost(): TransactionHost {
    const layer = this;
    return {
      wheel: this.wheel,
      timers: this.timers,
      clock: this.clock,
      counters: this.counters,
      send: (data, target, onError) => layer.transport.send(data, target, onError),
      clientTerminated(key, tx) {
        if (layer.clients.get(key) === tx) layer.clients.delete(key);
      },
      serverTerminated(key, tx) {
        if (layer.servers.get(key) !== tx) return;
        layer.servers.delete(key);
        if (tx instanceof InviteServerTransaction && key !== tx.key) layer.aliases--;
      },
      keepCompleted(key, response, target) {
        layer.completed.add(key, response, target);
      },
      dropCompleted(key) {
        layer.completed.remove(key);
      },
      aliasServer(key, tx) {
        if (layer.servers.has(key) || !(tx instanceof InviteServerTransaction)) return;
        layer.servers.set(key, tx);
        layer.aliases++;
      },
      serverFailed(tx: ServerTransaction, err: TransactionTransportError | TransactionTimeoutError) {
        const onError = layer.user.onServerError;
        if (onError === undefined) return;
        try {
          onError.call(layer.user, tx, err);
        } catch {
          layer.counters.userErrors++;
        }
      },
      userError() {
        layer.counters.userErrors++;
      },
    };
  }
}

const invoke: TimerCallback<() => void> = (fn) => fn();
