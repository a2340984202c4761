// What the transaction layer shows its users (the TU, RFC 3261 §17): transactions, handlers, counters.
import type { SipRequest, SipResponse } from "../sip/message.js";
import type { Origin, SendTarget } from "../transport/types.js";
import type { TransactionTimeoutError, TransactionTransportError } from "./errors.js";

/** Figure 6. */
export type NonInviteClientState = "trying" | "proceeding" | "completed" | "terminated";
/** Figure 5 with RFC 6026 §7.2 "accepted". */
export type InviteClientState = "calling" | "proceeding" | "completed" | "accepted" | "terminated";
/** Figure 8. */
export type NonInviteServerState = "trying" | "proceeding" | "completed" | "terminated";
/** Figure 7 with RFC 6026 §7.1 "accepted". */
export type InviteServerState = "proceeding" | "completed" | "confirmed" | "accepted" | "terminated";

export interface ServerTransaction {
  readonly isInvite: boolean;
  readonly method: string;
  /** Where the request came from. */
  readonly origin: Origin;
  /** The request, until the final response is sent; then released so it can be collected. */
  readonly request: SipRequest | undefined;
  readonly state: NonInviteServerState | InviteServerState;
  /** True once a final response was sent. */
  readonly answered: boolean;
  /**
   * Sends a response (§17.2.1, §17.2.2): to the §18.2.2 target, serialized once and kept for
   * retransmissions. Returns false when the transaction cannot send it (already answered, terminated).
   */
  respond(response: SipResponse): boolean;
}

export interface ClientTransaction {
  readonly isInvite: boolean;
  readonly request: SipRequest;
  readonly target: SendTarget;
  readonly state: NonInviteClientState | InviteClientState;
}

/** How a client transaction reports to its TU; `tx` lets one handler object serve many transactions. */
export interface ClientHandlers {
  /** Every provisional and final response (for INVITE, every 2xx too, RFC 6026 §8.4). */
  onResponse(response: SipResponse, tx: ClientTransaction): void;
  /** Timer B or F fired without a final response. */
  onTimeout(err: TransactionTimeoutError, tx: ClientTransaction): void;
  /** The request (or the ACK of a non-2xx) could not be sent. */
  onTransportError(err: TransactionTransportError, tx: ClientTransaction): void;
}

/** The transaction user: a UA core, a registrar. Every method may be left out. */
export interface TransactionUser {
  /**
   * A new request with its server transaction. Return false to leave it unclaimed: the layer answers
   * an OPTIONS with 200 (keepalive pings) and anything else with 405.
   */
  onRequest?(request: SipRequest, tx: ServerTransaction): boolean | void;
  /** An ACK no server transaction absorbed: the ACK for a 2xx (§13.3.1.4), or a stray one. */
  onAck?(ack: SipRequest, origin: Origin, tx: ServerTransaction | undefined): void;
  /**
   * A CANCEL matching a live INVITE server transaction (§9.2). Without this handler the layer answers
   * 200 to the CANCEL and 487 to the INVITE if it was not answered yet.
   */
  onCancel?(cancel: SipRequest, cancelTx: ServerTransaction, inviteTx: ServerTransaction): void;
  /** A response no client transaction matched (§18.1.2; RFC 6026 §7.1.1). */
  onStrayResponse?(response: SipResponse, origin: Origin): void;
  /** A server transaction failed: the transport could not send a response, or Timer H fired without an ACK. */
  onServerError?(tx: ServerTransaction, err: TransactionTransportError | TransactionTimeoutError): void;
}

export interface TransactionStats {
  /** Client transactions alive. */
  clientTransactions: number;
  /** Server transactions alive as objects: not yet answered, or INVITE. */
  serverTransactions: number;
  /** Completed UDP non-INVITE server transactions held as compact records. */
  completedRecords: number;
  /** Memory of those records, bytes (off the JS heap). */
  completedRecordBytes: number;
  /** Requests that matched a server transaction and were not passed to the TU again. */
  retransmissionsAbsorbed: number;
  /** Responses sent again for retransmitted requests or by Timer G. */
  responsesResent: number;
  /** Requests sent again by Timers A and E. */
  requestsResent: number;
  /** Timers B, F and H that fired. */
  timeouts: number;
  strayResponses: number;
  /** ACKs no transaction absorbed (ACKs for 2xx among them), passed to the TU. */
  acksPassedUp: number;
  /** Parse errors answered with a stateless 400/505. */
  parseErrorsAnswered: number;
  /** Parse errors dropped (responses, ACKs, garbled requests). */
  parseErrorsDropped: number;
  transportErrors: number;
  /** Non-INVITE server transactions the TU left unanswered past Timer F's worth of time, dropped. */
  abandoned: number;
  /** Exceptions thrown by TU callbacks. */
  userErrors: number;
  optionsAnswered: number;
  /** CANCELs that matched no INVITE (answered 481). */
  cancelsUnmatched: number;
}

/** Counters kept by the layer; the live counts are filled in by stats(). */
export type TransactionCounters = Omit<TransactionStats, "clientTransactions" | "serverTransactions" | "completedRecords" | "completedRecordBytes">;

export function newCounters(): TransactionCounters {
  return {
    retransmissionsAbsorbed: 0,
    responsesResent: 0,
    requestsResent: 0,
    timeouts: 0,
    strayResponses: 0,
    acksPassedUp: 0,
    parseErrorsAnswered: 0,
    parseErrorsDropped: 0,
    transportErrors: 0,
    abandoned: 0,
    userErrors: 0,
    optionsAnswered: 0,
    cancelsUnmatched: 0,
  };
}
