// The Digest computations themselves (RFC 7616 §3.4.1-§3.4.4, RFC 2617 §3.2.2, RFC 3261 §22.4):
// pure functions of their inputs, so the client and the registrar share one implementation.
import { SipregError } from "../util/errors.js";
import { type DigestAlgorithm, digestHex, resolveAlgorithm } from "./algorithms.js";

/** An algorithm given as a table entry or by name (undefined = MD5). */
export type AlgorithmRef = DigestAlgorithm | string | undefined;

/** Inputs that cannot produce a response: missing cnonce/nc for a qop, unknown qop, bad nc. */
export class DigestInputError extends SipregError {
  constructor(message: string) {
    super("SIP_AUTH_DIGEST_INPUT", message);
  }
}

function algorithmOf(ref: AlgorithmRef): DigestAlgorithm {
  return typeof ref === "object" ? ref : resolveAlgorithm(ref);
}

/** nonce-count as sent on the wire: 8 lowercase hex digits (RFC 7616 §3.4). */
export function formatNc(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) {
    throw new DigestInputError(`nonce count ${n} is not an integer in 1..0xffffffff`);
  }
  return n.toString(16).padStart(8, "0");
}

/** H(username ":" realm ":" password): the HA1 a server may store instead of the password. */
export function computeHA1(alg: AlgorithmRef, username: string, realm: string, password: string): string {
  return digestHex(algorithmOf(alg), `${username}:${realm}:${password}`);
}

/** The -sess HA1: H(H(username:realm:password) ":" nonce ":" cnonce) (RFC 7616 §3.4.2). */
export function sessHA1(alg: AlgorithmRef, ha1: string, nonce: string, cnonce: string): string {
  return digestHex(algorithmOf(alg), `${ha1.toLowerCase()}:${nonce}:${cnonce}`);
}

/**
 * H(A2) (RFC 7616 §3.4.3): H(method ":" uri), or with qop=auth-int H(method ":" uri ":" H(body)),
 * where a missing body hashes as the empty string.
 */
export function computeHA2(
  alg: AlgorithmRef,
  method: string,
  uri: string,
  qop: string | undefined,
  bodyForAuthInt?: Buffer | string,
): string {
  const a = algorithmOf(alg);
  const kind = qopKind(qop);
  if (kind !== "auth-int") return digestHex(a, `${method}:${uri}`);
  return digestHex(a, `${method}:${uri}:${digestHex(a, bodyForAuthInt ?? "")}`);
}

function qopKind(qop: string | undefined): "none" | "auth" | "auth-int" {
  if (qop === undefined) return "none";
  const q = qop.toLowerCase();
  if (q === "auth" || q === "auth-int") return q;
  throw new DigestInputError(`unsupported qop "${qop}"`);
}

export interface ResponseInput {
  algorithm?: AlgorithmRef;
  /** The plain HA1, H(username:realm:password); the -sess step is applied here when needed. */
  ha1: string;
  nonce: string;
  /** Required with qop: the 8-hex string as sent, or the count itself. */
  nc?: string | number;
  /** Required with qop and with -sess algorithms. */
  cnonce?: string;
  qop?: string;
  method: string;
  uri: string;
  /** Entity body for qop=auth-int; absent means empty. */
  body?: Buffer | string;
}

/**
 * request-digest (RFC 7616 §3.4.1): KD(HA1, nonce ":" nc ":" cnonce ":" qop ":" HA2) with a qop,
 * KD(HA1, nonce ":" HA2) without one (RFC 2069 compatibility), KD(s, d) = H(s ":" d).
 */
export function computeResponse(input: ResponseInput): string {
  const alg = algorithmOf(input.algorithm);
  const kind = qopKind(input.qop);
  // Hex digests compare as written: an HA1 stored in upper case would otherwise give a wrong digest.
  let ha1 = input.ha1.toLowerCase();
  if (alg.sess) {
    if (input.cnonce === undefined) throw new DigestInputError(`${alg.name} needs a cnonce`);
    ha1 = sessHA1(alg, ha1, input.nonce, input.cnonce);
  }
  const ha2 = computeHA2(alg, input.method, input.uri, input.qop, input.body);
  if (kind === "none") return digestHex(alg, `${ha1}:${input.nonce}:${ha2}`);
  if (input.cnonce === undefined) throw new DigestInputError(`qop=${input.qop ?? ""} needs a cnonce`);
  if (input.nc === undefined) throw new DigestInputError(`qop=${input.qop ?? ""} needs a nonce count`);
  const nc = typeof input.nc === "number" ? formatNc(input.nc) : input.nc;
  return digestHex(alg, `${ha1}:${input.nonce}:${nc}:${input.cnonce}:${input.qop ?? ""}:${ha2}`);
}

/** The hashed username sent with userhash=true: H(username ":" realm) (RFC 7616 §3.4.4). */
export function userhash(alg: AlgorithmRef, username: string, realm: string): string {
  return digestHex(algorithmOf(alg), `${username}:${realm}`);
}
