// Real peer: baresip 1.0 (Debian package), a complete SIP UA, registers at `sipreg serve` with
// digest authentication and must STAY registered: it refreshes before expiry (libre re-registers at
// 90 % of the granted time), and the binding must never disappear in between. On SIGTERM it
// unregisters, which must remove the binding.
//
// Two settings make this quick and possible:
// - registrar.min_expires 5 and regint=6 on the account: a refresh every ~5.4 s instead of hours;
// - auth.algorithms [MD5]: baresip 1.0's libre gives up ("Register: Function not implemented", ENOSYS)
//   as soon as one WWW-Authenticate of a 401 has an algorithm it lacks, instead of answering the MD5
//   one (RFC 8760 §2.4: a UAC uses the topmost challenge it supports). The default challenge set
//   [MD5, SHA-256] therefore locks it out (as it does JsSIP and SIP.js: websocket-register.test.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { startBaresip } from "../support/baresip.js";
import { waitUntil, type TempDir } from "../support/temp-dir.js";
import { withServe } from "../support/with-serve.js";
import { bindingsOf, readLocation, type LocationRow } from "../support/location-db.js";

const AOR = "alice@127.0.0.1";
const REGINT = 6;

function baresipBinding(data: string): LocationRow | undefined {
  return bindingsOf(readLocation(data), AOR).find((r) => r.user_agent.startsWith("baresip"));
}

describe("baresip registers at sipreg serve", () => {
  it("registers with digest, stays registered across refreshes, unregisters on exit", { timeout: 45_000 }, async () => {
    const flags = (tmp: TempDir): string[] => {
      const config = tmp.join("sipreg.yaml");
      writeFileSync(config, "registrar:\n  min_expires: 5\nauth:\n  algorithms: [MD5]\n");
      return ["--config", config, "--listen", "udp:127.0.0.1:0", "--user", "alice:secret"];
    };
    await withServe("baresip", flags, async ({ srv, tmp, data, port }) => {
      const ua = await startBaresip({ dir: tmp.join("baresip"), account: `<sip:alice@127.0.0.1:${port("udp")}>;auth_pass=secret;regint=${REGINT}`, maxSeconds: 40 });
      const why = (): string => `baresip:\n${ua.output()}\nsipreg:\n${srv.output()}`;
      try {
        const first = await waitUntil("baresip's first registration", () => baresipBinding(data), 8000, 100).catch((e: Error) => assert.fail(`${e.message}\n${why()}`));
        assert.match(first.contact, new RegExp(`^sip:alice-[^@]+@127\\.0\\.0\\.1:${ua.port}$`));
        assert.equal(first.received, `udp:127.0.0.1:${ua.port}`);
        assert.ok(first.expires - first.last_modified <= REGINT * 1000 && first.expires - first.last_modified >= 5000, "granted the asked regint");

        // Watch it for two refreshes (about 2 × 5.4 s): present and unexpired at every look.
        const seen = [first];
        const deadline = Date.now() + 2 * REGINT * 1000 + 6000;
        while (seen.length < 3) {
          assert.ok(Date.now() < deadline, `only ${seen.length - 1} refresh(es) seen: ${JSON.stringify(seen)}\n${why()}`);
          await new Promise((r) => setTimeout(r, 200));
          const now = Date.now();
          const b = baresipBinding(data);
          assert.ok(b !== undefined, `the binding disappeared between refreshes\n${why()}`);
          assert.ok(b.expires > now, `the binding expired (${b.expires} <= ${now}) before baresip refreshed it`);
          const last = seen[seen.length - 1]!;
          if (b.last_modified !== last.last_modified) {
            // A refresh of the same binding (same Call-ID, higher CSeq, RFC 3261 §10.2.4), pushed forward.
            assert.equal(b.ruid, first.ruid);
            assert.equal(b.callid, first.callid);
            assert.ok(b.cseq > last.cseq, `CSeq ${b.cseq} after ${last.cseq}`);
            assert.ok(b.expires > last.expires);
            seen.push(b);
          }
        }
        assert.equal(bindingsOf(readLocation(data), AOR).length, 1, "refreshes never add a second binding");

        // SIGTERM: baresip unregisters before it exits.
        await ua.stop(5000);
        await waitUntil("the unregistration", () => (baresipBinding(data) === undefined ? true : undefined), 3000).catch((e: Error) => assert.fail(`${e.message}\n${why()}`));
      } finally {
        await ua.stop(1000);
      }
    });
  });
});
