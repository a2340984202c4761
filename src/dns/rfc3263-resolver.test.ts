import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../util/clock.js";
import { DnsError, type DnsErrorCode } from "./dns-error.js";
import { MemoryDnsBackend } from "./memory-dns-backend.js";
import { Rfc3263Resolver, type Rfc3263ResolverOptions } from "./rfc3263-resolver.js";
import type { FloatSource } from "./srv-order.js";
import type { SipTarget } from "./types.js";

const fixedRandom = (value: number): FloatSource => ({ float: () => value });

function resolverFor(backend: MemoryDnsBackend, options: Partial<Rfc3263ResolverOptions> = {}): Rfc3263Resolver {
  return new Rfc3263Resolver({ backend, clock: new ManualClock(), random: fixedRandom(0), ...options });
}

/** "transport address:port" per target, the part most assertions care about. */
const brief = (targets: readonly SipTarget[]): string[] =>
  targets.map((t) => `${t.transport} ${t.family === 6 ? `[${t.address}]` : t.address}:${t.port}`);

const rejectsWith = (code: DnsErrorCode, check?: (e: DnsError) => void) => (error: unknown) => {
  assert.ok(error instanceof DnsError, `expected DnsError, got ${String(error)}`);
  assert.equal(error.code, code);
  check?.(error);
  return true;
};

/** example.com with NAPTR → SRV → A/AAAA for UDP, TCP and TLS. */
function fullZone(): MemoryDnsBackend {
  return new MemoryDnsBackend()
    .addNaptr("example.com", { order: 10, preference: 20, service: "SIP+D2U", replacement: "_sip._udp.example.com" })
    .addNaptr("example.com", { order: 10, preference: 10, service: "SIP+D2T", replacement: "_sip._tcp.example.com" })
    .addNaptr("example.com", { order: 20, preference: 0, service: "SIPS+D2T", replacement: "_sips._tcp.example.com" })
    .addSrv("_sip._udp.example.com", { priority: 0, weight: 0, port: 5060, target: "udp.example.com" })
    .addSrv("_sip._tcp.example.com", { priority: 0, weight: 0, port: 5062, target: "tcp.example.com" })
    .addSrv("_sips._tcp.example.com", { priority: 0, weight: 0, port: 5063, target: "tls.example.com" })
    .addA("udp.example.com", "192.0.2.1")
    .addA("tcp.example.com", "192.0.2.2")
    .addAaaa("tcp.example.com", "2001:db8::2")
    .addA("tls.example.com", "192.0.2.3");
}

