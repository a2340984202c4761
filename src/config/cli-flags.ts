// The command-line flags of `sipreg serve` and how they combine with the config file: --listen
// replaces the file's listeners, --domain and --user add, --data and --log-level replace.
// Values are collected as plain strings and checked here, not by commander, so that a bad --user
// is reported without echoing its password.
import type { Command } from "commander";
import { parseRegisterSpec } from "../registrant/register-spec.js";
import { TransportError } from "../transport/errors.js";
import { parseListenSpec } from "../transport/listen-spec.js";
import type { ListenerSpec } from "../transport/types.js";
import { LOG_LEVELS, type LogLevel } from "../util/logger.js";
import { ConfigError, type ConfigProblem } from "./config-error.js";
import { describeValue } from "./describe-value.js";
import { isSipDomain, isSipUser } from "./host-names.js";
import { loadConfig, type LoadOptions } from "./load-config.js";
import type { ConfigOverrides, OverrideUser, SipregConfig } from "./types.js";

/** The flags as commander hands them to the action (repeatable ones absent when not given). */
export interface ServeFlags {
  config?: string;
  listen?: string[];
  domain?: string[];
  data?: string;
  user?: string[];
  register?: string[];
  logLevel?: string;
}

/** Adds the `sipreg serve` options to `command` (returned, for chaining). No defaults: the file's values apply. */
export function addServeOptions(command: Command): Command {
  return command
    .option("-c, --config <FILE>", "YAML configuration file (keys: docs/configuration.md)")
    .option(
      "-l, --listen <PROTO:HOST[:PORT]>",
      "a listener, repeatable, replacing the file's; PROTO is udp, tcp, tls, ws or wss; IPv6 as udp:[::1]:5060 (default: udp and tcp on 0.0.0.0:5060)",
      collect,
    )
    .option("--domain <NAME>", "a domain to be registrar for, repeatable, added to the file's (default: any domain)", collect)
    .option("--data <DIR>", "folder of the location database (default: data_dir of the file, ./data)")
    .option(
      "--register <SPEC>",
      "an account to keep registered at a remote registrar, repeatable: USER[:PASSWORD]@HOST[:PORT][;transport=udp|tcp|tls|ws|wss][;expires=N][;auth_user=NAME] (AOR sip:USER@HOST)",
      collect,
    )
    .option("--user <NAME:PASSWORD>", "a user, repeatable, added to the file's; NAME is user or user@domain; turns authentication on", collect)
    .option("--log-level <LEVEL>", `one of ${LOG_LEVELS.join(", ")} (default: log_level of the file, info)`);
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Checks the flags' values; throws ConfigError (code CONFIG_BAD_FLAG) naming each bad flag. */
export function overridesFromFlags(flags: ServeFlags): ConfigOverrides {
  const problems: ConfigProblem[] = [];
  const bad = (flag: string, detail: string): void => void problems.push({ source: flag, detail });
  const overrides: ConfigOverrides = {};

  if (flags.config !== undefined && flags.config.trim() === "") bad("--config", `expected a file name, got ""`);

  const listeners: ListenerSpec[] = [];
  for (const text of flags.listen ?? []) {
    try {
      listeners.push(parseListenSpec(text));
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      bad("--listen", err.message);
    }
  }
  if (listeners.length > 0) overrides.listeners = listeners;

  const domains: string[] = [];
  for (const text of flags.domain ?? []) {
    if (isSipDomain(text)) domains.push(text.toLowerCase());
    else bad("--domain", `expected a domain name like example.com, got ${describeValue(text, false)}`);
  }
  if (domains.length > 0) overrides.domains = domains;
  const register: string[] = [];
  for (const text of flags.register ?? []) {
    try {
      parseRegisterSpec(text);
      register.push(text);
    } catch (err) {
      // The message of a spec error never repeats the password.
      bad("--register", err instanceof Error ? err.message.replace(/^--register /, "") : "bad account");
    }
  }
  if (register.length > 0) overrides.register = register;

  if (flags.data !== undefined) {
    if (flags.data.trim() === "") bad("--data", `expected a folder, got ""`);
    else overrides.dataDir = flags.data;
  }

  const users: OverrideUser[] = [];
  for (const text of flags.user ?? []) {
    const parsed = parseUserFlag(text);
    if (typeof parsed === "string") bad("--user", parsed);
    else users.push(parsed);
  }
  if (users.length > 0) overrides.users = users;

  if (flags.logLevel !== undefined) {
    if (isLogLevel(flags.logLevel)) overrides.logLevel = flags.logLevel;
    else bad("--log-level", `expected one of ${LOG_LEVELS.join(", ")}, got ${describeValue(flags.logLevel, false)}`);
  }

  if (problems.length > 0) throw new ConfigError("CONFIG_BAD_FLAG", problems);
  return overrides;
}

/**
 * `NAME:PASSWORD`, NAME being `user` or `user@domain` → the user, or what is wrong with it.
 * The password (everything after the first ":") never appears in the returned text.
 */
export function parseUserFlag(text: string): OverrideUser | string {
  const colon = text.indexOf(":");
  if (colon < 0) return `expected NAME:PASSWORD, got ${describeValue(text, false)}`;
  const name = text.slice(0, colon);
  const password = text.slice(colon + 1);
  const at = name.lastIndexOf("@");
  const username = at < 0 ? name : name.slice(0, at);
  const domain = at < 0 ? undefined : name.slice(at + 1);
  if (!isSipUser(username) || (domain !== undefined && !isSipDomain(domain))) {
    return `expected NAME:PASSWORD with NAME as user or user@domain, got NAME ${describeValue(name, false)}`;
  }
  if (password === "") return `expected NAME:PASSWORD with a non-empty PASSWORD, got ${describeValue(`${name}:`, false)}`;
  return domain === undefined ? { username, password } : { username, domain: domain.toLowerCase(), password };
}

/** The whole configuration for `sipreg serve`: --config's file (if any) with the other flags applied. */
export function configFromFlags(flags: ServeFlags, options: LoadOptions = {}): SipregConfig {
  const overrides = overridesFromFlags(flags);
  return loadConfig(flags.config, overrides, options);
}

function isLogLevel(text: string): text is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(text);
}
