// RFC 5627 GRUUs: pub-gruu from the AOR and +sip.instance, temp-gruu from the binding's ruid
// (stable while the contact lives, reveals nothing of the AOR).
import { quote, unquote } from "../sip/lexical.js";
import type { Binding } from "../location/binding.js";
import { aorDomain } from "./aor.js";

export const TEMP_GRUU_PREFIX = "tgruu.";

/** "<urn:uuid:...>" → "urn:uuid:..." (the gr parameter value, RFC 5627 §3.1). */
export function instanceUrn(instance: string): string {
  const v = unquote(instance);
  return v.startsWith("<") && v.endsWith(">") ? v.slice(1, -1) : v;
}

export function pubGruu(scheme: "sip" | "sips", b: Binding): string | undefined {
  if (b.instance === undefined) return undefined;
  return `${scheme}:${b.aor};gr=${instanceUrn(b.instance)}`;
}

export function tempGruu(scheme: "sip" | "sips", b: Binding): string | undefined {
  if (b.instance === undefined) return undefined;
  return `${scheme}:${TEMP_GRUU_PREFIX}${b.ruid}@${aorDomain(b.aor)};gr`;
}

/** Contact params for the 200 (RFC 5627 §5.3): pub-gruu and temp-gruu, quoted. */
export function gruuParams(scheme: "sip" | "sips", b: Binding): string {
  const pub = pubGruu(scheme, b);
  const temp = tempGruu(scheme, b);
  if (pub === undefined || temp === undefined) return "";
  return `;pub-gruu=${quote(pub)};temp-gruu=${quote(temp)}`;
}
