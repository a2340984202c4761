// What to do after a failed registration attempt: retry after how long, or give up. Pure.
//
//   kind           cause                                             wait
//   timeout        no final answer (Timer F, RFC 3261 §17.1.2.2)     retryIntervalSec
//   transport      the REGISTER could not be sent (§8.1.3.1)          retryIntervalSec
//   dns            no target for the registrar (RFC 3263)            retryIntervalSec
//   temporary      408, 480, 500, 502, 503, 504                       Retry-After when given (§20.33, §21.5.4), else retryIntervalSec
//   not-bound      a 2xx that binds nothing of ours (expiry 0)        retryIntervalSec
//   forbidden      403                                               forbiddenRetryIntervalSec
//   auth-rejected  credentials refused (a second challenge)          fatalRetryIntervalSec when authRejectionPermanent, else retryIntervalSec
//   realm-mismatch the challenge's realm is not the account's        fatalRetryIntervalSec
//   internal       unusable challenge, no credentials, bad answer     fatalRetryIntervalSec
//   fatal          any other final 3xx-6xx                           fatalRetryIntervalSec
//
// An interval of 0 means give up (Asterisk: "0 = do not retry"; Kamailio reg_retry_interval 0).
// maxRetries counts failures in a row, any kind: after the failure that makes the count exceed it,
// the account gives up (Asterisk max_retries; 0 = no retry at all). A success resets the count.
// 423 is not a failure (the machine retries at once with Min-Expires); neither is a 503 or a timeout
// while other targets of the registrar's SRV set are left (the registration tries those first).
// The wait is spread over [w, w·(1 + retryJitter)] so that accounts failing together (a registrar
// outage) do not come back together.
import type { Window } from "./refresh-policy.js";

export type FailureKind = "timeout" | "transport" | "dns" | "temporary" | "not-bound" | "forbidden" | "auth-rejected" | "realm-mismatch" | "internal" | "fatal";

export interface Failure {
  kind: FailureKind;
  /** Retry-After of the response, seconds (temporary only). */
  retryAfterSec?: number;
}

export interface RetrySettings {
  retryIntervalSec: number;
  forbiddenRetryIntervalSec: number;
  fatalRetryIntervalSec: number;
  maxRetries: number;
  authRejectionPermanent: boolean;
  retryJitter: number;
}

export type RetryDecision = { retry: true; window: Window } | { retry: false; reason: string };

/** Status codes worth retrying after retryIntervalSec (or their Retry-After): the server is busy, not refusing. */
const TEMPORARY_STATUSES: ReadonlySet<number> = new Set([408, 480, 500, 502, 503, 504]);

/** The failure kind of a final non-2xx response other than 401/407/423 (handled before this). */
export function failureOfStatus(status: number, retryAfterSec: number | undefined): Failure {
  if (status === 403) return { kind: "forbidden" };
  if (TEMPORARY_STATUSES.has(status)) return retryAfterSec === undefined ? { kind: "temporary" } : { kind: "temporary", retryAfterSec };
  return { kind: "fatal" };
}

/** The wait after `failure`, the `failuresInARow`-th in a row (this one included). */
export function retryDecision(failure: Failure, failuresInARow: number, s: RetrySettings): RetryDecision {
  if (failuresInARow > s.maxRetries) return { retry: false, reason: `${failuresInARow} failures in a row (max_retries ${s.maxRetries})` };
  const [waitSec, setting] = waitFor(failure, s);
  if (!(waitSec > 0)) return { retry: false, reason: `${failure.kind} failure and ${setting} is 0` };
  const earliestMs = Math.round(waitSec * 1000);
  return { retry: true, window: { earliestMs, latestMs: Math.round(earliestMs * (1 + s.retryJitter)) } };
}

function waitFor(f: Failure, s: RetrySettings): [number, string] {
  switch (f.kind) {
    case "temporary":
      if (f.retryAfterSec !== undefined && f.retryAfterSec > 0) return [f.retryAfterSec, "Retry-After"];
      return [s.retryIntervalSec, "retry_interval"];
    case "timeout":
    case "transport":
    case "dns":
    case "not-bound":
      return [s.retryIntervalSec, "retry_interval"];
    case "forbidden":
      return [s.forbiddenRetryIntervalSec, "forbidden_retry_interval"];
    case "auth-rejected":
      return s.authRejectionPermanent ? [s.fatalRetryIntervalSec, "fatal_retry_interval"] : [s.retryIntervalSec, "retry_interval"];
    case "realm-mismatch":
    case "internal":
    case "fatal":
      return [s.fatalRetryIntervalSec, "fatal_retry_interval"];
  }
}
