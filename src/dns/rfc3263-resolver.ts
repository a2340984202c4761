// Turns a SIP URI into the ordered list of (transport, address, port) to try, per RFC 3263 §4.
import { systemClock, type Clock } from "../util/clock.js";
import { defaultRandom } from "../util/random.js";
import { DnsCache, type DnsCacheOptions } from "./dns-cache.js";
import { DnsError } from "./dns-error.js";
import { parseIpLiteral } from "./ip-literal.js";
import { selectSipNaptrRecords } from "./naptr-select.js";
import { normalizeName } from "./record-cache.js";
import { orderSrvRecords, type FloatSource } from "./srv-order.js";
import { defaultPort, defaultTransport, explicitTransport, srvPrefix } from "./transport-rules.js";
import type { DnsBackend, ResolveInput, SipTarget, SipTransportName, SrvRecord } from "./types.js";

export interface Rfc3263ResolverOptions {
  backend: DnsBackend;
  /** Settings of the answer cache placed in front of `backend`, or false to query it every time. */
  cache?: DnsCacheOptions | false;
  clock?: Clock;
  /** Drives RFC 2782 weighted selection among SRV records of equal priority. */
  random?: FloatSource;
  /** Transports this client can open; NAPTR/SRV choices for others are ignored. Default udp, tcp, tls. */
  supportedTransports?: Iterable<SipTransportName>;
  /** List each host's IPv6 addresses before its IPv4 ones. Default false (IPv4 first). */
  preferIpv6?: boolean;
}

/** A name to look up A/AAAA for, and how to reach the addresses it yields. */
interface AddressPlan {
  host: string;
  transport: SipTransportName;
  port: number;
  priority?: number;
  weight?: number;
}

type Scheme = ResolveInput["scheme"];

/** RFC 3263 §4.1: SRV services to try when there is no usable NAPTR, in this order. */
const srvFallbackTransports: Readonly<Record<Scheme, readonly SipTransportName[]>> = {
  sip: ["udp", "tcp", "tls"],
  sips: ["tls"],
};

export class Rfc3263Resolver {
  private readonly dns: DnsBackend;
  private readonly random: FloatSource;
  private readonly supported: ReadonlySet<SipTransportName>;
  private readonly preferIpv6: boolean;

  constructor(options: Rfc3263ResolverOptions) {
    const clock = options.clock ?? systemClock;
    this.dns = options.cache === false ? options.backend : new DnsCache(options.backend, clock, options.cache);
    this.random = options.random ?? defaultRandom;
    this.supported = new Set(options.supportedTransports ?? ["udp", "tcp", "tls"]);
    this.preferIpv6 = options.preferIpv6 ?? false;
  }

  /**
   * Targets to try in order (RFC 3263 §4.3: on failure move to the next). A failed DNS query counts
   * as an empty answer so the other branches still get a chance; if nothing at all comes out, the
   * first failure is rethrown (DNS_TIMEOUT / DNS_QUERY_FAILED), else DNS_NO_TARGETS.
   */
  async resolveSipUri(input: ResolveInput): Promise<SipTarget[]> {
    // §4: maddr, when present, is the target instead of the host.
    const name = targetName(input.maddr ?? input.host);
    checkPort(input.port, name);
    const explicit = input.transport === undefined ? undefined : explicitTransport(input.scheme, input.transport, name);
    if (explicit !== undefined && !this.supported.has(explicit)) {
      throw new DnsError("DNS_UNSUPPORTED_TRANSPORT", `transport ${explicit} to ${name} is not supported here`, {
        host: name,
      });
    }
    const transport = explicit ?? defaultTransport(input.scheme, this.supported, name);

    // §4.1/§4.2: a numeric address needs no DNS; default transport and port.
    const literal = parseIpLiteral(name);
    if (literal !== undefined) {
      const port = input.port ?? defaultPort(transport);
      return [{ transport, address: literal.address, port, family: literal.family, host: literal.address }];
    }

    const failures: unknown[] = [];
    const plans =
      input.port !== undefined
        ? [{ host: name, transport, port: input.port }] // §4.2: explicit port means A/AAAA only.
        : explicit !== undefined
          ? await this.plansForTransport(name, explicit, failures)
          : await this.plansFromNaptr(name, input.scheme, failures);
    const targets = dedupe(await this.addressTargets(plans, failures));
    if (targets.length > 0) return targets;
    throw noTargetsError(name, failures);
  }

  /** §4.2: transport known, no port → SRV for that transport; WebSocket has no SRV name, so A/AAAA. */
  private async plansForTransport(name: string, transport: SipTransportName, failures: unknown[]): Promise<AddressPlan[]> {
    const prefix = srvPrefix(transport);
    if (prefix === undefined) return [hostPlan(name, transport)];
    const records = await recordFailure(this.dns.resolveSrv(`${prefix}.${name}`), failures);
    return this.srvPlans(records, transport) ?? [hostPlan(name, transport)];
  }

