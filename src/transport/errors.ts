// Typed transport failures.
import { SipregError } from "../util/errors.js";

export type TransportErrorCode =
  | "TRANSPORT_NO_LISTENER"
  | "TRANSPORT_CONNECT_FAILED"
  | "TRANSPORT_CONNECTION_CLOSED"
  | "TRANSPORT_SEND_FAILED"
  | "TRANSPORT_BACKLOG"
  | "TRANSPORT_LISTEN_FAILED"
  | "TRANSPORT_BAD_SPEC";

export class TransportError extends SipregError {
  declare readonly code: TransportErrorCode;
  constructor(code: TransportErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
