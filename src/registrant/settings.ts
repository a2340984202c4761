// Settings of the registrant as a whole (not per account), under one name each with the seed
// equivalents: Asterisk res_pjsip_outbound_registration options, Kamailio uac reg_* parameters,
// OpenSIPS uac_registrant parameters. Defaults follow Asterisk unless noted.
import { RegistrantError } from "./errors.js";

export interface RegistrantSettings {
  /** Register at all (Kamailio reg_active; uac.reg_active 0|1 at runtime). Default true. */
  active: boolean;
  /** Wait after a temporary failure: timeout, 408/480/5xx without Retry-After (Asterisk retry_interval, Kamailio reg_retry_interval). 0 = give up. Default 60. */
  retryIntervalSec: number;
  /** Wait after 403 (Asterisk forbidden_retry_interval). 0 = give up. Default 0. */
  forbiddenRetryIntervalSec: number;
  /** Wait after any other final 4xx-6xx (Asterisk fatal_retry_interval). 0 = give up. Default 0. */
  fatalRetryIntervalSec: number;
  /** Failures in a row after which the account gives up (Asterisk max_retries). Infinity = never. Default 10. */
  maxRetries: number;
  /** Rejected credentials are fatal (fatalRetryIntervalSec) rather than temporary (Asterisk auth_rejection_permanent). Default true. */
  authRejectionPermanent: boolean;
  /** First registrations are spread at random over this many seconds (Asterisk max_random_initial_delay, Kamailio reg_random_delay). Default 10. */
  maxRandomInitialDelaySec: number;
  /** Keep the Call-ID across refreshes (RFC 3261 §10.2.4; Kamailio reg_keep_callid); a new one after a failure. Default true. */
  keepCallId: boolean;
  /** Width of a scheduling slot in ms (Kamailio reg_timer_interval, OpenSIPS timer_interval, but finer). Default 1000. */
  timerGranularityMs: number;
  /** Most REGISTERs sent per second, follow-ups (answers to challenges, 423, next target) included. Default 1000. */
  maxRegistersPerSecond: number;
  /** host[:port][;params] for every Contact that has none of its own (Kamailio reg_contact_addr). Default: the listener's address. */
  contactAddress: string | undefined;
  /** User-Agent header for accounts without their own. Default "sipreg". */
  userAgent: string;
  /** Refresh this long before a long registration lapses (see refresh-policy.ts). Default 60. */
  refreshMarginSec: number;
  /** Refreshes are spread over this fraction of the refresh time, earlier (see refresh-policy.ts). Default 0.1. */
  refreshJitter: number;
  /** The first refresh after a first registration is spread over this fraction of the refresh time (see refresh-policy.ts). Default 0.9. */
  firstRefreshSpread: number;
  /** Never refresh sooner than this after a success, whatever the registrar granted (see refresh-policy.ts). Default 10. */
  minRefreshSec: number;
  /** Retries are spread over this fraction of the retry interval, later (see retry-policy.ts). Default 0.1. */
  retryJitter: number;
  /** How long stop() waits for the answers to its unregisters (ms). Default 2000. */
  unregisterTimeoutMs: number;
  /** Shortest time between two reloads from the database (Kamailio reg_gc_interval). Default 150. */
  reloadGuardSec: number;
  /** Seed of the default +sip.instance of outbound accounts (with the account id). Default "sipreg". */
  instanceNamespace: string;
  /** Follow-up REGISTERs (challenges, 423, next target) allowed in one attempt before it counts as an internal error. Default 8. */
  maxFollowUps: number;
  /**
   * Refreshes and unregisters of a Call-ID carry credentials for the registrar's last challenge (nonce-count
   * + 1) before being asked, saving the 401 round (pjsip does the same). Only qop challenges without -sess.
   * Off for registrars that take reused nonces badly. Default true.
   */
  preemptiveAuth: boolean;
  /**
   * A nonce is reused pre-emptively for at most a random 45-100 % of this many seconds after it was
   * issued to us (default 270, under the 300 s nonce lifetime of Kamailio and sipreg): accounts that got
   * their nonces together (start-up, after an outage) then renew them at different refreshes instead
   * of all being challenged again in the same minute. 0: no limit (until the registrar says stale).
   */
  preemptiveNonceMaxAgeSec: number;
}

export const DEFAULT_REGISTRANT_SETTINGS: Readonly<RegistrantSettings> = Object.freeze({
  active: true,
  retryIntervalSec: 60,
  forbiddenRetryIntervalSec: 0,
  fatalRetryIntervalSec: 0,
  maxRetries: 10,
  authRejectionPermanent: true,
  maxRandomInitialDelaySec: 10,
  keepCallId: true,
  timerGranularityMs: 1000,
  maxRegistersPerSecond: 1000,
  contactAddress: undefined,
  userAgent: "sipreg",
  refreshMarginSec: 60,
  refreshJitter: 0.1,
  minRefreshSec: 10,
  firstRefreshSpread: 0.9,
  retryJitter: 0.1,
  unregisterTimeoutMs: 2000,
  reloadGuardSec: 150,
  instanceNamespace: "sipreg",
  maxFollowUps: 8,
  preemptiveAuth: true,
  preemptiveNonceMaxAgeSec: 270,
} satisfies RegistrantSettings);

/** Defaults completed with `partial`, checked. Throws RegistrantError REGISTRANT_BAD_SETTINGS. */
export function resolveSettings(partial: Partial<RegistrantSettings> = {}): RegistrantSettings {
  const s: RegistrantSettings = { ...DEFAULT_REGISTRANT_SETTINGS };
  for (const [k, v] of Object.entries(partial)) if (v !== undefined) (s as unknown as Record<string, unknown>)[k] = v;
  const nonNegative: Array<keyof RegistrantSettings> = [
    "retryIntervalSec",
    "forbiddenRetryIntervalSec",
    "fatalRetryIntervalSec",
    "maxRetries",
    "maxRandomInitialDelaySec",
    "refreshMarginSec",
    "minRefreshSec",
    "unregisterTimeoutMs",
    "reloadGuardSec",
    "maxFollowUps",
    "preemptiveNonceMaxAgeSec",
  ];
  for (const k of nonNegative) {
    const v = s[k];
    if (typeof v !== "number" || Number.isNaN(v) || v < 0) throw bad(k, `must be a number ≥ 0, got ${String(v)}`);
  }
  if (!(s.timerGranularityMs >= 10 && s.timerGranularityMs <= 60_000)) throw bad("timerGranularityMs", `must be from 10 to 60000, got ${s.timerGranularityMs}`);
  for (const k of ["active", "authRejectionPermanent", "keepCallId", "preemptiveAuth"] as const) {
    if (typeof s[k] !== "boolean") throw bad(k, `must be true or false, got ${String(s[k])}`);
  }
  if (!(s.maxRegistersPerSecond > 0)) throw bad("maxRegistersPerSecond", `must be > 0, got ${s.maxRegistersPerSecond}`);
  for (const k of ["refreshJitter", "retryJitter", "firstRefreshSpread"] as const) {
    if (!(s[k] >= 0 && s[k] < 1)) throw bad(k, `must be in [0, 1), got ${s[k]}`);
  }
  return s;
}

function bad(field: string, message: string): RegistrantError {
  return new RegistrantError("REGISTRANT_BAD_SETTINGS", `${field}: ${message}`);
}
