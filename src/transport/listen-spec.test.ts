import { test } from "node:test";
import assert from "node:assert/strict";
import { TransportError } from "./errors.js";
import { parseListenSpec } from "./listen-spec.js";

test("parseListenSpec: IPv4, bracketed IPv6, wildcard, all transports", () => {
  assert.deepEqual(parseListenSpec("udp:127.0.0.1:5060"), { protocol: "udp", host: "127.0.0.1", port: 5060 });
  assert.deepEqual(parseListenSpec("tcp:[::1]:5080"), { protocol: "tcp", host: "::1", port: 5080 });
  assert.deepEqual(parseListenSpec("wss:0.0.0.0:443"), { protocol: "wss", host: "0.0.0.0", port: 443 });
  assert.deepEqual(parseListenSpec("tls:[::]:5061"), { protocol: "tls", host: "::", port: 5061 });
  assert.deepEqual(parseListenSpec("ws:127.0.0.1:0"), { protocol: "ws", host: "127.0.0.1", port: 0 });
  assert.deepEqual(parseListenSpec("  UDP:127.0.0.1:5060 "), { protocol: "udp", host: "127.0.0.1", port: 5060 });
});

test("parseListenSpec: the port defaults per transport", () => {
  assert.equal(parseListenSpec("udp:127.0.0.1").port, 5060);
  assert.equal(parseListenSpec("tcp:[::1]").port, 5060);
  assert.equal(parseListenSpec("tls:127.0.0.1").port, 5061);
  assert.equal(parseListenSpec("ws:127.0.0.1").port, 80);
  assert.equal(parseListenSpec("wss:127.0.0.1").port, 443);
});

test("parseListenSpec: bad specs throw a TransportError that says what is wrong", () => {
  const cases: Array<[string, RegExp]> = [
    ["", /expected PROTO:HOST/],
    ["127.0.0.1:5060", /expected PROTO:HOST|unknown transport/],
    ["sctp:127.0.0.1:5060", /unknown transport "sctp"/],
    ["udp:::1:5060", /expected PROTO:HOST|brackets/],
    ["udp:[::1", /expected PROTO:HOST/],
    ["udp:[127.0.0.1]:5060", /brackets are for IPv6/],
    ["udp:[:::::]:5060", /not an IP address/],
    ["udp:localhost:5060", /not an IP address/],
    ["udp:300.1.1.1:5060", /not an IP address/],
    ["udp::5060", /not an IP address/],
    ["udp:127.0.0.1:", /empty port/],
    ["udp:127.0.0.1:65536", /out of range/],
    ["udp:127.0.0.1:123456", /out of range/],
    ["udp:127.0.0.1:50a", /expected PROTO:HOST/],
    ["udp:127.0.0.1:5060:1", /expected PROTO:HOST/],
  ];
  for (const [text, why] of cases) {
    assert.throws(
      () => parseListenSpec(text),
      (e: unknown) => e instanceof TransportError && e.code === "TRANSPORT_BAD_SPEC" && why.test(e.message) && e.message.includes(`"${text}"`),
      `spec ${JSON.stringify(text)}`,
    );
  }
});
