// Reads the key structure out of a zod schema: every key path ("registrar.min_expires",
// "listen[].cert"), and the keys a mapping at some path accepts (for "did you mean …?" hints).
import { z } from "zod";

/** Every key path of the schema, parents before children; list items are written "[]". */
export function keyPaths(schema: z.ZodType): string[] {
  const out: string[] = [];
  const walk = (s: z.ZodType, prefix: string): void => {
    for (const shape of objectShapes(s)) {
      for (const [key, child] of Object.entries(shape)) {
        const path = prefix === "" ? key : `${prefix}.${key}`;
        if (!out.includes(path)) out.push(path);
        walk(child, path);
      }
    }
    for (const element of arrayElements(s)) walk(element, `${prefix}[]`);
  };
  walk(schema, "");
  return out;
}

/** The keys the mapping at `path` accepts (list indexes in `path` are numbers); [] if none is known. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType[] = [schema];
  for (const segment of path) {
    const next: z.ZodType[] = [];
    for (const s of current) {
      if (typeof segment === "number") next.push(...arrayElements(s));
      else for (const shape of objectShapes(s)) if (typeof segment === "string" && shape[segment] !== undefined) next.push(shape[segment]);
    }
    current = next;
  }
  return [...new Set(current.flatMap((s) => objectShapes(s).flatMap((shape) => Object.keys(shape))))];
}

type Shape = Record<string, z.ZodType>;

/** The object schemas `s` stands for, through optional/default/pipe/union wrappers. */
function objectShapes(s: z.ZodType): Shape[] {
  return unwrap(s).flatMap((u) => (u instanceof z.ZodObject ? [u.shape as Shape] : []));
}

function arrayElements(s: z.ZodType): z.ZodType[] {
  return unwrap(s).flatMap((u) => (u instanceof z.ZodArray ? [u.element as z.ZodType] : []));
}

function unwrap(s: z.ZodType): z.ZodType[] {
  if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault || s instanceof z.ZodPrefault) {
    return unwrap(s.unwrap() as z.ZodType);
  }
  if (s instanceof z.ZodPipe) return [...unwrap(s.in as z.ZodType), ...unwrap(s.out as z.ZodType)];
  if (s instanceof z.ZodUnion) return (s.options as readonly z.ZodType[]).flatMap(unwrap);
  return [s];
}
