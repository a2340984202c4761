import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Command } from "commander";
import { addServeOptions, configFromFlags, overridesFromFlags, parseUserFlag, type ServeFlags } from "./cli-flags.js";
import { ConfigError } from "./config-error.js";
import { configDir, thrown } from "./test-support.js";

/** What commander hands the action for `sipreg serve ARGS`. */
function parseArgs(args: string[]): ServeFlags {
  const program = new Command().exitOverride();
  let flags: ServeFlags | undefined;
  addServeOptions(program.command("serve")).action((opts: ServeFlags) => {
    flags = opts;
  });
  program.parse(["node", "sipreg", "serve", ...args]);
  assert.ok(flags !== undefined);
  return flags;
}

function flagError(flags: ServeFlags): ConfigError {
  const err = thrown(() => overridesFromFlags(flags));
  assert.ok(err instanceof ConfigError, String(err));
  assert.equal(err.code, "CONFIG_BAD_FLAG");
  return err;
}

test("commander collects repeatable flags and sets no defaults", () => {
  assert.deepEqual({ ...parseArgs([]) }, {});
  const flags = parseArgs([
    "-c", "sipreg.yaml",
    "--listen", "udp:127.0.0.1:5070",
    "-l", "tcp:[::1]:5071",
    "--domain", "example.com",
    "--domain", "example.net",
    "--data", "/var/lib/sipreg",
    "--user", "alice:secret",
    "--user", "bob@example.net:p:w",
    "--log-level", "debug",
  ]);
  assert.deepEqual(
    { ...flags },
    {
      config: "sipreg.yaml",
      listen: ["udp:127.0.0.1:5070", "tcp:[::1]:5071"],
      domain: ["example.com", "example.net"],
      data: "/var/lib/sipreg",
      user: ["alice:secret", "bob@example.net:p:w"],
      logLevel: "debug",
    },
  );
});

test("--user parsing: NAME may be user@domain, the password is everything after the first colon", () => {
  assert.deepEqual(parseUserFlag("alice:secret"), { username: "alice", password: "secret" });
  assert.deepEqual(parseUserFlag("bob@Example.NET:p:w@x"), { username: "bob", domain: "example.net", password: "p:w@x" });
  assert.equal(parseUserFlag("alice"), 'expected NAME:PASSWORD, got "alice"');
  assert.equal(parseUserFlag("alice:"), 'expected NAME:PASSWORD with a non-empty PASSWORD, got "alice:"');
  assert.equal(parseUserFlag(":pw"), 'expected NAME:PASSWORD with NAME as user or user@domain, got NAME ""');
  assert.equal(parseUserFlag("alice@:pw"), 'expected NAME:PASSWORD with NAME as user or user@domain, got NAME "alice@"');
  assert.equal(parseUserFlag("al ice@example.com:pw"), 'expected NAME:PASSWORD with NAME as user or user@domain, got NAME "al ice@example.com"');
});

