// Real peer: SIPp (Debian package sip-tester) registers many users at a rate against `sipreg serve`,
// with our own scenarios (test/interop/sipp/*.xml), with and without digest authentication. SIPp's
// exit status 0 means every call of the scenario succeeded, i.e. every response was the expected one
// and carried what the scenario checks; the location database is then read to see the bindings.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runSipp, type SippResult } from "../support/sipp.js";
import { withServe } from "../support/with-serve.js";
import { readLocation, type LocationRow } from "../support/location-db.js";

const DOMAIN = "example.test";
const EXPIRES = 600;

function assertAllSucceeded(r: SippResult, calls: number): void {
  assert.equal(r.code, 0, `SIPp reported failed calls:\n${r.report()}`);
  assert.equal(r.successful, calls, r.report());
  assert.equal(r.failed, 0, r.report());
}

/** Every user has exactly one binding: our contact, from SIPp's port, expiring as asked. */
function assertBindings(rows: LocationRow[], users: string[], localPort: number, startedAt: number): void {
  assert.equal(rows.length, users.length, JSON.stringify(rows.slice(0, 3)));
  const now = Date.now();
  for (const user of users) {
    const mine = rows.filter((r) => r.username === user && r.domain === DOMAIN);
    assert.equal(mine.length, 1, `${user}@${DOMAIN}: ${JSON.stringify(mine)}`);
    const b = mine[0]!;
    assert.equal(b.contact, `sip:${user}@127.0.0.1:${localPort}`);
    assert.equal(b.received, `udp:127.0.0.1:${localPort}`);
    assert.equal(b.natted, 0, "the contact is the source address: not behind NAT");
    assert.equal(b.user_agent, "SIPp sipreg-interop");
    assert.ok(b.expires >= startedAt + EXPIRES * 1000 && b.expires <= now + EXPIRES * 1000, `${user}: expires ${b.expires}`);
  }
}

/** SIPp's injection rows: user; good credentials; wrong credentials (SIPp expands the keywords). */
function authRows(users: string[], password: (u: string) => string): string[] {
  return users.map((u) => `${u};[authentication username=${u} password=${password(u)}];[authentication username=${u} password=${password(u)}-wrong]`);
}

describe("SIPp registers against sipreg serve", () => {
  it("without authentication: register, query and unregister 40 users", { timeout: 60_000 }, async () => {
    await withServe("sipp-noauth", () => ["--listen", "udp:127.0.0.1:0", "--domain", DOMAIN], async ({ tmp, data, port }) => {
      const users = Array.from({ length: 40 }, (_, i) => `noauth${i}`);
      const rows = users.map((u) => `${u};;`);
      const common = { serverPort: port("udp"), rows, dir: tmp.path, rate: 200 };
      const startedAt = Date.now();
      const reg = await runSipp({ ...common, scenario: "register.xml", keys: { domain: DOMAIN, expires: String(EXPIRES) } });
      assertAllSucceeded(reg, users.length);
      assertBindings(readLocation(data), users, reg.localPort, startedAt);

      // The registrar answers a REGISTER without Contact with the current bindings (RFC 3261 §10.2.3).
      const query = await runSipp({ ...common, scenario: "query.xml", localPort: reg.localPort, keys: { domain: DOMAIN } });
      assertAllSucceeded(query, users.length);

      const unreg = await runSipp({ ...common, scenario: "unregister.xml", localPort: reg.localPort, keys: { domain: DOMAIN } });
      assertAllSucceeded(unreg, users.length);
      assert.deepEqual(readLocation(data), [], "every binding removed by Expires: 0");
    });
  });

  it("with digest authentication: challenge, register, query, wrong password, unregister 20 users", { timeout: 60_000 }, async () => {
    const users = Array.from({ length: 20 }, (_, i) => `auth${i}`);
    const password = (u: string): string => `pw-${u}-${u.length * 7}`;
    const userFlags = users.flatMap((u) => ["--user", `${u}:${password(u)}`]);
    await withServe("sipp-auth", () => ["--listen", "udp:127.0.0.1:0", "--domain", DOMAIN, ...userFlags], async ({ tmp, data, port }) => {
      const rows = authRows(users, password);
      // -auth_uri: the digest uri must be the Request-URI (SIPp's default is the remote address).
      const common = { serverPort: port("udp"), rows, dir: tmp.path, rate: 200, extraArgs: ["-auth_uri", DOMAIN] };
      const startedAt = Date.now();
      const reg = await runSipp({ ...common, scenario: "register-auth.xml", keys: { domain: DOMAIN, expires: String(EXPIRES) } });
      assertAllSucceeded(reg, users.length);
      const before = readLocation(data);
      assertBindings(before, users, reg.localPort, startedAt);

      // A wrong password is challenged again and changes nothing. Five of them only: the default
      // throttle (auth.throttle.max_failures 10) would block the source address after ten.
      const wrong = await runSipp({ ...common, rows: rows.slice(0, 5), scenario: "register-wrong-password.xml", keys: { domain: DOMAIN } });
      assertAllSucceeded(wrong, 5);
      assert.deepEqual(readLocation(data), before, "a refused REGISTER leaves the bindings as they were");

      const query = await runSipp({ ...common, scenario: "query.xml", localPort: reg.localPort, keys: { domain: DOMAIN } });
      assertAllSucceeded(query, users.length);

      const unreg = await runSipp({ ...common, scenario: "unregister.xml", localPort: reg.localPort, keys: { domain: DOMAIN } });
      assertAllSucceeded(unreg, users.length);
      assert.deepEqual(readLocation(data), [], "every binding removed by an authenticated Expires: 0");
    });
  });

  it("a wrong password never registers a fresh AOR", { timeout: 30_000 }, async () => {
    await withServe("sipp-wrong", () => ["--listen", "udp:127.0.0.1:0", "--domain", DOMAIN, "--user", "carol:right-one"], async ({ tmp, data, port }) => {
      const rows = authRows(["carol"], () => "not-it");
      const wrong = await runSipp({ scenario: "register-wrong-password.xml", serverPort: port("udp"), rows, dir: tmp.path, keys: { domain: DOMAIN }, extraArgs: ["-auth_uri", DOMAIN] });
      assertAllSucceeded(wrong, 1);
      assert.deepEqual(readLocation(data), []);
    });
  });

  // Regression: challenges issued in the same millisecond must carry distinct nonces, or two UAs
  // challenged together share one and the second one's correct nc=00000001 is refused as a replay.
  it(
    "concurrent challenges get distinct nonces, so concurrent UAs all authenticate",
    { timeout: 60_000 },
    async () => {
      const users = Array.from({ length: 40 }, (_, i) => `burst${i}`);
      const password = (u: string): string => `pw-${u}`;
      const userFlags = users.flatMap((u) => ["--user", `${u}:${password(u)}`]);
      await withServe("sipp-burst", () => ["--listen", "udp:127.0.0.1:0", "--domain", DOMAIN, ...userFlags], async ({ tmp, port }) => {
        const reg = await runSipp({
          scenario: "register-auth.xml",
          serverPort: port("udp"),
          rows: authRows(users, password),
          dir: tmp.path,
          rate: 1000,
          keys: { domain: DOMAIN, expires: String(EXPIRES) },
          extraArgs: ["-auth_uri", DOMAIN],
        });
        assertAllSucceeded(reg, users.length);
      });
    },
  );
});