describe("Rfc3263Resolver: NAPTR → SRV → A/AAAA", () => {
  it("follows NAPTR order/preference, then SRV, then addresses (IPv4 first)", async () => {
    const targets = await resolverFor(fullZone()).resolveSipUri({ scheme: "sip", host: "example.com" });
    assert.deepEqual(brief(targets), ["tcp 192.0.2.2:5062", "tcp [2001:db8::2]:5062", "udp 192.0.2.1:5060", "tls 192.0.2.3:5063"]);
    assert.deepEqual(targets[0], { transport: "tcp", address: "192.0.2.2", port: 5062, family: 4, host: "tcp.example.com", priority: 0, weight: 0 });
  });

  it("lists IPv6 first when asked to", async () => {
    const targets = await resolverFor(fullZone(), { preferIpv6: true }).resolveSipUri({ scheme: "sip", host: "example.com" });
    assert.deepEqual(brief(targets).slice(0, 2), ["tcp [2001:db8::2]:5062", "tcp 192.0.2.2:5062"]);
  });

  it("keeps only SIPS services for a sips URI", async () => {
    const targets = await resolverFor(fullZone()).resolveSipUri({ scheme: "sips", host: "example.com" });
    assert.deepEqual(brief(targets), ["tls 192.0.2.3:5063"]);
  });

  it("ignores NAPTR services for transports the client lacks, without querying them", async () => {
    const backend = fullZone();
    const targets = await resolverFor(backend, { supportedTransports: ["udp"] }).resolveSipUri({ scheme: "sip", host: "example.com" });
    assert.deepEqual(brief(targets), ["udp 192.0.2.1:5060"]);
    assert.equal(backend.queryCount("SRV", "_sip._tcp.example.com"), 0);
    assert.equal(backend.queryCount("SRV", "_sips._tcp.example.com"), 0);
  });

  it("follows SIP+D2W to WebSocket targets when ws is supported", async () => {
    const backend = new MemoryDnsBackend()
      .addNaptr("example.com", { order: 1, preference: 1, service: "SIP+D2W", replacement: "_sip._ws.example.com" })
      .addSrv("_sip._ws.example.com", { priority: 1, weight: 1, port: 8080, target: "ws.example.com" })
      .addA("ws.example.com", "192.0.2.8");
    const targets = await resolverFor(backend, { supportedTransports: ["ws", "udp"] }).resolveSipUri({ scheme: "sip", host: "example.com" });
    assert.deepEqual(brief(targets), ["ws 192.0.2.8:8080"]);
  });

  it("orders SRV records by priority, then weight, using the injected random", async () => {
    const backend = new MemoryDnsBackend()
      .addNaptr("example.com", { order: 1, preference: 1, service: "SIP+D2U", replacement: "_sip._udp.example.com" })
      .addSrv("_sip._udp.example.com", { priority: 20, weight: 0, port: 5060, target: "backup.example.com" })
      .addSrv("_sip._udp.example.com", { priority: 10, weight: 60, port: 5060, target: "heavy.example.com" })
      .addSrv("_sip._udp.example.com", { priority: 10, weight: 40, port: 5060, target: "light.example.com" })
      .addA("backup.example.com", "192.0.2.30")
      .addA("heavy.example.com", "192.0.2.10")
      .addA("light.example.com", "192.0.2.20");
    const low = await resolverFor(backend, { random: fixedRandom(0.3) }).resolveSipUri({ scheme: "sip", host: "example.com" });
    assert.deepEqual(low.map((t) => t.host), ["heavy.example.com", "light.example.com", "backup.example.com"]);
    const high = await resolverFor(backend, { random: fixedRandom(0.7) }).resolveSipUri({ scheme: "sip", host: "example.com" });
    assert.deepEqual(high.map((t) => t.host), ["light.example.com", "heavy.example.com", "backup.example.com"]);
    assert.deepEqual(high.map((t) => [t.priority, t.weight]), [[10, 40], [10, 60], [20, 0]]);
  });

  it("falls back to the host's A/AAAA with the default port when a NAPTR's SRV name is empty", async () => {
    const backend = new MemoryDnsBackend()
      .addNaptr("example.com", { order: 1, preference: 1, service: "SIP+D2T", replacement: "_sip._tcp.example.com" })
      .addA("example.com", "192.0.2.50");
    const targets = await resolverFor(backend).resolveSipUri({ scheme: "sip", host: "example.com" });
    assert.deepEqual(brief(targets), ["tcp 192.0.2.50:5060"]);
  });

  it("treats NAPTR records without SIP services like no NAPTR", async () => {
    const backend = new MemoryDnsBackend()
      .addNaptr("example.com", { order: 1, preference: 1, service: "E2U+sip", replacement: "x.example.com" })
      .addSrv("_sip._tcp.example.com", { priority: 1, weight: 1, port: 5070, target: "pbx.example.com" })
      .addA("pbx.example.com", "192.0.2.60");
    const targets = await resolverFor(backend).resolveSipUri({ scheme: "sip", host: "example.com" });
    assert.deepEqual(brief(targets), ["tcp 192.0.2.60:5070"]);
  });

  it('honours an SRV "." answer: service not available, no A/AAAA fallback', async () => {
    const backend = new MemoryDnsBackend()
      .addSrv("_sip._udp.example.com", { priority: 0, weight: 0, port: 0, target: "." })
      .addA("example.com", "192.0.2.70");
    await assert.rejects(
      resolverFor(backend, { supportedTransports: ["udp"] }).resolveSipUri({ scheme: "sip", host: "example.com" }),
      rejectsWith("DNS_NO_TARGETS"),
    );
  });

  it("lists a target reached along two paths once", async () => {
    const backend = new MemoryDnsBackend()
      .addNaptr("example.com", { order: 1, preference: 1, service: "SIP+D2U", replacement: "_sip._udp.example.com" })
      .addNaptr("example.com", { order: 1, preference: 2, service: "SIP+D2U", replacement: "_sip._udp.example.com" })
      .addSrv("_sip._udp.example.com", { priority: 0, weight: 0, port: 5060, target: "pbx.example.com" })
      .addA("pbx.example.com", "192.0.2.1");
    const targets = await resolverFor(backend).resolveSipUri({ scheme: "sip", host: "example.com" });
    assert.deepEqual(brief(targets), ["udp 192.0.2.1:5060"]);
  });
});

