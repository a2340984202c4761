// Every way a REGISTER can fail, with its status and reason phrase: one closed table
// (the reasons of Kamailio's registrar rerrno, made typed). Documented in docs/registrar.md.

export const REJECTIONS = {
  foreignDomain: { status: 404, reason: "Not Found (domain not served here)" },
  foreignDomainForbidden: { status: 403, reason: "Forbidden (domain not served here)" },
  unsupportedUriScheme: { status: 416, reason: "Unsupported URI Scheme" },
  badExtension: { status: 420, reason: "Bad Extension" },
  outboundRequired: { status: 421, reason: "Extension Required (outbound)" },
  firstHopLacksOutbound: { status: 439, reason: "First Hop Lacks Outbound Support" },
  pathNotSupported: { status: 420, reason: "Bad Extension (path)" },
  authThrottled: { status: 403, reason: "Forbidden (too many failed authentications)" },
  authMalformed: { status: 400, reason: "Bad Request (malformed credentials)" },
  notAuthorized: { status: 403, reason: "Forbidden (not allowed to register this AOR)" },
  thirdPartyNotAllowed: { status: 403, reason: "Forbidden (third-party registration not allowed)" },
  badAor: { status: 400, reason: "Bad Request (bad To URI)" },
  starNotAlone: { status: 400, reason: "Bad Request (Contact * must be alone)" },
  starWithExpires: { status: 400, reason: "Bad Request (Contact * requires Expires: 0)" },
  badContact: { status: 400, reason: "Bad Request (bad Contact)" },
  badExpires: { status: 400, reason: "Bad Request (bad expires value)" },
  badQ: { status: 400, reason: "Bad Request (bad q value)" },
  intervalTooBrief: { status: 423, reason: "Interval Too Brief" },
  invalidCseq: { status: 400, reason: "Bad Request (CSeq not higher than the binding's)" },
  tooManyContacts: { status: 503, reason: "Service Unavailable (too many registered contacts)" },
  storeFailure: { status: 500, reason: "Server Internal Error (location store)" },
} as const satisfies Record<string, { status: number; reason: string }>;

export type RejectionCode = keyof typeof REJECTIONS;

/** The registrar's decision to refuse, with what goes into the reply besides status and reason. */
export interface Rejection {
  readonly code: RejectionCode;
  /** Extra headers for the reply: Unsupported, Min-Expires, Retry-After, Require, Path... */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  /** Detail for logs (never secrets). */
  readonly detail?: string;
}

export class RegisterRejected extends Error {
  readonly rejection: Rejection;
  constructor(rejection: Rejection) {
    super(`${rejection.code}${rejection.detail === undefined ? "" : ": " + rejection.detail}`);
    this.rejection = rejection;
  }
}

export function reject(code: RejectionCode, headers?: ReadonlyArray<readonly [string, string]>, detail?: string): never {
  throw new RegisterRejected({ code, ...(headers === undefined ? {} : { headers }), ...(detail === undefined ? {} : { detail }) });
}