test("a bad flag is an error naming the flag", () => {
  assert.equal(flagError({ user: ["alice"] }).message, '--user: expected NAME:PASSWORD, got "alice"');
  assert.equal(flagError({ listen: ["udp:example.com:5060"] }).message, '--listen: bad listen address "udp:example.com:5060": "example.com" is not an IP address to bind');
  assert.equal(flagError({ domain: ["exa mple.com"] }).message, '--domain: expected a domain name like example.com, got "exa mple.com"');
  assert.equal(flagError({ data: "" }).message, '--data: expected a folder, got ""');
  assert.equal(flagError({ config: "" }).message, '--config: expected a file name, got ""');
  assert.match(flagError({ logLevel: "loud" }).message, /^--log-level: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"$/);
  const several = flagError({ user: ["x"], logLevel: "loud" });
  assert.deepEqual(
    several.problems.map((p) => p.source),
    ["--user", "--log-level"],
  );
});

test("passwords given with --user never appear in error messages", (t) => {
  const pw = "Tr0ub4dor&3";
  for (const user of [`:${pw}`, `alice@:${pw}`, `al ice:${pw}`, `a@b@c:${pw}`]) {
    const err = flagError({ user: [user] });
    assert.ok(!err.message.includes(pw), err.message);
  }
  // Rejected later, once the file is read: still without the password.
  const dir = configDir(t, { "sipreg.yaml": "auth:\n  algorithms: [MD5, MD5]\n" });
  const err = thrown(() => configFromFlags({ config: "sipreg.yaml", user: [`alice:${pw}`] }, { cwd: dir }));
  assert.ok(err instanceof ConfigError);
  assert.ok(!err.message.includes(pw), err.message);
});

test("without flags the file's values stand", (t) => {
  const dir = configDir(t, { "sipreg.yaml": "listen: [udp:127.0.0.1:5080]\nlog_level: warn\ndata_dir: db\n" });
  const c = configFromFlags({ config: "sipreg.yaml" }, { cwd: dir });
  assert.deepEqual(c.listeners, [{ protocol: "udp", host: "127.0.0.1", port: 5080 }]);
  assert.equal(c.logLevel, "warn");
  assert.equal(c.dataDir, join(dir, "db"));
});

test("flags override and extend the file", (t) => {
  const dir = configDir(t, {
    "etc/sipreg.yaml": [
      "listen: [udp:127.0.0.1:5080]",
      "tls: { cert: ../certs/cert.pem, key: ../certs/key.pem }",
      "log_level: warn",
      "data_dir: db",
      "domains: [example.com]",
      "auth:",
      "  enabled: false",
      "  users:",
      "    - { username: alice, domain: example.com, password: old }",
      "    - { username: carol, domain: example.com, password: c }",
    ].join("\n"),
  });
  const c = configFromFlags(
    {
      config: "etc/sipreg.yaml",
      listen: ["udp:127.0.0.1:5090", "tls:127.0.0.1:5091"],
      domain: ["Example.NET", "example.com"],
      data: "state",
      user: ["alice@example.com:new", "bob:b"],
      logLevel: "trace",
    },
    { cwd: dir },
  );
  assert.deepEqual(
    c.listeners.map((l) => [l.protocol, l.host, l.port, l.tls !== undefined]),
    [
      ["udp", "127.0.0.1", 5090, false],
      ["tls", "127.0.0.1", 5091, true],
    ],
    "--listen replaces the file's listeners; tls takes the tls section's certificate",
  );
  assert.deepEqual(c.registrar.domains, ["example.com", "example.net"], "--domain adds (lower case, once each)");
  assert.equal(c.dataDir, join(dir, "state"), "--data is relative to the working folder");
  assert.equal(c.logLevel, "trace");
  assert.equal(c.auth.enabled, true, "--user turns auth on");
  assert.deepEqual(c.auth.users, [
    { username: "carol", domain: "example.com", password: "c" },
    { username: "alice", domain: "example.com", password: "new" },
    { username: "bob", password: "b" },
  ]);
});

test("--listen tls needs the file's tls section", (t) => {
  const err = thrown(() => configFromFlags({ listen: ["tls:0.0.0.0:5061"] }, { cwd: "/" }));
  assert.ok(err instanceof ConfigError);
  assert.equal(err.code, "CONFIG_BAD_FLAG");
  assert.equal(err.message, "--listen: tls:0.0.0.0:5061: a tls listener needs a certificate and key: set tls.cert and tls.key in the config file");
  const dup = thrown(() => configFromFlags({ listen: ["tcp:0.0.0.0:5060", "ws:0.0.0.0:5060"] }, { cwd: configDir(t) }));
  assert.ok(dup instanceof ConfigError);
  assert.equal(dup.message, "--listen: ws:0.0.0.0:5060: uses the same TCP port as tcp:0.0.0.0:5060");
});

test("flags alone, without a config file", () => {
  const c = configFromFlags({ listen: ["udp:[::1]:5060"], domain: ["example.com"], user: ["alice:pw"] }, { cwd: "/srv" });
  assert.equal(c.configFile, undefined);
  assert.deepEqual(c.listeners, [{ protocol: "udp", host: "::1", port: 5060 }]);
  assert.equal(c.dataDir, "/srv/data");
  assert.deepEqual(c.registrar.domains, ["example.com"]);
  assert.deepEqual(c.auth.users, [{ username: "alice", password: "pw" }]);
  assert.equal(c.auth.enabled, true);
});

test("the config file named by --config is reported as given", () => {
  const err = thrown(() => configFromFlags({ config: "missing.yaml" }, { cwd: "/nonexistent-sipreg" }));
  assert.ok(err instanceof ConfigError);
  assert.equal(err.message, "missing.yaml: cannot read the config file: no such file");
});
