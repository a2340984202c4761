// Typed failures of the transaction layer (RFC 3261 §17): what a client transaction reports to its TU,
// and what sendRequest refuses.
import { SipregError } from "../util/errors.js";

export type TransactionErrorCode = "TX_TIMEOUT" | "TX_TRANSPORT" | "TX_BAD_REQUEST" | "TX_DUPLICATE" | "TX_BAD_TIMERS" | "TX_BAD_RESPONSE";

export class TransactionError extends SipregError {
  declare readonly code: TransactionErrorCode;
  constructor(code: TransactionErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** The timers that end a transaction without an answer: B, F (client, §17.1.1.2, §17.1.2.2) and H (server, §17.2.1). */
export type TimeoutTimer = "B" | "F" | "H";

/** No final response (B, F) or no ACK (H) in time: 408 semantics for the TU (§8.1.3.1). */
export class TransactionTimeoutError extends TransactionError {
  readonly timer: TimeoutTimer;
  constructor(timer: TimeoutTimer, message: string) {
    super("TX_TIMEOUT", message);
    this.timer = timer;
  }
}

/** The transport could not send a request, response or ACK: 503 semantics for the TU (§8.1.3.1, §17.1.4). */
export class TransactionTransportError extends TransactionError {
  constructor(message: string, cause: unknown) {
    super("TX_TRANSPORT", message, { cause });
  }
}
