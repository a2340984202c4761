// Token lists: Supported, Require, Proxy-Require, Unsupported (option tags, RFC 3261 §19.2) and Allow (methods).
import { isToken } from "../lexical.js";
import { badHeader } from "./header-error.js";

/** All tokens of every line of a token-list header, in order; an empty header yields none. */
export function parseTokenList(lines: readonly string[], header: string): string[] {
  const out: string[] = [];
  for (const line of lines) {
    for (const raw of line.split(",")) {
      const t = raw.trim();
      if (t.length === 0) continue;
      if (!isToken(t)) throw badHeader(header, `"${t.slice(0, 30)}" is not a token`);
      out.push(t);
    }
  }
  return out;
}
