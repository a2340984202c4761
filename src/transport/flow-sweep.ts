// What the periodic sweep does with one connection: time out a connect, send a keepalive ping,
// fail a flow whose pong is late (RFC 5626 §4.4.1), or close an idle connection.
import type { Connection } from "./connection.js";

export interface SweepPolicy {
  idleTimeoutMs: number;
  pongTimeoutMs: number;
  connectTimeoutMs: number;
}

export type SweepAction = "none" | "connect-timeout" | "ping" | "flow-failed" | "idle";

export function sweepAction(c: Connection, now: number, policy: SweepPolicy): SweepAction {
  if (c.closed) return "none";
  if (c.connecting) return now - c.createdAtMs >= policy.connectTimeoutMs ? "connect-timeout" : "none";
  if (c.keepaliveMs > 0) {
    if (c.pingOutstandingSinceMs !== undefined) return now - c.pingOutstandingSinceMs >= policy.pongTimeoutMs ? "flow-failed" : "none";
    // A ping is due when the peer has said nothing (no pong, no data) for a whole interval.
    return now - Math.max(c.lastPongMs, c.lastReceivedMs) >= c.keepaliveMs ? "ping" : "none";
  }
  if (c.held) return "none";
  return now - c.lastActivityMs >= policy.idleTimeoutMs ? "idle" : "none";
}
