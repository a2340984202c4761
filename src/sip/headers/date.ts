// Date (RFC 3261 §20.17): RFC 1123 date, always in GMT.
import { badHeader } from "./header-error.js";

const DATE_RE = /^\s*(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT\s*$/;

/** Milliseconds since the epoch. */
export function parseDate(value: string): number {
  if (!DATE_RE.test(value)) throw badHeader("date", `not an RFC 1123 date in GMT: "${value.slice(0, 40)}"`);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw badHeader("date", "invalid date");
  return t;
}

/** "Sat, 13 Nov 2010 23:29:00 GMT" */
export function formatDate(ms: number): string {
  return new Date(ms).toUTCString();
}
