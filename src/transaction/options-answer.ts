// Answers for requests no TU claimed: 200 to OPTIONS with the capabilities (RFC 3261 §11.2), which is
// how peers' keepalive pings get answered, and 405 with Allow to anything else (§8.2.1).
import type { SipRequest, SipResponse } from "../sip/message.js";
import { createResponse } from "../sip/response-builder.js";

export interface Capabilities {
  /** Methods for Allow (§20.5). */
  allow: readonly string[];
  /** Body types for Accept (§20.1). */
  accept: readonly string[];
  /** Option tags for Supported (§20.37). */
  supported: readonly string[];
}

export const DEFAULT_CAPABILITIES: Readonly<Capabilities> = Object.freeze({
  allow: ["REGISTER", "OPTIONS"],
  accept: ["application/sdp"],
  supported: [],
});

export function optionsAnswer(req: SipRequest, caps: Capabilities, toTag: string): SipResponse {
  const res = createResponse(req, 200, { toTag });
  res.headers.add("Allow", caps.allow.join(", "));
  res.headers.add("Accept", caps.accept.join(", "));
  // An empty Supported is legal but some peers choke on an empty header: left out when there is nothing to say.
  if (caps.supported.length > 0) res.headers.add("Supported", caps.supported.join(", "));
  return res;
}

export function methodNotAllowed(req: SipRequest, caps: Capabilities, toTag: string): SipResponse {
  const res = createResponse(req, 405, { toTag });
  res.headers.add("Allow", caps.allow.join(", "));
  return res;
}
