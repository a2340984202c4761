// RFC 5626 (SIP Outbound) as Kamailio's outbound_mode / regid_mode decide it.
import { reject } from "./rejections.js";
import type { RegistrarSettings } from "./settings.js";

export interface OutboundDecision {
  /** Outbound procedures apply to this REGISTER (flows identified by instance + reg-id). */
  active: boolean;
  /** Use reg-id to match bindings (outbound active, or regid_mode 1). */
  useRegId: boolean;
}

export function decideOutbound(supported: readonly string[], required: readonly string[], pathValues: readonly string[], hasRegId: boolean, s: RegistrarSettings): OutboundDecision {
  const uaOutbound = supported.includes("outbound") || required.includes("outbound");
  if (s.outboundMode === 0) {
    return { active: false, useRegId: s.regIdMode === 1 };
  }
  if (s.outboundMode === 2 && !uaOutbound) reject("outboundRequired", [["Require", "outbound"]]);
  const active = uaOutbound && hasRegId;
  // RFC 5626 §6: the edge proxy (the last Path entry added, i.e. the first Path value) must support
  // outbound ("ob" URI parameter) for a flow-based registration through it.
  if (active && pathValues.length > 0 && !/[;<][^>]*;ob\b|;ob[;>]/i.test(pathValues[0]!)) reject("firstHopLacksOutbound");
  return { active, useRegId: active || s.regIdMode === 1 };
}
