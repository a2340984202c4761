// One registrant account: the union of the settings of OpenSIPS uac_registrant (`uac` CSV fields),
// Kamailio uac (`uacreg` columns) and Asterisk res_pjsip_outbound_registration (options), each under
// one name, with the seed equivalents noted on every field. resolveAccount() checks an AccountInput
// and fills in the defaults; the result is frozen and shared by everything that drives the account.
import { createHash } from "node:crypto";
import { parseSipUri, serializeUri, UriError, type SipUri } from "../sip/uri.js";
import { isToken } from "../sip/lexical.js";
import { ALL_PROTOCOLS, type TransportProtocol } from "../transport/types.js";
import { AccountError } from "./errors.js";

/** Default registration expiry (s): Asterisk `expiration`, OpenSIPS `expiry`, Kamailio `expires` all default to 3600. */
export const DEFAULT_EXPIRES_SEC = 3600;

/** What a caller gives for an account; only `id` and `aor` are required. */
export interface AccountInput {
  /** Local unique id (Kamailio l_uuid; the Asterisk registration section name). Default contact user. */
  id: string;
  /** Address of record, the To URI (Asterisk client_uri, OpenSIPS aor, Kamailio sip:r_username@r_domain). "sip:" may be left out. */
  aor: string;
  /** Request-URI of the REGISTER (Asterisk server_uri, OpenSIPS registrar, Kamailio sip:r_domain). Default: sip:<AOR host[:port]>. */
  registrar?: string;
  /** Where REGISTERs are sent instead of the registrar (Asterisk outbound_proxy, OpenSIPS outbound proxy, Kamailio auth_proxy). */
  outboundProxy?: string;
  /** From URI when someone else registers the AOR (OpenSIPS third party registrant; RFC 3261 §10.2). Default: the AOR. */
  thirdPartyRegistrant?: string;
  /** Local user and domain inbound calls map to (Kamailio l_username, l_domain; uac_reg_lookup). Default: id and the AOR host. */
  localUser?: string;
  localDomain?: string;
  /** Digest user name (Asterisk outbound_auth username, OpenSIPS username, Kamailio auth_username). Default: the AOR user. */
  authUsername?: string;
  /** Digest password (Asterisk outbound_auth password, OpenSIPS password, Kamailio auth_password). */
  password?: string;
  /** Precomputed H(user:realm:password) instead of the password (Kamailio auth_ha1): 32 hex digits (MD5) or 64 (SHA-256). */
  ha1?: string;
  /** Realm the credentials belong to (Kamailio realm). Empty: take it from the challenge; set: a challenge for another realm is an error. */
  realm?: string;
  /** User part of the Contact (Asterisk contact_user). Default: the id (Kamailio uses l_uuid). */
  contactUser?: string;
  /** host[:port] of the Contact (Kamailio contact_addr). Default: the registrant's contactAddress, else the listener's advertised address. */
  contactAddress?: string;
  /** The whole Contact URI (OpenSIPS binding URI); overrides contactUser and contactAddress. */
  contactUri?: string;
  /** Header parameters after the Contact URI, ";a=b;c" (Asterisk contact_header_params, OpenSIPS binding params). */
  contactParams?: string;
  /** Add a `line` URI parameter to the Contact so inbound requests map to this account (Asterisk line). */
  line?: boolean;
  /** Name of the endpoint inbound requests matched by `line` belong to (Asterisk endpoint). */
  endpoint?: string;
  /** Requested expiry in seconds (Asterisk expiration, OpenSIPS expiry, Kamailio expires). Default 3600. */
  expires?: number;
  /** Transport to the registrar (Asterisk transport, `;transport=` of a SPEC). Default: RFC 3263 (NAPTR/SRV) or the URI's transport. */
  transport?: TransportProtocol;
  /** Local listener to send from, "udp:10.0.0.1:5060" (OpenSIPS forced socket, Kamailio socket). */
  socket?: string;
  /** User-Agent header (Asterisk user_agent). Default: the registrant's userAgent. */
  userAgent?: string;
  /** Send Supported: path (Asterisk support_path; RFC 3327). */
  supportPath?: boolean;
  /** Send Supported: outbound, +sip.instance and reg-id, keep the flow alive (Asterisk support_outbound; RFC 5626). */
  supportOutbound?: boolean;
  /** +sip.instance URN (RFC 5626 §4.1). Default: a name-based UUID from the registrant's namespace and the id (stable across restarts). */
  instanceId?: string;
  /** reg-id (RFC 5626 §4.2). Default 1. */
  regId?: number;
  /** Seconds to wait before the first REGISTER (Kamailio reg_delay). Default 0. */
  regDelay?: number;
  /** False: loaded but not registered (Kamailio flags bit 0, "disabled"). Default true. */
  enabled?: boolean;
}

