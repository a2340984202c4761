// The registrar's authentication step (§10.3 step 3) done with HTTP Digest (RFC 3261 §22, RFC 7616,
// RFC 8760): stateless nonces, nc replay protection, HA1 or password storage, failure throttling.
import { randomBytes } from "node:crypto";
import { DigestChallenger } from "../auth/challenger.js";
import type { CredentialSource } from "../auth/credential-source.js";
import { FailureThrottle } from "../auth/failure-throttle.js";
import { NonceCountStore } from "../auth/nonce-count.js";
import { NonceManager } from "../auth/nonce.js";
import { REGISTRAR_DEFAULT_ALGORITHMS } from "../auth/server-algorithms.js";
import { DigestVerifier } from "../auth/verifier.js";
import type { SipRequest } from "../sip/message.js";
import type { Origin } from "../transport/types.js";
import { systemClock, type Clock } from "../util/clock.js";
import { defaultRandom, type RandomSource } from "../util/random.js";
import type { AuthVerdict, RegisterAuthenticator } from "./authenticator.js";

export interface DigestAuthOptions {
  credentials: CredentialSource;
  /** Offered in this order (default SHA-256, MD5). */
  algorithms?: readonly string[];
  nonceLifetimeSec?: number;
  /** Shared by every server that must accept the others' nonces; random per process when absent. */
  nonceSecret?: Buffer;
  /** Failures per source before it is blocked; 0 disables throttling. */
  throttle?: { maxFailures: number; windowSec: number; blockSec: number };
  clock?: Clock;
  random?: RandomSource;
}

export class DigestAuthenticator implements RegisterAuthenticator {
  private readonly verifier: DigestVerifier;
  private readonly challenger: DigestChallenger;
  private readonly throttle: FailureThrottle | undefined;

  constructor(o: DigestAuthOptions) {
    const clock = o.clock ?? systemClock;
    const lifetimeSec = o.nonceLifetimeSec ?? 300;
    const algorithms = o.algorithms ?? REGISTRAR_DEFAULT_ALGORITHMS;
    // The random salt makes nonces issued in the same millisecond differ: without it, clients
    // challenged together would share a nonce and the second one's nc=1 would look like a replay.
    const nonces = new NonceManager({ secret: o.nonceSecret ?? randomBytes(32), lifetimeSec, clock, random: o.random ?? defaultRandom });
    this.verifier = new DigestVerifier({
      credentials: o.credentials,
      nonces,
      nonceCounts: new NonceCountStore({ lifetimeSec, clock }),
      algorithms,
    });
    this.challenger = new DigestChallenger({ nonces, algorithms });
    this.throttle =
      o.throttle !== undefined && o.throttle.maxFailures > 0
        ? new FailureThrottle({ maxFailures: o.throttle.maxFailures, windowSec: o.throttle.windowSec, blockSec: o.throttle.blockSec, clock })
        : undefined;
  }

  authenticate(req: SipRequest, origin: Origin, realm: string): AuthVerdict {
    const address = origin.remote.address;
    if (this.throttle?.isBlocked(address) === true) return { kind: "throttled" };
    const v = this.verifier.verify(req, { realm });
    switch (v.kind) {
      case "ok":
        this.throttle?.recordSuccess(address);
        return { kind: "ok", username: v.username, realm: v.realm };
      case "missing":
        return { kind: "challenge", stale: false, failure: false };
      case "stale":
        return { kind: "challenge", stale: true, failure: false };
      case "invalid":
        if (v.reason === "malformed") return { kind: "malformed", detail: "unreadable Authorization" };
        // A wrong password (or unknown user, replay...) gets a fresh challenge, as RFC 3261 §22.1 suggests,
        // and counts towards the throttle; the reason is not revealed to the client.
        this.throttle?.recordFailure(address);
        return { kind: "challenge", stale: false, failure: true };
    }
  }

  challenges(realm: string, stale: boolean): string[] {
    return this.challenger.challenge({ realm, stale }).values;
  }
}
