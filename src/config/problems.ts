// Collects the problems found while resolving a config, so one run reports all of them.
import { ConfigError, type ConfigProblem } from "./config-error.js";
import { formatKeyPath } from "./key-path.js";

/** Where file problems are reported: the file's name and how to find a key's line. */
export interface FileLocator {
  name: string;
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

export class ProblemList {
  private readonly items: ConfigProblem[] = [];

  /** A problem at a key path of the config file. */
  inFile(file: FileLocator, path: readonly PropertyKey[], detail: string): void {
    const problem: ConfigProblem = { source: file.name, keyPath: formatKeyPath(path), detail };
    const line = file.lineOf(path);
    if (line !== undefined) problem.line = line;
    this.items.push(problem);
  }

  /** A problem with a command-line flag ("--user"). */
  inFlag(flag: string, detail: string): void {
    this.items.push({ source: flag, detail });
  }

  get count(): number {
    return this.items.length;
  }

  /** Throws a ConfigError listing every problem, if there is any. */
  throwIfAny(): void {
    if (this.items.length === 0) return;
    const onlyFlags = this.items.every((p) => p.source.startsWith("--"));
    throw new ConfigError(onlyFlags ? "CONFIG_BAD_FLAG" : "CONFIG_INVALID", this.items);
  }
}
