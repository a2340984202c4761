// CSeq (RFC 3261 §20.16): a sequence number below 2^31 and the method.
import { isToken } from "../lexical.js";
import { badHeader } from "./header-error.js";

export interface CSeq {
  seq: number;
  method: string;
}

export function parseCSeq(value: string): CSeq {
  const m = /^\s*(\d{1,10})\s+(\S+)\s*$/.exec(value);
  if (m === null) throw badHeader("cseq", `expected "number METHOD", got "${value.slice(0, 40)}"`);
  const seq = Number(m[1]);
  if (seq > 2147483647) throw badHeader("cseq", "sequence number must be less than 2**31");
  if (!isToken(m[2]!)) throw badHeader("cseq", "bad method");
  return { seq, method: m[2]! };
}
