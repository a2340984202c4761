// RFC 5627 GRUUs in the 200: pub-gruu from the AOR and +sip.instance, temp-gruu from the binding's
// ruid (stable while the contact lives, reveals nothing of the AOR). Resolution is in location/gruu.ts.
import { quote } from "../sip/lexical.js";
import type { Binding } from "../location/binding.js";
import { instanceUrn, tempGruuUser } from "../location/gruu.js";
import { aorDomain } from "./aor.js";

export function pubGruu(scheme: "sip" | "sips", b: Binding): string | undefined {
  if (b.instance === undefined) return undefined;
  return `${scheme}:${b.aor};gr=${instanceUrn(b.instance)}`;
}

export function tempGruu(scheme: "sip" | "sips", b: Binding): string | undefined {
  if (b.instance === undefined) return undefined;
  return `${scheme}:${tempGruuUser(b.ruid)}@${aorDomain(b.aor)};gr`;
}

/** Contact params for the 200 (RFC 5627 §5.3): pub-gruu and temp-gruu, quoted. */
export function gruuParams(scheme: "sip" | "sips", b: Binding): string {
  const pub = pubGruu(scheme, b);
  const temp = tempGruu(scheme, b);
  if (pub === undefined || temp === undefined) return "";
  return `;pub-gruu=${quote(pub)};temp-gruu=${quote(temp)}`;
}
