#!/usr/bin/env node
// sipreg-bench-shim.mjs serve ...   —  `sipreg` (dist/src/cli/main.js) with bench-only patches, each
// off unless its environment variable is set. Used by registrar-bench.sh (--nonce-shim, --sipreg-rcvbuf)
// to measure sipreg as it will be once the issues below are fixed in src/ (rows run through it are
// labelled in the report), and by the profile runs for the event-loop delay. It changes nothing else.
//
// Both patches below are no-ops on current builds (salted nonces since commit db7c0f4; a 4 MB UDP
// receive buffer set by sipreg-server.ts since the same afternoon): they remain so that older builds
// can be compared with the same harness.
//
// SIPREG_SHIM_NONCE_SALT=1
//   DigestAuthenticator (src/registrar/digest-authenticator.ts) builds its NonceManager without a
//   `random` source, so a nonce is base64url(time-ms | HMAC) and every challenge issued in the same
//   millisecond for the same realm carries the SAME nonce. With qop=auth the nonce-count store accepts
//   nc=00000001 for that nonce once and refuses the next client answering the same nonce with
//   nc=00000001 as a replay (401 again): under load most authenticated registrations fail. The patch
//   gives every nonce the 8 random salt bytes NonceManager already supports (its `random` option).
//
// SIPREG_SHIM_RCVBUF=BYTES
//   SipregServer does not pass TransportLayer's udpRecvBufferBytes, and no config key sets it, so the
//   UDP socket keeps the kernel default (net.core.rmem_default, 208 KB here) while the Kamailio
//   baseline runs with -b 4194304. The patch makes UdpListener.bind use BYTES when given nothing.
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const applied = [];

if (process.env.SIPREG_SHIM_NONCE_SALT === "1") {
  const { NonceManager } = await import(join(root, "dist/src/auth/nonce.js"));
  const issue = NonceManager.prototype.issue;
  let pool = Buffer.alloc(0);
  let pos = 0;
  const salt = {
    hex(n) {
      if (pos + n > pool.length) {
        pool = randomBytes(4096);
        pos = 0;
      }
      const s = pool.toString("hex", pos, pos + n);
      pos += n;
      return s;
    },
    float: Math.random,
  };
  NonceManager.prototype.issue = function issueSalted(binding) {
    if (this.random === undefined) this.random = salt;
    return issue.call(this, binding);
  };
  applied.push("nonce-salt");
}

const rcvbuf = Number(process.env.SIPREG_SHIM_RCVBUF ?? 0);
if (rcvbuf > 0) {
  const { UdpListener } = await import(join(root, "dist/src/transport/udp-listener.js"));
  const bind = UdpListener.bind;
  UdpListener.bind = (host, port, onDatagram, recvBufferBytes) => bind.call(UdpListener, host, port, onDatagram, recvBufferBytes ?? rcvbuf);
  applied.push(`udp-rcvbuf=${rcvbuf}`);
}

// SIPREG_SHIM_ELD=1 (diagnostics only, no behaviour change): event-loop delay every 5 s and at exit
//   (perf_hooks.monitorEventLoopDelay, 5 ms resolution) on stderr, so that stalls long enough to
//   overflow the UDP receive buffer show up even when the average CPU is low.
if (process.env.SIPREG_SHIM_ELD === "1") {
  const { monitorEventLoopDelay } = await import("node:perf_hooks");
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const all = monitorEventLoopDelay({ resolution: 5 });
  all.enable();
  const ms = (ns) => (ns / 1e6).toFixed(1);
  const line = (tag, x) =>
    `sipreg-bench-shim: event-loop delay ${tag}: p50 ${ms(x.percentile(50))} p99 ${ms(x.percentile(99))} p99.9 ${ms(x.percentile(99.9))} max ${ms(x.max)} ms (${x.count} samples)\n`;
  setInterval(() => {
    process.stderr.write(line("last 5 s", h));
    h.reset();
  }, 5000).unref();
  process.on("exit", () => process.stderr.write(line("whole run", all)));
  applied.push("event-loop-delay");
}

process.stderr.write(`sipreg-bench-shim: ${applied.length > 0 ? applied.join(", ") : "no patch applied"}\n`);
// argv as if `node dist/src/cli/main.js ...` had been run.
process.argv.splice(1, 1, join(root, "dist/src/cli/main.js"));
await import(join(root, "dist/src/cli/main.js"));
