// fetchContacts(): every attribute of an AOR's contacts under Kamailio's $ulc names
// (registrar reg_fetch_contacts()), for scripts and the management interface.
import { formatTransportAddress } from "./location-row.js";
import type { LocationReader } from "./lookup-order.js";

export interface ContactRecord {
  aor: string;
  /** The Contact URI. */
  addr: string;
  /** Path values joined by "," ("" when none). */
  path: string;
  /** Where a NATed contact is reached, "udp:203.0.113.5:40312"; "" when not NATed (as Kamailio). */
  received: string;
  /** Absolute expiry, epoch seconds (Kamailio time_t). */
  expires: number;
  callid: string;
  /** q × 1000, -1 when none (Kamailio qvalue_t). */
  q: number;
  cseq: number;
  flags: number;
  cflags: number;
  user_agent: string;
  /** Listener the REGISTER came in on. */
  socket: string;
  /** Last change, epoch seconds. */
  modified: number;
  /** Accepted methods joined by ","; undefined: all. */
  methods: string | undefined;
  ruid: string;
  reg_id: number;
  instance: string | undefined;
  /** Connection of the flow (tcp/tls/ws/wss). */
  conid: number | undefined;
}

export interface FetchedContacts {
  aor: string;
  domain: string;
  count: number;
  contacts: ContactRecord[];
}

/** The AOR's live contacts in insertion order, with every attribute. */
export function fetchContacts(store: LocationReader, aor: string): FetchedContacts {
  const contacts = store.get(aor).map(
    (b): ContactRecord => ({
      aor: b.aor,
      addr: b.contact,
      path: b.path.join(","),
      received: b.natted ? formatTransportAddress(b.source.protocol, b.source.address, b.source.port) : "",
      expires: Math.floor(b.expiresAtMs / 1000),
      callid: b.callId,
      q: b.q1000,
      cseq: b.cseq,
      flags: b.flags,
      cflags: 0,
      user_agent: b.userAgent,
      socket: b.listenerId,
      modified: Math.floor(b.modifiedAtMs / 1000),
      methods: b.methods?.join(","),
      ruid: b.ruid,
      reg_id: b.regId,
      instance: b.instance,
      conid: b.connectionId,
    }),
  );
  const at = aor.lastIndexOf("@");
  return { aor, domain: at < 0 ? aor : aor.slice(at + 1), count: contacts.length, contacts };
}
