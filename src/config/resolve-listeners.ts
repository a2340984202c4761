// The listeners to open: the file's `listen` (or --listen, which replaces it), with port defaults,
// advertised addresses, and for tls/wss the certificate and key read from their files.
import { resolve } from "node:path";
import { defaultPort } from "../transport/listen-spec.js";
import type { ListenerSpec, TlsSettings } from "../transport/types.js";
import type { FileConfig, ListenEntry } from "./schema.js";
import { SECURE_PROTOCOLS } from "./schema.js";
import type { FileLocator, ProblemList } from "./problems.js";
import { checkTlsPair, readPemFile } from "./tls-files.js";

export interface ListenerContext {
  file: FileLocator;
  /** Folder that relative cert/key paths are relative to (the config file's). */
  baseDir: string;
  problems: ProblemList;
}

type Path = readonly PropertyKey[];

export function resolveListeners(config: FileConfig, fromFlags: readonly ListenerSpec[] | undefined, ctx: ListenerContext): ListenerSpec[] {
  const shared = config.tls === undefined ? undefined : readIdentity(config.tls.cert, config.tls.key, ["tls"], ctx);
  const sharedGiven = config.tls !== undefined;
  let specs: ListenerSpec[];
  if (fromFlags !== undefined && fromFlags.length > 0) {
    specs = fromFlags.map((spec) => {
      if (!SECURE_PROTOCOLS.includes(spec.protocol) || spec.tls !== undefined) return spec;
      if (shared !== undefined) return { ...spec, tls: shared };
      if (!sharedGiven) ctx.problems.inFlag("--listen", `${listenerId(spec)}: a ${spec.protocol} listener needs a certificate and key: set tls.cert and tls.key in the config file`);
      return spec;
    });
    reportDuplicates(specs, (i, detail) => ctx.problems.inFlag("--listen", `${listenerId(specs[i]!)}: ${detail}`));
  } else {
    specs = config.listen.map((entry, i) => fromEntry(entry, ["listen", i], shared, sharedGiven, ctx));
    reportDuplicates(specs, (i, detail) => ctx.problems.inFile(ctx.file, ["listen", i], detail));
  }
  return specs;
}

function fromEntry(entry: ListenEntry, path: Path, shared: TlsSettings | undefined, sharedGiven: boolean, ctx: ListenerContext): ListenerSpec {
  const spec: ListenerSpec = { protocol: entry.protocol, host: entry.host, port: entry.port ?? defaultPort(entry.protocol) };
  if (entry.advertise !== undefined) spec.advertise = { ...entry.advertise };
  if (!SECURE_PROTOCOLS.includes(entry.protocol)) return spec;
  if (entry.cert !== undefined && entry.key !== undefined) {
    const own = readIdentity(entry.cert, entry.key, path, ctx);
    if (own !== undefined) spec.tls = own;
  } else if (shared !== undefined) {
    spec.tls = shared;
  } else if (!sharedGiven) {
    ctx.problems.inFile(ctx.file, path, `a ${entry.protocol} listener needs a certificate and key: give cert and key here, or in the tls section`);
  }
  return spec;
}

/** Reads cert and key (relative to the config folder) and checks they match; problems go to `path`.cert/.key. */
function readIdentity(certFile: string, keyFile: string, path: Path, ctx: ListenerContext): TlsSettings | undefined {
  const cert = readPemFile(resolve(ctx.baseDir, certFile));
  const key = readPemFile(resolve(ctx.baseDir, keyFile));
  if (!cert.ok) ctx.problems.inFile(ctx.file, [...path, "cert"], cert.detail);
  if (!key.ok) ctx.problems.inFile(ctx.file, [...path, "key"], key.detail);
  if (!cert.ok || !key.ok) return undefined;
  const tls: TlsSettings = { cert: cert.contents, key: key.contents };
  const mismatch = checkTlsPair(tls);
  if (mismatch !== undefined) {
    ctx.problems.inFile(ctx.file, path, mismatch);
    return undefined;
  }
  return tls;
}

/** Two listeners on one port of one address: UDP apart, every stream transport (tcp, tls, ws, wss) shares TCP ports. */
function reportDuplicates(specs: readonly ListenerSpec[], report: (index: number, detail: string) => void): void {
  const seen = new Map<string, number>();
  specs.forEach((spec, i) => {
    if (spec.port === 0) return;
    const socket = `${spec.protocol === "udp" ? "udp" : "tcp"} ${spec.host} ${spec.port}`;
    const first = seen.get(socket);
    if (first === undefined) seen.set(socket, i);
    else report(i, `uses the same ${spec.protocol === "udp" ? "UDP" : "TCP"} port as ${listenerId(specs[first]!)}`);
  });
}

export function listenerId(spec: ListenerSpec): string {
  const host = spec.host.includes(":") ? `[${spec.host}]` : spec.host;
  return `${spec.protocol}:${host}:${spec.port}`;
}
