// DnsBackend over node:dns/promises, with its own servers, timeout and retry count.
import { Resolver } from "node:dns/promises";
import { DnsError } from "./dns-error.js";
import { HostsFile } from "./hosts-file.js";
import type { AddressRecord, DnsBackend, DnsRecordType, NaptrRecord, SrvRecord } from "./types.js";

export interface NodeDnsBackendOptions {
  /** Name servers as "ip" or "ip:port" ("[v6]:port"), e.g. ["127.0.0.1:5353"]; the system's by default. */
  servers?: readonly string[];
  /** Per-try timeout in ms; node's default when omitted. */
  timeoutMs?: number;
  /** Tries per server before giving up; node's default (4) when omitted. */
  tries?: number;
  /**
   * TTL, in seconds, reported for NAPTR and SRV records: node's resolver does not expose their
   * real TTL, so this stands in for it when a DnsCache decides how long to keep them. Default 60.
   */
  naptrSrvTtlSeconds?: number;
  /**
   * Hosts file consulted before DNS for A/AAAA, as the system resolver does; default "/etc/hosts" when
   * `servers` is not given (the system's resolution), none when it is; false: never.
   */
  hostsFile?: string | false;
}

/** TTL reported for answers from the hosts file (re-read only when the backend is made again). */
const HOSTS_TTL_SECONDS = 300;

/** Answers that mean "nothing here" rather than "could not ask" (NXDOMAIN, or no records of the type). */
const emptyAnswerCodes: ReadonlySet<string> = new Set(["ENOTFOUND", "ENODATA"]);

export class NodeDnsBackend implements DnsBackend {
  private readonly resolver: Resolver;
  private readonly naptrSrvTtl: number;
  private readonly hosts: HostsFile | undefined;

  constructor(options: NodeDnsBackendOptions = {}) {
    this.resolver = new Resolver({ timeout: options.timeoutMs ?? -1, tries: options.tries ?? 4 });
    this.naptrSrvTtl = options.naptrSrvTtlSeconds ?? 60;
    const hostsPath = options.hostsFile ?? (options.servers === undefined ? "/etc/hosts" : false);
    this.hosts = hostsPath === false ? undefined : new HostsFile(hostsPath);
    if (options.servers !== undefined) {
      try {
        this.resolver.setServers([...options.servers]);
      } catch (cause) {
        throw new DnsError("DNS_INVALID_CONFIG", `bad DNS server list: ${options.servers.join(", ")}`, { cause });
      }
    }
  }

  async resolveNaptr(name: string): Promise<readonly NaptrRecord[]> {
    const records = await this.query("NAPTR", name, () => this.resolver.resolveNaptr(name));
    return records.map((r) => ({
      order: r.order,
      preference: r.preference,
      flags: r.flags,
      service: r.service,
      regexp: r.regexp,
      replacement: r.replacement,
      ttl: this.naptrSrvTtl,
    }));
  }

  async resolveSrv(name: string): Promise<readonly SrvRecord[]> {
    const records = await this.query("SRV", name, () => this.resolver.resolveSrv(name));
    return records.map((r) => ({
      priority: r.priority,
      weight: r.weight,
      port: r.port,
      target: r.name,
      ttl: this.naptrSrvTtl,
    }));
  }

  resolve4(name: string): Promise<readonly AddressRecord[]> {
    const pinned = this.hosts?.lookup(name);
    if (pinned !== undefined) return Promise.resolve(pinned.v4.map((address) => ({ address, ttl: HOSTS_TTL_SECONDS })));
    return this.query("A", name, () => this.resolver.resolve4(name, { ttl: true }));
  }

  resolve6(name: string): Promise<readonly AddressRecord[]> {
    const pinned = this.hosts?.lookup(name);
    if (pinned !== undefined) return Promise.resolve(pinned.v6.map((address) => ({ address, ttl: HOSTS_TTL_SECONDS })));
    return this.query("AAAA", name, () => this.resolver.resolve6(name, { ttl: true }));
  }

  /** Abandons queries in flight; they reject with a DnsError. The backend stays usable. */
  cancel(): void {
    this.resolver.cancel();
  }

  private async query<T>(type: DnsRecordType, name: string, run: () => Promise<T[]>): Promise<T[]> {
    try {
      return await run();
    } catch (cause) {
      const code = errorCode(cause);
      if (code !== undefined && emptyAnswerCodes.has(code)) return [];
      const what = `${type} lookup of ${name} failed (${code ?? "unknown error"})`;
      throw new DnsError(code === "ETIMEOUT" ? "DNS_TIMEOUT" : "DNS_QUERY_FAILED", what, { cause, host: name });
    }
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}
