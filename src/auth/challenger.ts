// The server's challenge (RFC 3261 §22.1, §22.3; RFC 7616 §3.3; RFC 8760 §2.4): one Digest
// challenge per configured algorithm, most preferred first, all carrying the same fresh nonce.
import { quoteAuthValue } from "../sip/headers/digest.js";
import type { DigestAlgorithm } from "./algorithms.js";
import { AuthConfigError } from "./auth-config-error.js";
import type { NonceManager } from "./nonce.js";
import { resolveServerAlgorithms } from "./server-algorithms.js";

export interface DigestChallengerOptions {
  nonces: NonceManager;
  /** Algorithms offered, in preference order (default SHA-256 then MD5, RFC 8760 §2.4). */
  algorithms?: readonly string[];
  /** A fixed opaque value echoed by clients (RFC 7616 §3.3); not sent when absent. */
  opaque?: string;
}

export interface ChallengeOptions {
  realm: string;
  /** 407 with Proxy-Authenticate (RFC 3261 §22.3) instead of 401 with WWW-Authenticate (§22.1). */
  proxy?: boolean;
  /** The client's response was right but its nonce had expired (RFC 7616 §3.3 stale). */
  stale?: boolean;
}

export interface DigestChallengeSet {
  status: 401 | 407;
  headerName: "WWW-Authenticate" | "Proxy-Authenticate";
  /** One header value per algorithm, in preference order: each goes in its own header line. */
  values: string[];
}

/**
 * Builds challenges as serializeDigestChallenge would write them (same parameter order and quoting:
 * realm, nonce, opaque, stale, algorithm, qop), straight into strings since this runs for about half
 * of all REGISTERs. The nonce is bound to the realm, so it is only accepted for that realm.
 * Only qop="auth" is offered: auth-int would make the registrar hash bodies REGISTER does not have.
 */
export class DigestChallenger {
  private readonly nonces: NonceManager;
  private readonly algorithms: readonly DigestAlgorithm[];
  private readonly opaquePart: string;

  constructor(options: DigestChallengerOptions) {
    this.nonces = options.nonces;
    this.algorithms = resolveServerAlgorithms(options.algorithms);
    if (options.opaque !== undefined && /[\r\n]/.test(options.opaque)) {
      throw new AuthConfigError("opaque must not contain line breaks");
    }
    this.opaquePart = options.opaque === undefined ? "" : `, opaque=${quoteAuthValue(options.opaque)}`;
  }

  challenge(options: ChallengeOptions): DigestChallengeSet {
    // The nonce is base64url (nonce.ts), so it needs no escaping inside the quotes.
    const common =
      `Digest realm=${quoteAuthValue(options.realm)}, nonce="${this.nonces.issue(options.realm)}"` +
      this.opaquePart +
      (options.stale === true ? ", stale=TRUE" : "");
    const values = this.algorithms.map((alg) => `${common}, algorithm=${alg.name}, qop="auth"`);
    return options.proxy === true
      ? { status: 407, headerName: "Proxy-Authenticate", values }
      : { status: 401, headerName: "WWW-Authenticate", values };
  }
}
