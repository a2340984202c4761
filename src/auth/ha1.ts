// HA1 = H(username ":" realm ":" password) (RFC 7616 §3.4.2, RFC 2617 §3.2.2.2) on the server side:
// checking stored values, deriving them from a password, and picking the one an algorithm needs.
import { type DigestAlgorithm, type DigestHashName, MD5, SHA_256, SHA_512_256 } from "./algorithms.js";
import type { StoredCredentials } from "./credential-source.js";
import { computeHA1 } from "./digest.js";
import { isHex } from "./hex.js";

/** HA1 values by hash, as StoredCredentials keeps them. */
export type Ha1Set = NonNullable<StoredCredentials["ha1"]>;

const KEY_OF_HASH: Readonly<Record<DigestHashName, keyof Ha1Set>> = {
  md5: "md5",
  sha256: "sha256",
  "sha512-256": "sha512_256",
};

const HEX_LENGTH: Readonly<Record<DigestHashName, number>> = { md5: 32, sha256: 64, "sha512-256": 64 };

/** Whether `value` has the shape of an HA1 for `hash`: 32 (MD5) or 64 (SHA-2) hex digits, any case. */
export function isHa1Shaped(value: string, hash: DigestHashName): boolean {
  return value.length === HEX_LENGTH[hash] && isHex(value);
}

/** Every HA1 a password gives for `username` in `realm` (one per hash: -sess variants reuse them). */
export function deriveHa1Set(username: string, realm: string, password: string): Ha1Set {
  return {
    md5: computeHA1(MD5, username, realm, password),
    sha256: computeHA1(SHA_256, username, realm, password),
    sha512_256: computeHA1(SHA_512_256, username, realm, password),
  };
}

/**
 * The stored HA1 serving `alg`. It is keyed by hash, so the entry of a base algorithm also serves its
 * -sess variant, whose session HA1 is derived from it (RFC 7616 §3.4.2).
 */
export function storedHa1(stored: StoredCredentials, alg: DigestAlgorithm): string | undefined {
  return stored.ha1?.[KEY_OF_HASH[alg.hash]];
}

/**
 * The HA1 to verify `alg` with: the stored one when there is one (so HA1-only storage works), else
 * one computed from the password, else undefined (no secret for this algorithm).
 */
export function ha1For(stored: StoredCredentials, alg: DigestAlgorithm, username: string, realm: string): string | undefined {
  const ha1 = storedHa1(stored, alg);
  if (ha1 !== undefined) return ha1;
  return stored.password === undefined ? undefined : computeHA1(alg, username, realm, stored.password);
}
