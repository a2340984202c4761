// The stateless answer to a request that failed to parse (RFC 3261 §8.2.2 pre-checks, §21.4.1 400,
// §21.5.6 505): only when the headers a response is built from (§8.2.6) could be read, never to an ACK
// (§17.1.1.3: an ACK gets no response), and never to a response.
import type { SipRequest, SipResponse } from "../sip/message.js";
import { SipParseError } from "../sip/parse-error.js";
import { createResponse } from "../sip/response-builder.js";
import { responseTarget, stampVia } from "../transport/response-routing.js";
import type { Origin, SendTarget } from "../transport/types.js";

export interface StatelessAnswer {
  response: SipResponse;
  target: SendTarget;
}

export function parseErrorAnswer(err: SipParseError, origin: Origin, toTag: string): StatelessAnswer | undefined {
  const partial = err.partial;
  if (partial === undefined || partial.kind !== "request" || partial.method === "ACK") return undefined;
  if (!coreHeadersReadable(partial)) return undefined;
  const via = partial.topVia;
  const version = err.code === "SIP_PARSE_VERSION";
  const response = version ? createResponse(partial, 505, { toTag }) : createResponse(partial, 400, { reason: err.reasonPhrase, toTag });
  // The transport stamps received/rport only on requests that parsed (§18.2.1, RFC 3581 §4): do it here.
  const h = response.headers;
  const i = h.keys.indexOf("via");
  const stamped = i < 0 ? null : stampVia(h.values[i]!, via, origin);
  if (stamped !== null) h.setAt(i, stamped);
  return { response, target: responseTarget(via, origin) };
}

function coreHeadersReadable(req: SipRequest): boolean {
  try {
    void req.topVia;
    void req.from;
    void req.to;
    void req.callId;
    void req.cseq;
    return true;
  } catch (e) {
    if (e instanceof SipParseError) return false;
    throw e;
  }
}
