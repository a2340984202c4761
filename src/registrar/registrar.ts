// The registrar (RFC 3261 §10.3): processes REGISTER in the order of the RFC's steps, each step a
// small function that either continues or rejects; the location service is updated atomically per
// AOR and the 200 is sent only once the change is durable.
import type { Binding } from "../location/binding.js";
import type { LocationEvent, LocationStore } from "../location/location-store.js";
import type { SipRequest, SipResponse } from "../sip/message.js";
import { SipParseError } from "../sip/parse-error.js";
import { createResponse } from "../sip/response-builder.js";
import { newTag } from "../sip/ids.js";
import { isSipUri, parseUri } from "../sip/uri.js";
import type { ServerTransaction, TransactionUser } from "../transaction/types.js";
import type { Origin } from "../transport/types.js";
import { systemClock, type Clock } from "../util/clock.js";
import { silentLogger, type Logger } from "../util/logger.js";
import { defaultRandom, type RandomSource } from "../util/random.js";
import { canonicalAor, aorDomain, stripRealmPrefix } from "./aor.js";
import type { RegisterAuthenticator } from "./authenticator.js";
import { changesForContacts, changesForStar, type RequestFacts } from "./bindings.js";
import { DateHeaderCache, okResponse } from "./ok-response.js";
import { decideOutbound } from "./outbound.js";
import { decidePath } from "./path.js";
import { readContacts } from "./register-contacts.js";
import { REJECTIONS, RegisterRejected, reject, type Rejection } from "./rejections.js";
import { DEFAULT_REGISTRAR_SETTINGS, type RegistrarSettings } from "./settings.js";
import { RegistrarCounters, type RegistrarStats } from "./stats.js";
import { mayRegister } from "./third-party.js";
import { AorLock } from "../location/aor-lock.js";
import { lookup as lookupContacts, registered as isRegistered, resolveGruu, type RegisteredMatch } from "../location/lookup.js";

/** Option tags this registrar understands in Require (§10.3 step 2). */
function supportedTags(s: RegistrarSettings): Set<string> {
  const tags = new Set<string>(["gruu"]);
  if (s.usePath) tags.add("path");
  if (s.outboundMode > 0) tags.add("outbound");
  return tags;
}

export interface RegistrarOptions {
  store: LocationStore;
  settings?: Partial<RegistrarSettings>;
  /** Digest authentication; absent = REGISTER is not authenticated. */
  auth?: RegisterAuthenticator;
  /** Realm for challenges; "" or absent = the AOR's domain. */
  realm?: string;
  clock?: Clock;
  random?: RandomSource;
  logger?: Logger;
}

/** What lookup() found (Kamailio lookup() return codes 1 / -1 / -2; GRUU 480 of RFC 5627 §5.5). */
export type LookupOutcome =
  | { kind: "found"; contacts: readonly Binding[] }
  | { kind: "not-found" }
  | { kind: "method-not-allowed" }
  | { kind: "gruu-unavailable" };

export interface RegisterOptions {
  /** Keep only this REGISTER's contacts for the AOR (Kamailio save() flag 0x04). */
  singleContact?: boolean;
}

export class Registrar {
  readonly settings: RegistrarSettings;
  private readonly store: LocationStore;
  private readonly auth: RegisterAuthenticator | undefined;
  private readonly realm: string;
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly logger: Logger;
  private readonly locks = new AorLock();
  private readonly dates = new DateHeaderCache();
  private readonly counters = new RegistrarCounters();
  private readonly requireOk: Set<string>;
  private readonly ruidPrefix: string;
  private ruidCounter = 0;
  private readonly unsubscribe: () => void;

  constructor(o: RegistrarOptions) {
    this.settings = { ...DEFAULT_REGISTRAR_SETTINGS, ...o.settings };
    this.store = o.store;
    this.auth = o.auth;
    this.realm = o.realm ?? "";
    this.clock = o.clock ?? systemClock;
    this.random = o.random ?? defaultRandom;
    this.logger = o.logger ?? silentLogger();
    this.requireOk = supportedTags(this.settings);
    this.ruidPrefix = `${this.random.hex(4)}-${Math.floor(this.clock.now() / 1000).toString(36)}-`;
    this.unsubscribe = this.store.subscribe((e) => this.onLocationEvent(e));
  }

