// The YAML configuration of `sipreg serve`: every key, its type, range and default. Keys are
// snake_case and, in `registrar`, named after Kamailio's registrar module parameters. Unknown keys
// are errors. This checks the file's own content; reading certificate files, resolving paths and
// merging command-line flags happen in resolve-config.ts.
import { z } from "zod";
import { DIGEST_ALGORITHMS } from "../auth/algorithms.js";
import { parseRegisterSpec } from "../registrant/register-spec.js";
import { REGISTRAR_DEFAULT_ALGORITHMS } from "../auth/server-algorithms.js";
import { DEFAULT_REGISTRAR_SETTINGS as REG } from "../registrar/settings.js";
import { DEFAULT_LIMITS } from "../sip/limits.js";
import { DEFAULT_TIMER_SETTINGS } from "../transaction/timer-values.js";
import { TransportError } from "../transport/errors.js";
import { parseListenSpec } from "../transport/listen-spec.js";
import { ALL_PROTOCOLS } from "../transport/types.js";
import { LOG_LEVELS } from "../util/logger.js";
import { isAorText, isBindAddress, isSipDomain, isSipUser, parseHostPort } from "./host-names.js";
import {
  boolean,
  emptyAsAbsent,
  integer,
  list,
  oneOf,
  oneOfNumbers,
  percentage,
  section,
  text,
  textMatching,
} from "./schema-parts.js";
import { fullIssue } from "./zod-issue-detail.js";

export const DEFAULT_LISTEN: readonly string[] = Object.freeze(["udp:0.0.0.0:5060", "tcp:0.0.0.0:5060"]);
export const DEFAULT_DATA_DIR = "./data";

/** Protocols whose listeners need a certificate and key. */
export const SECURE_PROTOCOLS: readonly string[] = ["tls", "wss"];

const hostPort = textMatching("HOST or HOST:PORT, IPv6 in brackets ([2001:db8::1]:5061)", (s) => parseHostPort(s) !== undefined);

/** `{ protocol: tls, host: 0.0.0.0, port: 5061, cert: …, key: …, advertise: sip.example.com }` */
const listenerObject = section({
  protocol: oneOf(ALL_PROTOCOLS),
  host: textMatching("an IP address to bind (IPv6 without brackets)", isBindAddress).default("0.0.0.0"),
  port: integer(0, 65535).optional(),
  cert: text(true).optional(),
  key: text(true).optional(),
  advertise: hostPort.optional(),
}).superRefine((l, ctx) => {
  const secure = SECURE_PROTOCOLS.includes(l.protocol);
  for (const file of ["cert", "key"] as const) {
    if (l[file] !== undefined && !secure) ctx.addIssue(fullIssue([file], `only tls and wss listeners take a ${file}, this one is ${l.protocol}`));
  }
  if (secure && (l.cert === undefined) !== (l.key === undefined)) {
    const missing = l.cert === undefined ? "cert" : "key";
    ctx.addIssue(fullIssue([missing], `required: cert and key go together`));
  }
});

/** A listener written out, or the short form "udp:0.0.0.0:5060" (the --listen syntax). */
export interface ListenEntry {
  protocol: (typeof ALL_PROTOCOLS)[number];
  host: string;
  /** Undefined: the protocol's default port. */
  port?: number;
  cert?: string;
  key?: string;
  advertise?: { host: string; port?: number };
}

const shortListener = z.string().transform((spec, ctx): ListenEntry => {
  try {
    return parseListenSpec(spec);
  } catch (err) {
    if (!(err instanceof TransportError)) throw err;
    ctx.addIssue(fullIssue([], err.message));
    return z.NEVER;
  }
});

const listenEntry = z.union([shortListener, listenerObject.transform(toListenEntry)], {
  error: 'a listener: "PROTO:HOST:PORT" or a mapping with protocol, host, port…',
});

function toListenEntry(l: z.output<typeof listenerObject>): ListenEntry {
  const entry: ListenEntry = { protocol: l.protocol, host: l.host };
  if (l.port !== undefined) entry.port = l.port;
  if (l.cert !== undefined) entry.cert = l.cert;
  if (l.key !== undefined) entry.key = l.key;
  if (l.advertise !== undefined) entry.advertise = parseHostPort(l.advertise)!;
  return entry;
}

/** The certificate and key for tls/wss listeners that name none of their own. */
const tlsSection = section({
  cert: text(true),
  key: text(true),
});