  /** §4.1: NAPTR first; without usable NAPTR records, SRV per supported transport; without SRV, A/AAAA. */
  private async plansFromNaptr(name: string, scheme: Scheme, failures: unknown[]): Promise<AddressPlan[]> {
    const naptr = await recordFailure(this.dns.resolveNaptr(name), failures);
    const choices = selectSipNaptrRecords(naptr, scheme, this.supported);
    if (choices.length > 0) {
      const srvSets = await Promise.all(choices.map((c) => recordFailure(this.dns.resolveSrv(c.srvName), failures)));
      // §4.2: a NAPTR-chosen transport whose SRV name has no records falls back to the host's A/AAAA.
      return choices.flatMap((c, i) => this.srvPlans(srvSets[i] ?? [], c.transport) ?? [hostPlan(name, c.transport)]);
    }
    // Treating "NAPTR records, but none for SIP" like "no NAPTR" keeps misconfigured domains reachable.
    const transports = srvFallbackTransports[scheme].filter((t) => this.supported.has(t));
    const srvSets = await Promise.all(
      transports.map((t) => recordFailure(this.dns.resolveSrv(`${srvPrefix(t) ?? ""}.${name}`), failures)),
    );
    const plans = transports.flatMap((t, i) => this.srvPlans(srvSets[i] ?? [], t) ?? []);
    if (srvSets.some((records) => records.length > 0)) return plans;
    return [hostPlan(name, defaultTransport(scheme, this.supported, name))];
  }

  /** SRV records in RFC 2782 order as address plans; undefined when there are none (so callers fall back). */
  private srvPlans(records: readonly SrvRecord[], transport: SipTransportName): AddressPlan[] | undefined {
    if (records.length === 0) return undefined;
    return orderSrvRecords(records, this.random).map((r) => ({
      host: normalizeName(r.target),
      transport,
      port: r.port,
      priority: r.priority,
      weight: r.weight,
    }));
  }

  /** A and AAAA of every plan, queried in parallel, kept in plan order, preferred family first per host. */
  private async addressTargets(plans: readonly AddressPlan[], failures: unknown[]): Promise<SipTarget[]> {
    const perPlan = await Promise.all(
      plans.map(async (plan) => {
        const [v4, v6] = await Promise.all([
          recordFailure(this.dns.resolve4(plan.host), failures),
          recordFailure(this.dns.resolve6(plan.host), failures),
        ]);
        const fromV4 = v4.map((r) => toTarget(plan, r.address, 4));
        const fromV6 = v6.map((r) => toTarget(plan, r.address, 6));
        return this.preferIpv6 ? [...fromV6, ...fromV4] : [...fromV4, ...fromV6];
      }),
    );
    return perPlan.flat();
  }
}

function hostPlan(name: string, transport: SipTransportName): AddressPlan {
  return { host: name, transport, port: defaultPort(transport) };
}

function toTarget(plan: AddressPlan, address: string, family: 4 | 6): SipTarget {
  const target: SipTarget = { transport: plan.transport, address, port: plan.port, family, host: plan.host };
  if (plan.priority !== undefined) target.priority = plan.priority;
  if (plan.weight !== undefined) target.weight = plan.weight;
  return target;
}

/** One entry per (transport, address, port): several NAPTR/SRV paths may lead to the same place. */
function dedupe(targets: readonly SipTarget[]): SipTarget[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = `${t.transport}|${t.address}|${t.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A failed query is remembered and answered as "no records", so one broken RRset does not sink the rest. */
async function recordFailure<T>(query: Promise<readonly T[]>, failures: unknown[]): Promise<readonly T[]> {
  try {
    return await query;
  } catch (error) {
    failures.push(error);
    return [];
  }
}

function noTargetsError(name: string, failures: readonly unknown[]): DnsError {
  const first = failures[0];
  if (first === undefined) {
    return new DnsError("DNS_NO_TARGETS", `DNS gave no SIP targets for ${name}`, { host: name });
  }
  const code = first instanceof DnsError ? first.code : "DNS_QUERY_FAILED";
  const detail = first instanceof Error ? first.message : String(first);
  return new DnsError(code, `could not resolve ${name}: ${detail}`, { cause: first, host: name });
}

function targetName(raw: string): string {
  const name = raw.trim();
  const isValidBracket = !name.startsWith("[") || parseIpLiteral(name) !== undefined;
  if (name === "" || !isValidBracket) {
    throw new DnsError("DNS_INVALID_TARGET", `not a host to resolve: "${raw}"`, { host: raw });
  }
  return parseIpLiteral(name) === undefined ? normalizeName(name) : name;
}

function checkPort(port: number | undefined, name: string): void {
  if (port === undefined || (Number.isInteger(port) && port > 0 && port <= 65535)) return;
  throw new DnsError("DNS_INVALID_TARGET", `port ${port} of ${name} is out of range`, { host: name });
}
