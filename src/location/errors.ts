// Typed failures of the location service. The registrar answers 500 to any of them (storeFailure).
import { SipregError } from "../util/errors.js";

export type LocationErrorCode =
  /** apply() before open(), or open() twice. */
  | "LOCATION_NOT_OPEN"
  /** The store was closed. */
  | "LOCATION_CLOSED"
  /** A change set that cannot be stored (binding of another AOR, bad number, ruid owned by another AOR). */
  | "LOCATION_INVALID_CHANGE"
  /** The backend transaction failed: nothing of the batch was stored or applied. */
  | "LOCATION_COMMIT_FAILED"
  /** The store was constructed with options it cannot use. */
  | "LOCATION_BAD_OPTIONS"
  /** Loading the durable state failed. */
  | "LOCATION_LOAD_FAILED";

export class LocationError extends SipregError {
  declare readonly code: LocationErrorCode;
  constructor(code: LocationErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
