import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_REGISTRAR_SETTINGS } from "../registrar/settings.js";
import { DEFAULT_LIMITS } from "../sip/limits.js";
import { DEFAULT_TIMER_SETTINGS } from "../transaction/timer-values.js";
import { SipregError } from "../util/errors.js";
import { ConfigError, isConfigError } from "./config-error.js";
import { loadConfig } from "./load-config.js";
import { configDir, thrown } from "./test-support.js";

const FULL = `
listen:                       # default: [udp:0.0.0.0:5060, tcp:0.0.0.0:5060]
  - udp:0.0.0.0:5060          # short form
  - { protocol: tls, host: 0.0.0.0, port: 5061, cert: certs/cert.pem, key: certs/key.pem, advertise: sip.example.com }
  - { protocol: ws, host: "::", port: 8080, advertise: "[2001:db8::1]:80" }
data_dir: ./data
log_level: debug
domains: [Example.com, example.net]
registrar:
  default_expires: 1800
  default_expires_range: 30
  expires_range: 20
  min_expires: 30
  min_expires_mode: raise
  max_expires: 7200
  default_q: 500
  realm_prefix: "sip."
  case_sensitive: true
  received_param: rcv
  max_contacts: 10
  retry_after: 30
  method_filtering: true
  use_path: true
  path_mode: 1
  path_use_received: true
  gruu_enabled: false
  outbound_mode: 1
  regid_mode: 1
  flow_timer: 25
  foreign_domain_status: 403
  third_party: [{ registrant: admin@example.com, aors: ["*@example.com", bob@example.net] }]
  server_header: "sipreg/1"
auth:
  enabled: auto
  realm: ""
  algorithms: [SHA-256, MD5]
  nonce_lifetime: 120
  users:
    - { username: alice, domain: example.com, password: secret }
    - { username: bob, domain: Example.NET, ha1: 0123456789ABCDEF0123456789abcdef }
    - { username: carol, ha1_sha256: "${"ab".repeat(32)}" }
  subscriber_table: true
  throttle: { max_failures: 5, window: 30, block: 600 }
location:
  synchronous: normal
  max_batch: 256
transactions: { t1: 250, t2: 2000, t4: 4000 }
limits: { max_message_bytes: 32768, max_headers: 128, max_line_bytes: 4096 }
tcp: { idle_timeout: 300 }
`;

/** The ConfigError loading `yaml` (as sipreg.yaml) raises. */
function configError(t: TestContext, yaml: string): ConfigError {
  const dir = configDir(t, { "sipreg.yaml": yaml });
  const err = thrown(() => loadConfig("sipreg.yaml", {}, { cwd: dir }));
  assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
  return err;
}

test("a full config resolves every key", (t) => {
  const dir = configDir(t, { "etc/sipreg.yaml": FULL.replaceAll("certs/", "../certs/") });
  const c = loadConfig("etc/sipreg.yaml", {}, { cwd: dir });
  assert.equal(c.configFile, join(dir, "etc", "sipreg.yaml"));
  assert.equal(c.dataDir, join(dir, "etc", "data"), "data_dir is relative to the config file's folder");
  assert.equal(c.logLevel, "debug");
  assert.equal(c.listeners.length, 3);
  assert.deepEqual(c.listeners[0], { protocol: "udp", host: "0.0.0.0", port: 5060 });
  const tls = c.listeners[1]!;
  assert.equal(tls.protocol, "tls");
  assert.equal(tls.port, 5061);
  assert.deepEqual(tls.advertise, { host: "sip.example.com" });
  assert.deepEqual(tls.tls?.cert, readFileSync(join(dir, "certs", "cert.pem")), "cert contents are read in");
  assert.deepEqual(tls.tls?.key, readFileSync(join(dir, "certs", "key.pem")));
  assert.deepEqual(c.listeners[2], { protocol: "ws", host: "::", port: 8080, advertise: { host: "2001:db8::1", port: 80 } });
  assert.deepEqual(c.registrar, {
    domains: ["example.com", "example.net"],
    foreignDomainStatus: 403,
    defaultExpires: 1800,
    defaultExpiresRange: 30,
    expiresRange: 20,
    minExpires: 30,
    minExpiresMode: "raise",
    maxExpires: 7200,
    defaultQ1000: 500,
    realmPrefix: "sip.",
    caseSensitive: true,
    receivedParam: "rcv",
    maxContacts: 10,
    retryAfter: 30,
    methodFiltering: true,
    usePath: true,
    pathMode: 1,
    pathUseReceived: true,
    gruuEnabled: false,
    outboundMode: 1,
    regIdMode: 1,
    flowTimer: 25,
    thirdParty: [{ registrant: "admin@example.com", aors: ["*@example.com", "bob@example.net"] }],
    serverHeader: "sipreg/1",
  });
  assert.deepEqual(c.auth, {
    enabled: true,
    realm: "",
    algorithms: ["SHA-256", "MD5"],
    nonceLifetimeSec: 120,
    users: [
      { username: "alice", domain: "example.com", password: "secret" },
      { username: "bob", domain: "example.net", ha1: "0123456789abcdef0123456789abcdef" },
      { username: "carol", ha1_sha256: "ab".repeat(32) },
    ],
    subscriberTable: true,
    throttle: { maxFailures: 5, windowSec: 30, blockSec: 600 },
  });
  assert.deepEqual(c.location, { synchronous: "normal", maxBatch: 256 });
  assert.deepEqual(c.timers, { t1Ms: 250, t2Ms: 2000, t4Ms: 4000 });
  assert.deepEqual(c.limits, { maxMessageBytes: 32768, maxHeaders: 128, maxLineBytes: 4096 });
  assert.equal(c.idleTimeoutMs, 300_000);
});

