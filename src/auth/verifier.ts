// The registrar's side of Digest (RFC 3261 §22.1-§22.4 and §10.3 step 3, RFC 7616 §3.4, RFC 8760):
// find the credentials for our realm in a request and decide whether they authenticate it.
import { DigestParseError, type DigestCredentials, parseDigestCredentials } from "../sip/headers/digest.js";
import { uriEquals } from "../sip/uri-equality.js";
import { parseUri, UriError } from "../sip/uri.js";
import { type DigestAlgorithm, digestHexLength, findAlgorithm } from "./algorithms.js";
import { AuthConfigError } from "./auth-config-error.js";
import type { CredentialSource } from "./credential-source.js";
import { computeResponse } from "./digest.js";
import { ha1For } from "./ha1.js";
import { hexEquals, isHex } from "./hex.js";
import type { NonceCountStore } from "./nonce-count.js";
import type { NonceManager } from "./nonce.js";
import { resolveServerAlgorithms } from "./server-algorithms.js";
import { type DigestFailureReason, type DigestVerification, MISSING, STALE } from "./verify-result.js";

/** What the verifier reads from a request (SipRequest has it all). */
export interface AuthRequest {
  readonly method: string;
  /** The Request-URI as written. */
  readonly uriText: string;
  readonly headers: { getAll(key: string): string[] };
}

export type RealmResolver = (request: AuthRequest) => string;

export interface DigestVerifierOptions {
  /** Our realm, fixed or per request (e.g. from the To domain); `verify` may also be given one. */
  realm?: string | RealmResolver;
  credentials: CredentialSource;
  /** Must share its secret with the DigestChallenger's, which binds nonces to the realm. */
  nonces: NonceManager;
  nonceCounts: NonceCountStore;
  /** Algorithms accepted (default SHA-256 and MD5); use the same list as the challenger. */
  algorithms?: readonly string[];
  /**
   * Accept responses without qop (RFC 2069 compatibility, RFC 3261 §22.4). Default true. Without nc
   * such a nonce can be used once only; using it again gets "stale", hence a new challenge.
   */
  allowNoQop?: boolean;
  /** Require digest-uri to match the Request-URI (RFC 7616 §3.4.6). Default true. */
  checkUri?: boolean;
}

export interface VerifyOptions {
  /** "authorization" for a registrar or UAS (401), "proxy-authorization" for a proxy (407). */
  header?: "authorization" | "proxy-authorization";
  /** The realm for this request; overrides the configured one. */
  realm?: string;
}

/** Matches a value whose scheme is Digest (case-insensitive, RFC 7235 §2.1) before it is parsed. */
const DIGEST_SCHEME = /^\s*digest\s/i;

/**
 * Verifies Digest credentials. The work is ordered cheapest first so that a bad request costs little:
 * syntax, algorithm and qop, uri, then the nonce MAC, the nc, the subscriber lookup and last the
 * hashing (2 hashes with a stored HA1, 3 from a password, +1 for -sess). Nothing about the request is
 * recorded unless the response is right, so forged requests cannot use up a client's nonce-counts.
 */
export class DigestVerifier {
  private readonly realm: string | RealmResolver | undefined;
  private readonly credentials: CredentialSource;
  private readonly nonces: NonceManager;
  private readonly nonceCounts: NonceCountStore;
  private readonly accepted: ReadonlySet<DigestAlgorithm>;
  private readonly allowNoQop: boolean;
  private readonly checkUri: boolean;

  constructor(options: DigestVerifierOptions) {
    this.realm = options.realm;
    this.credentials = options.credentials;
    this.nonces = options.nonces;
    this.nonceCounts = options.nonceCounts;
    this.accepted = new Set(resolveServerAlgorithms(options.algorithms));
    this.allowNoQop = options.allowNoQop ?? true;
    this.checkUri = options.checkUri ?? true;
  }

  verify(request: AuthRequest, options: VerifyOptions = {}): DigestVerification {
    const realm = options.realm ?? this.realmOf(request);
    const values = request.headers.getAll(options.header ?? "authorization");
    let malformed = false;
    // RFC 3261 §22.3: a request may carry credentials for several realms; only ours are looked at.
    for (const value of values) {
      if (!DIGEST_SCHEME.test(value)) continue; // another scheme, for someone else
      let creds: DigestCredentials;
      try {
        creds = parseDigestCredentials(value);
      } catch (e) {
        if (!(e instanceof DigestParseError)) throw e;
        malformed = true;
        continue;
      }
      if (creds.realm === realm) return this.check(request, creds, realm);
    }
    // Unreadable Digest credentials might have been ours: refuse rather than challenge again.
    return malformed ? invalid("malformed", undefined) : MISSING;
  }

