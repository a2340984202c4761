// Helper to raise the typed parse error for one header.
import { SipParseError } from "../parse-error.js";

export function badHeader(header: string, why: string): SipParseError {
  return new SipParseError("SIP_PARSE_HEADER", `bad ${header} header: ${why}`, header);
}