test("without a file every default applies", () => {
  const c = loadConfig(undefined, {}, { cwd: "/srv/sipreg" });
  assert.equal(c.configFile, undefined);
  assert.deepEqual(c.listeners, [
    { protocol: "udp", host: "0.0.0.0", port: 5060 },
    { protocol: "tcp", host: "0.0.0.0", port: 5060 },
  ]);
  assert.equal(c.dataDir, "/srv/sipreg/data");
  assert.equal(c.logLevel, "info");
  assert.deepEqual(c.registrar, { ...DEFAULT_REGISTRAR_SETTINGS });
  assert.deepEqual(c.auth, {
    enabled: false,
    realm: "",
    algorithms: ["MD5"],
    nonceLifetimeSec: 300,
    users: [],
    subscriberTable: false,
    throttle: { maxFailures: 10, windowSec: 60, blockSec: 300 },
  });
  assert.deepEqual(c.location, { synchronous: "full", maxBatch: 512 });
  assert.deepEqual(c.timers, { ...DEFAULT_TIMER_SETTINGS });
  assert.deepEqual(c.limits, { ...DEFAULT_LIMITS });
  assert.equal(c.idleTimeoutMs, 600_000);
});

test("an empty file, empty sections and a partial section mean the defaults", (t) => {
  const defaults = loadConfig(undefined, {}, { cwd: "/x" });
  for (const yaml of ["", "# nothing\n", "registrar:\nauth:\nlimits:\nlisten:\ndomains:\n", "auth:\n  throttle:\n"]) {
    const dir = configDir(t, { "sipreg.yaml": yaml });
    const c = loadConfig("sipreg.yaml", {}, { cwd: dir });
    assert.deepEqual({ ...c, configFile: undefined, dataDir: "" }, { ...defaults, configFile: undefined, dataDir: "" }, JSON.stringify(yaml));
  }
  const dir = configDir(t, { "sipreg.yaml": "registrar: { min_expires: 120 }\nauth: { throttle: { block: 60 } }\n" });
  const c = loadConfig("sipreg.yaml", {}, { cwd: dir });
  assert.deepEqual(c.registrar, { ...DEFAULT_REGISTRAR_SETTINGS, minExpires: 120 });
  assert.deepEqual(c.auth.throttle, { maxFailures: 10, windowSec: 60, blockSec: 60 });
});

test("the message from the brief: file, key path, expectation, value", (t) => {
  const err = configError(t, "registrar:\n  min_expires: abc\n");
  assert.equal(err.code, "CONFIG_INVALID");
  assert.equal(err.message, 'sipreg.yaml: registrar.min_expires: expected an integer ≥ 0, got "abc" (line 2)');
  assert.deepEqual(err.problems, [
    { source: "sipreg.yaml", keyPath: "registrar.min_expires", line: 2, detail: 'expected an integer ≥ 0, got "abc"' },
  ]);
});

