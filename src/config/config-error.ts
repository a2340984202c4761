// Typed configuration failures: each problem names where it is (the config file or a command-line
// flag), the key path inside the file, and what was expected. Secrets never go into the text.
import { SipregError } from "../util/errors.js";

export type ConfigErrorCode =
  /** The config file could not be read (missing, unreadable, a directory). */
  | "CONFIG_UNREADABLE"
  /** The file is not well-formed YAML. */
  | "CONFIG_SYNTAX"
  /** The file parsed but a value is wrong: unknown key, wrong type, out of range, missing cert file… */
  | "CONFIG_INVALID"
  /** A command-line flag or its value is wrong. */
  | "CONFIG_BAD_FLAG";

export interface ConfigProblem {
  /** The config file as the user named it ("sipreg.yaml"), or the flag ("--user"). */
  source: string;
  /** Where in the file: "registrar.min_expires", "listen[1].cert"; absent for whole-file and flag problems. */
  keyPath?: string;
  /** Line in the file (1-based), when known. */
  line?: number;
  /** Column (1-based), for syntax errors. */
  column?: number;
  /** What is wrong, e.g. `expected an integer ≥ 0, got "abc"`. */
  detail: string;
}

/** Most problems spelled out in one message; the rest are counted. */
const MAX_LISTED = 20;

export class ConfigError extends SipregError {
  declare readonly code: ConfigErrorCode;
  readonly problems: readonly ConfigProblem[];

  constructor(code: ConfigErrorCode, problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    super(code, formatProblems(problems), options);
    this.problems = Object.freeze([...problems]);
  }
}

export function isConfigError(e: unknown): e is ConfigError {
  return e instanceof ConfigError;
}

/** `sipreg.yaml: registrar.min_expires: expected an integer ≥ 0, got "abc" (line 12)`. */
export function formatProblem(p: ConfigProblem): string {
  const parts = [p.source];
  if (p.keyPath !== undefined && p.keyPath !== "") parts.push(p.keyPath);
  else if (p.line !== undefined) parts.push(p.column === undefined ? `line ${p.line}` : `line ${p.line}, column ${p.column}`);
  const located = p.keyPath !== undefined && p.keyPath !== "" && p.line !== undefined ? ` (line ${p.line})` : "";
  return `${parts.join(": ")}: ${p.detail}${located}`;
}

function formatProblems(problems: readonly ConfigProblem[]): string {
  const lines = problems.slice(0, MAX_LISTED).map(formatProblem);
  if (problems.length > MAX_LISTED) lines.push(`… and ${problems.length - MAX_LISTED} more problems`);
  return lines.join("\n");
}
