// Headers holding one number: Expires, Min-Expires, Max-Forwards, Content-Length, Flow-Timer,
// Retry-After (with its comment and duration), Timestamp (RFC 3261 §20; Flow-Timer RFC 5626 §11).
import { badHeader } from "./header-error.js";
import { MAX_DELTA_SECONDS } from "./contact.js";
import { digitValue } from "../lexical.js";

/** delta-seconds: 1*DIGIT below 2^32 (§25.1); `header` names the header in the error. */
export function parseDeltaSeconds(value: string, header: string): number {
  const n = digitValue(value);
  if (n < 0) throw badHeader(header, `expected a number of seconds, got "${value.trim().slice(0, 20)}"`);
  if (n > MAX_DELTA_SECONDS) throw badHeader(header, `value ${value.trim().slice(0, 20)} exceeds 2**32-1`);
  return n;
}

/** Max-Forwards (§20.22): 1*DIGIT, 0..255; leading zeros are allowed ("0068" is 68, RFC 4475 wsinv). */
export function parseMaxForwards(value: string): number {
  const n = digitValue(value);
  if (n < 0 || n > 255) throw badHeader("max-forwards", `expected 0..255, got "${value.trim().slice(0, 20)}"`);
  return n;
}

export interface RetryAfter {
  seconds: number;
  comment: string | undefined;
  durationSec: number | undefined;
}

/** Retry-After (§20.33): delta-seconds [comment] *(;retry-param). */
export function parseRetryAfter(value: string): RetryAfter {
  const m = /^\s*(\d+)\s*(\([^)]*\))?\s*(;.*)?$/.exec(value);
  if (m === null) throw badHeader("retry-after", `expected seconds, got "${value.slice(0, 20)}"`);
  const seconds = parseDeltaSeconds(m[1]!, "retry-after");
  const dm = /;\s*duration\s*=\s*(\d{1,10})/i.exec(m[3] ?? "");
  return { seconds, comment: m[2]?.slice(1, -1), durationSec: dm ? Number(dm[1]) : undefined };
}

export interface Timestamp {
  value: string;
  delay: string | undefined;
}

/** Timestamp (§20.38): kept as text so it is echoed exactly (§8.2.6.1). */
export function parseTimestamp(value: string): Timestamp {
  const m = /^\s*(\d+(?:\.\d*)?)\s*(\d+(?:\.\d*)?)?\s*$/.exec(value);
  if (m === null) throw badHeader("timestamp", "expected a number");
  return { value: m[1]!, delay: m[2] };
}
