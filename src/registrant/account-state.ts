// The states of a registrant account (the OpenSIPS uac_registrant states, plus DISABLED) and the two
// other ways the seeds show them: Kamailio's uac.reg_info flags bitmask and uac_reg_status() codes.

/** OpenSIPS uac_registrant states 0..7 (seed 000, "UAC registrant states"), and DISABLED. */
export const ACCOUNT_STATES = [
  /** No REGISTER sent yet, or waiting for the first one (OpenSIPS 0). */
  "NOT_REGISTERED",
  /** Waiting for the answer to a REGISTER without credentials (OpenSIPS 1). */
  "REGISTERING",
  /** Waiting for the answer to a REGISTER with credentials (OpenSIPS 2). */
  "AUTHENTICATING",
  /** Registered: a 2xx granted a binding (OpenSIPS 3). */
  "REGISTERED",
  /** No answer from the registrar (OpenSIPS 4). */
  "REGISTER_TIMEOUT",
  /** An error while handling an answer: a realm mismatch, no usable challenge, no credentials, DNS (OpenSIPS 5). */
  "INTERNAL_ERROR",
  /** The registrar rejected the credentials (OpenSIPS 6). */
  "WRONG_CREDENTIALS",
  /** An error response from the registrar (OpenSIPS 7). */
  "REGISTRAR_ERROR",
  /** Disabled by configuration or at runtime: not registered, nothing scheduled. */
  "DISABLED",
] as const;

export type AccountState = (typeof ACCOUNT_STATES)[number];

/** The OpenSIPS state number (reg_list); DISABLED is 8, past the seed's list. */
export function stateCode(state: AccountState): number {
  return ACCOUNT_STATES.indexOf(state);
}

/** A REGISTER is out and unanswered. */
export function isInProgress(state: AccountState): boolean {
  return state === "REGISTERING" || state === "AUTHENTICATING";
}

/** The last attempt failed. */
export function isFailure(state: AccountState): boolean {
  return state === "REGISTER_TIMEOUT" || state === "INTERNAL_ERROR" || state === "WRONG_CREDENTIALS" || state === "REGISTRAR_ERROR";
}

/** Kamailio uac.reg_info `flags` bits (seed 001, §8.2). */
export const KAMAILIO_FLAGS = Object.freeze({
  DISABLED: 1,
  IN_PROGRESS: 2,
  SUCCEEDED: 4,
  IN_PROGRESS_AUTH: 8,
  INITIALIZED: 16,
});

/** What the flags and status codes are computed from besides the state. */
export interface StatusFacts {
  state: AccountState;
  /** A binding granted by the registrar has not lapsed yet (also true while a refresh is in progress). */
  bound: boolean;
  /** The registrant has taken the account in hand (scheduled or attempted; Kamailio "initialized"). */
  initialized: boolean;
  /** No further attempt will be made (retries exhausted or a failure whose interval is 0). */
  givenUp: boolean;
}

/** The Kamailio flags bitmask: several bits at once, e.g. in progress + succeeded during a refresh. */
export function kamailioFlags(f: StatusFacts): number {
  let flags = 0;
  if (f.state === "DISABLED") flags |= KAMAILIO_FLAGS.DISABLED;
  if (isInProgress(f.state)) flags |= KAMAILIO_FLAGS.IN_PROGRESS;
  if (f.state === "AUTHENTICATING") flags |= KAMAILIO_FLAGS.IN_PROGRESS_AUTH;
  if (f.bound && f.state !== "DISABLED") flags |= KAMAILIO_FLAGS.SUCCEEDED;
  if (f.initialized) flags |= KAMAILIO_FLAGS.INITIALIZED;
  return flags;
}

/** Kamailio uac_reg_status() return values (seed 001, §4.10). */
export const REG_STATUS = Object.freeze({
  /** A valid registration exists. */
  REGISTERED: 1,
  /** No such account, or it gave up (no further attempt will be made). */
  NOT_FOUND_OR_ERROR: -1,
  /** An attempt is ongoing and there is no valid registration. */
  IN_PROGRESS: -2,
  /** The account is disabled. */
  DISABLED: -3,
  /** No valid registration, waiting for the next attempt. */
  WAITING: -99,
});

export type RegStatusCode = (typeof REG_STATUS)[keyof typeof REG_STATUS];

/** uac_reg_status() for an existing account. An account that gave up reports -1, "an error occurred". */
export function regStatus(f: StatusFacts): RegStatusCode {
  if (f.state === "DISABLED") return REG_STATUS.DISABLED;
  if (f.bound) return REG_STATUS.REGISTERED;
  if (isInProgress(f.state)) return REG_STATUS.IN_PROGRESS;
  if (f.givenUp) return REG_STATUS.NOT_FOUND_OR_ERROR;
  return REG_STATUS.WAITING;
}