/** An account checked and completed: what the registrant runs on. */
export interface Account {
  readonly id: string;
  /** The AOR as a URI text ("sip:alice@example.com"). */
  readonly aor: string;
  readonly aorUser: string;
  readonly aorHost: string;
  readonly registrar: string;
  readonly outboundProxy: string | undefined;
  /** The From URI: the third-party registrant or the AOR. */
  readonly from: string;
  readonly localUser: string;
  readonly localDomain: string;
  readonly authUsername: string;
  readonly password: string | undefined;
  readonly ha1: string | undefined;
  readonly realm: string | undefined;
  readonly contactUser: string;
  readonly contactAddress: string | undefined;
  readonly contactUri: string | undefined;
  readonly contactParams: string;
  /** The `line` parameter value when `line` is on (stable: derived from the id). */
  readonly lineToken: string | undefined;
  readonly endpoint: string | undefined;
  readonly expires: number;
  readonly transport: TransportProtocol | undefined;
  readonly socket: string | undefined;
  readonly userAgent: string | undefined;
  readonly supportPath: boolean;
  readonly supportOutbound: boolean;
  /** +sip.instance value without quotes ("<urn:uuid:...>") when outbound is on. */
  readonly instanceId: string | undefined;
  readonly regId: number;
  readonly regDelay: number;
  readonly enabled: boolean;
}

/** Longest expiry accepted in an account (delta-seconds fit in 32 bits, RFC 3261 §25.1; a year is plenty). */
const MAX_EXPIRES_SEC = 31_536_000;

export interface ResolveAccountOptions {
  /** Seeds the default +sip.instance (with the id). Default "sipreg". */
  instanceNamespace?: string;
  /**
   * Returns one shared copy of a string: the values thousands of accounts have in common (registrar,
   * domains, proxy, socket, user agent) are then held once, not once per account.
   */
  intern?: (s: string) => string;
}

/** Checks `input` and fills in the defaults. Throws AccountError. */
export function resolveAccount(input: AccountInput, options: ResolveAccountOptions = {}): Account {
  const instanceNamespace = options.instanceNamespace ?? "sipreg";
  const i = options.intern ?? ((x: string) => x);
  const io = (x: string | undefined): string | undefined => (x === undefined ? undefined : i(x));
  const id = requireText(input.id, "id");
  const aorUri = sipUri(input.aor, "aor");
  if (aorUri.user === undefined) throw new AccountError("aor", `"${input.aor}" has no user part`);
  const aor = addressOf(aorUri);
  const registrar = input.registrar === undefined || input.registrar === "" ? `${aorUri.scheme}:${aorUri.host}${aorUri.port === undefined ? "" : `:${aorUri.port}`}` : serializeUri(sipUri(input.registrar, "registrar"));
  const outboundProxy = optionalText(input.outboundProxy) === undefined ? undefined : serializeUri(sipUri(input.outboundProxy!, "outboundProxy"));
  const from = optionalText(input.thirdPartyRegistrant) === undefined ? aor : addressOf(sipUri(input.thirdPartyRegistrant!, "thirdPartyRegistrant"));
  const expires = input.expires ?? DEFAULT_EXPIRES_SEC;
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_SEC) throw new AccountError("expires", `must be a whole number of seconds from 1 to ${MAX_EXPIRES_SEC}, got ${expires}`);
  const regDelay = input.regDelay ?? 0;
  if (!Number.isFinite(regDelay) || regDelay < 0) throw new AccountError("regDelay", `must be a number of seconds ≥ 0, got ${regDelay}`);
  const regId = input.regId ?? 1;
  if (!Number.isInteger(regId) || regId < 1) throw new AccountError("regId", `must be a positive integer, got ${regId}`);
  if (input.transport !== undefined && !ALL_PROTOCOLS.includes(input.transport)) throw new AccountError("transport", `must be one of ${ALL_PROTOCOLS.join(", ")}`);
  const ha1 = optionalText(input.ha1);
  if (ha1 !== undefined && !/^([0-9a-fA-F]{32}|[0-9a-fA-F]{64})$/.test(ha1)) throw new AccountError("ha1", "must be 32 (MD5) or 64 (SHA-256) hex digits");
  const contactUri = optionalText(input.contactUri) === undefined ? undefined : serializeUri(sipUri(input.contactUri!, "contactUri"));
  const contactAddress = optionalText(input.contactAddress);
  if (contactAddress !== undefined) checkContactAddress(contactAddress, "contactAddress");
  const contactParams = normaliseParams(input.contactParams ?? "", "contactParams");
  const contactUser = optionalText(input.contactUser) ?? id;
  if (contactUri === undefined && !/^[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+$/.test(contactUser)) throw new AccountError("contactUser", `"${contactUser}" is not a valid SIP URI user part`);
  const supportOutbound = input.supportOutbound ?? false;
  const instance = optionalText(input.instanceId);
  return Object.freeze({
    id,
    aor,
    aorUser: aorUri.user,
    aorHost: i(aorUri.host.toLowerCase()),
    registrar: i(registrar),
    outboundProxy: io(outboundProxy),
    from: from === aor ? aor : from,
    localUser: optionalText(input.localUser) ?? id,
    localDomain: i(optionalText(input.localDomain) ?? aorUri.host.toLowerCase()),
    authUsername: optionalText(input.authUsername) ?? decodeUser(aorUri.user),
    password: input.password === undefined || input.password === "" ? undefined : input.password,
    ha1: ha1?.toLowerCase(),
    realm: io(optionalText(input.realm)),
    contactUser,
    contactAddress: io(contactAddress),
    contactUri,
    contactParams: i(contactParams),
    lineToken: input.line === true ? stableToken(`line:${id}`, 8) : undefined,
    endpoint: io(optionalText(input.endpoint)),
    expires,
    transport: input.transport,
    socket: io(optionalText(input.socket)),
    userAgent: io(optionalText(input.userAgent)),
    supportPath: input.supportPath ?? false,
    supportOutbound,
    instanceId: supportOutbound ? `<${instance ?? nameBasedUuid(instanceNamespace, id)}>` : undefined,
    regId,
    regDelay,
    enabled: input.enabled ?? true,
  });
}