describe("Rfc3263Resolver: fallbacks without NAPTR (§4.1, §4.2)", () => {
  it("queries SRV for _sip._udp, _sip._tcp, _sips._tcp in that order and keeps that order", async () => {
    const backend = new MemoryDnsBackend()
      .addSrv("_sips._tcp.example.com", { priority: 0, weight: 0, port: 5061, target: "tls.example.com" })
      .addSrv("_sip._tcp.example.com", { priority: 0, weight: 0, port: 5060, target: "tcp.example.com" })
      .addSrv("_sip._udp.example.com", { priority: 0, weight: 0, port: 5060, target: "udp.example.com" })
      .addA("tls.example.com", "192.0.2.3")
      .addA("tcp.example.com", "192.0.2.2")
      .addA("udp.example.com", "192.0.2.1");
    const targets = await resolverFor(backend).resolveSipUri({ scheme: "sip", host: "example.com" });
    assert.deepEqual(brief(targets), ["udp 192.0.2.1:5060", "tcp 192.0.2.2:5060", "tls 192.0.2.3:5061"]);
    const srvQueries = backend.queries.filter((q) => q.type === "SRV").map((q) => q.name);
    assert.deepEqual(srvQueries, ["_sip._udp.example.com", "_sip._tcp.example.com", "_sips._tcp.example.com"]);
    assert.equal(backend.queries[0]?.type, "NAPTR");
  });

  it("queries only _sips._tcp for a sips URI, and only supported transports for sip", async () => {
    const backend = new MemoryDnsBackend().addA("example.com", "192.0.2.1");
    await resolverFor(backend).resolveSipUri({ scheme: "sips", host: "example.com" });
    assert.deepEqual(backend.queries.filter((q) => q.type === "SRV").map((q) => q.name), ["_sips._tcp.example.com"]);

    const tcpOnly = new MemoryDnsBackend().addA("example.com", "192.0.2.1");
    const targets = await resolverFor(tcpOnly, { supportedTransports: ["tcp"] }).resolveSipUri({ scheme: "sip", host: "example.com" });
    assert.deepEqual(tcpOnly.queries.filter((q) => q.type === "SRV").map((q) => q.name), ["_sip._tcp.example.com"]);
    assert.deepEqual(brief(targets), ["tcp 192.0.2.1:5060"]);
  });

  it("without SRV uses A/AAAA on the default port: UDP 5060 for sip, TLS 5061 for sips", async () => {
    const backend = new MemoryDnsBackend().addA("example.com", "192.0.2.1").addAaaa("example.com", "2001:db8::1");
    const sip = await resolverFor(backend).resolveSipUri({ scheme: "sip", host: "example.com" });
    assert.deepEqual(brief(sip), ["udp 192.0.2.1:5060", "udp [2001:db8::1]:5060"]);
    assert.equal(sip[0]?.host, "example.com");
    assert.equal(sip[0]?.priority, undefined);
    const sips = await resolverFor(backend).resolveSipUri({ scheme: "sips", host: "example.com" });
    assert.deepEqual(brief(sips), ["tls 192.0.2.1:5061", "tls [2001:db8::1]:5061"]);
  });
});

