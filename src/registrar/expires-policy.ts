// §10.3 step 6 and Kamailio's expiry parameters: which expiry a contact gets (pure).
import type { RegistrarSettings } from "./settings.js";

export type ExpiresDecision = { kind: "ok"; seconds: number } | { kind: "tooBrief"; minExpires: number };

/**
 * `requested`: the contact's expires param, else the Expires header, else undefined.
 * `rand`: a float in [0, 1) for the *_range randomisation.
 */
export function decideExpires(requested: number | undefined, s: RegistrarSettings, rand: number): ExpiresDecision {
  if (requested === 0) return { kind: "ok", seconds: 0 };
  let seconds: number;
  if (requested === undefined) {
    seconds = s.defaultExpires;
    if (s.defaultExpiresRange > 0) seconds -= Math.floor((seconds * s.defaultExpiresRange * rand) / 100);
  } else {
    // 423 (RFC 3261 §10.3 step 6) is judged on what the UA asked for, before any randomisation.
    if (s.minExpires > 0 && requested < s.minExpires && s.minExpiresMode === "reject") return { kind: "tooBrief", minExpires: s.minExpires };
    seconds = requested;
    if (s.expiresRange > 0) seconds -= Math.floor((seconds * s.expiresRange * rand) / 100);
  }
  if (s.minExpires > 0 && seconds < s.minExpires) seconds = s.minExpires;
  if (s.maxExpires > 0 && seconds > s.maxExpires) seconds = s.maxExpires;
  return { kind: "ok", seconds: Math.max(1, seconds) };
}
