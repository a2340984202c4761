// The Digest algorithms a registrar offers and accepts (RFC 8760 §2.4: one challenge per algorithm,
// most preferred first; SHA-256 is preferred over MD5, which stays for old clients).
import { type DigestAlgorithm, resolveAlgorithm } from "./algorithms.js";
import { AuthConfigError } from "./auth-config-error.js";

/** SHA-256 first, then MD5 (RFC 8760 §2.4). */
/**
 * What a registrar challenges with unless configured otherwise: MD5 only, like Kamailio. Offering
 * SHA-256 as well (RFC 8760) locks out deployed UAs, measured here: JsSIP 3.13 and SIP.js 0.21 keep
 * only the last WWW-Authenticate and know only MD5; baresip 1.0 (libre) aborts on any challenge with
 * an algorithm it lacks; sipsak 0.9.8 takes the first challenge and knows only MD5. Configure
 * `auth.algorithms: [SHA-256, MD5]` (RFC 8760 order) where every UA supports SHA-256.
 */
export const REGISTRAR_DEFAULT_ALGORITHMS: readonly string[] = Object.freeze(["MD5"]);

export const DEFAULT_SERVER_ALGORITHMS: readonly string[] = Object.freeze(["SHA-256", "MD5"]);

/**
 * The table entries for configured algorithm names, in the given (preference) order. Unknown names
 * raise UnsupportedAlgorithmError; an empty list or a repeated name raises AuthConfigError.
 */
export function resolveServerAlgorithms(names: readonly string[] = DEFAULT_SERVER_ALGORITHMS): readonly DigestAlgorithm[] {
  if (names.length === 0) throw new AuthConfigError("at least one Digest algorithm must be configured");
  const out: DigestAlgorithm[] = [];
  for (const name of names) {
    const alg = resolveAlgorithm(name);
    if (out.includes(alg)) throw new AuthConfigError(`Digest algorithm ${alg.name} is listed twice`);
    out.push(alg);
  }
  return Object.freeze(out);
}
