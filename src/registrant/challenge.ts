// Answering a registrar's Digest challenge as an account (RFC 3261 §22.2-§22.4; RFC 7616; RFC 8760):
// pick the challenge (strongest usable algorithm, for the account's realm when it has one), then build
// the Authorization / Proxy-Authorization value with a fresh cnonce and the next nonce-count. The
// challenge is kept between REGISTERs (DigestContext), so a refresh can carry credentials before it is
// asked for them (pre-emptive authentication, as pjsip does).
import { findAlgorithm } from "../auth/algorithms.js";
import { buildCredentials, isUsableChallenge, MissingCredentialsError, NonceCounts, RealmMismatchError, selectChallenge, UnusableChallengeError, type DigestAccount } from "../auth/client-auth.js";
import type { SipTarget } from "../dns/types.js";
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

/**
 * The registrar's newest challenge to an account and how many requests were sent with its nonce: what
 * answers the challenges of an attempt, and, between attempts of one Call-ID, what a refresh or an
 * unregister answers before being asked. Kept per account for as long as the Call-ID lives, so it holds
 * only what answering needs, copied out of the response (some 170 bytes with a 50-character nonce).
 */
export class DigestContext {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque: string | undefined;
  readonly algorithm: string | undefined;
  /** The qop we answer with; undefined when none was offered (RFC 2069). */
  readonly qop: "auth" | "auth-int" | undefined;
  readonly userhash: boolean | undefined;
  /** 401 → Authorization, 407 → Proxy-Authorization. */
  readonly status: 401 | 407;
  /** Where the challenge came from: another server of the set may not know its nonce. */
  readonly target: SipTarget;
  /** Requests sent with this nonce so far (the last nonce-count used, RFC 7616 §3.4). */
  nc: number;
  /** Epoch ms after which the nonce is not reused pre-emptively (set by the registration, see reuseWindow). */
  reuseUntilMs = Number.POSITIVE_INFINITY;

  constructor(c: DigestChallenge, status: 401 | 407, target: SipTarget, nc = 0) {
    const qop = c.qop.map((q) => q.toLowerCase());
    this.realm = shared(c.realm);
    this.nonce = copy(c.nonce);
    this.opaque = c.opaque === undefined ? undefined : copy(c.opaque);
    this.algorithm = c.algorithm === undefined ? undefined : shared(c.algorithm);
    this.qop = qop.includes("auth") ? "auth" : qop.includes("auth-int") ? "auth-int" : undefined;
    this.userhash = c.userhash;
    this.status = status;
    this.target = target;
    this.nc = nc;
  }

  /**
   * May be used again without being asked: only with qop, whose nonce-count lets the registrar tell
   * a new request from a replay (RFC 7616 §3.4, §5.5), and not with a -sess algorithm, whose session
   * key is fixed by the first request's cnonce (RFC 7616 §3.4.2).
   */
  get reusable(): boolean {
    return this.qop !== undefined && findAlgorithm(this.algorithm)?.sess === false;
  }

  /** The challenge, rebuilt for answering it. */
  challenge(): DigestChallenge {
    const c: DigestChallenge = { scheme: "Digest", realm: this.realm, nonce: this.nonce, qop: this.qop === undefined ? [] : [this.qop], stale: false, other: [] };
    if (this.opaque !== undefined) c.opaque = this.opaque;
    if (this.algorithm !== undefined) c.algorithm = this.algorithm;
    if (this.userhash !== undefined) c.userhash = this.userhash;
    return c;
  }

  /** The context for `c`, a new challenge from `target`: the count goes on when the nonce is the same one. */
  next(c: DigestChallenge, status: 401 | 407, target: SipTarget): DigestContext {
    const same = c.nonce === this.nonce && c.realm === this.realm;
    const d = new DigestContext(c, status, target, same ? this.nc : 0);
    if (same) d.reuseUntilMs = this.reuseUntilMs;
    return d;
  }

  /** Whether it was issued by `t` (same transport, address and port). */
  from(t: SipTarget): boolean {
    return t.transport === this.target.transport && t.address === this.target.address && t.port === this.target.port;
  }
}

/** A string of its own, not a slice keeping the whole header text alive. */
function copy(s: string): string {
  return Buffer.from(s, "utf8").toString("utf8");
}

/** Realms and algorithm names, which thousands of accounts have in common, held once (the table is dropped past its cap). */
const sharedStrings = new Map<string, string>();
function shared(s: string): string {
  const known = sharedStrings.get(s);
  if (known !== undefined) return known;
  if (sharedStrings.size >= 1024) sharedStrings.clear();
  const own = copy(s);
  sharedStrings.set(own, own);
  return own;
}

/** Hands buildCredentials a nonce-count chosen by the caller (DigestContext keeps it as a number, not a map). */
class GivenCount extends NonceCounts {
  value = 1;
  override next(): number {
    return this.value;
  }
}
const givenCount = new GivenCount(1);

/**
 * The credentials header value answering `context`'s challenge for a REGISTER to `uri`, with the next
 * nonce-count (counted in `context`) and a fresh cnonce; typed failures instead of throws.
 */
export function answerChallenge(context: DigestContext, account: DigestAccount, uri: string, random: RandomSource): AnswerResult {
  try {
    givenCount.value = context.nc + 1;
    const creds = buildCredentials({ challenge: context.challenge(), method: "REGISTER", uri, account, nonceCounts: givenCount, random });
    context.nc++;
    return { ok: true, value: serializeDigestCredentials(creds) };
  } catch (e) {
    if (e instanceof RealmMismatchError) return { ok: false, kind: "realm-mismatch", message: `realms do not match (expected "${e.expected}", offered "${e.offered}")` };
    if (e instanceof MissingCredentialsError || e instanceof UnusableChallengeError) return { ok: false, kind: "internal", message: e.message };
    throw e;
  }
}

/** How long a nonce is reused pre-emptively: a random 45-100 % of `maxAgeSec` (settings.preemptiveNonceMaxAgeSec); 0: always. */
export function reuseWindowMs(maxAgeSec: number, random: { float(): number }): number {
  if (maxAgeSec <= 0) return Number.POSITIVE_INFINITY;
  return Math.round(maxAgeSec * 1000 * (0.45 + 0.55 * random.float()));
}