describe("Rfc3263Resolver: explicit port and transport", () => {
  it("with a port, looks up only A/AAAA (UDP for sip)", async () => {
    const backend = fullZone().addA("example.com", "192.0.2.99");
    const targets = await resolverFor(backend).resolveSipUri({ scheme: "sip", host: "example.com", port: 5080 });
    assert.deepEqual(brief(targets), ["udp 192.0.2.99:5080"]);
    assert.deepEqual(new Set(backend.queries.map((q) => q.type)), new Set(["A", "AAAA"]));
  });

  it("with a port and transport, uses both (sips+tcp means TLS)", async () => {
    const backend = new MemoryDnsBackend().addA("example.com", "192.0.2.99");
    const tcp = await resolverFor(backend).resolveSipUri({ scheme: "sip", host: "example.com", port: 5080, transport: "tcp" });
    assert.deepEqual(brief(tcp), ["tcp 192.0.2.99:5080"]);
    const sips = await resolverFor(backend).resolveSipUri({ scheme: "sips", host: "example.com", port: 5081, transport: "tcp" });
    assert.deepEqual(brief(sips), ["tls 192.0.2.99:5081"]);
  });

  it("with a transport and no port, looks up that transport's SRV only", async () => {
    const backend = fullZone();
    const targets = await resolverFor(backend).resolveSipUri({ scheme: "sip", host: "example.com", transport: "tcp" });
    assert.deepEqual(brief(targets), ["tcp 192.0.2.2:5062", "tcp [2001:db8::2]:5062"]);
    assert.equal(backend.queryCount("NAPTR", "example.com"), 0);
    assert.deepEqual(backend.queries.filter((q) => q.type === "SRV").map((q) => q.name), ["_sip._tcp.example.com"]);
  });

  it("maps transport=tls, and sips with transport=tcp, to _sips._tcp", async () => {
    const tls = await resolverFor(fullZone()).resolveSipUri({ scheme: "sip", host: "example.com", transport: "tls" });
    assert.deepEqual(brief(tls), ["tls 192.0.2.3:5063"]);
    const sips = await resolverFor(fullZone()).resolveSipUri({ scheme: "sips", host: "example.com", transport: "tcp" });
    assert.deepEqual(brief(sips), ["tls 192.0.2.3:5063"]);
  });

  it("with a transport but no SRV, uses A/AAAA on that transport's default port", async () => {
    const backend = new MemoryDnsBackend().addA("example.com", "192.0.2.5");
    const targets = await resolverFor(backend).resolveSipUri({ scheme: "sip", host: "example.com", transport: "tcp" });
    assert.deepEqual(brief(targets), ["tcp 192.0.2.5:5060"]);
  });

  it("for ws/wss skips SRV (none is standardised) and uses ports 80/443", async () => {
    const backend = new MemoryDnsBackend().addA("example.com", "192.0.2.5");
    const resolver = resolverFor(backend, { supportedTransports: ["ws", "wss"] });
    assert.deepEqual(brief(await resolver.resolveSipUri({ scheme: "sip", host: "example.com", transport: "ws" })), ["ws 192.0.2.5:80"]);
    assert.deepEqual(brief(await resolver.resolveSipUri({ scheme: "sips", host: "example.com", transport: "ws" })), ["wss 192.0.2.5:443"]);
    assert.deepEqual(brief(await resolver.resolveSipUri({ scheme: "sip", host: "example.com", transport: "wss", port: 8443 })), ["wss 192.0.2.5:8443"]);
    assert.equal(backend.queries.filter((q) => q.type === "SRV").length, 0);
  });

  it("refuses sips over udp and transports the client does not support", async () => {
    const resolver = resolverFor(fullZone());
    await assert.rejects(resolver.resolveSipUri({ scheme: "sips", host: "example.com", transport: "udp" }), rejectsWith("DNS_INVALID_TARGET"));
    await assert.rejects(resolver.resolveSipUri({ scheme: "sip", host: "example.com", transport: "ws" }), rejectsWith("DNS_UNSUPPORTED_TRANSPORT"));
  });
});

