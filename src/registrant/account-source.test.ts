import { test } from "node:test";
import assert from "node:assert/strict";
import { openDatabase } from "../storage/sqlite-database.js";
import { parseOpensipsUac, parseOpensipsUacLines, parseRegisterSpec, parseRegisterSpecs, StaticAccountSource, UacregTable } from "./account-source.js";
import { resolveAccount } from "./account.js";
import { RegistrantError } from "./errors.js";

test("--register SPEC: user, password, host, port and the three parameters", () => {
  assert.deepEqual(parseRegisterSpec("alice:s3cret@sip.example.com"), {
    id: "alice@sip.example.com",
    aor: "sip:alice@sip.example.com",
    registrar: "sip:sip.example.com",
    contactUser: "alice",
    password: "s3cret",
  });
  assert.deepEqual(parseRegisterSpec("1001:p:w@d@10.0.0.1:5080;transport=TCP;expires=300;auth_user=acct-1001"), {
    id: "1001@10.0.0.1:5080",
    aor: "sip:1001@10.0.0.1:5080",
    registrar: "sip:10.0.0.1:5080",
    contactUser: "1001",
    password: "p:w@d",
    transport: "tcp",
    expires: 300,
    authUsername: "acct-1001",
  });
  const v6 = parseRegisterSpec("bob@[2001:db8::1]:5060");
  assert.equal(v6.aor, "sip:bob@[2001:db8::1]:5060");
  assert.equal(parseRegisterSpec("bob@example.com").password, undefined);
  // What the SPEC gives is a valid account.
  const a = resolveAccount(parseRegisterSpec("alice:pw@example.com;transport=tls"));
  assert.equal(a.transport, "tls");
  assert.equal(a.contactUser, "alice");
});

test("--register SPEC errors name the problem and hide the password", () => {
  const cases: Array<[string, RegExp]> = [
    ["example.com", /expected USER\[:PASSWORD\]@HOST/],
    ["@example.com", /expected USER/],
    [":pw@example.com", /the user is empty/],
    ["alice:topsecret@exa mple.com", /is not HOST\[:PORT\]/],
    ["alice@example.com:99999", /out of range/],
    ["alice@example.com;transport=sctp", /transport must be one of/],
    ["alice@example.com;expires=0", /expires must be/],
    ["alice@example.com;expires=abc", /expires must be/],
    ["alice@example.com;auth_user=", /auth_user is empty/],
    ["alice@example.com;foo=1", /unknown parameter "foo"/],
  ];
  for (const [spec, re] of cases) {
    assert.throws(
      () => parseRegisterSpec(spec),
      (e: unknown) => e instanceof RegistrantError && e.code === "REGISTRANT_BAD_SOURCE" && re.test(e.message) && !e.message.includes("topsecret"),
      spec,
    );
  }
  assert.throws(() => parseRegisterSpecs(["a@x.com", "a:pw@x.com"]), /given twice/);
});

