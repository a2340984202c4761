// What both server transactions check before sending a response the TU built.
import type { SipResponse } from "../sip/message.js";
import { TransactionError } from "./errors.js";

export function checkStatus(res: SipResponse): void {
  if (!Number.isInteger(res.status) || res.status < 100 || res.status > 699) {
    throw new TransactionError("TX_BAD_RESPONSE", `status ${res.status} is not a SIP status code (100-699)`);
  }
}
