// A binding (RFC 3261 §10.3): one contact of one address-of-record, with everything a registrar
// stores about it (the attributes of Kamailio's usrloc contact / $ulc, under our names).
import type { TransportProtocol } from "../transport/types.js";

export interface Binding {
  /** Canonical AOR, "user@domain" (lower case unless case_sensitive), no scheme. */
  readonly aor: string;
  /** Unique record id (Kamailio ruid): stable for the life of the binding; temp-GRUU is derived from it. */
  readonly ruid: string;
  /** The Contact URI as registered (URI text only, no header params). */
  readonly contact: string;
  /** Absolute expiry, epoch milliseconds. */
  readonly expiresAtMs: number;
  /** q × 1000 (0..1000); -1 when the contact gave none and default_q is "none". */
  readonly q1000: number;
  readonly callId: string;
  readonly cseq: number;
  /** Binding flags (bit field, see BINDING_FLAGS). */
  readonly flags: number;
  readonly userAgent: string;
  /** Where the REGISTER came from: what a NATed contact is reached through (Kamailio "received"). */
  readonly source: { readonly protocol: TransportProtocol; readonly address: string; readonly port: number };
  /** True when the source differs from the Contact's host/port (NAT), so lookup routes to `source`. */
  readonly natted: boolean;
  /** Listener the REGISTER arrived on (Kamailio "socket"), e.g. "udp:192.0.2.1:5060". */
  readonly listenerId: string;
  /** Connection id of the flow for tcp/tls/ws/wss (RFC 5626), undefined for udp. */
  readonly connectionId: number | undefined;
  /** Path header values (RFC 3327), outermost first; empty when none. */
  readonly path: readonly string[];
  /** Methods the contact accepts (Allow, or the `methods` feature tag), upper case; undefined = all. */
  readonly methods: readonly string[] | undefined;
  /** +sip.instance (RFC 5626/5627), e.g. "<urn:uuid:...>"; undefined when absent. */
  readonly instance: string | undefined;
  /** reg-id (RFC 5626); 0 when absent. */
  readonly regId: number;
  /** Header parameters of the Contact to echo (other than expires/q), e.g. ";+sip.instance=...;reg-id=1". */
  readonly contactParams: string;
  /** Epoch ms of the last change. */
  readonly modifiedAtMs: number;
}

export const BINDING_FLAGS = {
  /** The binding was made over an Outbound flow (RFC 5626): lookup must use the flow. */
  outbound: 1,
} as const;

/** One change of a REGISTER's change set (applied all or none, §10.3 step 7). */
export type BindingChange =
  | { readonly op: "upsert"; readonly binding: Binding }
  | { readonly op: "remove"; readonly ruid: string; readonly reason: "unregistered" | "replaced" | "expired" | "admin" };
