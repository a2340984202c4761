// Registrar policy: the parameters of Kamailio's registrar module, under our names (RFC 3261 §10.3,
// RFC 3327 Path, RFC 5627 GRUU, RFC 5626 Outbound). Defaults are Kamailio's unless noted.

export interface RegistrarSettings {
  /** Domains we are registrar for (lower case); empty = any domain (§10.3 step 1). */
  domains: string[];
  /** Status for a REGISTER whose Request-URI domain is not ours: 404 (default) or 403. */
  foreignDomainStatus: 403 | 404;
  /** Expiry when neither the contact nor the request gives one (s). */
  defaultExpires: number;
  /** Randomise default expiry downwards by up to this % (0..100). */
  defaultExpiresRange: number;
  /** Randomise requested expiries downwards by up to this % (0..100). */
  expiresRange: number;
  /** Shortest accepted expiry (s); 0 disables the check. */
  minExpires: number;
  /** Below minExpires: "reject" with 423 + Min-Expires (RFC 3261 §10.3 step 6), or "raise" silently (Kamailio). */
  minExpiresMode: "reject" | "raise";
  /** Longest expiry (s): longer requests are clipped; 0 = no limit. */
  maxExpires: number;
  /** q (×1000) for contacts that give none; -1 = none ("q" absent in the 200). */
  defaultQ1000: number;
  /** Prefix stripped from the AOR domain, e.g. "sip." (realm_prefix). */
  realmPrefix: string;
  /** AORs compared and stored case-sensitively (default false). */
  caseSensitive: boolean;
  /** Contact parameter name carrying the source address in the 200 for NATed contacts; "" disables it. */
  receivedParam: string;
  /** Most contacts per AOR; 0 = unlimited. */
  maxContacts: number;
  /** Seconds for Retry-After on 5xx replies; 0 = none. */
  retryAfter: number;
  /** lookup() keeps only contacts whose stored methods include the request method. */
  methodFiltering: boolean;
  /** Honour Path headers (RFC 3327). */
  usePath: boolean;
  /** 0: store Path, never echo; 1: store, echo if Supported: path; 2: require Supported: path else 420 (RFC 3327). */
  pathMode: 0 | 1 | 2;
  /** Take the received= of the first Path URI as the contact's source (registrar behind a load balancer). */
  pathUseReceived: boolean;
  /** Create pub-gruu / temp-gruu for contacts with +sip.instance (RFC 5627). */
  gruuEnabled: boolean;
  /** 0: no Outbound (Require: outbound → 420); 1: Outbound when the UA supports it; 2: Outbound required. */
  outboundMode: 0 | 1 | 2;
  /** 0: ignore reg-id unless the UA supports outbound; 1: use it anyway. */
  regIdMode: 0 | 1;
  /** Flow-Timer value for the 200 (s), 0 = not sent; only with outboundMode 1 or 2 (RFC 5626 §5.4). */
  flowTimer: number;
  /**
   * Third-party registration (RFC 3261 §10.2, From ≠ To): who may register which AORs.
   * `registrant` is an AOR ("admin@example.com"); `aors` are AORs or "*@domain" patterns.
   */
  thirdParty: Array<{ registrant: string; aors: string[] }>;
  /** Server header in replies; "" = none. */
  serverHeader: string;
}

export const DEFAULT_REGISTRAR_SETTINGS: Readonly<RegistrarSettings> = Object.freeze({
  domains: [],
  foreignDomainStatus: 404,
  defaultExpires: 3600,
  defaultExpiresRange: 0,
  expiresRange: 0,
  minExpires: 60,
  minExpiresMode: "reject",
  maxExpires: 0,
  defaultQ1000: -1,
  realmPrefix: "",
  caseSensitive: false,
  receivedParam: "received",
  maxContacts: 0,
  retryAfter: 0,
  methodFiltering: false,
  usePath: false,
  pathMode: 2,
  pathUseReceived: false,
  gruuEnabled: true,
  outboundMode: 0,
  regIdMode: 0,
  flowTimer: 0,
  thirdParty: [],
  serverHeader: "sipreg",
} satisfies RegistrarSettings);
