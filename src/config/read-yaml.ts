// Reads a YAML config file into plain data, keeping enough of the document to say on which line a
// key path is. Syntax errors name the line and column, and never quote the text (it may hold a password).
import { readFileSync } from "node:fs";
import { isNode, LineCounter, parseDocument, type Document, type YAMLError } from "yaml";
import { ConfigError, type ConfigProblem } from "./config-error.js";

export interface YamlSource {
  /** The file as the user named it, for messages. */
  name: string;
  /** The document as plain data; an empty file is {}. */
  data: unknown;
  /** The line of the value at `path`, or of its nearest parent present in the file. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

export function readYamlFile(name: string, absolutePath: string): YamlSource {
  let text: string;
  try {
    text = readFileSync(absolutePath, "utf8");
  } catch (err) {
    throw new ConfigError("CONFIG_UNREADABLE", [{ source: name, detail: `cannot read the config file: ${fileErrorText(err)}` }], { cause: err });
  }
  return parseYaml(name, text);
}

export function parseYaml(name: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const faults = [...doc.errors, ...doc.warnings];
  if (faults.length > 0) throw new ConfigError("CONFIG_SYNTAX", faults.map((e) => syntaxProblem(name, e)));
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (err) {
    // e.g. too many alias expansions
    throw new ConfigError("CONFIG_SYNTAX", [{ source: name, detail: `YAML error: ${firstLine((err as Error).message)}` }], { cause: err });
  }
  return { name, data: data ?? {}, lineOf: (path) => lineOf(doc, lineCounter, path) };
}

function syntaxProblem(name: string, e: YAMLError): ConfigProblem {
  const problem: ConfigProblem = { source: name, detail: `YAML syntax error: ${firstLine(e.message)}` };
  const pos = e.linePos?.[0];
  if (pos !== undefined) {
    problem.line = pos.line;
    problem.column = pos.col;
  }
  return problem;
}

/** The message without the " at line L, column C:" suffix and the quoted excerpt below it. */
function firstLine(message: string): string {
  const line = message.split("\n", 1)[0] ?? "";
  return line.replace(/ at line \d+, column \d+:?\s*$/, "").trim();
}

function lineOf(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range !== undefined && node.range !== null) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** ENOENT → "no such file", without the path (the caller names it). */
export function fileErrorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory, not a file";
    case "ENOTDIR":
      return "a folder on the path is a file";
    default:
      return code ?? (err as Error).message;
  }
}
