// §10.3 step 8: the 200 OK lists every current binding of the AOR with its remaining expiry, plus Date;
// and the extension headers: Path echo (RFC 3327), GRUUs (RFC 5627), Require: outbound and Flow-Timer (RFC 5626),
// received for NATed contacts (Kamailio received_param).
import type { Binding } from "../location/binding.js";
import { formatQ } from "../sip/headers/contact.js";
import { formatDate } from "../sip/headers/date.js";
import type { SipRequest, SipResponse } from "../sip/message.js";
import { createResponse } from "../sip/response-builder.js";
import { hostForSip } from "../transport/endpoint.js";
import { gruuParams } from "./gruu.js";
import type { RegistrarSettings } from "./settings.js";

/** The Date header changes once a second: format it once per second, not per REGISTER. */
export class DateHeaderCache {
  private second = -1;
  private text = "";
  get(nowMs: number): string {
    const s = Math.floor(nowMs / 1000);
    if (s !== this.second) {
      this.second = s;
      this.text = formatDate(s * 1000);
    }
    return this.text;
  }
}

export interface OkOptions {
  toTag: string;
  nowMs: number;
  /** Add pub-gruu/temp-gruu (the UA sent Supported: gruu and GRUU is enabled). */
  gruu: boolean;
  scheme: "sip" | "sips";
  pathEcho: readonly string[];
  outbound: boolean;
  dates?: DateHeaderCache;
}

export function okResponse(req: SipRequest, bindings: readonly Binding[], s: RegistrarSettings, o: OkOptions): SipResponse {
  const res = createResponse(req, 200, { toTag: o.toTag });
  const h = res.headers;
  for (const b of bindings) {
    const remaining = Math.max(0, Math.round((b.expiresAtMs - o.nowMs) / 1000));
    let v = `<${b.contact}>;expires=${remaining}`;
    if (b.q1000 >= 0) v += `;q=${formatQ(b.q1000)}`;
    v += b.contactParams;
    if (b.natted && s.receivedParam !== "") {
      v += `;${s.receivedParam}="sip:${hostForSip(b.source.address)}:${b.source.port}${b.source.protocol === "udp" ? "" : ";transport=" + b.source.protocol}"`;
    }
    if (o.gruu) v += gruuParams(o.scheme, b);
    h.add("Contact", v);
  }
  for (const p of o.pathEcho) h.add("Path", p);
  if (o.outbound) {
    h.add("Require", "outbound");
    if (s.flowTimer > 0) h.add("Flow-Timer", String(s.flowTimer));
  }
  h.add("Date", o.dates === undefined ? formatDate(o.nowMs) : o.dates.get(o.nowMs));
  if (s.serverHeader !== "") h.add("Server", s.serverHeader);
  return res;
}
