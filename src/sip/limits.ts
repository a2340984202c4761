// Limits on what a peer may send; beyond them a message is refused, never buffered without bound.
export interface ParserLimits {
  /** Largest whole message (start line + headers + body), bytes. */
  maxMessageBytes: number;
  /** Most header lines (after unfolding) in one message. */
  maxHeaders: number;
  /** Longest header line (after unfolding), bytes. */
  maxLineBytes: number;
}

export const DEFAULT_LIMITS: Readonly<ParserLimits> = Object.freeze({
  maxMessageBytes: 65535,
  maxHeaders: 256,
  maxLineBytes: 8192,
});
