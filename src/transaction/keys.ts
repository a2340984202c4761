// Transaction matching keys. Server side RFC 3261 §17.2.3, client side §17.1.3.
// A key is a string: the layer looks transactions up in Maps, and the completed-transaction store
// encodes it to bytes.
import type { SipRequest, SipResponse } from "../sip/message.js";
import { MAGIC_COOKIE, viaBranch } from "../sip/headers/via.js";

/** RFC 3261 branches start with the magic cookie; others come from RFC 2543 peers (§8.1.1.7). */
export function hasMagicCookie(branch: string | undefined): branch is string {
  return branch !== undefined && branch.startsWith(MAGIC_COOKIE);
}

/**
 * The key of the server transaction a request belongs to (§17.2.3). ACK maps to the INVITE it
 * acknowledges; CANCEL keeps its own method (it is a transaction of its own, §9.2).
 */
export function serverKey(req: SipRequest): string {
  return serverKeyAs(req, req.method === "ACK" ? "INVITE" : req.method);
}

/**
 * The key `req` would have with `method` in its place: a CANCEL looks up the INVITE it cancels with
 * "INVITE" (§9.2).
 */
export function serverKeyAs(req: SipRequest, method: string): string {
  const via = req.topVia;
  const branch = viaBranch(via);
  if (hasMagicCookie(branch)) {
    // Branch, sent-by and method (§17.2.3 points 1-3). Retransmissions repeat the Via as written.
    return branch + " " + via.host.toLowerCase() + ":" + (via.port ?? "") + " " + method;
  }
  return rfc2543Key(req, req.toTag, method);
}

/**
 * RFC 2543 fallback (§17.2.3): Request-URI, To tag, From tag, Call-ID, CSeq number and top Via.
 * `toTag` is the request's own, except for the key an ACK to our non-2xx final response will carry,
 * which holds the tag of that response.
 */
export function rfc2543Key(req: SipRequest, toTag: string | undefined, method: string): string {
  const via = req.topVia;
  return (
    "\u0001" +
    req.uriText +
    "\u0001" +
    (toTag ?? "") +
    "\u0001" +
    (req.fromTag ?? "") +
    "\u0001" +
    req.callId +
    "\u0001" +
    req.cseq.seq +
    "\u0001" +
    method +
    "\u0001" +
    via.transport +
    " " +
    via.host.toLowerCase() +
    ":" +
    (via.port ?? "") +
    via.params.toString()
  );
}

/** True for a key built by rfc2543Key. */
export function isRfc2543Key(key: string): boolean {
  return key.charCodeAt(0) === 1;
}

/** Client transaction key (§17.1.3): the branch of the top Via and the CSeq method. */
export function clientKey(branch: string, cseqMethod: string): string {
  return branch + " " + cseqMethod;
}

/** The key of the client transaction a response belongs to, or undefined when it has no branch. */
export function responseKey(res: SipResponse): string | undefined {
  const branch = viaBranch(res.topVia);
  return branch === undefined ? undefined : clientKey(branch, res.cseq.method);
}
