// The client half of Digest (RFC 3261 §22.2-§22.4, RFC 7616 §3.4, RFC 8760 §2.4): pick a challenge,
// then turn it and a request into the credentials a retried request carries.
import type { DigestChallenge, DigestCredentials } from "../sip/headers/digest.js";
import { SipregError } from "../util/errors.js";
import type { RandomSource } from "../util/random.js";
import { baseAlgorithm, type DigestAlgorithm, digestHexLength, findAlgorithm, resolveAlgorithm } from "./algorithms.js";
import { computeHA1, computeResponse, formatNc, userhash } from "./digest.js";

export interface DigestAccount {
  username: string;
  password?: string;
  /**
   * Precomputed H(username:realm:password) by algorithm name ("MD5", "SHA-256", ...), so the
   * password need not be kept. The entry of the base algorithm also serves its -sess variant.
   */
  ha1?: Readonly<Record<string, string>>;
  /** The realm these credentials belong to; a challenge for another realm is refused. */
  realm?: string;
}

/** The challenge's realm is not the one the account is configured for. */
export class RealmMismatchError extends SipregError {
  readonly expected: string;
  readonly offered: string;
  constructor(expected: string, offered: string) {
    super("SIP_AUTH_REALM_MISMATCH", "realms do not match");
    this.expected = expected;
    this.offered = offered;
  }
}

/** Neither a password nor a usable stored HA1 for the challenge's algorithm. */
export class MissingCredentialsError extends SipregError {
  constructor(message: string) {
    super("SIP_AUTH_NO_CREDENTIALS", message);
  }
}

/** A challenge this client cannot answer even with the right secret. */
export class UnusableChallengeError extends SipregError {
  constructor(message: string) {
    super("SIP_AUTH_UNUSABLE_CHALLENGE", message);
  }
}

/**
 * nonce-count per nonce (RFC 7616 §3.4: nc counts the requests sent with one nonce). The caller keeps
 * one per account/registration; only the most recent `maxNonces` nonces are remembered.
 */
export class NonceCounts {
  private readonly counts = new Map<string, number>();
  constructor(private readonly maxNonces = 16) {}

  /** The count for the next request with `nonce`: 1 for a new nonce, one more each time after. */
  next(nonce: string): number {
    const n = (this.counts.get(nonce) ?? 0) + 1;
    this.counts.delete(nonce); // re-inserting keeps the Map in least-recently-used order
    this.counts.set(nonce, n);
    while (this.counts.size > this.maxNonces) {
      const oldest = this.counts.keys().next();
      if (oldest.done === true) break;
      this.counts.delete(oldest.value);
    }
    return n;
  }

  forget(nonce: string): void {
    this.counts.delete(nonce);
  }
}

/**
 * qop to answer with: "auth" when offered; "auth-int" only when it is the only one we know that was
 * offered (it costs a body hash and breaks when a proxy rewrites the body); undefined when the server
 * offered none (RFC 2069 mode). Values are compared case-insensitively.
 */
export function chooseQop(offered: readonly string[]): "auth" | "auth-int" | undefined {
  if (offered.length === 0) return undefined;
  const lower = offered.map((q) => q.toLowerCase());
  if (lower.includes("auth")) return "auth";
  if (lower.includes("auth-int")) return "auth-int";
  throw new UnusableChallengeError(`none of the offered qop values (${offered.join(",")}) is supported`);
}

/** Why a challenge cannot be answered, or undefined when it can (given the right secret). */
function unusableReason(c: DigestChallenge): string | undefined {
  const alg = findAlgorithm(c.algorithm);
  if (alg === undefined) return `unsupported algorithm "${c.algorithm ?? ""}"`;
  if (c.nonce.length === 0) return "empty nonce";
  const lower = c.qop.map((q) => q.toLowerCase());
  if (lower.length > 0 && !lower.includes("auth") && !lower.includes("auth-int")) {
    return `none of the offered qop values (${c.qop.join(",")}) is supported`;
  }
  // A -sess HA1 needs a cnonce, and RFC 2617 §3.2.2 forbids sending one when no qop was offered.
  if (alg.sess && lower.length === 0) return `${alg.name} without qop`;
  return undefined;
}

export function isUsableChallenge(c: DigestChallenge): boolean {
  return unusableReason(c) === undefined;
}

/**
 * The challenge to answer among several (one per WWW-/Proxy-Authenticate header): the strongest
 * usable algorithm, SHA-512-256 over SHA-256 over MD5 (RFC 8760 §2.4), the first listed on a tie.
 * With `realm`, only challenges for that realm are considered.
 */
