// Builds a response to a request per RFC 3261 §8.2.6: Via (all, in order), From, To (with a tag),
// Call-ID and CSeq copied; Timestamp echoed in a 100 (§8.2.6.1).
import { HeaderList } from "./header-list.js";
import { SipResponse, type SipRequest } from "./message.js";
import { SipParseError } from "./parse-error.js";
import { reasonPhrase } from "./status.js";

export interface ResponseOptions {
  reason?: string;
  /** The To tag to add when the request's To has none (ignored for 100, §8.2.6.2). */
  toTag?: string;
}

export function createResponse(req: SipRequest, status: number, options: ResponseOptions = {}): SipResponse {
  const src = req.headers;
  const addTag = status > 100 && options.toTag !== undefined && !toHasTag(req);
  const h = new HeaderList();
  const keys = src.keys;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (k === "via" || k === "from" || k === "call-id" || k === "cseq") {
      h.addRaw(src.names[i]!, k, src.values[i]!);
    } else if (k === "to") {
      let v = src.values[i]!;
      if (addTag) v += ";tag=" + options.toTag;
      h.addRaw(src.names[i]!, k, v);
    } else if (k === "timestamp" && status === 100) {
      h.addRaw(src.names[i]!, k, src.values[i]!);
    }
  }
  return new SipResponse(status, options.reason ?? reasonPhrase(status), h);
}

// Whether the To already carries a tag. A To that does not parse (the very defect a 400 reports, RFC 4475
// quotbal/baddn/multi01) is copied as written, without a tag: appending one could not make it valid.
function toHasTag(req: SipRequest): boolean {
  try {
    return req.toTag !== undefined;
  } catch (e) {
    if (e instanceof SipParseError) return true;
    throw e;
  }
}