/** The settings an Account was made from, without defaults that were filled in (for dumps and sources). */
export function accountInputOf(a: Account): AccountInput {
  const out: AccountInput = { id: a.id, aor: a.aor, registrar: a.registrar, expires: a.expires, enabled: a.enabled };
  const optional: Array<[keyof AccountInput, unknown]> = [
    ["outboundProxy", a.outboundProxy],
    ["thirdPartyRegistrant", a.from === a.aor ? undefined : a.from],
    ["localUser", a.localUser],
    ["localDomain", a.localDomain],
    ["authUsername", a.authUsername],
    ["password", a.password],
    ["ha1", a.ha1],
    ["realm", a.realm],
    ["contactUser", a.contactUser],
    ["contactAddress", a.contactAddress],
    ["contactUri", a.contactUri],
    ["contactParams", a.contactParams === "" ? undefined : a.contactParams],
    ["line", a.lineToken === undefined ? undefined : true],
    ["endpoint", a.endpoint],
    ["transport", a.transport],
    ["socket", a.socket],
    ["userAgent", a.userAgent],
    ["supportPath", a.supportPath || undefined],
    ["supportOutbound", a.supportOutbound || undefined],
    ["regDelay", a.regDelay === 0 ? undefined : a.regDelay],
  ];
  for (const [k, v] of optional) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
}

function requireText(v: string | undefined, field: string): string {
  if (typeof v !== "string" || v.trim() === "") throw new AccountError(field, "is required");
  if (/[\s\x00-\x1f\x7f]/.test(v)) throw new AccountError(field, `"${v}" contains whitespace or control characters`);
  return v;
}

function optionalText(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

/** Parses a SIP/SIPS URI, adding "sip:" when no scheme is given; URI headers are refused. */
function sipUri(text: string, field: string): SipUri {
  const t = text.trim();
  const withScheme = /^sips?:/i.test(t) ? t : `sip:${t}`;
  let u: SipUri;
  try {
    u = parseSipUri(withScheme);
  } catch (e) {
    if (e instanceof UriError) throw new AccountError(field, `"${text}" is not a SIP URI: ${e.message}`);
    throw e;
  }
  if (u.headers.length > 0) throw new AccountError(field, `"${text}" carries URI headers`);
  return u;
}

/** A URI used as an address (To, From): without password and parameters (RFC 3261 §10.2 To/From). */
function addressOf(u: SipUri): string {
  return `${u.scheme}:${u.user === undefined ? "" : `${u.user}@`}${u.host}${u.port === undefined ? "" : `:${u.port}`}`;
}

function decodeUser(user: string): string {
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}

function checkContactAddress(v: string, field: string): void {
  if (/^sips?:/i.test(v)) throw new AccountError(field, `give host[:port], not a URI (got "${v}")`);
  try {
    parseSipUri(`sip:x@${v}`);
  } catch (e) {
    if (e instanceof UriError) throw new AccountError(field, `"${v}" is not host[:port][;params]: ${e.message}`);
    throw e;
  }
}

/** ";a=b;c" (a leading ";" added when missing); every name must be a token. */
function normaliseParams(v: string, field: string): string {
  const t = v.trim();
  if (t === "") return "";
  const s = t.startsWith(";") ? t : `;${t}`;
  for (const part of s.slice(1).split(";")) {
    const name = part.split("=")[0]?.trim() ?? "";
    if (!isToken(name)) throw new AccountError(field, `bad parameter "${part}"`);
  }
  return s;
}

/** Hex token derived from `seed`: stable across restarts, so a `line` value outlives the process. */
export function stableToken(seed: string, bytes: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, bytes * 2);
}

/**
 * "urn:uuid:..." built like an RFC 4122 §4.3 name-based UUID (SHA-1, version 5) from a namespace text
 * and the account id: the same account keeps its instance id across restarts (RFC 5626 §4.1).
 */
export function nameBasedUuid(namespace: string, name: string): string {
  const h = createHash("sha1").update(`${namespace}\u0000${name}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString("hex");
  return `urn:uuid:${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
