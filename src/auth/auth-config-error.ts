// A server-side auth component was configured with values it cannot work with. Messages name the
// offending user or setting, never a password or HA1.
import { SipregError } from "../util/errors.js";

export class AuthConfigError extends SipregError {
  constructor(message: string) {
    super("SIP_AUTH_CONFIG", message);
  }
}
