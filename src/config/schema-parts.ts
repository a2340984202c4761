// Building blocks of the config schema: each carries the "expected …" wording that error messages
// print, so every message says what would have been accepted.
import { z } from "zod";

/** An integer in [min, max] (max omitted: no upper bound). */
export function integer(min: number, max?: number, what?: string): z.ZodInt {
  const expected = what ?? describeRange(min, max);
  const base = z.int({ error: expected }).min(min, { error: expected });
  return max === undefined ? base : base.max(max, { error: expected });
}

function describeRange(min: number, max: number | undefined): string {
  if (max !== undefined) return `an integer from ${min} to ${max}`;
  return `an integer ≥ ${min}`;
}

/** A percentage: an integer 0..100. */
export function percentage(): z.ZodInt {
  return integer(0, 100, "a percentage, an integer from 0 to 100");
}

export function boolean(): z.ZodBoolean {
  return z.boolean({ error: "true or false" });
}

/** A string; `nonEmpty` refuses "". */
export function text(nonEmpty = false): z.ZodString {
  const expected = nonEmpty ? "a non-empty string" : "a string";
  const base = z.string({ error: expected });
  return nonEmpty ? base.min(1, { error: expected }) : base;
}

/** A string the predicate accepts; `expected` says what that is. */
export function textMatching(expected: string, accept: (s: string) => boolean): z.ZodString {
  return z.string({ error: expected }).refine(accept, { error: expected });
}

/** One of the given strings (compared exactly). */
export function oneOf<const T extends string>(values: readonly T[]): z.ZodCustom<T, T> {
  return z.custom<T>((v) => typeof v === "string" && (values as readonly string[]).includes(v), { error: listOf(values) });
}

/** One of the given numbers (Kamailio's integer modes). */
export function oneOfNumbers<const T extends readonly [number, ...number[]]>(values: T): z.ZodLiteral<T[number]> {
  return z.literal(values, { error: listOf(values) });
}

/** A list of items; `nonEmpty` refuses []. */
export function list<T extends z.ZodType>(item: T, nonEmpty = false): z.ZodArray<T> {
  const base = z.array(item, { error: "a list" });
  return nonEmpty ? base.min(1, { error: "a non-empty list" }) : base;
}

/** A mapping of settings in which unknown keys are errors. */
export function section<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, { error: "a mapping of settings" });
}

/** `"a", "b" or "c"` / `0, 1 or 2`. */
export function listOf(values: readonly (string | number)[]): string {
  const shown = values.map((v) => (typeof v === "string" ? `"${v}"` : String(v)));
  if (shown.length === 1) return shown[0]!;
  return `${shown.slice(0, -1).join(", ")} or ${shown[shown.length - 1]!}`;
}

/** Treats YAML's empty value (null) as absent, so the section's defaults apply. */
export function emptyAsAbsent(value: unknown): unknown {
  return value === null ? undefined : value;
}
