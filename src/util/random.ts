// Injectable random source for branches, tags, Call-IDs, nonces and jitter.
import { randomBytes } from "node:crypto";

export interface RandomSource {
  /** `n` random bytes as lowercase hex (2n characters). */
  hex(n: number): string;
  /** A float in [0, 1). */
  float(): number;
}

/** Cryptographic randomness, served from a pooled buffer so per-message ids cost no syscall. */
export class CryptoRandom implements RandomSource {
  private pool = Buffer.alloc(0);
  private pos = 0;
  hex(n: number): string {
    if (this.pos + n > this.pool.length) {
      this.pool = randomBytes(Math.max(4096, n));
      this.pos = 0;
    }
    const s = this.pool.toString("hex", this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  float(): number {
    return Math.random();
  }
}

export const defaultRandom: RandomSource = new CryptoRandom();
