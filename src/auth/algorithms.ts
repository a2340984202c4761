// The Digest algorithm table (RFC 7616 §3.2 and §6.1, adopted for SIP by RFC 8760 §2.2):
// each name, the hash behind it, whether it is a -sess variant, and how strongly a client prefers it.
import * as nodeCrypto from "node:crypto";
import { SipregError } from "../util/errors.js";

/** node:crypto names of the hashes Digest uses. "sha512-256" is FIPS 180-4 SHA-512/256. */
export type DigestHashName = "md5" | "sha256" | "sha512-256";

export interface DigestAlgorithm {
  /** The registered token, as written in the algorithm parameter. */
  readonly name: string;
  readonly hash: DigestHashName;
  /** -sess variants fold the nonce and cnonce into HA1 (RFC 7616 §3.4.2). */
  readonly sess: boolean;
  /** Higher is preferred (RFC 8760 §2.4: SHA-512-256, then SHA-256, then MD5). */
  readonly strength: number;
}

export class UnsupportedAlgorithmError extends SipregError {
  readonly algorithm: string;
  constructor(algorithm: string) {
    super("SIP_AUTH_UNSUPPORTED_ALGORITHM", `unsupported Digest algorithm "${algorithm}"`);
    this.algorithm = algorithm;
  }
}

function entry(name: string, hash: DigestHashName, sess: boolean, strength: number): DigestAlgorithm {
  return Object.freeze({ name, hash, sess, strength });
}

export const MD5 = entry("MD5", "md5", false, 1);
export const MD5_SESS = entry("MD5-sess", "md5", true, 1);
export const SHA_256 = entry("SHA-256", "sha256", false, 2);
export const SHA_256_SESS = entry("SHA-256-sess", "sha256", true, 2);
export const SHA_512_256 = entry("SHA-512-256", "sha512-256", false, 3);
export const SHA_512_256_SESS = entry("SHA-512-256-sess", "sha512-256", true, 3);

export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = Object.freeze([
  MD5, MD5_SESS, SHA_256, SHA_256_SESS, SHA_512_256, SHA_512_256_SESS,
]);

const BY_LOWER_NAME: ReadonlyMap<string, DigestAlgorithm> = new Map(
  DIGEST_ALGORITHMS.map((a) => [a.name.toLowerCase(), a]),
);

/**
 * The algorithm for a name, compared case-insensitively; a missing name means MD5 (RFC 7616 §3.3,
 * RFC 3261 §22.4). `undefined` for names not in the table.
 */
export function findAlgorithm(name: string | undefined): DigestAlgorithm | undefined {
  if (name === undefined) return MD5;
  return BY_LOWER_NAME.get(name.toLowerCase());
}

/** Like findAlgorithm, but an unknown name raises UnsupportedAlgorithmError. */
export function resolveAlgorithm(name: string | undefined): DigestAlgorithm {
  const alg = findAlgorithm(name);
  if (alg === undefined) throw new UnsupportedAlgorithmError(name ?? "");
  return alg;
}

/** The non-sess algorithm sharing this one's hash: HA1 stored for it also serves the -sess variant. */
export function baseAlgorithm(alg: DigestAlgorithm): DigestAlgorithm {
  return alg.sess ? resolveAlgorithm(alg.name.slice(0, -"-sess".length)) : alg;
}

// crypto.hash (Node >= 20.12) hashes in one call, two to three times faster than createHash for
// inputs as short as Digest's; looked up on the namespace so that older Node 20 releases still load.
const oneShotHash: typeof nodeCrypto.hash | undefined = typeof nodeCrypto.hash === "function" ? nodeCrypto.hash : undefined;

/** H(data) as lowercase hex; strings are hashed as UTF-8 (RFC 7616 §3.4). */
export function digestHex(alg: DigestAlgorithm, data: string | Buffer): string {
  if (oneShotHash !== undefined) return oneShotHash(alg.hash, data, "hex");
  return nodeCrypto.createHash(alg.hash).update(data).digest("hex");
}

/** Length of H(data) in hex digits: 32 for MD5, 64 for the SHA-2 variants. */
export function digestHexLength(alg: DigestAlgorithm): number {
  return alg.hash === "md5" ? 32 : 64;
}
