// §10.3 step 6: read the Contact header field of a REGISTER into what each binding should become:
// "*" rules, expiry per contact (param, else Expires header, else default), q, instance, reg-id, methods.
import { contactExpires, contactInstance, contactMethods, contactQ1000, contactRegId, type ContactValue } from "../sip/headers/contact.js";
import type { SipRequest } from "../sip/message.js";
import { SipParseError } from "../sip/parse-error.js";
import { isSipUri, serializeUri, type SipUri } from "../sip/uri.js";
import { decideExpires } from "./expires-policy.js";
import { reject } from "./rejections.js";
import type { RegistrarSettings } from "./settings.js";

export interface ContactIntent {
  uri: SipUri;
  /** The URI as text (stored as the binding's contact). */
  uriText: string;
  /** 0 = remove. */
  expiresSec: number;
  q1000: number;
  instance: string | undefined;
  regId: number;
  methods: string[] | undefined;
  /** Header parameters kept with the binding and echoed in the 200 (other than expires and q). */
  params: string;
}

export type ContactsIntent = { kind: "query" } | { kind: "star" } | { kind: "contacts"; contacts: ContactIntent[] };

const ECHOED_OUT = new Set(["expires", "q", "pub-gruu", "temp-gruu", "received"]);

export function readContacts(req: SipRequest, s: RegistrarSettings, rand: () => number): ContactsIntent {
  let values: ContactValue[];
  let headerExpires: number | undefined;
  try {
    values = req.contacts;
    headerExpires = req.expires;
  } catch (e) {
    if (e instanceof SipParseError) reject(e.header === "expires" ? "badExpires" : "badContact", undefined, e.message);
    throw e;
  }
  if (values.length === 0) return { kind: "query" };
  if (values.some((v) => v.kind === "star")) {
    if (values.length > 1) reject("starNotAlone");
    if (headerExpires !== 0) reject("starWithExpires");
    return { kind: "star" };
  }
  const allow = allowedMethods(req);
  const contacts: ContactIntent[] = [];
  for (const v of values) {
    if (v.kind !== "binding") continue;
    if (!isSipUri(v.uri)) reject("badContact", undefined, "Contact is not a SIP or SIPS URI");
    let expParam: number | undefined;
    let q: number | undefined;
    let regId: number | undefined;
    let methods: string[] | undefined;
    try {
      expParam = contactExpires(v);
      q = contactQ1000(v);
      regId = contactRegId(v);
      methods = contactMethods(v);
    } catch (e) {
      if (e instanceof SipParseError) reject(/q value/.test(e.message) ? "badQ" : /expires/.test(e.message) ? "badExpires" : "badContact", undefined, e.message);
      throw e;
    }
    const decision = decideExpires(expParam ?? headerExpires, s, rand());
    if (decision.kind === "tooBrief") reject("intervalTooBrief", [["Min-Expires", String(decision.minExpires)]]);
    let params = "";
    for (const [n, val] of v.params.list) {
      if (ECHOED_OUT.has(n.toLowerCase())) continue;
      params += val === null ? `;${n}` : `;${n}=${val}`;
    }
    contacts.push({
      uri: v.uri,
      uriText: serializeUri(v.uri),
      expiresSec: decision.seconds,
      q1000: q ?? s.defaultQ1000,
      instance: contactInstance(v),
      regId: regId ?? 0,
      methods: methods ?? allow,
      params,
    });
  }
  return { kind: "contacts", contacts };
}

function allowedMethods(req: SipRequest): string[] | undefined {
  if (!req.headers.has("allow")) return undefined;
  try {
    return req.allow;
  } catch {
    return undefined;
  }
}
