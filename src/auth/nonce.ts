// Stateless server nonces (RFC 7616 §3.3 and §5.4 suggest time-stamp ":" H(time-stamp ":" secret)):
// the nonce carries its issue time and an HMAC over it, so checking one needs only the secret.
import { createHmac, timingSafeEqual } from "node:crypto";
import { SipregError } from "../util/errors.js";
import type { RandomSource } from "../util/random.js";

export type NonceStatus = "valid" | "stale" | "invalid";

export class NonceConfigError extends SipregError {
  constructor(message: string) {
    super("SIP_AUTH_NONCE_CONFIG", message);
  }
}

export interface NonceManagerOptions {
  /** HMAC key, at least 16 bytes; every server that must accept the nonces shares it. */
  secret: Buffer;
  /** Age after which an authentic nonce is answered with stale=true. */
  lifetimeSec: number;
  clock: { now(): number };
  /** When given, 8 random bytes make nonces issued in the same millisecond differ. */
  random?: RandomSource;
  /** How far in the future an issue time may lie (clock steps, servers sharing a secret); default 5 s. */
  maxClockSkewMs?: number;
}

const TIME_BYTES = 8;
const SALT_BYTES = 8;
const MAC_BYTES = 16; // HMAC-SHA256 truncated to 128 bits, as RFC 2104 §5 allows
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Issues and checks nonces of the form base64url(time-ms(8) [salt(8)] mac(16)), the MAC being
 * HMAC-SHA256(secret, len time [salt] ":" binding). `binding` ties a nonce to a realm or a source address.
 */
export class NonceManager {
  private readonly secret: Buffer;
  private readonly lifetimeMs: number;
  private readonly clock: { now(): number };
  private readonly random: RandomSource | undefined;
  private readonly maxSkewMs: number;

  constructor(options: NonceManagerOptions) {
    if (options.secret.length < 16) throw new NonceConfigError("nonce secret must be at least 16 bytes");
    if (!Number.isFinite(options.lifetimeSec) || options.lifetimeSec <= 0) {
      throw new NonceConfigError("nonce lifetime must be a positive number of seconds");
    }
    this.secret = Buffer.from(options.secret); // a copy: later changes to the caller's buffer don't apply
    this.lifetimeMs = options.lifetimeSec * 1000;
    this.clock = options.clock;
    this.random = options.random;
    this.maxSkewMs = options.maxClockSkewMs ?? 5000;
  }

  issue(binding = ""): string {
    const time = Buffer.alloc(TIME_BYTES);
    time.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(this.clock.now()))));
    const salt = this.random === undefined ? Buffer.alloc(0) : Buffer.from(this.random.hex(SALT_BYTES), "hex");
    const payload = Buffer.concat([time, salt]);
    return Buffer.concat([payload, this.mac(payload, binding)]).toString("base64url");
  }

  check(nonce: string, binding = ""): NonceStatus {
    if (!BASE64URL.test(nonce)) return "invalid";
    const raw = Buffer.from(nonce, "base64url");
    // Only the exact encoding we emit is accepted, so a nonce has one spelling (no padding variants).
    if (raw.toString("base64url") !== nonce) return "invalid";
    const payloadLength = raw.length - MAC_BYTES;
    if (payloadLength !== TIME_BYTES && payloadLength !== TIME_BYTES + SALT_BYTES) return "invalid";
    const payload = raw.subarray(0, payloadLength);
    if (!timingSafeEqual(raw.subarray(payloadLength), this.mac(payload, binding))) return "invalid";
    const age = this.clock.now() - Number(payload.readBigUInt64BE(0));
    if (age < -this.maxSkewMs) return "invalid";
    return age > this.lifetimeMs ? "stale" : "valid";
  }

  /**
   * The issue time (epoch ms) a nonce carries, or undefined when it cannot be decoded. Not an
   * authenticity check: call it only for a nonce `check` found "valid" or "stale".
   */
  issuedAt(nonce: string): number | undefined {
    const raw = Buffer.from(nonce, "base64url");
    if (raw.length < TIME_BYTES + MAC_BYTES) return undefined;
    return Number(raw.readBigUInt64BE(0));
  }

  /** How long an issued nonce stays valid, in milliseconds. */
  get lifetimeMilliseconds(): number {
    return this.lifetimeMs;
  }

  private mac(payload: Buffer, binding: string): Buffer {
    // The length prefix keeps (payload, binding) pairs unambiguous whether or not a salt is present.
    return createHmac("sha256", this.secret)
      .update(Buffer.of(payload.length))
      .update(payload)
      .update(":")
      .update(binding, "utf8")
      .digest()
      .subarray(0, MAC_BYTES);
  }
}
