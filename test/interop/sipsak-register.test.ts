// Real peer: sipsak (Debian package) in usrloc mode (-U) registers a contact at `sipreg serve`, with
// digest authentication over UDP and TCP, with a wrong password, and without authentication. What it
// registered is then read from the location database.
//
// sipsak 0.9.8.1 writes a 5-digit port in the Request-URI, From and To without its last digit
// ("sip:127.0.0.1:4506" for port 45061); the port is not part of the AOR (RFC 3261 §10.3 step 5), so
// the registrations still land on alice@127.0.0.1.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { run } from "../support/serve-process.js";
import { withServe } from "../support/with-serve.js";
import { bindingsOf, readLocation } from "../support/location-db.js";

const CONTACT_PORT = 9999; // where the registered contact points: not sipsak's own port, so "NATed"

function sipsakRegister(transport: "udp" | "tcp", port: number, user: string, password: string | undefined, expires: number): Promise<{ code: number | null; out: string }> {
  return run("sipsak", [
    ...(transport === "tcp" ? ["-E", "tcp"] : []),
    "-U", // usrloc mode: register
    "-i", // and do not then call the registered contact
    "-C", `sip:${user}@127.0.0.1:${CONTACT_PORT}`,
    "-s", `sip:${user}@127.0.0.1:${port}`,
    ...(password === undefined ? [] : ["-u", user, "-a", password]),
    "-x", String(expires),
    "-vvv",
  ], 20_000);
}

describe("sipsak registers at sipreg serve", () => {
  it("with digest authentication over UDP and TCP; a wrong password fails", { timeout: 40_000 }, async () => {
    const flags = ["--listen", "udp:127.0.0.1:0", "--listen", "tcp:127.0.0.1:0", "--user", "alice:secret", "--user", "bob:b0b-pass"];
    await withServe("sipsak-auth", () => flags, async ({ data, port }) => {
      const udp = port("udp");
      const tcp = port("tcp");

      const t0 = Date.now();
      const r = await sipsakRegister("udp", udp, "alice", "secret", 3600);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /SIP\/2\.0 401 Unauthorized/, "challenged first");
      assert.match(r.out, /WWW-Authenticate: Digest realm="127\.0\.0\.1",[^\n]*algorithm=MD5/, "the realm is the AOR's domain");
      assert.match(r.out, /Authorization: Digest username="alice"/, "sipsak answered the challenge");
      assert.match(r.out, /SIP\/2\.0 200 OK/);
      // The 200 lists the contact with its expiry and, since it is not where the REGISTER came from,
      // the source address in the received parameter (Kamailio's received_param).
      assert.match(r.out, new RegExp(`Contact: <sip:alice@127\\.0\\.0\\.1:${CONTACT_PORT}>;expires=3600;received="sip:127\\.0\\.0\\.1:\\d+"`));

      let rows = bindingsOf(readLocation(data), "alice@127.0.0.1");
      assert.equal(rows.length, 1, JSON.stringify(rows));
      const b = rows[0]!;
      assert.equal(b.contact, `sip:alice@127.0.0.1:${CONTACT_PORT}`);
      assert.match(b.received, /^udp:127\.0\.0\.1:\d+$/);
      assert.equal(b.natted, 1);
      assert.match(b.user_agent, /^sipsak /);
      assert.ok(b.expires >= t0 + 3_600_000 && b.expires <= Date.now() + 3_600_000, String(b.expires));

      // The same contact again over TCP: the binding is updated in place, not duplicated.
      const rt = await sipsakRegister("tcp", tcp, "alice", "secret", 1800);
      assert.equal(rt.code, 0, rt.out);
      assert.match(rt.out, /SIP\/2\.0 200 OK/);
      assert.match(rt.out, /received="sip:127\.0\.0\.1:\d+;transport=tcp"/);
      rows = bindingsOf(readLocation(data), "alice@127.0.0.1");
      assert.equal(rows.length, 1, JSON.stringify(rows));
      assert.match(rows[0]!.received, /^tcp:127\.0\.0\.1:\d+$/);
      assert.ok(rows[0]!.expires <= Date.now() + 1_800_000);

      // A wrong password: challenged again after the credentials; sipsak gives up (exit 2 here).
      const bad = await sipsakRegister("udp", udp, "bob", "not-bobs", 3600);
      assert.notEqual(bad.code, 0, bad.out);
      assert.doesNotMatch(bad.out, /SIP\/2\.0 200 OK/);
      assert.match(bad.out, /authorization failed/);
      assert.deepEqual(bindingsOf(readLocation(data), "bob@127.0.0.1"), [], "no binding for bob");
    });
  });

  it("without authentication on a server without users", { timeout: 30_000 }, async () => {
    await withServe("sipsak-open", () => ["--listen", "udp:127.0.0.1:0"], async ({ data, port }) => {
      const r = await sipsakRegister("udp", port("udp"), "carol", undefined, 600);
      assert.equal(r.code, 0, r.out);
      assert.doesNotMatch(r.out, /401 Unauthorized/);
      assert.match(r.out, new RegExp(`SIP/2\\.0 200 OK[\\s\\S]*Contact: <sip:carol@127\\.0\\.0\\.1:${CONTACT_PORT}>;expires=600`));
      const rows = bindingsOf(readLocation(data), "carol@127.0.0.1");
      assert.equal(rows.length, 1, JSON.stringify(rows));
      assert.equal(rows[0]!.contact, `sip:carol@127.0.0.1:${CONTACT_PORT}`);
    });
  });
});
