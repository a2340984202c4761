// What checking a request's Digest credentials can conclude (RFC 3261 §22.1-§22.3, RFC 7616 §3.3-§3.4),
// and what the registrar does with each outcome.

/**
 * Why credentials were refused. The registrar answers 403 (or re-challenges) for all of them alike:
 * telling "unknown-user" from "bad-response" to the client would let it probe for user names.
 * - "malformed": unparseable header, missing uri/nc/cnonce, nc or cnonce without qop, bad response syntax, userhash
 * - "unsupported-algorithm": an algorithm we do not offer (RFC 8760 §2.4)
 * - "unsupported-qop": a qop other than auth, or none where one is required
 * - "bad-nonce": not a nonce we issued for this realm (forged, altered, other realm)
 * - "replayed-nc": nc not above the last one accepted for the nonce
 * - "uri-mismatch": digest-uri is not the Request-URI (RFC 7616 §3.4.6)
 * - "unknown-user": no such subscriber in the realm
 * - "no-secret": the subscriber has neither a password nor an HA1 for the algorithm used
 * - "bad-response": the response is not the one the stored secret gives (wrong password)
 */
export type DigestFailureReason =
  | "malformed"
  | "unsupported-algorithm"
  | "unsupported-qop"
  | "bad-nonce"
  | "replayed-nc"
  | "uri-mismatch"
  | "unknown-user"
  | "no-secret"
  | "bad-response";

export interface DigestOk {
  kind: "ok";
  /** The authenticated user name, as sent (the registrar checks it may register the To AOR, §10.3 step 3). */
  username: string;
  realm: string;
  /** The algorithm the client used, as written in the table ("MD5", "SHA-256", ...). */
  algorithm: string;
}

/** No credentials for our realm (RFC 3261 §22.3): answer with a challenge. */
export interface DigestMissing {
  kind: "missing";
}

/** The response was right but the nonce expired (or is used again without qop): re-challenge with stale=TRUE. */
export interface DigestStale {
  kind: "stale";
}

export interface DigestInvalid {
  kind: "invalid";
  reason: DigestFailureReason;
  /** The user name the credentials claimed, when they could be read (for logs; not a secret). */
  username?: string;
}

export type DigestVerification = DigestOk | DigestMissing | DigestStale | DigestInvalid;

export const MISSING: DigestMissing = Object.freeze({ kind: "missing" });
export const STALE: DigestStale = Object.freeze({ kind: "stale" });
