// A Binding as a `location` row and back (column meanings: location-schema.ts).
import { splitList } from "../sip/lexical.js";
import type { TransportProtocol } from "../transport/types.js";
import type { Binding } from "./binding.js";
import { LocationError } from "./errors.js";

export type LocationRow = Array<string | number | null>;

const PROTOCOLS: ReadonlySet<string> = new Set<TransportProtocol>(["udp", "tcp", "tls", "ws", "wss"]);
const NO_PATH: readonly string[] = Object.freeze([]);

/** "udp:192.0.2.1:5060", "tcp:[2001:db8::1]:5061". */
export function formatTransportAddress(protocol: TransportProtocol, address: string, port: number): string {
  return address.includes(":") ? `${protocol}:[${address}]:${port}` : `${protocol}:${address}:${port}`;
}

export function parseTransportAddress(text: string): { protocol: TransportProtocol; address: string; port: number } | undefined {
  const colon = text.indexOf(":");
  const protocol = text.slice(0, colon);
  if (colon < 0 || !PROTOCOLS.has(protocol)) return undefined;
  let address: string;
  let portText: string;
  if (text.charCodeAt(colon + 1) === 91 /* [ */) {
    const close = text.indexOf("]:", colon);
    if (close < 0) return undefined;
    address = text.slice(colon + 2, close);
    portText = text.slice(close + 2);
  } else {
    const last = text.lastIndexOf(":");
    if (last <= colon) return undefined;
    address = text.slice(colon + 1, last);
    portText = text.slice(last + 1);
  }
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65_535) return undefined;
  return { protocol: protocol as TransportProtocol, address, port };
}

/** The row's values in LOCATION_COLUMNS order. */
export function bindingToRow(b: Binding): LocationRow {
  const at = b.aor.lastIndexOf("@");
  return [
    b.ruid,
    at < 0 ? "" : b.aor.slice(0, at),
    at < 0 ? b.aor : b.aor.slice(at + 1),
    b.contact,
    formatTransportAddress(b.source.protocol, b.source.address, b.source.port),
    b.natted ? 1 : 0,
    b.path.length === 0 ? null : b.path.join(","),
    b.expiresAtMs,
    b.q1000 < 0 ? -1 : b.q1000 / 1000,
    b.callId,
    b.cseq,
    b.modifiedAtMs,
    b.flags,
    0,
    b.userAgent,
    b.listenerId,
    b.methods === undefined ? null : b.methods.join(","),
    b.instance ?? null,
    b.regId,
    b.connectionId ?? null,
    b.contactParams,
  ];
}

function bad(column: string, v: unknown): LocationError {
  return new LocationError("LOCATION_LOAD_FAILED", `location row has a bad ${column}: ${JSON.stringify(v)}`);
}
function text(row: readonly unknown[], i: number, column: string): string {
  const v = row[i];
  if (typeof v !== "string") throw bad(column, v);
  return v;
}
function optionalText(row: readonly unknown[], i: number, column: string): string | undefined {
  return row[i] === null ? undefined : text(row, i, column);
}
function int(row: readonly unknown[], i: number, column: string): number {
  const v = row[i];
  if (typeof v !== "number" || !Number.isInteger(v)) throw bad(column, v);
  return v;
}

/**
 * The binding of a row read with LOCATION_COLUMNS. Connection ids are numbered afresh by each process,
 * so unless `keepConnectionIds` the one stored is dropped: after a restart it would name another flow.
 */
export function rowToBinding(row: readonly unknown[], keepConnectionIds: boolean): Binding {
  const username = text(row, 1, "username");
  const domain = text(row, 2, "domain");
  const received = text(row, 4, "received");
  const source = parseTransportAddress(received);
  if (source === undefined) throw bad("received", received);
  const path = optionalText(row, 6, "path");
  const methods = optionalText(row, 16, "methods");
  const q = row[8];
  if (typeof q !== "number") throw bad("q", q);
  const connectionId = row[19] === null ? undefined : int(row, 19, "connection_id");
  return {
    aor: username === "" ? domain : `${username}@${domain}`,
    ruid: text(row, 0, "ruid"),
    contact: text(row, 3, "contact"),
    expiresAtMs: int(row, 7, "expires"),
    q1000: q < 0 ? -1 : Math.round(q * 1000),
    callId: text(row, 9, "callid"),
    cseq: int(row, 10, "cseq"),
    flags: int(row, 12, "flags"),
    userAgent: text(row, 14, "user_agent"),
    source,
    natted: int(row, 5, "natted") !== 0,
    listenerId: text(row, 15, "socket"),
    connectionId: keepConnectionIds ? connectionId : undefined,
    path: path === undefined ? NO_PATH : (splitList(path) ?? [path]),
    methods: methods === undefined ? undefined : methods === "" ? [] : methods.split(","),
    instance: optionalText(row, 17, "instance"),
    regId: int(row, 18, "reg_id"),
    contactParams: text(row, 20, "contact_params"),
    modifiedAtMs: int(row, 11, "last_modified"),
  };
}
