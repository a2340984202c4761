// The resolved configuration of `sipreg serve`: every default applied, paths absolute, certificate
// files read, command-line flags merged. What the server is built from.
import type { ConfigUser } from "../auth/config-credentials.js";
import type { RegistrarSettings } from "../registrar/settings.js";
import type { ParserLimits } from "../sip/limits.js";
import type { TimerSettings } from "../transaction/timer-values.js";
import type { ListenerSpec } from "../transport/types.js";
import type { LogLevel } from "../util/logger.js";

export interface SipregConfig {
  /** The config file it came from (absolute), or undefined when none was given. */
  configFile: string | undefined;
  /** Listeners to open, tls/wss ones with their certificate and key read in. */
  listeners: ListenerSpec[];
  /** Folder of the SQLite location database (absolute). */
  dataDir: string;
  logLevel: LogLevel;
  /** Registrar policy; `registrar.domains` holds the configured domains (lower case; empty = any). */
  registrar: RegistrarSettings;
  auth: AuthConfig;
  location: LocationConfig;
  registrant: RegistrantConfig;
  /** Transaction timers T1, T2, T4 (ms). */
  timers: TimerSettings;
  /** Parser limits on what a peer may send. */
  limits: ParserLimits;
  /** Close a TCP/TLS/WS connection idle this long (ms). */
  idleTimeoutMs: number;
}

export interface AuthConfig {
  /** Whether REGISTERs must authenticate ("auto" in the file resolved: any user or the subscriber table). */
  enabled: boolean;
  /** Realm of challenges; "" = the AOR's domain. */
  realm: string;
  /** Digest algorithm names to challenge with, most preferred first ("SHA-256", "MD5"). */
  algorithms: string[];
  /** Age (s) after which a nonce is answered with stale=true. */
  nonceLifetimeSec: number;
  /**
   * Users from the file and --user (for `new ConfigCredentialSource(users)`): domain in lower case,
   * absent = valid in any realm; HA1 values in lower case; passwords as given.
   */
  users: ConfigUser[];
  /** Also look users up in the SQLite subscriber table. */
  subscriberTable: boolean;
  throttle: AuthThrottle;
}

export interface AuthThrottle {
  /** Failed authentications from one source address tolerated within `windowSec`; one more blocks it. */
  maxFailures: number;
  windowSec: number;
  /** How long a blocked source stays blocked (s). */
  blockSec: number;
}

export interface RegistrantConfig {
  /** Accounts to keep registered, in the `--register` syntax (file entries, then flags). */
  accounts: string[];
  /** Also load accounts from the Kamailio-compatible `uacreg` table of the database. */
  uacregTable: boolean;
  maxRegistersPerSecond: number;
  retryIntervalSec: number;
  maxRetries: number;
  forbiddenRetryIntervalSec: number;
  fatalRetryIntervalSec: number;
  /** Refreshes and unregisters carry credentials for the last challenge before being asked. */
  preemptiveAuth: boolean;
  /** PEM certificates trusted, besides the system's, when connecting out over TLS/WSS (file read in). */
  tlsCa: Buffer | undefined;
  /** Verify the registrar's certificate on outgoing TLS/WSS connections. */
  tlsVerify: boolean;
}

export interface LocationConfig {
  /** SQLite `PRAGMA synchronous`: "full" survives power loss, "normal" only process crashes. */
  synchronous: "full" | "normal";
  /** Group commit: most change sets in one transaction. */
  maxBatch: number;
}

/** Values from the command line that override or extend the file. */
export interface ConfigOverrides {
  /** Replace the file's listeners (--listen). tls/wss ones without `tls` take the file's `tls` section. */
  listeners?: ListenerSpec[];
  /** Added to the file's domains (--domain). */
  domains?: string[];
  /** Replaces data_dir (--data); relative to the working folder. */
  dataDir?: string;
  /** Added to the file's users, replacing one with the same name and domain; turns auth on (--user). */
  users?: OverrideUser[];
  logLevel?: LogLevel;
  /** Added to the file's registrant accounts (--register). */
  register?: string[];
}

export interface OverrideUser {
  username: string;
  /** Absent: the user is valid in any realm (as users in the file without domain). */
  domain?: string;
  password: string;
}
