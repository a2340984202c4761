// Typed failures of the registrant (the client side of RFC 3261 §10.2): bad account or settings,
// unknown accounts, a reload refused by the guard interval, a source that cannot be read.
import { SipregError } from "../util/errors.js";

export type RegistrantErrorCode =
  /** An account's settings are invalid (the field is named in the message). */
  | "REGISTRANT_BAD_ACCOUNT"
  /** The registrant's global settings are invalid. */
  | "REGISTRANT_BAD_SETTINGS"
  /** Adding an account whose id is already present. */
  | "REGISTRANT_DUPLICATE_ACCOUNT"
  /** No account has this id. */
  | "REGISTRANT_UNKNOWN_ACCOUNT"
  /** A reload within the guard interval of the previous one (Kamailio reg_gc_interval). */
  | "REGISTRANT_RELOAD_TOO_SOON"
  /** A `--register` SPEC, uacreg row or OpenSIPS uac line that cannot be read. */
  | "REGISTRANT_BAD_SOURCE"
  /** start() twice, or an operation after stop(). */
  | "REGISTRANT_LIFECYCLE";

export class RegistrantError extends SipregError {
  declare readonly code: RegistrantErrorCode;
  constructor(code: RegistrantErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** An account setting that cannot be used; `field` is the setting's name (as in AccountInput). */
export class AccountError extends RegistrantError {
  readonly field: string;
  constructor(field: string, message: string) {
    super("REGISTRANT_BAD_ACCOUNT", `${field}: ${message}`);
    this.field = field;
  }
}