describe("Rfc3263Resolver: IP literals and maddr", () => {
  it("uses an IPv4 literal as is, with default transport and port", async () => {
    const backend = new MemoryDnsBackend();
    const resolver = resolverFor(backend, { supportedTransports: ["udp", "tcp", "tls", "ws", "wss"] });
    assert.deepEqual(await resolver.resolveSipUri({ scheme: "sip", host: "192.0.2.1" }), [
      { transport: "udp", address: "192.0.2.1", port: 5060, family: 4, host: "192.0.2.1" },
    ]);
    assert.deepEqual(brief(await resolver.resolveSipUri({ scheme: "sips", host: "192.0.2.1" })), ["tls 192.0.2.1:5061"]);
    assert.deepEqual(brief(await resolver.resolveSipUri({ scheme: "sip", host: "192.0.2.1", transport: "tcp" })), ["tcp 192.0.2.1:5060"]);
    assert.deepEqual(brief(await resolver.resolveSipUri({ scheme: "sip", host: "192.0.2.1", transport: "ws" })), ["ws 192.0.2.1:80"]);
    assert.deepEqual(brief(await resolver.resolveSipUri({ scheme: "sips", host: "192.0.2.1", transport: "wss" })), ["wss 192.0.2.1:443"]);
    assert.deepEqual(brief(await resolver.resolveSipUri({ scheme: "sip", host: "192.0.2.1", port: 5070 })), ["udp 192.0.2.1:5070"]);
    assert.equal(backend.queries.length, 0);
  });

  it("uses a bracketed IPv6 literal without brackets", async () => {
    const resolver = resolverFor(new MemoryDnsBackend());
    assert.deepEqual(await resolver.resolveSipUri({ scheme: "sip", host: "[::1]" }), [
      { transport: "udp", address: "::1", port: 5060, family: 6, host: "::1" },
    ]);
    assert.deepEqual(brief(await resolver.resolveSipUri({ scheme: "sip", host: "[2001:DB8::1]", port: 5070, transport: "tcp" })), [
      "tcp [2001:db8::1]:5070",
    ]);
  });

  it("picks the next transport for a literal when the default is unsupported", async () => {
    const resolver = resolverFor(new MemoryDnsBackend(), { supportedTransports: ["tcp"] });
    assert.deepEqual(brief(await resolver.resolveSipUri({ scheme: "sip", host: "192.0.2.1" })), ["tcp 192.0.2.1:5060"]);
    await assert.rejects(resolver.resolveSipUri({ scheme: "sips", host: "192.0.2.1" }), rejectsWith("DNS_UNSUPPORTED_TRANSPORT"));
  });

  it("lets maddr replace the host, as a literal or as a name", async () => {
    const backend = fullZone().addA("proxy.example.net", "198.51.100.7");
    const resolver = resolverFor(backend);
    const literal = await resolver.resolveSipUri({ scheme: "sip", host: "example.com", maddr: "198.51.100.1", port: 5070 });
    assert.deepEqual(brief(literal), ["udp 198.51.100.1:5070"]);
    assert.equal(backend.queries.length, 0);
    const named = await resolver.resolveSipUri({ scheme: "sip", host: "example.com", maddr: "proxy.example.net", transport: "tcp" });
    assert.deepEqual(brief(named), ["tcp 198.51.100.7:5060"]);
    assert.ok(backend.queries.every((q) => q.name.endsWith("example.net")));
  });
});