  /** Plugs the registrar into a transaction layer: it claims REGISTER and leaves the rest. */
  transactionUser(): TransactionUser {
    return {
      onRequest: (req, tx) => {
        if (req.method !== "REGISTER") return false;
        this.serve(req, tx);
        return true;
      },
    };
  }

  private serve(req: SipRequest, tx: ServerTransaction): void {
    this.handle(req, tx.origin).then(
      // Challenges too are answered statefully: a retransmitted REGISTER gets the same 401 from the
      // Completed record instead of costing a new challenge. Measured: with stateless 401s an overloaded
      // registrar processed every retransmission afresh, and SIPp took the second, different 401 as unexpected.
      (res) => tx.respond(res),
      (err: unknown) => {
        this.logger.error({ err }, "REGISTER processing failed");
        tx.respond(createResponse(req, 500, { toTag: newTag(this.random) }));
      },
    );
  }

  /** Processes one REGISTER and returns the response to send (never throws for bad input). */
  async handle(req: SipRequest, origin: Origin, opts: RegisterOptions = {}): Promise<SipResponse> {
    const toTag = newTag(this.random);
    try {
      const res = await this.process(req, origin, toTag, opts);
      return res;
    } catch (e) {
      if (e instanceof RegisterRejected) return this.rejection(req, e.rejection, toTag, origin);
      if (e instanceof SipParseError) return this.rejection(req, { code: "badContact", detail: e.message }, toTag, origin);
      throw e;
    }
  }