  private check(request: AuthRequest, c: DigestCredentials, realm: string): DigestVerification {
    const user = c.username;
    // We never offer userhash (RFC 7616 §3.4.4), and a hashed name cannot be looked up.
    if (c.userhash === true) return invalid("malformed", user);
    const alg = findAlgorithm(c.algorithm); // absent means MD5 (RFC 7616 §3.3)
    if (alg === undefined || !this.accepted.has(alg)) return invalid("unsupported-algorithm", user);

    let nc = 0;
    if (c.qop === undefined) {
      // RFC 7616 §3.4: cnonce and nc go with a qop and only with one.
      if (c.nc !== undefined || c.cnonce !== undefined) return invalid("malformed", user);
      if (alg.sess) return invalid("malformed", user); // -sess HA1 needs a cnonce (§3.4.2)
      if (!this.allowNoQop) return invalid("unsupported-qop", user);
    } else {
      if (c.qop !== "auth" && c.qop.toLowerCase() !== "auth") return invalid("unsupported-qop", user);
      if (c.nc === undefined || c.cnonce === undefined) return invalid("malformed", user);
      nc = Number.parseInt(c.nc, 16); // the parser checked it is 8 hex digits
    }
    if (c.uri === undefined) return invalid("malformed", user);
    if (c.response.length !== digestHexLength(alg) || !isHex(c.response)) return invalid("malformed", user);
    if (this.checkUri && !digestUriMatches(c.uri, request.uriText)) return invalid("uri-mismatch", user);

    const nonceStatus = this.nonces.check(c.nonce, realm);
    if (nonceStatus === "invalid") return invalid("bad-nonce", user);
    const issuedAt = this.nonces.issuedAt(c.nonce) ?? 0;
    if (nonceStatus === "valid" && c.qop !== undefined && !this.nonceCounts.isFresh(c.nonce, nc, issuedAt)) {
      return invalid("replayed-nc", user);
    }

    const stored = this.credentials.lookup(user, realm);
    if (stored === undefined) return invalid("unknown-user", user);
    const ha1 = ha1For(stored, alg, user, realm);
    if (ha1 === undefined) return invalid("no-secret", user);
    const expected = computeResponse({
      algorithm: alg,
      ha1,
      nonce: c.nonce,
      nc: c.nc,
      cnonce: c.cnonce,
      qop: c.qop,
      method: request.method,
      uri: c.uri,
    });
    if (!hexEquals(expected, c.response)) return invalid("bad-response", user);

    // RFC 7616 §3.3: stale=true when the response was right but the nonce no longer is.
    if (nonceStatus === "stale") return STALE;
    if (c.qop === undefined) {
      // No nc to tell uses apart: the nonce is single-use (RFC 2617 §4.5 one-time nonces).
      if (!this.nonceCounts.accept(c.nonce, 1, issuedAt)) return STALE;
    } else if (!this.nonceCounts.accept(c.nonce, nc, issuedAt)) {
      return invalid("replayed-nc", user);
    }
    return { kind: "ok", username: user, realm, algorithm: alg.name };
  }

  private realmOf(request: AuthRequest): string {
    if (typeof this.realm === "string") return this.realm;
    if (this.realm !== undefined) return this.realm(request);
    throw new AuthConfigError("DigestVerifier has no realm: configure one or pass it to verify()");
  }
}

function invalid(reason: DigestFailureReason, username: string | undefined): DigestVerification {
  return username === undefined ? { kind: "invalid", reason } : { kind: "invalid", reason, username };
}

/**
 * digest-uri against the Request-URI: the same text (the usual case, no parsing), else equal as
 * URIs (RFC 3261 §19.1.4), which tolerates a client that re-wrote case or parameter order.
 */
function digestUriMatches(digestUri: string, requestUri: string): boolean {
  if (digestUri === requestUri) return true;
  try {
    return uriEquals(parseUri(digestUri), parseUri(requestUri));
  } catch (e) {
    if (e instanceof UriError) return false;
    throw e;
  }
}
