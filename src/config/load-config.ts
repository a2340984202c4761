// loadConfig: the config file (if any) read, checked against the schema, and resolved with the
// command-line overrides into a SipregConfig. Synchronous, so `sipreg serve` can refuse a bad
// configuration (exit non-zero) before any socket is opened.
import { dirname, resolve } from "node:path";
import { ConfigError } from "./config-error.js";
import { readYamlFile, type YamlSource } from "./read-yaml.js";
import { resolveConfig } from "./resolve-config.js";
import { configSchema, type FileConfig } from "./schema.js";
import type { ConfigOverrides, SipregConfig } from "./types.js";
import { problemsFromIssues } from "./zod-problems.js";

export interface LoadOptions {
  /** Folder that relative paths (the config file's own, flags') are relative to; default process.cwd(). */
  cwd?: string;
}

/**
 * Reads `file` (a YAML path; undefined = defaults only) and applies `overrides`.
 * Throws ConfigError naming the file, the key path and what was expected.
 */
export function loadConfig(file: string | undefined, overrides: ConfigOverrides = {}, options: LoadOptions = {}): SipregConfig {
  const cwd = options.cwd ?? process.cwd();
  if (file === undefined) {
    const defaults: YamlSource = { name: "(built-in defaults)", data: {}, lineOf: () => undefined };
    return resolveConfig(checkSchema(defaults), overrides, { configFile: undefined, file: defaults, baseDir: cwd, cwd });
  }
  const configFile = resolve(cwd, file);
  const source = readYamlFile(file, configFile);
  return resolveConfig(checkSchema(source), overrides, { configFile, file: source, baseDir: dirname(configFile), cwd });
}

/** The file's data checked against the schema, defaults filled in. */
export function checkSchema(source: YamlSource): FileConfig {
  const result = configSchema.safeParse(source.data);
  if (!result.success) throw new ConfigError("CONFIG_INVALID", problemsFromIssues(result.error.issues, source, configSchema));
  return result.data;
}
