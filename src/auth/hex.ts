// Hex digest strings as Digest writes them (RFC 7616 §3.2: lowercase hex, read in any case).

// Setting bit 0x20 folds A-F onto a-f and leaves the digits (0x30-0x39) as they are.
const CASE_BIT = 0x20;

/** True when every character is a hex digit, either case (the empty string included). */
export function isHex(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i) | CASE_BIT;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/**
 * Compares two hex strings case-insensitively in time that depends only on their length, so timing
 * does not tell an attacker how much of a guessed response was right. Both must be hex (isHex).
 */
export function hexEquals(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a.charCodeAt(i) | CASE_BIT) ^ (b.charCodeAt(i) | CASE_BIT);
  return diff === 0;
}
