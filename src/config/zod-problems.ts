// Turns zod's issues into config problems: file, key path, line, and "expected …, got …".
import type { z } from "zod";
import type { ConfigProblem } from "./config-error.js";
import { describeValue } from "./describe-value.js";
import { closestMatch } from "./did-you-mean.js";
import { formatKeyPath, isSecretPath, valueAt } from "./key-path.js";
import type { YamlSource } from "./read-yaml.js";
import { keysAt } from "./schema-keys.js";
import { isFullIssue } from "./zod-issue-detail.js";

export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], source: YamlSource, schema: z.ZodType): ConfigProblem[] {
  return issues.flatMap(expandUnion).flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => unknownKeyProblem([...issue.path, key], source, keysAt(schema, issue.path)));
    }
    return [problemAt(issue.path, detailOf(issue, source.data), source)];
  });
}

/**
 * A value matching no alternative of a union (a listener: string or mapping) is reported through
 * the one alternative it got furthest in (a bad port inside a mapping), if there is exactly one;
 * else as the union's own "expected …".
 */
function expandUnion(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== "invalid_union") return [issue];
  const informative = issue.errors.filter((branch) => branch.some((i) => i.path.length > 0 || isFullIssue(i)));
  if (informative.length !== 1) return [issue];
  return informative[0]!.flatMap((i) => expandUnion({ ...i, path: [...issue.path, ...i.path] }));
}

function detailOf(issue: z.core.$ZodIssue, data: unknown): string {
  if (isFullIssue(issue)) return issue.message;
  const got = describeValue(valueAt(data, issue.path), isSecretPath(issue.path));
  return `expected ${issue.message}, got ${got}`;
}

function unknownKeyProblem(path: PropertyKey[], source: YamlSource, known: string[]): ConfigProblem {
  const key = String(path[path.length - 1]);
  const guess = closestMatch(key, known);
  const hint = guess !== undefined ? `did you mean "${guess}"?` : `expected one of ${known.join(", ")}`;
  return problemAt(path, `unknown key: ${hint}`, source);
}

function problemAt(path: readonly PropertyKey[], detail: string, source: YamlSource): ConfigProblem {
  const problem: ConfigProblem = { source: source.name, keyPath: formatKeyPath(path), detail };
  const line = source.lineOf(path);
  if (line !== undefined) problem.line = line;
  return problem;
}