  private async process(req: SipRequest, origin: Origin, toTag: string, opts: RegisterOptions): Promise<SipResponse> {
    const s = this.settings;
    // Step 1: the Request-URI domain must be one we serve.
    const ruri = req.uri;
    if (!isSipUri(ruri)) reject("unsupportedUriScheme");
    const domain = stripRealmPrefix(ruri.host.toLowerCase(), s.realmPrefix);
    if (s.domains.length > 0 && !s.domains.includes(domain)) reject(s.foreignDomainStatus === 403 ? "foreignDomainForbidden" : "foreignDomain", undefined, domain);

    // Step 2: every extension in Require must be understood.
    const required = req.require;
    const unknown = required.filter((t) => !this.requireOk.has(t.toLowerCase()));
    if (unknown.length > 0) reject("badExtension", [["Unsupported", unknown.join(", ")]]);

    // Step 5 (needed by 3 and 4): the AOR from To.
    const aor = canonicalAor(req.to.uri, s);
    if (aor === undefined) reject(isSipUri(req.to.uri) ? "badAor" : "unsupportedUriScheme");
    if (s.domains.length > 0 && !s.domains.includes(aorDomain(aor))) reject(s.foreignDomainStatus === 403 ? "foreignDomainForbidden" : "foreignDomain", undefined, aorDomain(aor));

    // Steps 3 and 4: authenticate, then authorise the registrant for this AOR (third-party rules).
    let registrant = canonicalAor(req.from.uri, s) ?? "";
    if (this.auth !== undefined) {
      const realm = this.realm !== "" ? this.realm : aorDomain(aor);
      const verdict = this.auth.authenticate(req, origin, realm);
      if (verdict.kind === "throttled") reject("authThrottled");
      if (verdict.kind === "malformed") reject("authMalformed", undefined, verdict.detail);
      if (verdict.kind === "challenge") {
        this.counters.authChallenges++;
        if (verdict.failure) this.counters.authFailures++;
        return this.challenge(req, realm, verdict.stale, toTag);
      }
      const fromAor = registrant;
      registrant = `${s.caseSensitive ? verdict.username : verdict.username.toLowerCase()}@${verdict.realm.toLowerCase()}`;
      if (registrant !== aor && !mayRegister(registrant, aor, s)) {
        // The authenticated user registers someone else's AOR: allowed only by a third-party rule.
        reject(fromAor !== aor ? "thirdPartyNotAllowed" : "notAuthorized", undefined, `${registrant} for ${aor}`);
      }
    } else if (registrant !== aor && !mayRegister(registrant, aor, s)) {
      reject("thirdPartyNotAllowed", undefined, `${registrant} for ${aor}`);
    }

    // Extensions: Path (RFC 3327) and Outbound (RFC 5626).
    const supported = req.supported.map((t) => t.toLowerCase());
    const path = decidePath(req, supported, s);
    const contacts = readContacts(req, s, () => this.random.float());
    const hasRegId = contacts.kind === "contacts" && contacts.contacts.some((c) => c.regId > 0 && c.instance !== undefined);
    const outbound = decideOutbound(supported, required.map((t) => t.toLowerCase()), path.stored, hasRegId, s);
    const gruu = s.gruuEnabled && supported.includes("gruu");
    const scheme = ruri.scheme === "sips" || req.to.uri.scheme === "sips" ? "sips" : "sip";

    if (contacts.kind === "query") {
      this.counters.queries++;
      this.counters.accepted++;
      return okResponse(req, this.store.get(aor), s, { toTag, nowMs: this.clock.now(), gruu, scheme, pathEcho: [], outbound: false, dates: this.dates });
    }

    const cseq = req.cseq.seq;
    const callId = req.callId;
    const src = path.receivedFromPath;
    const facts: RequestFacts = {
      aor,
      callId,
      cseq,
      userAgent: req.userAgent ?? "",
      source:
        src === undefined
          ? { protocol: origin.protocol, address: origin.remote.address, port: origin.remote.port }
          : { protocol: asProtocol(src.protocol) ?? origin.protocol, address: src.address, port: src.port },
      listenerId: origin.listenerId,
      connectionId: origin.connectionId,
      path: path.stored,
      nowMs: 0,
      outbound: outbound.active,
      useRegId: outbound.useRegId,
      singleContact: opts.singleContact ?? false,
      maxContacts: s.maxContacts,
      retryAfter: s.retryAfter,
      newRuid: () => this.newRuid(),
    };

    // Steps 6-7 under the AOR's lock: bindings of one AOR change all or nothing, never interleaved.
    const bindings = await this.locks.run(aor, async () => {
      facts.nowMs = this.clock.now();
      const existing = this.store.get(aor);
      const changes = contacts.kind === "star" ? changesForStar(existing, facts) : changesForContacts(existing, contacts.contacts, facts);
      if (changes.length > 0) {
        try {
          await this.store.apply(aor, changes);
        } catch (err) {
          this.logger.error({ err, aor }, "location store commit failed");
          reject("storeFailure", s.retryAfter > 0 ? [["Retry-After", String(s.retryAfter)]] : undefined);
        }
      }
      return this.store.get(aor);
    });
    this.counters.accepted++;
    // Step 8.
    return okResponse(req, bindings, s, {
      toTag,
      nowMs: this.clock.now(),
      gruu,
      scheme,
      pathEcho: path.echo ? path.stored : [],
      outbound: outbound.active,
      dates: this.dates,
    });
  }

  private challenge(req: SipRequest, realm: string, stale: boolean, toTag: string): SipResponse {
    const res = createResponse(req, 401, { toTag });
    for (const c of this.auth!.challenges(realm, stale)) res.headers.add("WWW-Authenticate", c);
    if (this.settings.serverHeader !== "") res.headers.add("Server", this.settings.serverHeader);
    return res;
  }

  private rejection(req: SipRequest, r: Rejection, toTag: string, origin: Origin): SipResponse {
    this.counters.rejectedFor(r.code);
    const def = REJECTIONS[r.code];
    const res = createResponse(req, def.status, { toTag, reason: def.reason });
    for (const [n, v] of r.headers ?? []) res.headers.add(n, v);
    if (this.settings.serverHeader !== "") res.headers.add("Server", this.settings.serverHeader);
    this.logger.info({ code: r.code, status: def.status, detail: r.detail, from: `${origin.protocol}:${origin.remote.address}:${origin.remote.port}` }, "REGISTER rejected");
    return res;
  }

  private newRuid(): string {
    return this.ruidPrefix + (this.ruidCounter++).toString(36);
  }

  private onLocationEvent(e: LocationEvent): void {
    if (e.type === "contact-expired") {
      this.counters.expired++;
      this.logger.info({ aor: e.binding.aor, contact: e.binding.contact, ruid: e.binding.ruid }, "contact expired");
    }
  }

  // ---- library API (the equivalents of Kamailio's lookup / registered / unregister / reg_fetch_contacts) ----