export function selectChallenge(challenges: readonly DigestChallenge[], realm?: string): DigestChallenge | undefined {
  let best: DigestChallenge | undefined;
  let bestStrength = 0;
  for (const c of challenges) {
    if (realm !== undefined && c.realm !== realm) continue;
    const alg = findAlgorithm(c.algorithm);
    if (alg === undefined || !isUsableChallenge(c)) continue;
    if (alg.strength > bestStrength) {
      best = c;
      bestStrength = alg.strength;
    }
  }
  return best;
}

/**
 * One challenge per realm, in the order realms first appear: a forking proxy may relay challenges
 * from several realms, and the retried request answers each (RFC 3261 §22.3).
 */
export function selectChallengePerRealm(challenges: readonly DigestChallenge[]): DigestChallenge[] {
  const realms = [...new Set(challenges.map((c) => c.realm))];
  const out: DigestChallenge[] = [];
  for (const realm of realms) {
    const best = selectChallenge(challenges, realm);
    if (best !== undefined) out.push(best);
  }
  return out;
}

function storedHa1(account: DigestAccount, alg: DigestAlgorithm): string | undefined {
  if (account.ha1 === undefined) return undefined;
  const wanted = new Set([alg.name.toLowerCase(), baseAlgorithm(alg).name.toLowerCase()]);
  for (const [name, value] of Object.entries(account.ha1)) {
    if (!wanted.has(name.toLowerCase())) continue;
    const length = digestHexLength(alg);
    if (value.length !== length || !/^[0-9a-fA-F]+$/.test(value)) {
      throw new MissingCredentialsError(`stored HA1 for ${alg.name} is not ${length} hex digits`);
    }
    return value.toLowerCase();
  }
  return undefined;
}

function ha1For(account: DigestAccount, alg: DigestAlgorithm, realm: string): string {
  const stored = storedHa1(account, alg);
  if (stored !== undefined) return stored;
  if (account.password !== undefined) return computeHA1(alg, account.username, realm, account.password);
  throw new MissingCredentialsError(`no password and no stored HA1 for ${alg.name}`);
}

export interface ClientAuthInput {
  challenge: DigestChallenge;
  method: string;
  /** The Request-URI as it will be sent (digest-uri, RFC 3261 §22.4). */
  uri: string;
  /** The message body, hashed only for qop=auth-int. */
  body?: Buffer | string;
  account: DigestAccount;
  nonceCounts: NonceCounts;
  random: RandomSource;
}

/** The Authorization / Proxy-Authorization credentials answering `challenge` for this request. */
export function buildCredentials(input: ClientAuthInput): DigestCredentials {
  const { challenge, account } = input;
  if (account.realm !== undefined && account.realm !== challenge.realm) {
    throw new RealmMismatchError(account.realm, challenge.realm);
  }
  const alg = resolveAlgorithm(challenge.algorithm);
  const reason = unusableReason(challenge);
  if (reason !== undefined) throw new UnusableChallengeError(reason);
  const qop = chooseQop(challenge.qop);
  const ha1 = ha1For(account, alg, challenge.realm);

  const creds: DigestCredentials = {
    scheme: "Digest",
    username: account.username,
    realm: challenge.realm,
    nonce: challenge.nonce,
    uri: input.uri,
    response: "",
    other: [],
  };
  // Echo the algorithm only when the server named one; old servers read a missing one as MD5.
  if (challenge.algorithm !== undefined) creds.algorithm = alg.name;
  if (challenge.opaque !== undefined) creds.opaque = challenge.opaque;
  if (qop !== undefined) {
    creds.qop = qop;
    creds.nc = formatNc(input.nonceCounts.next(challenge.nonce));
    creds.cnonce = input.random.hex(16);
  }
  const response = computeResponse({
    algorithm: alg,
    ha1,
    nonce: challenge.nonce,
    nc: creds.nc,
    cnonce: creds.cnonce,
    qop,
    method: input.method,
    uri: input.uri,
    body: input.body,
  });
  creds.response = response;
  // RFC 7616 §3.4.4: the username is hashed last, after HA1 used the plain name.
  if (challenge.userhash === true) {
    creds.username = userhash(alg, account.username, challenge.realm);
    creds.userhash = true;
  } else if (challenge.userhash === false) {
    creds.userhash = false;
  }
  return creds;
}
