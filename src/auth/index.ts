// Digest authentication, both halves: the client (registrant) and the server (registrar, RFC 3261 §22).
//
// Server wiring, for §10.3 step 3 (one NonceManager secret shared by challenger and verifier, and the
// same algorithm list for both):
//   const nonces = new NonceManager({ secret, lifetimeSec, clock, random });
//   const challenger = new DigestChallenger({ nonces, algorithms });
//   const verifier = new DigestVerifier({ realm, credentials, nonces, algorithms,
//                                         nonceCounts: new NonceCountStore({ lifetimeSec, clock }) });
//   if (throttle.isBlocked(source)) -> 403 (or drop)
//   switch (verifier.verify(request).kind) {
//     "ok"      -> throttle.recordSuccess(source); check the username may register the To AOR
//     "missing" -> 401 with challenger.challenge({ realm }).values, one WWW-Authenticate line each
//     "stale"   -> 401 with challenger.challenge({ realm, stale: true })
//     "invalid" -> throttle.recordFailure(source); 403 (or a new 401), whatever the reason
//   }
export * from "./algorithms.js";
export * from "./digest.js";
export * from "./client-auth.js";
export * from "./nonce.js";
export type { CredentialSource, StoredCredentials } from "./credential-source.js";
export { AuthConfigError } from "./auth-config-error.js";
export { DEFAULT_SERVER_ALGORITHMS, resolveServerAlgorithms } from "./server-algorithms.js";
export { ConfigCredentialSource, type ConfigUser } from "./config-credentials.js";
export {
  addSubscriber,
  ensureSubscriberTable,
  type NewSubscriber,
  type SqliteDatabase,
  SubscriberInputError,
  SubscriberTable,
  type SubscriberTableOptions,
} from "./subscriber-table.js";
export { type ChallengeOptions, type DigestChallengeSet, DigestChallenger, type DigestChallengerOptions } from "./challenger.js";
export { NonceCountStore, type NonceCountStats, type NonceCountStoreOptions } from "./nonce-count.js";
export {
  type AuthRequest,
  DigestVerifier,
  type DigestVerifierOptions,
  type RealmResolver,
  type VerifyOptions,
} from "./verifier.js";
export type { DigestFailureReason, DigestInvalid, DigestMissing, DigestOk, DigestStale, DigestVerification } from "./verify-result.js";
export { FailureThrottle, type FailureThrottleOptions, type FailureThrottleStats } from "./failure-throttle.js";
