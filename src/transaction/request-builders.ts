// Requests the transaction layer and its users derive from an INVITE: the ACK for a non-2xx final
// response (RFC 3261 §17.1.1.3) and CANCEL (§9.1). Both copy the same core of the original request.
import { HeaderList } from "../sip/header-list.js";
import { SipRequest, type SipResponse } from "../sip/message.js";

/** §17.1.1.3: same Request-URI, Call-ID, From, CSeq number and top Via; To from the response; same Route. */
export function buildAckForNon2xx(invite: SipRequest, response: SipResponse): SipRequest {
  return derive(invite, "ACK", response.headers.get("to") ?? invite.headers.get("to") ?? "");
}

/** §9.1: same Request-URI, Call-ID, To, From, CSeq number, a single Via equal to the top one, same Route. */
export function buildCancel(request: SipRequest): SipRequest {
  return derive(request, "CANCEL", request.headers.get("to") ?? "");
}

function derive(original: SipRequest, method: string, to: string): SipRequest {
  const src = original.headers;
  const h = new HeaderList();
  const topVia = src.listValues("via")[0];
  if (topVia !== undefined) h.add("Via", topVia);
  for (const route of src.getAll("route")) h.add("Route", route);
  h.add("Max-Forwards", src.get("max-forwards") ?? "70");
  h.add("From", src.get("from") ?? "");
  h.add("To", to);
  h.add("Call-ID", src.get("call-id") ?? "");
  h.add("CSeq", `${original.cseq.seq} ${method}`);
  return new SipRequest(method, original.uriText, h);
}
