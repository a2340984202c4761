// Typed failures of the storage layer (the SQLite file shared by location, subscribers, uacreg).
import { SipregError } from "../util/errors.js";

export type StorageErrorCode =
  /** The database file could not be created or opened, or a pragma was refused. */
  | "STORAGE_OPEN_FAILED"
  /** A schema migration failed (its transaction was rolled back). */
  | "STORAGE_MIGRATION_FAILED"
  /** A name given for a table or migration is not a plain identifier. */
  | "STORAGE_BAD_NAME";

export class StorageError extends SipregError {
  declare readonly code: StorageErrorCode;
  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
