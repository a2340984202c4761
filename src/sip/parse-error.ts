// The one error type the message layer throws for bad input (RFC 3261 §21.4.1 400 Bad Request).
import { SipregError } from "../util/errors.js";
import type { SipMessage } from "./message.js";

export type SipParseErrorCode =
  | "SIP_PARSE_START_LINE"
  | "SIP_PARSE_VERSION"
  | "SIP_PARSE_HEADER"
  | "SIP_PARSE_MISSING_HEADER"
  | "SIP_PARSE_URI"
  | "SIP_PARSE_CONTENT_LENGTH"
  | "SIP_PARSE_TOO_LARGE"
  | "SIP_PARSE_TOO_MANY_HEADERS"
  | "SIP_PARSE_LINE_TOO_LONG"
  | "SIP_PARSE_TRUNCATED"
  | "SIP_PARSE_CSEQ_MISMATCH"
  | "SIP_PARSE_STATUS";

export class SipParseError extends SipregError {
  declare readonly code: SipParseErrorCode;
  /** The header that holds the defect, in canonical lower-case form, when one does. */
  readonly header: string | undefined;
  /**
   * What could be read of the message before the defect: the start line and header lines.
   * A server uses it to answer a request with 400 when its Via, From, To, Call-ID and CSeq are usable.
   */
  partial: SipMessage | undefined;
  constructor(code: SipParseErrorCode, message: string, header?: string) {
    super(code, message);
    this.header = header;
  }
  /** A reason phrase for the 400 that names the defect (RFC 3261 §21.4.1 lets the phrase say why). */
  get reasonPhrase(): string {
    return `Bad Request (${this.message})`.replace(/[\r\n]/g, " ").slice(0, 120);
  }
}