test("ConfigError is a typed SipregError", (t) => {
  const err = configError(t, "log_level: loud\n");
  assert.ok(err instanceof SipregError);
  assert.ok(isConfigError(err));
  assert.equal(err.name, "ConfigError");
  assert.equal(err.code, "CONFIG_INVALID");
  assert.equal(err.problems[0]?.keyPath, "log_level");
  assert.match(err.message, /^sipreg\.yaml: log_level: expected "fatal", "error", .* or "silent", got "loud" \(line 1\)$/);
});

test("unknown keys are errors, with a hint", (t) => {
  const err = configError(t, "registrar:\n  min_expire: 60\nauth:\n  users:\n    - { username: a, pasword: x }\nbogus: 1\n");
  const lines = err.message.split("\n");
  assert.ok(lines.includes('sipreg.yaml: registrar.min_expire: unknown key: did you mean "min_expires"? (line 2)'), err.message);
  assert.ok(lines.includes('sipreg.yaml: auth.users[0].pasword: unknown key: did you mean "password"? (line 5)'), err.message);
  assert.ok(lines.some((l) => l.startsWith("sipreg.yaml: bogus: unknown key: expected one of listen, tls, data_dir,")), err.message);
});

test("wrong types name what was expected", (t) => {
  const err = configError(
    t,
    ["registrar:", "  case_sensitive: 1", "  use_path: yes", "  path_mode: 3", "domains: example.com", "tcp: 600", "listen: [42]"].join("\n"),
  );
  const messages = err.problems.map((p) => `${p.keyPath}: ${p.detail}`);
  assert.deepEqual(messages.sort(), [
    "domains: expected a list, got \"example.com\"",
    'listen[0]: expected a listener: "PROTO:HOST:PORT" or a mapping with protocol, host, port…, got 42',
    "registrar.case_sensitive: expected true or false, got 1",
    "registrar.path_mode: expected 0, 1 or 2, got 3",
    'registrar.use_path: expected true or false, got "yes"',
    "tcp: expected a mapping of settings, got 600",
  ]);
});

test("out-of-range values are errors", (t) => {
  const cases: Array<[string, string]> = [
    ["registrar: { default_expires_range: 101 }", "registrar.default_expires_range: expected a percentage, an integer from 0 to 100, got 101"],
    ["registrar: { expires_range: -1 }", "registrar.expires_range: expected a percentage, an integer from 0 to 100, got -1"],
    ["registrar: { default_q: 1001 }", "registrar.default_q: expected an integer from 0 to 1000 (q × 1000), or -1 for none, got 1001"],
    ["registrar: { default_expires: 0 }", "registrar.default_expires: expected an integer ≥ 1, got 0"],
    ["registrar: { max_contacts: 1.5 }", "registrar.max_contacts: expected an integer ≥ 0, got 1.5"],
    ["registrar: { foreign_domain_status: 400 }", "registrar.foreign_domain_status: expected 403 or 404, got 400"],
    ["listen: [{ protocol: udp, port: 70000 }]", "listen[0].port: expected an integer from 0 to 65535, got 70000"],
    ["listen: [udp:0.0.0.0:70000]", 'listen[0]: bad listen address "udp:0.0.0.0:70000": port 70000 out of range 0-65535'],
    ["listen: []", "listen: expected a non-empty list, got a list"],
    ["registrar: { flow_timer: 25 }", "registrar.flow_timer: expected 0 while outbound_mode is 0 (Flow-Timer needs outbound_mode 1 or 2), got 25"],
    [
      "registrar: { outbound_mode: 1, flow_timer: 700 }",
      "registrar.flow_timer: expected less than tcp.idle_timeout (600): clients keep their flow alive every flow_timer seconds, got 700",
    ],
    ["registrar: { min_expires: 600, max_expires: 300 }", "registrar.min_expires: expected at most max_expires (300), got 600"],
    ["transactions: { t1: 500, t2: 400 }", "transactions.t2: expected at least t1 (500), got 400"],
    ["limits: { max_message_bytes: 2048, max_line_bytes: 4096 }", "limits.max_line_bytes: expected at most max_message_bytes (2048), got 4096"],
    ["auth: { nonce_lifetime: 0 }", "auth.nonce_lifetime: expected an integer from 1 to 86400, got 0"],
    ["auth: { algorithms: [MD5, MD5] }", 'auth.algorithms[1]: "MD5" is listed twice'],
    ["auth: { algorithms: [SHA1] }", 'auth.algorithms[0]: expected "MD5", "MD5-sess", "SHA-256", "SHA-256-sess", "SHA-512-256" or "SHA-512-256-sess", got "SHA1"'],
    ["domains: [exa mple.com]", 'domains[0]: expected a domain name like example.com, got "exa mple.com"'],
  ];
  for (const [yaml, expected] of cases) {
    const err = configError(t, yaml + "\n");
    assert.equal(err.message, `sipreg.yaml: ${expected} (line 1)`, yaml);
  }
});