test("uacreg table: created with Kamailio's columns, rows become accounts with Kamailio's meaning", () => {
  const db = openDatabase(":memory:", { synchronous: "normal" });
  const t = new UacregTable(db);
  const cols = (db.prepare("PRAGMA table_info(uacreg)").all() as Array<{ name: string }>).map((c) => c.name);
  assert.deepEqual(cols, ["id", "l_uuid", "l_username", "l_domain", "r_username", "r_domain", "realm", "auth_username", "auth_password", "auth_ha1", "auth_proxy", "expires", "flags", "reg_delay", "contact_addr", "socket"]);
  // A row written the way Kamailio's kamctl would (plain INSERT).
  db.prepare(
    "INSERT INTO uacreg (l_uuid, l_username, l_domain, r_username, r_domain, realm, auth_username, auth_password, auth_proxy, expires, flags, reg_delay, contact_addr, socket) VALUES ('12345678', 'test', 'mysipserver.com', 'test123', 'sipprovider.com', 'sipprovider.com', 'test123', 'xxxxxx', 'sip:sipprovider.com', 360, 0, 3, '192.168.1.2:5080', 'udp:192.168.1.2:5080')",
  ).run();
  t.upsert({ l_uuid: "off", r_username: "u2", r_domain: "p.example", flags: 1, auth_ha1: "0123456789abcdef0123456789abcdef" });
  const [a, b] = t.loadAll();
  assert.deepEqual(a, {
    id: "12345678",
    aor: "sip:test123@sipprovider.com",
    registrar: "sip:sipprovider.com",
    enabled: true,
    localUser: "test",
    localDomain: "mysipserver.com",
    realm: "sipprovider.com",
    authUsername: "test123",
    password: "xxxxxx",
    outboundProxy: "sip:sipprovider.com",
    contactAddress: "192.168.1.2:5080",
    socket: "udp:192.168.1.2:5080",
    expires: 360,
    regDelay: 3,
  });
  assert.deepEqual(b, { id: "off", aor: "sip:u2@p.example", registrar: "sip:p.example", enabled: false, ha1: "0123456789abcdef0123456789abcdef" });
  const acc = resolveAccount(a!);
  assert.equal(acc.contactUser, "12345678", "the Contact user is the l_uuid, as in Kamailio");
  assert.equal(t.loadOne("off")?.enabled, false);
  assert.equal(t.loadOne("nope"), undefined);
  // upsert replaces by l_uuid; delete removes.
  t.upsert({ l_uuid: "off", r_username: "u3", r_domain: "p.example" });
  assert.equal(t.loadOne("off")?.aor, "sip:u3@p.example");
  assert.equal(t.delete("off"), true);
  assert.equal(t.loadAll().length, 1);
  // Opening again adopts the table (the migration ran once).
  new UacregTable(db);
  assert.equal(t.loadAll().length, 1);
  db.close();
});

test("a uacreg row without r_domain comes out as an account resolveAccount refuses (a reload reports it)", () => {
  const db = openDatabase(":memory:", { synchronous: "normal" });
  const t = new UacregTable(db);
  db.prepare("INSERT INTO uacreg (l_uuid, r_username) VALUES ('x', 'u')").run();
  const [row] = t.loadAll();
  assert.throws(() => resolveAccount(row!), (e: unknown) => e instanceof RegistrantError && e.code === "REGISTRANT_BAD_ACCOUNT");
  db.close();
});

test("OpenSIPS uac lines: the ten fields, ids from the AOR, errors", () => {
  const a = parseOpensipsUac("sip:registrar.example.net,,sip:alice@example.net,,alice,secret,sip:alice@192.0.2.1:5060,;q=0.5,1800,udp:192.0.2.1:5060");
  assert.deepEqual(a, {
    id: "alice@example.net",
    aor: "sip:alice@example.net",
    registrar: "sip:registrar.example.net",
    contactUri: "sip:alice@192.0.2.1:5060",
    authUsername: "alice",
    password: "secret",
    contactParams: ";q=0.5",
    expires: 1800,
    socket: "udp:192.0.2.1:5060",
  });
  const r = resolveAccount(a);
  assert.equal(r.contactUri, "sip:alice@192.0.2.1:5060");
  const two = parseOpensipsUacLines([
    "sip:r.example,sip:proxy.example,sip:bob@example,sip:admin@example,,,sip:bob@10.0.0.1,,,",
    "sip:r2.example,,sip:bob@example,,,,sip:bob@10.0.0.2,,,",
  ]);
  assert.deepEqual(two.map((x) => x.id), ["bob@example", "bob@example#2"]);
  assert.equal(two[0]!.outboundProxy, "sip:proxy.example");
  assert.equal(two[0]!.thirdPartyRegistrant, "sip:admin@example");
  assert.throws(() => parseOpensipsUac("a,b,c"), /expected 10 comma-separated fields/);
  assert.throws(() => parseOpensipsUac(",,sip:a@b,,,,sip:a@c,,,"), /registrar is mandatory/);
  assert.throws(() => parseOpensipsUac("sip:r,,sip:a@b,,,,sip:a@c,,soon,"), /expiry "soon"/);
});

test("a static source serves copies", () => {
  const s = new StaticAccountSource([{ id: "a", aor: "a@b" }]);
  const all = s.loadAll();
  all[0]!.aor = "changed";
  assert.equal(s.loadOne("a")?.aor, "a@b");
  assert.equal(s.loadOne("z"), undefined);
});
