// A DnsBackend that remembers answers for their TTL, so repeated SIP lookups cost no DNS traffic.
import type { Clock } from "../util/clock.js";
import { RecordCache, type RecordCacheLimits } from "./record-cache.js";
import type { AddressRecord, DnsBackend, NaptrRecord, SrvRecord } from "./types.js";

export interface DnsCacheOptions {
  /**
   * Seconds an empty answer (no such name / no records of the type) is remembered. Kept short
   * because no SOA minimum is available to follow RFC 2308 exactly. Default 30.
   */
  negativeTtlSeconds?: number;
  /** Cap, in seconds, on how long any answer is remembered. Default 3600. */
  maxTtlSeconds?: number;
  /** Entries kept per record type. Default 10000. */
  maxEntries?: number;
}

/**
 * Caches per record type and name. Positive answers live for their (capped) TTL, empty answers for
 * the negative TTL, failures not at all; concurrent lookups of one name share one backend query.
 * Records are returned with the TTL they arrived with (not decremented).
 */
export class DnsCache implements DnsBackend {
  private readonly naptr: RecordCache<NaptrRecord>;
  private readonly srv: RecordCache<SrvRecord>;
  private readonly a: RecordCache<AddressRecord>;
  private readonly aaaa: RecordCache<AddressRecord>;

  constructor(
    private readonly backend: DnsBackend,
    clock: Clock,
    options: DnsCacheOptions = {},
  ) {
    const limits: RecordCacheLimits = {
      negativeTtlMs: (options.negativeTtlSeconds ?? 30) * 1000,
      maxTtlMs: (options.maxTtlSeconds ?? 3600) * 1000,
      maxEntries: options.maxEntries ?? 10_000,
    };
    this.naptr = new RecordCache(clock, limits);
    this.srv = new RecordCache(clock, limits);
    this.a = new RecordCache(clock, limits);
    this.aaaa = new RecordCache(clock, limits);
  }

  resolveNaptr(name: string): Promise<readonly NaptrRecord[]> {
    return this.naptr.lookup(name, (n) => this.backend.resolveNaptr(n));
  }

  resolveSrv(name: string): Promise<readonly SrvRecord[]> {
    return this.srv.lookup(name, (n) => this.backend.resolveSrv(n));
  }

  resolve4(name: string): Promise<readonly AddressRecord[]> {
    return this.a.lookup(name, (n) => this.backend.resolve4(n));
  }

  resolve6(name: string): Promise<readonly AddressRecord[]> {
    return this.aaaa.lookup(name, (n) => this.backend.resolve6(n));
  }
}