  /** Canonical AOR of a URI or "user@domain" text, by this registrar's rules; undefined when not a SIP AOR. */
  aorOf(uriOrAor: string): string | undefined {
    const text = /^sips?:/i.test(uriOrAor) ? uriOrAor : `sip:${uriOrAor}`;
    try {
      return canonicalAor(parseUri(text), this.settings);
    } catch {
      return undefined;
    }
  }

  /**
   * Where to send a request for `uri` (Kamailio lookup()): a GRUU resolves to its instance's contact
   * (RFC 5627 §5.5), anything else to the AOR's live contacts, q descending then newest first, filtered
   * by method when method_filtering is on. `methodNotAllowed`: contacts exist but none accepts the method.
   */
  lookup(uri: string, method?: string): LookupOutcome {
    let parsed;
    try {
      parsed = parseUri(/^[a-z][a-z0-9+.-]*:/i.test(uri) ? uri : `sip:${uri}`);
    } catch {
      return { kind: "not-found" };
    }
    if (!isSipUri(parsed)) return { kind: "not-found" };
    const gruu = resolveGruu(this.store, parsed, { toAor: (u) => canonicalAor(u, this.settings) });
    if (gruu.kind === "invalid") return { kind: "not-found" };
    if (gruu.kind !== "none") {
      const live = gruu.contacts.filter((b) => b.expiresAtMs > this.clock.now());
      return live.length === 0 ? { kind: "gruu-unavailable" } : { kind: "found", contacts: live };
    }
    const aor = canonicalAor(parsed, this.settings);
    if (aor === undefined) return { kind: "not-found" };
    const r = lookupContacts(this.store, aor, { nowMs: this.clock.now(), methodFiltering: this.settings.methodFiltering, ...(method === undefined ? {} : { method }) });
    if (r.methodNotAllowed) return { kind: "method-not-allowed" };
    return r.contacts.length === 0 ? { kind: "not-found" } : { kind: "found", contacts: r.contacts };
  }

  /** Whether the AOR has a live binding, optionally one matching Call-ID / source / contact (Kamailio registered()). */
  registered(uriOrAor: string, match: RegisteredMatch = {}): boolean {
    const aor = this.aorOf(uriOrAor);
    return aor !== undefined && isRegistered(this.store, aor, match);
  }

  /** Every stored attribute of an AOR's bindings (Kamailio reg_fetch_contacts / $ulc). */
  fetchContacts(uriOrAor: string): readonly Binding[] {
    const aor = this.aorOf(uriOrAor);
    return aor === undefined ? [] : this.store.get(aor);
  }

  /** Removes all bindings of an AOR, or the one with `ruid` (Kamailio unregister()); returns how many. */
  async unregister(uriOrAor: string, ruid?: string): Promise<number> {
    const aor = this.aorOf(uriOrAor);
    if (aor === undefined) return 0;
    return this.locks.run(aor, async () => {
      const victims = this.store.get(aor).filter((b) => ruid === undefined || b.ruid === ruid);
      if (victims.length > 0) await this.store.apply(aor, victims.map((b) => ({ op: "remove", ruid: b.ruid, reason: "admin" }) as const));
      return victims.length;
    });
  }

  stats(): RegistrarStats {
    const c = this.counters;
    return {
      accepted_regs: c.accepted,
      rejected_regs: c.rejected,
      rejected_by_reason: { ...c.byReason },
      max_expires: this.settings.maxExpires,
      max_contacts: this.settings.maxContacts,
      default_expires: this.settings.defaultExpires,
      auth_challenges: c.authChallenges,
      auth_failures: c.authFailures,
      queries: c.queries,
      aors: this.store.aorCount,
      contacts: this.store.contactCount,
      expired_contacts: c.expired,
    };
  }

  /** Subscribes to location events (contact-added, -updated, -removed, -expired). */
  subscribe(listener: (e: LocationEvent) => void): () => void {
    return this.store.subscribe(listener);
  }

  close(): void {
    this.unsubscribe();
  }
}

function asProtocol(p: string | undefined): Origin["protocol"] | undefined {
  return p === "udp" || p === "tcp" || p === "tls" || p === "ws" || p === "wss" ? p : undefined;
}
