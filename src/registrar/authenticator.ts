// What the registrar needs from authentication (§10.3 step 3, §22): a verdict on the request's
// credentials and challenge headers. The digest implementation lives in auth/; this is the seam.
import type { SipRequest } from "../sip/message.js";
import type { Origin } from "../transport/types.js";

export type AuthVerdict =
  /** Credentials verified: the authenticated identity (username in realm). */
  | { kind: "ok"; username: string; realm: string }
  /** No usable credentials: answer 401 with a challenge (stale=true when the nonce merely expired). */
  | { kind: "challenge"; stale: boolean; failure: boolean }
  /** Too many failures from this source. */
  | { kind: "throttled" }
  /** Credentials that cannot be parsed. */
  | { kind: "malformed"; detail: string };

export interface RegisterAuthenticator {
  authenticate(req: SipRequest, origin: Origin, realm: string): AuthVerdict;
  /** WWW-Authenticate values for a 401 (one per offered algorithm). */
  challenges(realm: string, stale: boolean): string[];
}
