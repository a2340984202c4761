// Stateless server nonces (RFC 7616 §3.3 and §5.4 suggest time-stamp ":" H(time-stamp ":" secret)):
// the nonce carries its issue time and an HMAC over it, so checking one needs only the secret.
import * as nodeCrypto from "node:crypto";
import { timingSafeEqual } from "node:crypto";
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
const BLOCK = 64; // SHA-256 block size (RFC 2104 §2: B)

/** crypto.hash (Node ≥ 20.12): one call, no Hash object. */
const oneShot = (nodeCrypto as { hash?: (alg: string, data: Buffer, enc: "buffer") => Buffer }).hash;

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
  /** K xor ipad and K xor opad (RFC 2104 §2), computed once: a MAC is then two one-shot hashes. */
  private readonly innerPad: Buffer;
  private readonly outerPad: Buffer;
  private scratch = Buffer.alloc(BLOCK + 64);

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
    const key = Buffer.alloc(BLOCK);
    (this.secret.length > BLOCK ? nodeCrypto.createHash("sha256").update(this.secret).digest() : this.secret).copy(key);
    this.innerPad = Buffer.alloc(BLOCK);
    this.outerPad = Buffer.alloc(BLOCK + 32);
    for (let i = 0; i < BLOCK; i++) {
      this.innerPad[i] = key[i]! ^ 0x36;
      this.outerPad[i] = key[i]! ^ 0x5c;
    }
  }

  issue(binding = ""): string {
    const saltBytes = this.random === undefined ? 0 : SALT_BYTES;
    const out = Buffer.allocUnsafe(TIME_BYTES + saltBytes + MAC_BYTES);
    const now = Math.max(0, Math.floor(this.clock.now()));
    out.writeUInt32BE(Math.floor(now / 0x100000000), 0);
    out.writeUInt32BE(now >>> 0, 4);
    if (this.random !== undefined) out.write(this.random.hex(SALT_BYTES), TIME_BYTES, "hex");
    const payload = out.subarray(0, TIME_BYTES + saltBytes);
    this.mac(payload, binding).copy(out, payload.length, 0, MAC_BYTES);
    return out.toString("base64url");
  }

  check(nonce: string, binding = ""): NonceStatus {
    if (!BASE64URL.test(nonce)) return "invalid";
    const raw = Buffer.from(nonce, "base64url");
    // Only the exact encoding we emit is accepted, so a nonce has one spelling (no padding variants).
    if (raw.toString("base64url") !== nonce) return "invalid";
    const payloadLength = raw.length - MAC_BYTES;
    if (payloadLength !== TIME_BYTES && payloadLength !== TIME_BYTES + SALT_BYTES) return "invalid";
    const payload = raw.subarray(0, payloadLength);
    if (!timingSafeEqual(raw.subarray(payloadLength), this.mac(payload, binding).subarray(0, MAC_BYTES))) return "invalid";
    const age = this.clock.now() - (payload.readUInt32BE(0) * 0x100000000 + payload.readUInt32BE(4));
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

  /**
   * HMAC-SHA256(secret, len(payload) payload ":" binding), untruncated (callers take MAC_BYTES). The
   * length prefix keeps (payload, binding) pairs unambiguous whether or not a salt is present. The
   * result may live in a scratch buffer: use it before the next call.
   */
  private mac(payload: Buffer, binding: string): Buffer {
    if (oneShot === undefined) {
      return nodeCrypto.createHmac("sha256", this.secret).update(Buffer.of(payload.length)).update(payload).update(":").update(binding, "utf8").digest();
    }
    const need = BLOCK + 2 + payload.length + Buffer.byteLength(binding, "utf8");
    if (this.scratch.length < need) this.scratch = Buffer.alloc(need * 2);
    const inner = this.scratch;
    this.innerPad.copy(inner, 0);
    inner[BLOCK] = payload.length;
    payload.copy(inner, BLOCK + 1);
    inner[BLOCK + 1 + payload.length] = 0x3a; // ":"
    inner.write(binding, BLOCK + 2 + payload.length, "utf8");
    oneShot("sha256", inner.subarray(0, need), "buffer").copy(this.outerPad, BLOCK);
    return oneShot("sha256", this.outerPad, "buffer");
  }
}
