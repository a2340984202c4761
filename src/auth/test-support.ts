// Shared fixtures for the server-side auth tests: a wired verifier and a client that answers it.
import assert from "node:assert/strict";
import { HeaderList } from "../sip/header-list.js";
import { type DigestChallenge, parseDigestChallenge, serializeDigestCredentials } from "../sip/headers/digest.js";
import { SipRequest } from "../sip/message.js";
import { ManualClock } from "../util/clock.js";
import type { RandomSource } from "../util/random.js";
import { DigestChallenger } from "./challenger.js";
import { buildCredentials, type DigestAccount, NonceCounts } from "./client-auth.js";
import { ConfigCredentialSource, type ConfigUser } from "./config-credentials.js";
import type { CredentialSource } from "./credential-source.js";
import { NonceCountStore } from "./nonce-count.js";
import { NonceManager } from "./nonce.js";
import { DigestVerifier } from "./verifier.js";

export const SECRET = Buffer.from("0123456789abcdef0123456789abcdef");
export const REALM = "example.com";
export const RURI = "sip:example.com";
export const LIFETIME_SEC = 30;

/** Distinct hex values in turn: deterministic nonce salts and cnonces. */
export function counterRandom(): RandomSource {
  let n = 0;
  return { hex: (bytes) => (n++).toString(16).padStart(bytes * 2, "0"), float: () => 0.5 };
}

export interface Env {
  clock: ManualClock;
  nonces: NonceManager;
  nonceCounts: NonceCountStore;
  challenger: DigestChallenger;
  verifier: DigestVerifier;
}

export interface EnvOptions {
  algorithms?: string[];
  users?: ConfigUser[];
  credentials?: CredentialSource;
  allowNoQop?: boolean;
}

export function makeEnv(options: EnvOptions = {}): Env {
  const clock = new ManualClock();
  const nonces = new NonceManager({ secret: SECRET, lifetimeSec: LIFETIME_SEC, clock, random: counterRandom() });
  const nonceCounts = new NonceCountStore({ lifetimeSec: LIFETIME_SEC, clock });
  const algorithms = options.algorithms ?? ["SHA-256", "MD5"];
  const credentials =
    options.credentials ?? new ConfigCredentialSource(options.users ?? [{ username: "alice", domain: REALM, password: "secret" }]);
  return {
    clock,
    nonces,
    nonceCounts,
    challenger: new DigestChallenger({ nonces, algorithms }),
    verifier: new DigestVerifier({
      realm: REALM,
      credentials,
      nonces,
      nonceCounts,
      algorithms,
      allowNoQop: options.allowNoQop,
    }),
  };
}

/** The challenge the server offers for `algorithm`. */
export function challengeFor(env: Env, algorithm: string, realm = REALM): DigestChallenge {
  const c = env.challenger.challenge({ realm }).values.map(parseDigestChallenge).find((x) => x.algorithm === algorithm);
  assert.ok(c, `no ${algorithm} challenge`);
  return c;
}

export interface AnswerOptions {
  account?: DigestAccount;
  uri?: string;
  method?: string;
  counts?: NonceCounts;
}

/** The Authorization value a client sends in answer to `challenge`. */
export function answer(challenge: DigestChallenge, options: AnswerOptions = {}): string {
  return serializeDigestCredentials(
    buildCredentials({
      challenge,
      method: options.method ?? "REGISTER",
      uri: options.uri ?? RURI,
      account: options.account ?? { username: "alice", password: "secret" },
      nonceCounts: options.counts ?? new NonceCounts(),
      random: counterRandom(),
    }),
  );
}

export function requestWith(auth: string | readonly string[], uri = RURI, header = "Authorization"): SipRequest {
  const headers = new HeaderList();
  for (const value of typeof auth === "string" ? [auth] : auth) headers.add(header, value);
  return new SipRequest("REGISTER", uri, headers);
}