test("every problem of a file is reported at once", (t) => {
  const err = configError(t, "log_level: loud\ndata_dir: 5\nregistrar: { retry_after: -1 }\n");
  assert.deepEqual(
    err.problems.map((p) => [p.keyPath, p.line]),
    [
      ["data_dir", 2],
      ["log_level", 1],
      ["registrar.retry_after", 3],
    ],
  );
});

test("tls and wss listeners need readable certificate and key files", (t) => {
  const dir = configDir(t, { "sipreg.yaml": "listen: [{ protocol: tls, cert: certs/nope.pem, key: certs/key.pem }]\n" });
  const missing = thrown(() => loadConfig("sipreg.yaml", {}, { cwd: dir }));
  assert.ok(missing instanceof ConfigError);
  assert.equal(missing.code, "CONFIG_INVALID");
  assert.equal(missing.message, `sipreg.yaml: listen[0].cert: expected a readable PEM file, "${join(dir, "certs", "nope.pem")}": no such file (line 1)`);

  const none = configError(t, "listen: [wss:0.0.0.0:443]\n");
  assert.equal(none.message, "sipreg.yaml: listen[0]: a wss listener needs a certificate and key: give cert and key here, or in the tls section (line 1)");

  const half = configError(t, "listen: [{ protocol: tls, cert: certs/cert.pem }]\n");
  assert.equal(half.message, "sipreg.yaml: listen[0].key: required: cert and key go together (line 1)");

  const notPem = configError(t, "listen: [{ protocol: tls, cert: sipreg.yaml, key: certs/key.pem }]\n");
  assert.match(notPem.message, /^sipreg\.yaml: listen\[0\]\.cert: expected a PEM file, ".*sipreg\.yaml" has no "-----BEGIN" line \(line 1\)$/);

  const swapped = configError(t, "listen: [{ protocol: tls, cert: certs/key.pem, key: certs/cert.pem }]\n");
  assert.match(swapped.message, /^sipreg\.yaml: listen\[0\]: cert and key do not make a usable TLS identity \(.+\) \(line 1\)$/);

  const onUdp = configError(t, "listen: [{ protocol: udp, cert: certs/cert.pem, key: certs/key.pem }]\n");
  assert.match(onUdp.message, /listen\[0\]\.cert: only tls and wss listeners take a cert, this one is udp/);
});

test("an unreadable cert file is reported as such", { skip: process.getuid?.() === 0 ? "root reads every file" : false }, (t) => {
  const dir = configDir(t, { "sipreg.yaml": "listen: [{ protocol: tls, cert: certs/cert.pem, key: certs/key.pem }]\n" });
  chmodSync(join(dir, "certs", "key.pem"), 0o000);
  const err = thrown(() => loadConfig("sipreg.yaml", {}, { cwd: dir }));
  assert.ok(err instanceof ConfigError);
  assert.match(err.message, /listen\[0\]\.key: expected a readable PEM file, ".*key\.pem": permission denied/);
});

test("the tls section serves listeners without their own certificate", (t) => {
  const dir = configDir(t, { "sipreg.yaml": "tls: { cert: certs/cert.pem, key: certs/key.pem }\nlisten: [tls:0.0.0.0, wss:127.0.0.1:8443]\n" });
  const c = loadConfig("sipreg.yaml", {}, { cwd: dir });
  assert.deepEqual(
    c.listeners.map((l) => [l.protocol, l.port, l.tls !== undefined]),
    [
      ["tls", 5061, true],
      ["wss", 8443, true],
    ],
  );
});

