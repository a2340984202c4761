// "udp:127.0.0.1:5060", "tcp:[::1]:5080" → ListenerSpec (the --listen syntax of `sipreg serve`).
// IPv6 addresses are written in brackets as in SIP URIs (RFC 3261 §19.1.1); the port may be omitted.
import { isIP } from "node:net";
import { TransportError } from "./errors.js";
import { ALL_PROTOCOLS, type ListenerSpec, type TransportProtocol } from "./types.js";

const SPEC_RE = /^([A-Za-z]+):(\[[^\]]*\]|[^:[\]]*)(?::(\d*))?$/;

export function parseListenSpec(text: string): ListenerSpec {
  const spec = text.trim();
  const m = SPEC_RE.exec(spec);
  if (m === null) throw bad(text, "expected PROTO:HOST[:PORT], IPv6 in brackets (udp:[::1]:5060)");
  const protocol = m[1]!.toLowerCase();
  if (!isProtocol(protocol)) throw bad(text, `unknown transport "${m[1]!}", expected one of ${ALL_PROTOCOLS.join(", ")}`);
  const bracketed = m[2]!.startsWith("[");
  const host = bracketed ? m[2]!.slice(1, -1) : m[2]!;
  const family = isIP(host);
  if (family === 0) throw bad(text, `"${host}" is not an IP address to bind`);
  if (family === 6 && !bracketed) throw bad(text, "write an IPv6 address in brackets");
  if (family === 4 && bracketed) throw bad(text, "brackets are for IPv6 addresses only");
  const portText = m[3];
  if (portText === "") throw bad(text, "empty port");
  const port = portText === undefined ? defaultPort(protocol) : Number(portText);
  if (portText !== undefined && (portText.length > 5 || port > 65535)) throw bad(text, `port ${portText} out of range 0-65535`);
  return { protocol, host, port };
}

export function defaultPort(p: TransportProtocol): number {
  switch (p) {
    case "udp":
    case "tcp":
      return 5060;
    case "tls":
      return 5061;
    case "ws":
      return 80;
    case "wss":
      return 443;
  }
}

function isProtocol(p: string): p is TransportProtocol {
  return (ALL_PROTOCOLS as readonly string[]).includes(p);
}

function bad(text: string, why: string): TransportError {
  return new TransportError("TRANSPORT_BAD_SPEC", `bad listen address "${text}": ${why}`);
}
