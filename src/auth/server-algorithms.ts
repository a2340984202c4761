// The Digest algorithms a registrar offers and accepts (RFC 8760 §2.4: one challenge per algorithm,
// most preferred first; SHA-256 is preferred over MD5, which stays for old clients).
import { type DigestAlgorithm, resolveAlgorithm } from "./algorithms.js";
import { AuthConfigError } from "./auth-config-error.js";

/** SHA-256 first, then MD5 (RFC 8760 §2.4). */
/**
 * What a registrar offers unless configured otherwise: both, MD5 first. Many deployed UAs (sipsak,
 * SIPp, older phones) answer only the first challenge and know only MD5; putting SHA-256 first
 * (RFC 8760 §2.4's order) makes them fail. Configure [SHA-256, MD5] where every UA is RFC 8760-aware.
 */
export const REGISTRAR_DEFAULT_ALGORITHMS: readonly string[] = Object.freeze(["MD5", "SHA-256"]);

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