const thirdPartyEntry = section({
  registrant: textMatching("an AOR like admin@example.com", (s) => isAorText(s, false)),
  aors: list(textMatching('an AOR like alice@example.com, or "*@example.com"', (s) => isAorText(s, true)), true),
});

const registrarSection = section({
  default_expires: integer(1).default(REG.defaultExpires),
  default_expires_range: percentage().default(REG.defaultExpiresRange),
  expires_range: percentage().default(REG.expiresRange),
  min_expires: integer(0).default(REG.minExpires),
  min_expires_mode: oneOf(["reject", "raise"] as const).default(REG.minExpiresMode),
  max_expires: integer(0).default(REG.maxExpires),
  default_q: integer(-1, 1000, "an integer from 0 to 1000 (q × 1000), or -1 for none").default(REG.defaultQ1000),
  realm_prefix: textMatching('a domain prefix like "sip." or ""', (s) => /^[A-Za-z0-9.-]*$/.test(s)).default(REG.realmPrefix),
  case_sensitive: boolean().default(REG.caseSensitive),
  received_param: textMatching('a parameter name (letters, digits, "-", "_", ".") or ""', (s) => /^[A-Za-z0-9.!%*_+`'~-]*$/.test(s)).default(
    REG.receivedParam,
  ),
  max_contacts: integer(0).default(REG.maxContacts),
  retry_after: integer(0).default(REG.retryAfter),
  method_filtering: boolean().default(REG.methodFiltering),
  use_path: boolean().default(REG.usePath),
  path_mode: oneOfNumbers([0, 1, 2]).default(REG.pathMode),
  path_use_received: boolean().default(REG.pathUseReceived),
  gruu_enabled: boolean().default(REG.gruuEnabled),
  outbound_mode: oneOfNumbers([0, 1, 2]).default(REG.outboundMode),
  regid_mode: oneOfNumbers([0, 1]).default(REG.regIdMode),
  flow_timer: integer(0).default(REG.flowTimer),
  foreign_domain_status: oneOfNumbers([403, 404]).default(REG.foreignDomainStatus),
  third_party: list(thirdPartyEntry).default(() => []),
  server_header: textMatching('a header value without control characters, or "" for none', (s) => !/[\u0000-\u001f\u007f]/.test(s)).default(
    REG.serverHeader,
  ),
}).superRefine((r, ctx) => {
  if (r.flow_timer > 0 && r.outbound_mode === 0) {
    ctx.addIssue(fullIssue(["flow_timer"], `expected 0 while outbound_mode is 0 (Flow-Timer needs outbound_mode 1 or 2), got ${r.flow_timer}`));
  }
  if (r.max_expires > 0 && r.min_expires > r.max_expires) {
    ctx.addIssue(fullIssue(["min_expires"], `expected at most max_expires (${r.max_expires}), got ${r.min_expires}`));
  }
});

const HA1_FIELDS = ["ha1", "ha1_sha256"] as const;

const userEntry = section({
  username: textMatching('a user name (no spaces, ":" or "@")', isSipUser),
  domain: textMatching("a domain name like example.com", isSipDomain).optional(),
  password: textMatching('a non-empty string (quote a password of digits: "12345")', (s) => s !== "").optional(),
  ha1: textMatching("32 hex digits: MD5(username:realm:password)", (s) => /^[0-9a-fA-F]{32}$/.test(s)).optional(),
  ha1_sha256: textMatching("64 hex digits: SHA-256(username:realm:password)", (s) => /^[0-9a-fA-F]{64}$/.test(s)).optional(),
}).superRefine((u, ctx) => {
  const hasHa1 = HA1_FIELDS.some((f) => u[f] !== undefined);
  if (u.password === undefined && !hasHa1) ctx.addIssue(fullIssue([], `expected a password, or ${HA1_FIELDS.join(" / ")}`));
  if (u.password !== undefined && hasHa1) ctx.addIssue(fullIssue(["password"], "give either password or ha1 values, not both"));
});

const ALGORITHM_NAMES = DIGEST_ALGORITHMS.map((a) => a.name);

const authSection = section({
  enabled: z.union([z.literal("auto"), z.boolean()], { error: '"auto", true or false' }).default("auto"),
  realm: textMatching('a realm (no quotes or control characters), or "" for the AOR\'s domain', (s) => !/["\\\u0000-\u001f\u007f]/.test(s)).default(""),
  algorithms: list(oneOf(ALGORITHM_NAMES), true)
    .superRefine((names, ctx) => {
      names.forEach((name, i) => {
        if (names.indexOf(name) !== i) ctx.addIssue(fullIssue([i], `"${name}" is listed twice`));
      });
    })
    .default(() => [...REGISTRAR_DEFAULT_ALGORITHMS]),
  nonce_lifetime: integer(1, 86_400).default(300),
  users: list(userEntry).default(() => []),
  subscriber_table: boolean().default(false),
  throttle: orDefault(
    section({
      max_failures: integer(1).default(10),
      window: integer(1).default(60),
      block: integer(1).default(300),
    }),
  ),
});

const locationSection = section({
  synchronous: oneOf(["full", "normal"] as const).default("full"),
  max_batch: integer(1, 100_000).default(512),
});

const registrantSection = section({
  accounts: list(textMatching("an account USER[:PASSWORD]@HOST[:PORT][;transport=udp|tcp|tls|ws|wss][;expires=N][;auth_user=NAME]", isRegisterSpec)).default(() => []),
  uacreg_table: boolean().default(false),
  max_register_rate: integer(1, 1_000_000).default(1000),
  retry_interval: integer(1, 86_400).default(60),
  max_retries: integer(0, 1_000_000).default(10),
  forbidden_retry_interval: integer(0, 86_400).default(0),
  fatal_retry_interval: integer(0, 86_400).default(0),
  preemptive_auth: boolean().default(true),
  tls_ca: text(true).optional(),
  tls_verify: boolean().default(true),
});

function isRegisterSpec(text: string): boolean {
  try {
    parseRegisterSpec(text);
    return true;
  } catch {
    return false;
  }
}

const transactionsSection = section({
  t1: integer(1, 60_000).default(DEFAULT_TIMER_SETTINGS.t1Ms),
  t2: integer(1, 600_000).default(DEFAULT_TIMER_SETTINGS.t2Ms),
  t4: integer(1, 600_000).default(DEFAULT_TIMER_SETTINGS.t4Ms),
}).superRefine((t, ctx) => {
  if (t.t2 < t.t1) ctx.addIssue(fullIssue(["t2"], `expected at least t1 (${t.t1}), got ${t.t2}`));
});

const limitsSection = section({
  max_message_bytes: integer(1024, 16 * 1024 * 1024).default(DEFAULT_LIMITS.maxMessageBytes),
  max_headers: integer(1, 100_000).default(DEFAULT_LIMITS.maxHeaders),
  max_line_bytes: integer(256, 16 * 1024 * 1024).default(DEFAULT_LIMITS.maxLineBytes),
}).superRefine((l, ctx) => {
  if (l.max_line_bytes > l.max_message_bytes) {
    ctx.addIssue(fullIssue(["max_line_bytes"], `expected at most max_message_bytes (${l.max_message_bytes}), got ${l.max_line_bytes}`));
  }
});

const tcpSection = section({
  idle_timeout: integer(1).default(600),
});

/** `schema` absent or empty (YAML null) → its defaults. */
function orDefault<T extends z.ZodType>(schema: T) {
  return z.preprocess(emptyAsAbsent, schema.prefault({} as z.input<T>));
}

export const configSchema = section({
  listen: z.preprocess(emptyAsAbsent, list(listenEntry, true).prefault(() => [...DEFAULT_LISTEN])),
  tls: z.preprocess(emptyAsAbsent, tlsSection.optional()),
  data_dir: text(true).default(DEFAULT_DATA_DIR),
  log_level: oneOf(LOG_LEVELS).default("info"),
  domains: z.preprocess(emptyAsAbsent, list(textMatching("a domain name like example.com", isSipDomain)).default(() => [])),
  registrar: orDefault(registrarSection),
  auth: orDefault(authSection),
  location: orDefault(locationSection),
  registrant: orDefault(registrantSection),
  transactions: orDefault(transactionsSection),
  limits: orDefault(limitsSection),
  tcp: orDefault(tcpSection),
}).superRefine((c, ctx) => {
  if (c.registrar.flow_timer > 0 && c.registrar.flow_timer >= c.tcp.idle_timeout) {
    ctx.addIssue(
      fullIssue(
        ["registrar", "flow_timer"],
        `expected less than tcp.idle_timeout (${c.tcp.idle_timeout}): clients keep their flow alive every flow_timer seconds, got ${c.registrar.flow_timer}`,
      ),
    );
  }
});

/** The file's content once checked, defaults filled in (snake_case, paths not yet resolved). */
export type FileConfig = z.output<typeof configSchema>;
