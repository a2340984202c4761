// An in-memory DnsBackend for tests: records are added by hand and every query is logged.
import { DnsError } from "./dns-error.js";
import { normalizeName } from "./record-cache.js";
import type { AddressRecord, DnsBackend, DnsRecordType, NaptrRecord, SrvRecord } from "./types.js";

export interface DnsQueryLogEntry {
  type: DnsRecordType;
  name: string;
}

export interface NaptrInput {
  order: number;
  preference: number;
  service: string;
  replacement: string;
  /** Default "s" (points at SRV records). */
  flags?: string;
  regexp?: string;
  ttl?: number;
}

export interface SrvInput {
  priority: number;
  weight: number;
  port: number;
  target: string;
  ttl?: number;
}

const defaultTtlSeconds = 300;

export class MemoryDnsBackend implements DnsBackend {
  /** Every query received, in order. */
  readonly queries: DnsQueryLogEntry[] = [];
  private readonly naptr = new Map<string, NaptrRecord[]>();
  private readonly srv = new Map<string, SrvRecord[]>();
  private readonly a = new Map<string, AddressRecord[]>();
  private readonly aaaa = new Map<string, AddressRecord[]>();
  private readonly failures = new Map<string, Error>();

  addNaptr(name: string, input: NaptrInput): this {
    const record: NaptrRecord = {
      order: input.order,
      preference: input.preference,
      flags: input.flags ?? "s",
      service: input.service,
      regexp: input.regexp ?? "",
      replacement: input.replacement,
      ttl: input.ttl ?? defaultTtlSeconds,
    };
    append(this.naptr, name, record);
    return this;
  }

  addSrv(name: string, input: SrvInput): this {
    append(this.srv, name, { ...input, ttl: input.ttl ?? defaultTtlSeconds });
    return this;
  }

  addA(name: string, address: string, ttl = defaultTtlSeconds): this {
    append(this.a, name, { address, ttl });
    return this;
  }

  addAaaa(name: string, address: string, ttl = defaultTtlSeconds): this {
    append(this.aaaa, name, { address, ttl });
    return this;
  }

  /** Drops every record of a type for a name. */
  remove(type: DnsRecordType, name: string): this {
    this.table(type).delete(normalizeName(name));
    return this;
  }

  /** Makes queries of a type for a name reject (a DNS_QUERY_FAILED DnsError unless given) until `heal`. */
  fail(type: DnsRecordType, name: string, error?: Error): this {
    const cause = error ?? new DnsError("DNS_QUERY_FAILED", `${type} lookup of ${name} failed (ESERVFAIL)`, { host: name });
    this.failures.set(failureKey(type, name), cause);
    return this;
  }

  heal(type: DnsRecordType, name: string): this {
    this.failures.delete(failureKey(type, name));
    return this;
  }

  /** How many queries of a type were made for a name. */
  queryCount(type: DnsRecordType, name: string): number {
    const wanted = normalizeName(name);
    return this.queries.filter((q) => q.type === type && normalizeName(q.name) === wanted).length;
  }

  resolveNaptr(name: string): Promise<readonly NaptrRecord[]> {
    return this.answer("NAPTR", name, this.naptr);
  }

  resolveSrv(name: string): Promise<readonly SrvRecord[]> {
    return this.answer("SRV", name, this.srv);
  }

  resolve4(name: string): Promise<readonly AddressRecord[]> {
    return this.answer("A", name, this.a);
  }

  resolve6(name: string): Promise<readonly AddressRecord[]> {
    return this.answer("AAAA", name, this.aaaa);
  }

  private table(type: DnsRecordType): Map<string, unknown[]> {
    switch (type) {
      case "NAPTR":
        return this.naptr;
      case "SRV":
        return this.srv;
      case "A":
        return this.a;
      case "AAAA":
        return this.aaaa;
    }
  }

  /** Answers asynchronously, like a real resolver, so concurrent callers overlap. */
  private async answer<T>(type: DnsRecordType, name: string, table: ReadonlyMap<string, T[]>): Promise<readonly T[]> {
    this.queries.push({ type, name });
    await Promise.resolve();
    const failure = this.failures.get(failureKey(type, name));
    if (failure !== undefined) throw failure;
    return [...(table.get(normalizeName(name)) ?? [])];
  }
}

function append<T>(table: Map<string, T[]>, name: string, record: T): void {
  const key = normalizeName(name);
  table.set(key, [...(table.get(key) ?? []), record]);
}

function failureKey(type: DnsRecordType, name: string): string {
  return `${type} ${normalizeName(name)}`;
}
