// The one error type of the DNS layer; `code` says which of the failures below happened.
import { SipregError } from "../util/errors.js";

export type DnsErrorCode =
  /** The server failed, refused, or answered something unusable (not "no such name"). */
  | "DNS_QUERY_FAILED"
  /** No answer within the configured timeout and tries. */
  | "DNS_TIMEOUT"
  /** Resolution finished without a single address to try. */
  | "DNS_NO_TARGETS"
  /** The input cannot be resolved at all (empty host, bad port, sips over udp). */
  | "DNS_INVALID_TARGET"
  /** The URI asks for a transport this client was configured not to support. */
  | "DNS_UNSUPPORTED_TRANSPORT"
  /** The resolver was configured with something it cannot use (e.g. a malformed server address). */
  | "DNS_INVALID_CONFIG";

export class DnsError extends SipregError {
  declare readonly code: DnsErrorCode;
  /** The name being resolved when the error happened, if there was one. */
  readonly host: string | undefined;

  constructor(code: DnsErrorCode, message: string, options?: { cause?: unknown; host?: string }) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.host = options?.host;
  }
}
