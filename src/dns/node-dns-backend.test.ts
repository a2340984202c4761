// Against a real (local, hand-written) DNS server over UDP, so node's resolver and the wire format are exercised.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../util/clock.js";
import { DnsError } from "./dns-error.js";
import { NodeDnsBackend } from "./node-dns-backend.js";
import { Rfc3263Resolver } from "./rfc3263-resolver.js";
import { TestDnsServer } from "./test-dns-server.js";

const testTimeoutMs = 5_000;

describe("NodeDnsBackend against a local DNS server", { timeout: testTimeoutMs * 2 }, () => {
  let server: TestDnsServer;
  let backend: NodeDnsBackend;

  before(async () => {
    server = await TestDnsServer.start({
      records: [
        { type: "NAPTR", name: "example.test", order: 10, preference: 10, flags: "S", service: "SIP+D2T", regexp: "", replacement: "_sip._tcp.example.test" },
        { type: "NAPTR", name: "example.test", order: 20, preference: 10, flags: "S", service: "SIP+D2U", regexp: "", replacement: "_sip._udp.example.test" },
        { type: "SRV", name: "_sip._tcp.example.test", priority: 10, weight: 0, port: 5070, target: "pbx1.example.test" },
        { type: "SRV", name: "_sip._tcp.example.test", priority: 20, weight: 0, port: 5071, target: "pbx2.example.test" },
        { type: "SRV", name: "_sip._udp.example.test", priority: 10, weight: 0, port: 5060, target: "pbx1.example.test" },
        { type: "A", name: "pbx1.example.test", address: "192.0.2.11", ttl: 120 },
        { type: "AAAA", name: "pbx1.example.test", address: "2001:db8::11", ttl: 90 },
        { type: "A", name: "pbx2.example.test", address: "192.0.2.12", ttl: 120 },
      ],
      failing: ["broken.example.test"],
      silent: ["slow.example.test"],
    });
    backend = new NodeDnsBackend({ servers: [server.serverAddress], timeoutMs: 300, tries: 1, naptrSrvTtlSeconds: 45 });
  });

  after(async () => {
    backend.cancel();
    await server.close();
  });

  it("resolves a NAPTR → SRV → A/AAAA chain end to end", { timeout: testTimeoutMs }, async () => {
    const resolver = new Rfc3263Resolver({ backend, clock: new ManualClock(), random: { float: () => 0 } });
    const targets = await resolver.resolveSipUri({ scheme: "sip", host: "example.test" });
    assert.deepEqual(targets, [
      { transport: "tcp", address: "192.0.2.11", port: 5070, family: 4, host: "pbx1.example.test", priority: 10, weight: 0 },
      { transport: "tcp", address: "2001:db8::11", port: 5070, family: 6, host: "pbx1.example.test", priority: 10, weight: 0 },
      { transport: "tcp", address: "192.0.2.12", port: 5071, family: 4, host: "pbx2.example.test", priority: 20, weight: 0 },
      { transport: "udp", address: "192.0.2.11", port: 5060, family: 4, host: "pbx1.example.test", priority: 10, weight: 0 },
      { transport: "udp", address: "2001:db8::11", port: 5060, family: 6, host: "pbx1.example.test", priority: 10, weight: 0 },
    ]);
    assert.ok(server.queries.some((q) => q.name === "example.test" && q.qtype === 35));
  });

  it("reports A/AAAA TTLs from the answer and the configured TTL for NAPTR/SRV", { timeout: testTimeoutMs }, async () => {
    assert.deepEqual(await backend.resolve4("pbx1.example.test"), [{ address: "192.0.2.11", ttl: 120 }]);
    assert.deepEqual(await backend.resolve6("pbx1.example.test"), [{ address: "2001:db8::11", ttl: 90 }]);
    const [naptr] = await backend.resolveNaptr("example.test");
    assert.deepEqual(naptr, { order: 10, preference: 10, flags: "S", service: "SIP+D2T", regexp: "", replacement: "_sip._tcp.example.test", ttl: 45 });
    const srv = await backend.resolveSrv("_sip._udp.example.test");
    assert.deepEqual(srv, [{ priority: 10, weight: 0, port: 5060, target: "pbx1.example.test", ttl: 45 }]);
  });

  it("answers NXDOMAIN and NODATA with no records", { timeout: testTimeoutMs }, async () => {
    assert.deepEqual(await backend.resolve4("missing.example.test"), []);
    assert.deepEqual(await backend.resolveSrv("pbx2.example.test"), []);
    assert.deepEqual(await backend.resolve6("pbx2.example.test"), []);
  });

  it("turns SERVFAIL into DNS_QUERY_FAILED and silence into DNS_TIMEOUT", { timeout: testTimeoutMs }, async () => {
    await assert.rejects(backend.resolve4("broken.example.test"), (e: unknown) => {
      assert.ok(e instanceof DnsError);
      assert.equal(e.code, "DNS_QUERY_FAILED");
      assert.equal(e.host, "broken.example.test");
      return true;
    });
    await assert.rejects(backend.resolveNaptr("slow.example.test"), (e: unknown) => e instanceof DnsError && e.code === "DNS_TIMEOUT");
  });

  it("refuses a malformed server list", () => {
    assert.throws(() => new NodeDnsBackend({ servers: ["not an address"] }), (e: unknown) => e instanceof DnsError && e.code === "DNS_INVALID_CONFIG");
  });
});
