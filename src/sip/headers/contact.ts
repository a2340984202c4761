// Contact (RFC 3261 §20.10, §10.2.1): either "*" or a list of bindings with q, expires and the
// extension parameters of Outbound (RFC 5626: +sip.instance, reg-id) and GRUU (RFC 5627: pub-gruu, temp-gruu).
import { digitValue, splitList, unquote } from "../lexical.js";
import { parseNameAddr, serializeNameAddr, type NameAddr } from "./name-addr.js";
import { badHeader } from "./header-error.js";

export interface ContactBinding extends NameAddr {
  readonly kind: "binding";
}

export interface ContactStar {
  readonly kind: "star";
}

export type ContactValue = ContactBinding | ContactStar;

/** Parses every Contact header line of a message into one list. */
export function parseContacts(lines: readonly string[]): ContactValue[] {
  const out: ContactValue[] = [];
  for (const line of lines) {
    const parts = splitList(line);
    if (parts === null) throw badHeader("contact", "unbalanced quotes or <>");
    for (const p of parts) {
      if (p === "*") out.push({ kind: "star" });
      else out.push({ kind: "binding", ...parseNameAddr(p, "contact") });
    }
  }
  return out;
}

export const MAX_DELTA_SECONDS = 4294967295; // 2^32 - 1 (RFC 3261 §25.1 delta-seconds, §20.19)

/** The contact's `expires` parameter in seconds; undefined when absent; throws when not a delta-seconds. */
export function contactExpires(c: NameAddr): number | undefined {
  const v = c.params.get("expires");
  if (v === undefined) return undefined;
  const n = v === null ? -1 : digitValue(v);
  if (n < 0 || n > MAX_DELTA_SECONDS) throw badHeader("contact", `bad expires parameter "${(v ?? "").slice(0, 20)}"`);
  return n;
}

/** The q value times 1000 (0..1000), so it is held as an integer; undefined when absent (§20.10 qvalue). */
export function contactQ1000(c: NameAddr): number | undefined {
  const v = c.params.get("q");
  if (v === undefined) return undefined;
  if (v === null || !/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(v)) throw badHeader("contact", `bad q value "${v ?? ""}"`);
  return Math.round(Number(v) * 1000);
}

/** "0.5" for 500: the shortest qvalue text. */
export function formatQ(q1000: number): string {
  if (q1000 >= 1000) return "1";
  if (q1000 <= 0) return "0";
  return (q1000 / 1000).toFixed(3).replace(/0+$/, "");
}

/** +sip.instance without quotes (RFC 5626 §4.1), e.g. "<urn:uuid:...>". */
export function contactInstance(c: NameAddr): string | undefined {
  const v = c.params.get("+sip.instance");
  return v === undefined || v === null ? undefined : unquote(v);
}

/** reg-id (RFC 5626 §4.2): a positive integer. */
export function contactRegId(c: NameAddr): number | undefined {
  const v = c.params.get("reg-id");
  if (v === undefined) return undefined;
  if (v === null || !/^\d{1,10}$/.test(v) || Number(v) < 1 || Number(v) > MAX_DELTA_SECONDS) throw badHeader("contact", `bad reg-id "${v ?? ""}"`);
  return Number(v);
}

/** The `methods` feature tag (RFC 3840 §9): the methods the contact accepts, upper case. */
export function contactMethods(c: NameAddr): string[] | undefined {
  const v = c.params.get("methods");
  if (v === undefined || v === null) return undefined;
  return unquote(v)
    .split(",")
    .map((m) => m.trim().toUpperCase())
    .filter((m) => m.length > 0);
}

/** pub-gruu (RFC 5627 §4.2) without quotes: the public GRUU a registrar assigned to this contact. */
export function contactPubGruu(c: NameAddr): string | undefined {
  const v = c.params.get("pub-gruu");
  return v === undefined || v === null ? undefined : unquote(v);
}

/** temp-gruu (RFC 5627 §4.2) without quotes: the latest temporary GRUU for this contact. */
export function contactTempGruu(c: NameAddr): string | undefined {
  const v = c.params.get("temp-gruu");
  return v === undefined || v === null ? undefined : unquote(v);
}

export function serializeContact(c: ContactValue): string {
  return c.kind === "star" ? "*" : serializeNameAddr(c);
}
