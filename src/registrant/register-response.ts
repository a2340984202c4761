// Reading the registrar's answer to a REGISTER: the expiry granted to our contact (RFC 3261 §10.2.4:
// the 200 lists every current binding with its expires), Min-Expires of a 423 (§10.3 step 6),
// Retry-After (§20.33), and the Digest challenges of a 401/407 (§22.2, §22.3). A malformed header
// reads as absent: a registrar's formatting slip must not stop us from registering.
import { contactExpires, contactInstance, contactRegId } from "../sip/headers/contact.js";
import { parseNameAddr, type NameAddr } from "../sip/headers/name-addr.js";
import { parseDigestChallenge, type DigestChallenge } from "../sip/headers/digest.js";
import type { SipResponse } from "../sip/message.js";
import { uriEquals } from "../sip/uri-equality.js";
import { isSipUri } from "../sip/uri.js";
import { SipregError } from "../util/errors.js";

/** Our contact, parsed once per attempt, to find it among the 200's contacts. */
export interface OwnContact {
  nameAddr: NameAddr;
  instance: string | undefined;
  regId: number | undefined;
}

export function ownContact(contactHeaderValue: string): OwnContact {
  const nameAddr = parseNameAddr(contactHeaderValue, "contact");
  return { nameAddr, instance: contactInstance(nameAddr), regId: contactRegId(nameAddr) };
}

/**
 * Whether a contact of the 200 is ours: the same URI (§19.1.4), or the same user, host and port
 * (registrars may add or drop URI parameters), or, with outbound, the same +sip.instance and reg-id
 * (RFC 5626 §6: the registrar identifies the flow by them).
 */
export function isOwnContact(c: NameAddr, own: OwnContact): boolean {
  if (own.instance !== undefined) {
    const inst = safe(() => contactInstance(c));
    if (inst !== undefined && inst === own.instance && safe(() => contactRegId(c)) === own.regId) return true;
  }
  const a = c.uri;
  const b = own.nameAddr.uri;
  if (uriEquals(a, b)) return true;
  return isSipUri(a) && isSipUri(b) && a.user === b.user && a.host.toLowerCase() === b.host.toLowerCase() && (a.port ?? 5060) === (b.port ?? 5060);
}

/**
 * Seconds granted to our contact by a 2xx: its `expires` parameter, else the Expires header, else
 * what we asked for. 0 when the 2xx lists contacts and ours is not among them (nothing of ours is bound).
 */
export function grantedExpiry(res: SipResponse, own: OwnContact, requestedSec: number): number {
  const header = safe(() => res.expires);
  const contacts = safe(() => res.contacts);
  if (contacts === undefined || contacts.length === 0) return header ?? requestedSec;
  for (const c of contacts) {
    if (c.kind !== "binding" || !isOwnContact(c, own)) continue;
    return safe(() => contactExpires(c)) ?? header ?? requestedSec;
  }
  return 0;
}

export function minExpiresOf(res: SipResponse): number | undefined {
  return safe(() => res.minExpires);
}

export function retryAfterOf(res: SipResponse): number | undefined {
  return safe(() => res.retryAfter)?.seconds;
}

/** The Flow-Timer of a 2xx (RFC 5626 §11), seconds. */
export function flowTimerOf(res: SipResponse): number | undefined {
  return safe(() => res.flowTimer);
}

/** The registrar took the REGISTER as an RFC 5626 flow: its 2xx carries Require: outbound (§6). */
export function outboundConfirmed(res: SipResponse): boolean {
  return safe(() => res.require)?.some((t) => t.toLowerCase() === "outbound") ?? false;
}

/** Every Digest challenge of a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate); unreadable ones are skipped. */
export function challengesOf(res: SipResponse): DigestChallenge[] {
  const key = res.status === 407 ? "proxy-authenticate" : "www-authenticate";
  const out: DigestChallenge[] = [];
  for (const v of res.headers.getAll(key)) {
    if (!/^\s*digest\s/i.test(v)) continue;
    const c = safe(() => parseDigestChallenge(v));
    if (c !== undefined) out.push(c);
  }
  return out;
}

function safe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (e instanceof SipregError) return undefined;
    throw e;
  }
}
