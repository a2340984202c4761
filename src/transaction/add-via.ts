// Adds the top Via of a request a client transaction will send (RFC 3261 §8.1.1.7, §18.1.1), with a fresh
// branch carrying the magic cookie and an empty rport asking for symmetric response routing (RFC 3581 §3).
import type { SipRequest } from "../sip/message.js";
import { newBranch } from "../sip/ids.js";
import { hostForSip } from "../transport/endpoint.js";
import { viaTransportName, type TransportProtocol } from "../transport/types.js";
import type { RandomSource } from "../util/random.js";

export interface ViaSentBy {
  transport: TransportProtocol;
  /** Address or name to advertise (IPv6 with or without brackets). */
  host: string;
  /** Left out when the sender has no port to be reached at (a client-only WebSocket or TLS end, RFC 7118 §8's examples). */
  port: number | undefined;
}

/** Prepends `Via: SIP/2.0/<T> host[:port];branch=z9hG4bK...;rport` and returns the branch. */
export function addVia(req: SipRequest, sentBy: ViaSentBy, random: RandomSource): string {
  const branch = newBranch(random);
  req.headers.prepend("Via", `SIP/2.0/${viaTransportName(sentBy.transport)} ${hostForSip(sentBy.host)}${sentBy.port === undefined ? "" : `:${sentBy.port}`};branch=${branch};rport`);
  req.invalidate();
  return branch;
}
