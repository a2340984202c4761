// Picks the NAPTR records a SIP client may follow (RFC 3263 §4.1) and puts them in order.
import { transportOfNaptrService, isSecure } from "./transport-rules.js";
import type { NaptrRecord, SipTransportName } from "./types.js";

export interface SipNaptrChoice {
  transport: SipTransportName;
  /** The SRV owner name to query next (the "s" flag says the replacement names SRV records). */
  srvName: string;
}

/**
 * Keeps records that are terminal "s" records for a known SIP service over a supported transport
 * (for a SIPS URI only the SIPS services, RFC 3263 §4.1), sorted by order then preference
 * (RFC 3403 §4.1). Records with other flags, or an empty/root replacement, are skipped.
 */
export function selectSipNaptrRecords(
  records: readonly NaptrRecord[],
  scheme: "sip" | "sips",
  supported: ReadonlySet<SipTransportName>,
): SipNaptrChoice[] {
  const choices: Array<SipNaptrChoice & { order: number; preference: number }> = [];
  for (const record of records) {
    if (record.flags.toLowerCase() !== "s") continue;
    const transport = transportOfNaptrService(record.service);
    if (transport === undefined || !supported.has(transport)) continue;
    if (scheme === "sips" && !isSecure(transport)) continue;
    const srvName = record.replacement.replace(/\.$/, "").toLowerCase();
    if (srvName === "") continue;
    choices.push({ transport, srvName, order: record.order, preference: record.preference });
  }
  choices.sort((a, b) => a.order - b.order || a.preference - b.preference);
  return choices.map(({ transport, srvName }) => ({ transport, srvName }));
}