test("two listeners on one port are refused", (t) => {
  const err = configError(t, "tls: { cert: certs/cert.pem, key: certs/key.pem }\nlisten: [tcp:0.0.0.0:5060, udp:0.0.0.0:5060, tls:0.0.0.0:5060]\n");
  assert.equal(err.message, "sipreg.yaml: listen[2]: uses the same TCP port as tcp:0.0.0.0:5060 (line 2)");
});

test("YAML syntax errors name the line, and quote nothing", (t) => {
  const err = configError(t, "log_level: info\nauth:\n  users:\n    - { username: alice, password: \"hunter2 }\n");
  assert.equal(err.code, "CONFIG_SYNTAX");
  assert.match(err.message, /^sipreg\.yaml: line \d+, column \d+: YAML syntax error: /);
  assert.ok(!err.message.includes("hunter2"), err.message);

  const tabs = configError(t, "registrar:\n\tmin_expires: 5\n");
  assert.equal(tabs.problems[0]?.line, 2);
  assert.match(tabs.message, /^sipreg\.yaml: line 2, column 1: YAML syntax error: /);

  const dup = configError(t, "log_level: info\nlog_level: debug\n");
  assert.match(dup.message, /^sipreg\.yaml: line 2, column 1: YAML syntax error: Map keys must be unique/);
});

test("a missing config file is a typed error naming it", () => {
  const err = thrown(() => loadConfig("nope.yaml", {}, { cwd: "/nonexistent-sipreg" }));
  assert.ok(err instanceof ConfigError);
  assert.equal(err.code, "CONFIG_UNREADABLE");
  assert.equal(err.message, "nope.yaml: cannot read the config file: no such file");
});

test("a file that is not a mapping", (t) => {
  const err = configError(t, "- udp:0.0.0.0:5060\n");
  assert.equal(err.message, "sipreg.yaml: line 1: expected a mapping of settings, got a list");
});

test("passwords and HA1 values never appear in error messages", (t) => {
  const secrets = ["s3cret-pw", "4242424242", "0123456789abcdef0123456789abcdeX"];
  const yamls = [
    `auth:\n  users:\n    - { username: alice, password: ${secrets[1]} }\n`,
    `auth:\n  users:\n    - { username: alice, ha1: ${secrets[2]} }\n`,
    `auth:\n  users:\n    - "alice:${secrets[0]}"\n`,
    `auth:\n  users:\n    - { username: "al ice", password: ${secrets[0]}, ha1: 0123456789abcdef0123456789abcdef }\n`,
    `auth:\n  users:\n    - { username: alice, password: ${secrets[0]} }\n    - { username: alice, password: ${secrets[0]} }\n`,
    `auth:\n  users:\n    - { username: alice, password: "${secrets[0]}\n`,
    `auth:\n  algorithms: [SHA-512-256]\n  users:\n    - { username: alice, ha1: ${"ab".repeat(16)} }\n`,
  ];
  for (const yaml of yamls) {
    const err = configError(t, yaml);
    for (const s of [...secrets, "ab".repeat(16)]) assert.ok(!err.message.includes(s), `${err.message} shows a secret`);
    assert.match(err.message, /sipreg\.yaml: (auth\.users|line )/);
  }
});

test("user checks: one secret kind, no duplicates, a usable algorithm, auth on without users", (t) => {
  assert.equal(
    configError(t, "auth:\n  users:\n    - { username: alice }\n").message,
    "sipreg.yaml: auth.users[0]: expected a password, or ha1 / ha1_sha256 (line 3)",
  );
  assert.equal(
    configError(t, "auth:\n  users:\n    - { username: a, password: x, ha1_sha256: " + "ab".repeat(32) + " }\n").message,
    "sipreg.yaml: auth.users[0].password: give either password or ha1 values, not both (line 3)",
  );
  assert.equal(
    configError(t, "auth:\n  users:\n    - { username: a, domain: x.org, password: x }\n    - { username: a, domain: X.org, password: y }\n").message,
    'sipreg.yaml: auth.users[1]: "a@x.org" is already listed at auth.users[0] (line 4)',
  );
  assert.equal(
    configError(t, "auth:\n  algorithms: [SHA-256]\n  users:\n    - { username: a, ha1: " + "ab".repeat(16) + " }\n").message,
    "sipreg.yaml: auth.users[0]: has no secret for any of auth.algorithms (SHA-256): give a password or ha1_sha256 (line 4)",
  );
  assert.equal(
    configError(t, "auth: { enabled: true }\n").message,
    "sipreg.yaml: auth.enabled: is true, but there are no users and subscriber_table is false: no one could register (line 1)",
  );
  assert.equal(configError(t, "auth: { enabled: maybe }\n").message, 'sipreg.yaml: auth.enabled: expected "auto", true or false, got "maybe" (line 1)');
});

