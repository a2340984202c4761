// Builds the REGISTER of an account (RFC 3261 §10.2): Request-URI = the registrar, To = the AOR,
// From = the AOR or the third-party registrant with our tag, Call-ID and CSeq from the registration,
// Contact with the expiry asked for in Expires (§10.2.1.1), Supported: path (RFC 3327 §5) and
// outbound (RFC 5626 §4.2), Route to the outbound proxy (§8.1.2), User-Agent. The top Via is added
// by the transaction user just before sending (addVia), once the target is known.
import { HeaderList } from "../sip/header-list.js";
import { SipRequest } from "../sip/message.js";
import { hostForSip } from "../transport/endpoint.js";
import type { TransportProtocol } from "../transport/types.js";
import type { Account } from "./account.js";

export interface ContactAddress {
  /** Host for the Contact URI (a name, IPv4, or IPv6 with or without brackets). */
  host: string;
  /** Port, or undefined to leave it out. */
  port: number | undefined;
  /** URI parameters that came with a configured address (";a=b"), or "". */
  params: string;
}

/**
 * The Contact header value of `account`: `<sip:user@host:port;transport=..;line=..>;params` plus
 * +sip.instance and reg-id when outbound is on (RFC 5626 §4.2). A configured contactUri is used as is.
 */
export function contactValue(account: Account, address: ContactAddress, transport: TransportProtocol): string {
  let uri: string;
  if (account.contactUri !== undefined) {
    uri = account.contactUri;
  } else {
    uri = `sip:${account.contactUser}@${hostForSip(address.host)}${address.port === undefined ? "" : `:${address.port}`}${address.params}`;
    if (transport !== "udp" && !/;transport=/i.test(address.params)) uri += `;transport=${transport}`;
  }
  if (account.lineToken !== undefined) uri += `;line=${account.lineToken}`;
  let params = account.contactParams;
  if (account.instanceId !== undefined) params += `;reg-id=${account.regId};+sip.instance="${account.instanceId}"`;
  return `<${uri}>${params}`;
}

/** Parses a "host[:port][;params]" contact address (Kamailio reg_contact_addr / contact_addr). */
export function parseContactAddress(text: string): ContactAddress {
  const semi = text.indexOf(";");
  const hostPort = semi < 0 ? text : text.slice(0, semi);
  const params = semi < 0 ? "" : text.slice(semi);
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostPort.trim());
  if (m === null) return { host: hostPort.trim(), port: undefined, params };
  return { host: m[1]!, port: m[2] === undefined ? undefined : Number(m[2]), params };
}

export interface RegisterFields {
  account: Account;
  callId: string;
  fromTag: string;
  cseq: number;
  /** Expires to ask for; 0 removes the binding (§10.2.2). */
  expires: number;
  /** The Contact header value (see contactValue). */
  contact: string;
  userAgent: string;
  /** Credentials answering a challenge: the header name and value. */
  authorization?: { name: "Authorization" | "Proxy-Authorization"; value: string };
}

export function buildRegister(f: RegisterFields): SipRequest {
  const a = f.account;
  const h = new HeaderList();
  h.add("Max-Forwards", "70");
  if (a.outboundProxy !== undefined) h.add("Route", `<${looseRoute(a.outboundProxy)}>`);
  h.add("From", `<${a.from}>;tag=${f.fromTag}`);
  h.add("To", `<${a.aor}>`);
  h.add("Call-ID", f.callId);
  h.add("CSeq", `${f.cseq} REGISTER`);
  h.add("Contact", f.contact);
  h.add("Expires", String(f.expires));
  const supported: string[] = [];
  if (a.supportPath) supported.push("path");
  if (a.supportOutbound) supported.push("outbound");
  if (supported.length > 0) h.add("Supported", supported.join(", "));
  if (f.authorization !== undefined) h.add(f.authorization.name, f.authorization.value);
  h.add("User-Agent", f.userAgent);
  return new SipRequest("REGISTER", a.registrar, h);
}

/** The proxy URI with `;lr` (RFC 3261 §16.12.1.1: we route loosely through it). */
function looseRoute(uri: string): string {
  return /;lr(=|;|$)/i.test(uri) ? uri : `${uri};lr`;
}
