// Shared by the registrar tests: REGISTER requests built from raw text, a registrar over a memory store.
import { parseMessage } from "../sip/parser.js";
import type { SipRequest, SipResponse } from "../sip/message.js";
import type { Origin } from "../transport/types.js";
import { ManualClock } from "../util/clock.js";
import { MemoryLocationStore } from "../location/memory-store.js";
import { Registrar, type RegistrarOptions } from "./registrar.js";
import type { RegistrarSettings } from "./settings.js";

export interface RegisterSpec {
  uri?: string;
  to?: string;
  from?: string;
  callId?: string;
  cseq?: number;
  contacts?: string[];
  expires?: number | string;
  headers?: string[];
  via?: string;
}

let branch = 0;

/** A REGISTER as wire text (CRLF), parsed like the transport would. */
export function register(r: RegisterSpec = {}): SipRequest {
  branch++;
  const lines = [
    `REGISTER ${r.uri ?? "sip:example.com"} SIP/2.0`,
    `Via: ${r.via ?? `SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-reg-${branch}`}`,
    "Max-Forwards: 70",
    `To: ${r.to ?? "<sip:alice@example.com>"}`,
    `From: ${r.from ?? r.to ?? "<sip:alice@example.com>"};tag=f${branch}`,
    `Call-ID: ${r.callId ?? "call-1@192.0.2.10"}`,
    `CSeq: ${r.cseq ?? 1} REGISTER`,
    ...(r.contacts ?? ["<sip:alice@192.0.2.10:5060>"]).map((c) => `Contact: ${c}`),
    ...(r.expires === undefined ? [] : [`Expires: ${r.expires}`]),
    ...(r.headers ?? []),
    "Content-Length: 0",
    "",
    "",
  ];
  const m = parseMessage(Buffer.from(lines.join("\r\n")));
  if (m.kind !== "request") throw new Error("not a request");
  return m;
}

export const UDP_ORIGIN: Origin = {
  protocol: "udp",
  remote: { address: "192.0.2.10", port: 5060 },
  local: { address: "127.0.0.1", port: 5060 },
  listenerId: "udp:127.0.0.1:5060",
  connectionId: undefined,
};

export function natOrigin(port = 40000): Origin {
  return { ...UDP_ORIGIN, remote: { address: "203.0.113.7", port } };
}

export interface Harness {
  registrar: Registrar;
  store: MemoryLocationStore;
  clock: ManualClock;
  send(req: SipRequest, origin?: Origin): Promise<SipResponse>;
}

export async function harness(settings: Partial<RegistrarSettings> = {}, extra: Partial<RegistrarOptions> = {}): Promise<Harness> {
  const clock = new ManualClock();
  const store = new MemoryLocationStore({ clock });
  await store.open();
  const registrar = new Registrar({ store, settings, clock, ...extra });
  return { registrar, store, clock, send: (req, origin = UDP_ORIGIN) => registrar.handle(req, origin) };
}

/** Contact header values of a response. */
export function contactsOf(res: SipResponse): string[] {
  return res.headers.getAll("contact");
}
