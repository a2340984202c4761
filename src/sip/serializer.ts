// Writes a message to bytes (RFC 3261 §7): start line, headers in order, Content-Length from the body.
import type { SipMessage } from "./message.js";

export function startLine(msg: SipMessage): string {
  return msg.kind === "request" ? `${msg.method} ${msg.uriText} ${msg.version}` : `${msg.version} ${msg.status} ${msg.reason}`;
}

/** The head (start line and headers, with the empty line) as a string; Content-Length is written last, computed. */
export function serializeHead(msg: SipMessage): string {
  const h = msg.headers;
  let s = startLine(msg) + "\r\n";
  const keys = h.keys;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] === "content-length") continue;
    s += h.names[i] + ": " + h.values[i] + "\r\n";
  }
  return s + "Content-Length: " + msg.body.length + "\r\n\r\n";
}

export function serializeMessage(msg: SipMessage): Buffer {
  const head = serializeHead(msg);
  if (msg.body.length === 0) return Buffer.from(head, "utf8");
  const headLen = Buffer.byteLength(head, "utf8");
  const out = Buffer.allocUnsafe(headLen + msg.body.length);
  out.write(head, 0, "utf8");
  msg.body.copy(out, headLen);
  return out;
}