describe("Rfc3263Resolver: failures and caching", () => {
  it("rejects with DNS_NO_TARGETS naming the host when nothing resolves", async () => {
    await assert.rejects(
      resolverFor(new MemoryDnsBackend()).resolveSipUri({ scheme: "sip", host: "nowhere.example.com" }),
      rejectsWith("DNS_NO_TARGETS", (e) => {
        assert.equal(e.host, "nowhere.example.com");
        assert.match(e.message, /nowhere\.example\.com/);
      }),
    );
  });

  it("rejects malformed input", async () => {
    const resolver = resolverFor(new MemoryDnsBackend());
    await assert.rejects(resolver.resolveSipUri({ scheme: "sip", host: "" }), rejectsWith("DNS_INVALID_TARGET"));
    await assert.rejects(resolver.resolveSipUri({ scheme: "sip", host: "[not-v6]" }), rejectsWith("DNS_INVALID_TARGET"));
    await assert.rejects(resolver.resolveSipUri({ scheme: "sip", host: "example.com", port: 0 }), rejectsWith("DNS_INVALID_TARGET"));
    await assert.rejects(resolver.resolveSipUri({ scheme: "sip", host: "example.com", port: 70000 }), rejectsWith("DNS_INVALID_TARGET"));
  });

  it("keeps the targets that resolved when another lookup fails", async () => {
    const backend = fullZone().fail("AAAA", "tcp.example.com").fail("A", "udp.example.com");
    const targets = await resolverFor(backend).resolveSipUri({ scheme: "sip", host: "example.com" });
    assert.deepEqual(brief(targets), ["tcp 192.0.2.2:5062", "tls 192.0.2.3:5063"]);
  });

  it("falls back to SRV when the NAPTR query fails", async () => {
    const backend = fullZone().fail("NAPTR", "example.com");
    const targets = await resolverFor(backend).resolveSipUri({ scheme: "sip", host: "example.com" });
    assert.deepEqual(brief(targets), ["udp 192.0.2.1:5060", "tcp 192.0.2.2:5062", "tcp [2001:db8::2]:5062", "tls 192.0.2.3:5063"]);
  });

  it("rethrows the DNS failure when nothing resolved because of it", async () => {
    const backend = new MemoryDnsBackend().addA("example.com", "192.0.2.1");
    backend.fail("A", "example.com", new DnsError("DNS_TIMEOUT", "A lookup of example.com failed (ETIMEOUT)"));
    await assert.rejects(
      resolverFor(backend).resolveSipUri({ scheme: "sip", host: "example.com", port: 5060 }),
      rejectsWith("DNS_TIMEOUT", (e) => assert.ok(e.cause instanceof DnsError)),
    );
  });

  it("answers a repeated lookup from its cache until the TTLs expire", async () => {
    const clock = new ManualClock();
    const backend = fullZone();
    const resolver = resolverFor(backend, { clock, cache: { negativeTtlSeconds: 10 } });
    const first = await resolver.resolveSipUri({ scheme: "sip", host: "example.com" });
    const queries = backend.queries.length;
    assert.deepEqual(await resolver.resolveSipUri({ scheme: "sip", host: "example.com" }), first);
    assert.equal(backend.queries.length, queries);
    clock.advance(300_000);
    await resolver.resolveSipUri({ scheme: "sip", host: "example.com" });
    assert.equal(backend.queries.length, queries * 2);
  });

  it("can run without a cache", async () => {
    const backend = new MemoryDnsBackend().addA("example.com", "192.0.2.1");
    const resolver = resolverFor(backend, { cache: false });
    await resolver.resolveSipUri({ scheme: "sip", host: "example.com", port: 5060 });
    await resolver.resolveSipUri({ scheme: "sip", host: "example.com", port: 5060 });
    assert.equal(backend.queryCount("A", "example.com"), 2);
  });
});
