// Answering a registrar's Digest challenge as an account (RFC 3261 §22.2-§22.4; RFC 7616; RFC 8760):
// pick the challenge (strongest usable algorithm, for the account's realm when it has one), then build
// the Authorization / Proxy-Authorization value with a fresh cnonce and the next nonce-count.
import { buildCredentials, isUsableChallenge, MissingCredentialsError, NonceCounts, RealmMismatchError, selectChallenge, UnusableChallengeError, type DigestAccount } from "../auth/client-auth.js";
import { serializeDigestCredentials, type DigestChallenge } from "../sip/headers/digest.js";
import type { RandomSource } from "../util/random.js";
import type { Account } from "./account.js";

export type ChallengePick =
  | { kind: "usable"; challenge: DigestChallenge }
  /** Challenges came, none for the account's realm (Kamailio: "realms do not match"). */
  | { kind: "realm-mismatch"; expected: string; offered: string }
  /** No challenge this client can answer (no Digest, unknown algorithms or qop). */
  | { kind: "unusable"; reason: string };

/** The challenge to answer among those of a 401/407. */
export function pickChallenge(challenges: readonly DigestChallenge[], realm: string | undefined): ChallengePick {
  if (challenges.length === 0) return { kind: "unusable", reason: "no Digest challenge in the response" };
  const best = selectChallenge(challenges, realm);
  if (best !== undefined) return { kind: "usable", challenge: best };
  if (realm !== undefined) {
    const other = challenges.find((c) => isUsableChallenge(c));
    if (other !== undefined) return { kind: "realm-mismatch", expected: realm, offered: other.realm };
  }
  return { kind: "unusable", reason: `no usable challenge (algorithms: ${challenges.map((c) => c.algorithm ?? "MD5").join(", ")})` };
}

/** The account's secret as client-auth wants it: password, or the stored HA1 under its algorithm. */
export function digestAccountOf(a: Account): DigestAccount {
  const out: DigestAccount = { username: a.authUsername };
  if (a.password !== undefined) out.password = a.password;
  if (a.ha1 !== undefined) out.ha1 = a.ha1.length === 32 ? { MD5: a.ha1 } : { "SHA-256": a.ha1 };
  if (a.realm !== undefined) out.realm = a.realm;
  return out;
}

export type AnswerResult =
  | { ok: true; value: string }
  | { ok: false; kind: "realm-mismatch" | "internal"; message: string };

/** The credentials header value answering `challenge` for a REGISTER to `uri`; typed failures instead of throws. */
export function answerChallenge(challenge: DigestChallenge, account: DigestAccount, uri: string, nonceCounts: NonceCounts, random: RandomSource): AnswerResult {
  try {
    const creds = buildCredentials({ challenge, method: "REGISTER", uri, account, nonceCounts, random });
    return { ok: true, value: serializeDigestCredentials(creds) };
  } catch (e) {
    if (e instanceof RealmMismatchError) return { ok: false, kind: "realm-mismatch", message: `realms do not match (expected "${e.expected}", offered "${e.offered}")` };
    if (e instanceof MissingCredentialsError || e instanceof UnusableChallengeError) return { ok: false, kind: "internal", message: e.message };
    throw e;
  }
}
