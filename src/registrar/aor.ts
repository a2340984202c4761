// §10.3 step 5: the address-of-record from the To header, canonicalised ("user@domain"): scheme and
// parameters dropped, escapes undone, case folded unless case_sensitive, realm_prefix stripped.
import { unescapePercent } from "../sip/lexical.js";
import { isSipUri, type Uri } from "../sip/uri.js";

export interface AorOptions {
  caseSensitive: boolean;
  realmPrefix: string;
}

/** "user@domain" for a SIP/SIPS URI, or undefined when the URI cannot be an AOR (no SIP URI). */
export function canonicalAor(uri: Uri, o: AorOptions): string | undefined {
  if (!isSipUri(uri)) return undefined;
  const domain = stripRealmPrefix(uri.host.toLowerCase(), o.realmPrefix);
  if (uri.user === undefined) return domain;
  const user = unescapePercent(uri.user);
  return `${o.caseSensitive ? user : user.toLowerCase()}@${domain}`;
}

/** "sip.example.com" → "example.com" for realm_prefix "sip." (the domain is lower case already). */
export function stripRealmPrefix(domain: string, prefix: string): string {
  return prefix !== "" && domain.startsWith(prefix.toLowerCase()) && domain.length > prefix.length ? domain.slice(prefix.length) : domain;
}

export function aorDomain(aor: string): string {
  const at = aor.lastIndexOf("@");
  return at < 0 ? aor : aor.slice(at + 1);
}

export function aorUser(aor: string): string {
  const at = aor.lastIndexOf("@");
  return at < 0 ? "" : aor.slice(0, at);
}
