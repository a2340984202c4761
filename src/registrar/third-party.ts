// Who may register which AOR (RFC 3261 §10.2 third-party registration; blog seed "From ≠ To"):
// the registrant itself always; others only where a configured rule allows it.
import type { RegistrarSettings } from "./settings.js";

export function mayRegister(registrant: string, aor: string, s: RegistrarSettings): boolean {
  if (registrant === aor) return true;
  for (const rule of s.thirdParty) {
    if (rule.registrant.toLowerCase() !== registrant.toLowerCase()) continue;
    for (const pattern of rule.aors) if (matchesPattern(pattern.toLowerCase(), aor.toLowerCase())) return true;
  }
  return false;
}

// "alice@example.com" exactly, "*@example.com" any user of the domain, "*" anything.
function matchesPattern(pattern: string, aor: string): boolean {
  if (pattern === "*") return true;
  const p = pattern.replace(/^sips?:/, "");
  if (p.startsWith("*@")) return aor.endsWith(p.slice(1));
  return p === aor;
}
