// Base class of every error sipreg throws on purpose: a stable `code` callers can switch on.
export class SipregError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export function isSipregError(e: unknown): e is SipregError {
  return e instanceof SipregError;
}
