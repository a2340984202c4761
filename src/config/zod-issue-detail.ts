// Checks that need more than "expected X" (cross-field rules, listen-spec parsing) raise a custom
// issue carrying the whole detail; this marks such issues so the formatter prints them as they are.
import type { z } from "zod";

const FULL = "sipregFullDetail";

/** A custom issue whose message is the complete detail ("expected … , got …"). */
export function fullIssue(path: PropertyKey[], detail: string): z.core.$ZodSuperRefineIssue<z.core.$ZodIssueCustom> {
  return { code: "custom", message: detail, path, params: { [FULL]: true }, input: undefined };
}

export function isFullIssue(issue: z.core.$ZodIssue): boolean {
  return issue.code === "custom" && issue.params?.[FULL] === true;
}
