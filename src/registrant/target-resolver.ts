// Where an account's REGISTERs go (RFC 3263 §4): the outbound proxy when it has one, else the
// registrar URI, resolved by the shared Rfc3263Resolver (NAPTR, SRV, A/AAAA, with its TTL cache) into
// the ordered targets the registration tries one after the other.
import { DnsCache } from "../dns/dns-cache.js";
import { NodeDnsBackend } from "../dns/node-dns-backend.js";
import { Rfc3263Resolver } from "../dns/rfc3263-resolver.js";
import type { ResolveInput, SipTarget, SipTransportName } from "../dns/types.js";
import { parseSipUri } from "../sip/uri.js";
import { ALL_PROTOCOLS } from "../transport/types.js";
import type { Clock } from "../util/clock.js";
import type { RandomSource } from "../util/random.js";
import type { Account } from "./account.js";

export interface TargetResolver {
  resolve(account: Account): Promise<SipTarget[]>;
}

/** Most distinct (URI, transport) pairs whose parsed form is remembered; accounts mostly share a few registrars. */
const MAX_INPUTS = 1024;

export class UriTargetResolver implements TargetResolver {
  private readonly inputs = new Map<string, ResolveInput>();

  /**
   * `resolver` serves every account; `webSocketResolver`, when given, the accounts that name ws or wss
   * themselves (the transport layer opens WebSocket connections as a client, RFC 7118 §4.1). Kept apart
   * so that the registrar domains' NAPTR records never switch an account to WebSocket on their own.
   */
  constructor(
    private readonly resolver: Pick<Rfc3263Resolver, "resolveSipUri">,
    private readonly webSocketResolver: Pick<Rfc3263Resolver, "resolveSipUri"> = resolver,
  ) {}

  resolve(account: Account): Promise<SipTarget[]> {
    const uri = account.outboundProxy ?? account.registrar;
    const key = `${uri}|${account.transport ?? ""}`;
    let input = this.inputs.get(key);
    if (input === undefined) {
      input = resolveInputOf(uri, account.transport);
      if (this.inputs.size >= MAX_INPUTS) this.inputs.clear();
      this.inputs.set(key, input);
    }
    const webSocket = input.transport === "ws" || input.transport === "wss";
    return (webSocket ? this.webSocketResolver : this.resolver).resolveSipUri(input);
  }
}

/** The RFC 3263 input of a SIP URI; `transport` (the account's setting) overrides the URI's parameter. */
export function resolveInputOf(uriText: string, transport: SipTransportName | undefined): ResolveInput {
  const u = parseSipUri(uriText);
  const input: ResolveInput = { scheme: u.scheme, host: u.host };
  if (u.port !== undefined) input.port = u.port;
  const param = u.params.get("transport");
  const t = transport ?? (typeof param === "string" ? param.toLowerCase() : undefined);
  if (t !== undefined && (ALL_PROTOCOLS as readonly string[]).includes(t)) input.transport = t as SipTransportName;
  const maddr = u.params.get("maddr");
  if (typeof maddr === "string" && maddr !== "") input.maddr = maddr;
  return input;
}

/** RFC 3263 over the system's DNS (node:dns) behind one TTL cache; WebSocket only for accounts that name it. */
export function systemTargetResolver(clock: Clock, random: RandomSource): UriTargetResolver {
  const common = { backend: new DnsCache(new NodeDnsBackend(), clock), cache: false as const, clock, random };
  return new UriTargetResolver(new Rfc3263Resolver(common), new Rfc3263Resolver({ ...common, supportedTransports: ALL_PROTOCOLS }));
}
