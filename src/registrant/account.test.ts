import { test } from "node:test";
import assert from "node:assert/strict";
import { accountInputOf, nameBasedUuid, resolveAccount, DEFAULT_EXPIRES_SEC } from "./account.js";
import { AccountError } from "./errors.js";
import { resolveSettings, DEFAULT_REGISTRANT_SETTINGS } from "./settings.js";
import { RegistrantError } from "./errors.js";

test("defaults: registrar from the AOR host, From = AOR, contact user = id, expiry 3600", () => {
  const a = resolveAccount({ id: "acc1", aor: "alice@example.com" });
  assert.equal(a.aor, "sip:alice@example.com");
  assert.equal(a.registrar, "sip:example.com");
  assert.equal(a.from, "sip:alice@example.com");
  assert.equal(a.contactUser, "acc1");
  assert.equal(a.authUsername, "alice");
  assert.equal(a.localUser, "acc1");
  assert.equal(a.localDomain, "example.com");
  assert.equal(a.expires, DEFAULT_EXPIRES_SEC);
  assert.equal(a.enabled, true);
  assert.equal(a.instanceId, undefined);
  assert.equal(a.lineToken, undefined);
  assert.ok(Object.isFrozen(a));
});

test("the registrar keeps the AOR's port; explicit registrar, proxy and third party are normalised", () => {
  const a = resolveAccount({ id: "x", aor: "sip:bob@10.0.0.1:5080" });
  assert.equal(a.registrar, "sip:10.0.0.1:5080");
  const b = resolveAccount({ id: "y", aor: "sip:bob@example.com", registrar: "reg.example.com;transport=tcp", outboundProxy: "sip:proxy.example.com:5070", thirdPartyRegistrant: "sip:admin@example.com;x=1" });
  assert.equal(b.registrar, "sip:reg.example.com;transport=tcp");
  assert.equal(b.outboundProxy, "sip:proxy.example.com:5070");
  assert.equal(b.from, "sip:admin@example.com");
});

test("outbound: a stable name-based instance id and reg-id 1; line: a stable token", () => {
  const a = resolveAccount({ id: "acc1", aor: "alice@example.com", supportOutbound: true, line: true });
  const again = resolveAccount({ id: "acc1", aor: "alice@example.com", supportOutbound: true, line: true });
  assert.match(a.instanceId ?? "", /^<urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}>$/);
  assert.equal(a.instanceId, again.instanceId);
  assert.notEqual(a.instanceId, resolveAccount({ id: "acc2", aor: "alice@example.com", supportOutbound: true }).instanceId);
  assert.equal(a.regId, 1);
  assert.match(a.lineToken ?? "", /^[0-9a-f]{16}$/);
  assert.equal(a.lineToken, again.lineToken);
  assert.equal(nameBasedUuid("ns", "a"), nameBasedUuid("ns", "a"));
});

test("bad settings are AccountErrors naming the field", () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ id: "", aor: "a@b" }, "id"],
    [{ id: "x y", aor: "a@b" }, "id"],
    [{ id: "x", aor: "example.com" }, "aor"],
    [{ id: "x", aor: "sip:a@" }, "aor"],
    [{ id: "x", aor: "a@b", expires: 0 }, "expires"],
    [{ id: "x", aor: "a@b", expires: 1.5 }, "expires"],
    [{ id: "x", aor: "a@b", ha1: "xyz" }, "ha1"],
    [{ id: "x", aor: "a@b", transport: "sctp" }, "transport"],
    [{ id: "x", aor: "a@b", contactAddress: "sip:1.2.3.4" }, "contactAddress"],
    [{ id: "x", aor: "a@b", contactParams: ";a b" }, "contactParams"],
    [{ id: "x", aor: "a@b", regDelay: -1 }, "regDelay"],
    [{ id: "x", aor: "a@b", registrar: "http://x" }, "registrar"],
    [{ id: "x", aor: "a@b", contactUser: "a b" }, "contactUser"],
  ];
  for (const [input, field] of cases) {
    assert.throws(
      () => resolveAccount(input as never),
      (e: unknown) => e instanceof AccountError && e.field === field && e.code === "REGISTRANT_BAD_ACCOUNT",
      JSON.stringify(input),
    );
  }
});

test("contact params get their leading ';', the ha1 is lower-cased", () => {
  const a = resolveAccount({ id: "x", aor: "a@b", contactParams: "q=0.5;foo", ha1: "ABCDEF0123456789ABCDEF0123456789" });
  assert.equal(a.contactParams, ";q=0.5;foo");
  assert.equal(a.ha1, "abcdef0123456789abcdef0123456789");
});

test("accountInputOf round-trips through resolveAccount", () => {
  const a = resolveAccount({ id: "x", aor: "a@b", password: "p", realm: "r", supportPath: true, regDelay: 3, line: true, contactParams: "k=v" });
  const b = resolveAccount(accountInputOf(a));
  assert.deepEqual(b, a);
});

test("settings: defaults, overrides, and refusal of bad values", () => {
  assert.deepEqual(resolveSettings(), { ...DEFAULT_REGISTRANT_SETTINGS });
  assert.equal(resolveSettings({ retryIntervalSec: 5 }).retryIntervalSec, 5);
  assert.equal(resolveSettings({ maxRetries: Infinity }).maxRetries, Infinity);
  for (const bad of [{ retryIntervalSec: -1 }, { maxRegistersPerSecond: 0 }, { refreshJitter: 1 }, { timerGranularityMs: 1 }]) {
    assert.throws(() => resolveSettings(bad), (e: unknown) => e instanceof RegistrantError && e.code === "REGISTRANT_BAD_SETTINGS");
  }
});
