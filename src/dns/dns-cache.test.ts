import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../util/clock.js";
import { DnsCache } from "./dns-cache.js";
import { DnsError } from "./dns-error.js";
import { MemoryDnsBackend } from "./memory-dns-backend.js";
import type { AddressRecord, DnsBackend } from "./types.js";

function setup(options: ConstructorParameters<typeof DnsCache>[2] = {}) {
  const clock = new ManualClock();
  const backend = new MemoryDnsBackend();
  const cache = new DnsCache(backend, clock, options);
  return { clock, backend, cache };
}

/** A backend whose A queries stay pending until the test releases them. */
class GatedBackend implements DnsBackend {
  calls = 0;
  private release: Array<(records: AddressRecord[]) => void> = [];
  resolve4(): Promise<readonly AddressRecord[]> {
    this.calls++;
    return new Promise((resolve) => this.release.push(resolve));
  }
  resolve6(): Promise<readonly AddressRecord[]> {
    return Promise.resolve([]);
  }
  resolveNaptr(): Promise<never[]> {
    return Promise.resolve([]);
  }
  resolveSrv(): Promise<never[]> {
    return Promise.resolve([]);
  }
  answerAll(records: AddressRecord[]): void {
    for (const resolve of this.release.splice(0)) resolve(records);
  }
}

describe("DnsCache", () => {
  it("serves an answer from cache until its TTL runs out, then asks again", async () => {
    const { clock, backend, cache } = setup();
    backend.addA("pbx.example.com", "192.0.2.1", 60);
    assert.deepEqual(await cache.resolve4("pbx.example.com"), [{ address: "192.0.2.1", ttl: 60 }]);
    clock.advance(59_999);
    await cache.resolve4("pbx.example.com");
    assert.equal(backend.queryCount("A", "pbx.example.com"), 1);

    backend.remove("A", "pbx.example.com").addA("pbx.example.com", "192.0.2.2", 60);
    clock.advance(1);
    assert.deepEqual(await cache.resolve4("pbx.example.com"), [{ address: "192.0.2.2", ttl: 60 }]);
    assert.equal(backend.queryCount("A", "pbx.example.com"), 2);
  });

  it("keeps an RRset for its shortest TTL, capped by maxTtlSeconds", async () => {
    const { clock, backend, cache } = setup({ maxTtlSeconds: 100 });
    backend.addSrv("_sip._udp.example.com", { priority: 1, weight: 1, port: 5060, target: "a.example.com", ttl: 30 });
    backend.addSrv("_sip._udp.example.com", { priority: 2, weight: 1, port: 5060, target: "b.example.com", ttl: 90 });
    backend.addNaptr("example.com", { order: 1, preference: 1, service: "SIP+D2U", replacement: "x", ttl: 86_400 });
    await cache.resolveSrv("_sip._udp.example.com");
    await cache.resolveNaptr("example.com");
    clock.advance(30_000);
    await cache.resolveSrv("_sip._udp.example.com");
    await cache.resolveNaptr("example.com");
    assert.equal(backend.queryCount("SRV", "_sip._udp.example.com"), 2);
    assert.equal(backend.queryCount("NAPTR", "example.com"), 1);
    clock.advance(70_000);
    await cache.resolveNaptr("example.com");
    assert.equal(backend.queryCount("NAPTR", "example.com"), 2);
  });

  it("remembers empty answers for the negative TTL only", async () => {
    const { clock, backend, cache } = setup({ negativeTtlSeconds: 5 });
    assert.deepEqual(await cache.resolveNaptr("example.com"), []);
    clock.advance(4_999);
    assert.deepEqual(await cache.resolveNaptr("example.com"), []);
    assert.equal(backend.queryCount("NAPTR", "example.com"), 1);
    clock.advance(1);
    await cache.resolveNaptr("example.com");
    assert.equal(backend.queryCount("NAPTR", "example.com"), 2);
  });

  it("does not cache failures, nor answers with TTL 0", async () => {
    const { backend, cache } = setup();
    backend.fail("AAAA", "pbx.example.com");
    await assert.rejects(cache.resolve6("pbx.example.com"), (e: unknown) => e instanceof DnsError && e.code === "DNS_QUERY_FAILED");
    backend.heal("AAAA", "pbx.example.com").addAaaa("pbx.example.com", "2001:db8::1");
    assert.deepEqual(await cache.resolve6("pbx.example.com"), [{ address: "2001:db8::1", ttl: 300 }]);

    backend.addA("zero.example.com", "192.0.2.9", 0);
    await cache.resolve4("zero.example.com");
    await cache.resolve4("zero.example.com");
    assert.equal(backend.queryCount("A", "zero.example.com"), 2);
  });

  it("shares one query among concurrent lookups of a name", async () => {
    const clock = new ManualClock();
    const backend = new GatedBackend();
    const cache = new DnsCache(backend, clock);
    const lookups = [cache.resolve4("pbx.example.com"), cache.resolve4("PBX.example.com."), cache.resolve4("pbx.example.com")];
    assert.equal(backend.calls, 1);
    backend.answerAll([{ address: "192.0.2.1", ttl: 60 }]);
    const answers = await Promise.all(lookups);
    for (const answer of answers) assert.deepEqual(answer, [{ address: "192.0.2.1", ttl: 60 }]);
    await cache.resolve4("pbx.example.com");
    assert.equal(backend.calls, 1);
  });

  it("lets every waiter see a shared failure, then retries", async () => {
    const { backend, cache } = setup();
    backend.fail("A", "pbx.example.com");
    const results = await Promise.allSettled([cache.resolve4("pbx.example.com"), cache.resolve4("pbx.example.com")]);
    assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
    assert.equal(backend.queryCount("A", "pbx.example.com"), 1);
    backend.heal("A", "pbx.example.com");
    await cache.resolve4("pbx.example.com");
    assert.equal(backend.queryCount("A", "pbx.example.com"), 2);
  });

  it("keeps record types apart and treats names case-insensitively", async () => {
    const { backend, cache } = setup();
    backend.addA("Pbx.Example.com", "192.0.2.1").addAaaa("pbx.example.com", "2001:db8::1");
    assert.deepEqual(await cache.resolve4("pbx.example.com."), [{ address: "192.0.2.1", ttl: 300 }]);
    assert.deepEqual(await cache.resolve6("PBX.EXAMPLE.COM"), [{ address: "2001:db8::1", ttl: 300 }]);
    await cache.resolve4("pbx.EXAMPLE.com");
    assert.equal(backend.queryCount("A", "pbx.example.com"), 1);
    assert.equal(backend.queryCount("AAAA", "pbx.example.com"), 1);
  });

  it("evicts the oldest entries beyond maxEntries", async () => {
    const { backend, cache } = setup({ maxEntries: 2 });
    for (const name of ["a.example.com", "b.example.com", "c.example.com"]) {
      backend.addA(name, "192.0.2.1");
      await cache.resolve4(name);
    }
    await cache.resolve4("c.example.com");
    await cache.resolve4("a.example.com");
    assert.equal(backend.queryCount("A", "c.example.com"), 1);
    assert.equal(backend.queryCount("A", "a.example.com"), 2);
  });

  it("hands out answers callers cannot alter", async () => {
    const { backend, cache } = setup();
    backend.addA("pbx.example.com", "192.0.2.1");
    const answer = await cache.resolve4("pbx.example.com");
    assert.ok(Object.isFrozen(answer));
  });
});
