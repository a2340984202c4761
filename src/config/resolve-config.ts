// From the checked file content (snake_case, defaults filled) and the command-line overrides to the
// resolved SipregConfig: paths made absolute, certificate files read, users given their domains.
import { resolve } from "node:path";
import type { RegistrarSettings } from "../registrar/settings.js";
import type { FileConfig } from "./schema.js";
import { ProblemList, type FileLocator } from "./problems.js";
import { resolveListeners } from "./resolve-listeners.js";
import { resolveUsers } from "./resolve-users.js";
import { readPemFile } from "./tls-files.js";
import type { AuthConfig, ConfigOverrides, SipregConfig } from "./types.js";

export interface ResolveContext {
  /** The config file (absolute), or undefined when the defaults are used alone. */
  configFile: string | undefined;
  /** Names the file in messages and finds a key's line. */
  file: FileLocator;
  /** Folder that the file's relative paths are relative to. */
  baseDir: string;
  /** Folder that relative paths from flags are relative to. */
  cwd: string;
}

export function resolveConfig(config: FileConfig, overrides: ConfigOverrides, ctx: ResolveContext): SipregConfig {
  const problems = new ProblemList();
  const domains = [...new Set([...config.domains, ...(overrides.domains ?? [])].map((d) => d.toLowerCase()))];
  const listeners = resolveListeners(config, overrides.listeners, { file: ctx.file, baseDir: ctx.baseDir, problems });
  const users = resolveUsers(config, overrides.users ?? [], { file: ctx.file, problems });
  const auth = authConfig(config, users, (overrides.users ?? []).length > 0);
  if (auth.enabled && auth.users.length === 0 && !auth.subscriberTable) {
    problems.inFile(ctx.file, ["auth", "enabled"], "is true, but there are no users and subscriber_table is false: no one could register");
  }
  let tlsCa: Buffer | undefined;
  if (config.registrant.tls_ca !== undefined) {
    const ca = readPemFile(resolve(ctx.baseDir, config.registrant.tls_ca));
    if (ca.ok) tlsCa = ca.contents;
    else problems.inFile(ctx.file, ["registrant", "tls_ca"], ca.detail);
  }
  problems.throwIfAny();
  return {
    configFile: ctx.configFile,
    listeners,
    dataDir: overrides.dataDir !== undefined ? resolve(ctx.cwd, overrides.dataDir) : resolve(ctx.baseDir, config.data_dir),
    logLevel: overrides.logLevel ?? config.log_level,
    registrar: registrarSettings(config, domains),
    auth,
    location: { synchronous: config.location.synchronous, maxBatch: config.location.max_batch },
    registrant: {
      accounts: [...config.registrant.accounts, ...(overrides.register ?? [])],
      uacregTable: config.registrant.uacreg_table,
      maxRegistersPerSecond: config.registrant.max_register_rate,
      retryIntervalSec: config.registrant.retry_interval,
      maxRetries: config.registrant.max_retries,
      forbiddenRetryIntervalSec: config.registrant.forbidden_retry_interval,
      fatalRetryIntervalSec: config.registrant.fatal_retry_interval,
      preemptiveAuth: config.registrant.preemptive_auth,
      tlsCa,
      tlsVerify: config.registrant.tls_verify,
    },
    timers: { t1Ms: config.transactions.t1, t2Ms: config.transactions.t2, t4Ms: config.transactions.t4 },
    limits: {
      maxMessageBytes: config.limits.max_message_bytes,
      maxHeaders: config.limits.max_headers,
      maxLineBytes: config.limits.max_line_bytes,
    },
    idleTimeoutMs: config.tcp.idle_timeout * 1000,
  };
}

function authConfig(config: FileConfig, users: AuthConfig["users"], usersFromFlags: boolean): AuthConfig {
  const a = config.auth;
  const enabled = usersFromFlags || (a.enabled === "auto" ? users.length > 0 || a.subscriber_table : a.enabled);
  return {
    enabled,
    realm: a.realm,
    algorithms: [...a.algorithms],
    nonceLifetimeSec: a.nonce_lifetime,
    users,
    subscriberTable: a.subscriber_table,
    throttle: { maxFailures: a.throttle.max_failures, windowSec: a.throttle.window, blockSec: a.throttle.block },
  };
}

function registrarSettings(config: FileConfig, domains: string[]): RegistrarSettings {
  const r = config.registrar;
  return {
    domains,
    foreignDomainStatus: r.foreign_domain_status,
    defaultExpires: r.default_expires,
    defaultExpiresRange: r.default_expires_range,
    expiresRange: r.expires_range,
    minExpires: r.min_expires,
    minExpiresMode: r.min_expires_mode,
    maxExpires: r.max_expires,
    defaultQ1000: r.default_q,
    realmPrefix: r.realm_prefix,
    caseSensitive: r.case_sensitive,
    receivedParam: r.received_param,
    maxContacts: r.max_contacts,
    retryAfter: r.retry_after,
    methodFiltering: r.method_filtering,
    usePath: r.use_path,
    pathMode: r.path_mode,
    pathUseReceived: r.path_use_received,
    gruuEnabled: r.gruu_enabled,
    outboundMode: r.outbound_mode,
    regIdMode: r.regid_mode,
    flowTimer: r.flow_timer,
    thirdParty: r.third_party.map((t) => ({ registrant: t.registrant, aors: [...t.aors] })),
    serverHeader: r.server_header,
  };
}
