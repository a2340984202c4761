// Real peer: sipsak (Debian package) pings `sipreg serve` with OPTIONS over UDP and TCP and must get 200.
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, startServe } from "../support/serve-process.js";

test("sipsak OPTIONS over UDP and TCP gets 200 from sipreg serve", { timeout: 30_000 }, async () => {
  const srv = await startServe(["--listen", "udp:127.0.0.1:0", "--listen", "tcp:127.0.0.1:0"]);
  try {
    const udpPort = srv.ports.get("udp:127.0.0.1");
    const tcpPort = srv.ports.get("tcp:127.0.0.1");
    assert.ok(udpPort !== undefined && tcpPort !== undefined, srv.output());

    const udp = await run("sipsak", ["-vv", "-s", `sip:ping@127.0.0.1:${udpPort}`]);
    assert.equal(udp.code, 0, udp.out);
    assert.match(udp.out, /SIP\/2\.0 200 OK/);
    assert.match(udp.out, /received=127\.0\.0\.1/, "the server stamped received= on the Via (RFC 3261 §18.2.1)");

    const tcp = await run("sipsak", ["-E", "tcp", "-vv", "-s", `sip:ping@127.0.0.1:${tcpPort}`]);
    assert.equal(tcp.code, 0, tcp.out);
    assert.match(tcp.out, /SIP\/2\.0 200 OK/);
  } finally {
    assert.equal(await srv.stop(), 0, "sipreg serve stops cleanly on SIGTERM");
  }
});

test("sipreg serve refuses a bad --listen before opening any socket", { timeout: 15_000 }, async () => {
  const r = await run(process.execPath, [new URL("../../src/cli/main.js", import.meta.url).pathname, "serve", "--listen", "udpx:127.0.0.1:5060"]);
  assert.equal(r.code, 2);
  assert.match(r.out, /--listen: bad listen address "udpx:127\.0\.0\.1:5060"/);
});
