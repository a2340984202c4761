// Micro benchmark of the registrar's Digest work: `node dist/src/auth/bench-verify.js [requests]`.
// Prints verifications per second for MD5 and SHA-256 (HA1 stored, or password only: one more hash), each request
// answering its own fresh nonce as REGISTER refreshes do, plus challenges built per second.
// Requests are prepared (client side) before the clock starts; only verify() is timed.
import { HeaderList } from "../sip/header-list.js";
import { type DigestChallenge, parseDigestChallenge, serializeDigestCredentials } from "../sip/headers/digest.js";
import { SipRequest } from "../sip/message.js";
import { systemClock } from "../util/clock.js";
import { CryptoRandom } from "../util/random.js";
import { DigestChallenger } from "./challenger.js";
import { buildCredentials, NonceCounts } from "./client-auth.js";
import { ConfigCredentialSource, type ConfigUser } from "./config-credentials.js";
import type { CredentialSource, StoredCredentials } from "./credential-source.js";
import { NonceCountStore } from "./nonce-count.js";
import { NonceManager } from "./nonce.js";
import { DigestVerifier } from "./verifier.js";

const REALM = "example.com";
const RURI = "sip:example.com";
const USERS = 1000;

interface Scenario {
  name: string;
  algorithm: string;
  storage: "ha1" | "password";
}

const SCENARIOS: readonly Scenario[] = [
  { name: "MD5, HA1 stored", algorithm: "MD5", storage: "ha1" },
  { name: "SHA-256, HA1 stored", algorithm: "SHA-256", storage: "ha1" },
  { name: "MD5, password only", algorithm: "MD5", storage: "password" },
  { name: "SHA-256, password only", algorithm: "SHA-256", storage: "password" },
];

/** HA1 stored (config users, HA1 precomputed), or a password only, so HA1 is hashed per request. */
function credentialSource(storage: Scenario["storage"]): CredentialSource {
  if (storage === "ha1") {
    const users: ConfigUser[] = [];
    for (let i = 0; i < USERS; i++) users.push({ username: `user${i}`, domain: REALM, password: `password-${i}` });
    return new ConfigCredentialSource(users);
  }
  const byName = new Map<string, StoredCredentials>();
  for (let i = 0; i < USERS; i++) byName.set(`user${i}`, { username: `user${i}`, domain: REALM, password: `password-${i}` });
  return { lookup: (username, realm) => (realm === REALM ? byName.get(username) : undefined) };
}

function run(scenario: Scenario, requests: number): number {
  const random = new CryptoRandom();
  const secret = Buffer.from(random.hex(32), "hex");
  const nonces = new NonceManager({ secret, lifetimeSec: 300, clock: systemClock, random });
  const nonceCounts = new NonceCountStore({ lifetimeSec: 300, clock: systemClock, maxEntries: requests + 1 });
  const challenger = new DigestChallenger({ nonces });
  const verifier = new DigestVerifier({
    realm: REALM,
    credentials: credentialSource(scenario.storage),
    nonces,
    nonceCounts,
  });

  const prepared: SipRequest[] = [];
  for (let i = 0; i < requests; i++) {
    const challenge = challenger
      .challenge({ realm: REALM })
      .values.map(parseDigestChallenge)
      .find((c: DigestChallenge) => c.algorithm === scenario.algorithm);
    if (challenge === undefined) throw new Error(`no ${scenario.algorithm} challenge`);
    const n = i % USERS;
    const creds = buildCredentials({
      challenge,
      method: "REGISTER",
      uri: RURI,
      account: { username: `user${n}`, password: `password-${n}` },
      nonceCounts: new NonceCounts(),
      random,
    });
    const headers = new HeaderList();
    headers.add("Authorization", serializeDigestCredentials(creds));
    prepared.push(new SipRequest("REGISTER", RURI, headers));
  }

  const start = process.hrtime.bigint();
  for (const request of prepared) {
    const result = verifier.verify(request);
    if (result.kind !== "ok") throw new Error(`verification failed: ${JSON.stringify(result)}`);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return requests / seconds;
}

function challengesPerSecond(count: number): number {
  const nonces = new NonceManager({ secret: Buffer.alloc(32, 7), lifetimeSec: 300, clock: systemClock, random: new CryptoRandom() });
  const challenger = new DigestChallenger({ nonces });
  const start = process.hrtime.bigint();
  let length = 0;
  for (let i = 0; i < count; i++) length += challenger.challenge({ realm: REALM }).values.length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (length !== 2 * count) throw new Error("unexpected challenge count");
  return count / seconds;
}

function main(): void {
  const requests = Number(process.argv[2] ?? 100_000);
  if (!Number.isInteger(requests) || requests < 1) throw new Error("usage: bench-verify.js [requests]");
  run(SCENARIOS[0] as Scenario, Math.min(requests, 20_000)); // warm-up
  for (const scenario of SCENARIOS) {
    const rate = run(scenario, requests);
    console.log(`${scenario.name.padEnd(22)} ${Math.round(rate).toLocaleString("en-US").padStart(9)} verifications/s`);
  }
  console.log(`${"challenges (2 values)".padEnd(22)} ${Math.round(challengesPerSecond(requests)).toLocaleString("en-US").padStart(9)} challenges/s`);
}

main();