test("auth.enabled: auto follows users and the subscriber table; false wins over users in the file", (t) => {
  const load = (yaml: string) => loadConfig("sipreg.yaml", {}, { cwd: configDir(t, { "sipreg.yaml": yaml }) }).auth.enabled;
  assert.equal(load("auth: { subscriber_table: true }\n"), true);
  assert.equal(load("auth: { users: [{ username: a, password: b }] }\n"), true);
  assert.equal(load("auth: { enabled: false, users: [{ username: a, password: b }] }\n"), false);
  assert.equal(load("auth: { enabled: auto }\n"), false);
});

test("third-party rules and advertise addresses are checked", (t) => {
  assert.equal(
    configError(t, "registrar: { third_party: [{ registrant: admin, aors: [a@b.c] }] }\n").message,
    'sipreg.yaml: registrar.third_party[0].registrant: expected an AOR like admin@example.com, got "admin" (line 1)',
  );
  assert.equal(
    configError(t, "registrar: { third_party: [{ registrant: a@b.c, aors: [] }] }\n").message,
    "sipreg.yaml: registrar.third_party[0].aors: expected a non-empty list, got a list (line 1)",
  );
  assert.equal(
    configError(t, "listen: [{ protocol: udp, advertise: 'sip.example.com:0' }]\n").message,
    'sipreg.yaml: listen[0].advertise: expected HOST or HOST:PORT, IPv6 in brackets ([2001:db8::1]:5061), got "sip.example.com:0" (line 1)',
  );
  assert.equal(
    configError(t, "listen: [{ protocol: udp, host: example.com }]\n").message,
    'sipreg.yaml: listen[0].host: expected an IP address to bind (IPv6 without brackets), got "example.com" (line 1)',
  );
  assert.match(configError(t, "registrar: { server_header: \"a\\r\\nX-Evil: 1\" }\n").message, /registrar\.server_header: expected a header value/);
});

test("registrant: defaults, and preemptive_auth turned off", (t) => {
  const d = loadConfig(undefined, {}, { cwd: "/x" }).registrant;
  assert.deepEqual(d, { accounts: [], uacregTable: false, maxRegistersPerSecond: 1000, retryIntervalSec: 60, maxRetries: 10, forbiddenRetryIntervalSec: 0, fatalRetryIntervalSec: 0, preemptiveAuth: true, tlsCa: undefined, tlsVerify: true });
  const dir = configDir(t, { "sipreg.yaml": "registrant: { preemptive_auth: false, accounts: ['alice:pw@sip.example.com;transport=wss'] }\n" });
  const c = loadConfig("sipreg.yaml", {}, { cwd: dir }).registrant;
  assert.equal(c.preemptiveAuth, false);
  assert.deepEqual(c.accounts, ["alice:pw@sip.example.com;transport=wss"]);
  assert.match(configError(t, "registrant: { preemptive_auth: maybe }\n").message, /registrant\.preemptive_auth: expected/);
});

test("registrant.tls_ca is read relative to the config file; a missing or non-PEM file names the key", (t) => {
  const dir = configDir(t, { "sipreg.yaml": "registrant: { tls_ca: certs/cert.pem, tls_verify: false }\n" });
  const pem = readFileSync(join(dir, "certs", "cert.pem"), "utf8");
  const c = loadConfig("sipreg.yaml", {}, { cwd: dir }).registrant;
  assert.equal(c.tlsCa?.toString("utf8"), pem);
  assert.equal(c.tlsVerify, false);
  assert.match(configError(t, "registrant: { tls_ca: nowhere.pem }\n").message, /registrant\.tls_ca: expected a readable PEM file/);
  const bad = configDir(t, { "sipreg.yaml": "registrant: { tls_ca: ca.txt }\n", "ca.txt": "not a certificate" });
  assert.throws(() => loadConfig("sipreg.yaml", {}, { cwd: bad }), /registrant\.tls_ca: expected a PEM file/);
});
