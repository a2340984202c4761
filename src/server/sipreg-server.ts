// The composition root: a whole sipreg server (SIP stack, location store on SQLite, registrar with
// digest authentication) built from a resolved configuration. An object: several can run in one process.
import { join } from "node:path";
import { rootCertificates } from "node:tls";
import { ConfigCredentialSource } from "../auth/config-credentials.js";
import type { CredentialSource, StoredCredentials } from "../auth/credential-source.js";
import { SubscriberTable } from "../auth/subscriber-table.js";
import type { SipregConfig } from "../config/types.js";
import { SqliteLocationStore } from "../location/sqlite-store.js";
import { DigestAuthenticator } from "../registrar/digest-authenticator.js";
import { Registrar } from "../registrar/registrar.js";
import { SipStack } from "../stack/sip-stack.js";
import { Registrant } from "../registrant/registrant.js";
import { parseRegisterSpecs, StaticAccountSource, UacregTable, type AccountSource } from "../registrant/account-source.js";
import { openDatabase, type SqliteDatabase } from "../storage/sqlite-database.js";
import type { ListenerInfo } from "../transport/types.js";
import { systemClock, type Clock } from "../util/clock.js";
import { silentLogger, type Logger } from "../util/logger.js";

export const DATABASE_FILE = "sipreg.db";

export interface SipregServerOptions {
  logger?: Logger;
  clock?: Clock;
}

export class SipregServer {
  readonly config: SipregConfig;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private db: SqliteDatabase | undefined;
  private storeInstance: SqliteLocationStore | undefined;
  private registrarInstance: Registrar | undefined;
  private stackInstance: SipStack | undefined;
  private registrantInstance: Registrant | undefined;

  constructor(config: SipregConfig, options: SipregServerOptions = {}) {
    this.config = config;
    this.logger = options.logger ?? silentLogger();
    this.clock = options.clock ?? systemClock;
  }

  get registrar(): Registrar {
    if (this.registrarInstance === undefined) throw new Error("server not started");
    return this.registrarInstance;
  }

  get store(): SqliteLocationStore {
    if (this.storeInstance === undefined) throw new Error("server not started");
    return this.storeInstance;
  }

  /** The registrant, when accounts are configured (--register, registrant.accounts, registrant.uacreg_table). */
  get registrant(): Registrant | undefined {
    return this.registrantInstance;
  }

  get stack(): SipStack {
    if (this.stackInstance === undefined) throw new Error("server not started");
    return this.stackInstance;
  }

  /** Opens the database, loads the bindings, then opens the listeners. */
  async start(): Promise<ListenerInfo[]> {
    const c = this.config;
    const dbPath = join(c.dataDir, DATABASE_FILE);
    // The location store writes through its own connection in a worker thread (fsync off the event
    // loop); this connection serves the other tables (subscriber).
    this.db = openDatabase(dbPath, { synchronous: c.location.synchronous });
    const store = new SqliteLocationStore({
      path: dbPath,
      writer: "worker",
      synchronous: c.location.synchronous,
      clock: this.clock,
      maxBatch: c.location.maxBatch,
      onError: (err) => this.logger.error({ err }, "location store error"),
    });
    await store.open();
    this.storeInstance = store;
    this.logger.info({ database: dbPath, aors: store.aorCount, contacts: store.contactCount }, "location database loaded");

    const auth = c.auth.enabled
      ? new DigestAuthenticator({
          credentials: this.credentialSource(),
          algorithms: c.auth.algorithms,
          nonceLifetimeSec: c.auth.nonceLifetimeSec,
          throttle: c.auth.throttle,
          clock: this.clock,
        })
      : undefined;
    const registrar = new Registrar({
      store,
      settings: c.registrar,
      ...(auth === undefined ? {} : { auth }),
      realm: c.auth.realm,
      clock: this.clock,
      logger: this.logger,
    });
    this.registrarInstance = registrar;
    const stack = new SipStack({
      listen: c.listeners,
      // A large UDP receive buffer rides out bursts and collector pauses (the kernel caps it at net.core.rmem_max).
      transport: { limits: c.limits, idleTimeoutMs: c.idleTimeoutMs, udpRecvBufferBytes: 4 * 1024 * 1024, clientTls: clientTlsOf(c.registrant) },
      transactions: { timers: c.timers },
      user: registrar.transactionUser(),
      clock: this.clock,
      logger: this.logger,
      onConnectionClosed: (info) => this.registrantInstance?.connectionClosed(info),
      onFlowFailed: (info) => this.registrantInstance?.flowFailed(info),
    });
    this.stackInstance = stack;
    let listeners;
    try {
      listeners = await stack.start();
    } catch (err) {
      await this.closeStore();
      throw err;
    }
    await this.startRegistrant(stack);
    return listeners;
  }

  private async startRegistrant(stack: SipStack): Promise<void> {
    const r = this.config.registrant;
    if (r.accounts.length === 0 && !r.uacregTable) return;
    const sources: AccountSource[] = [];
    if (r.accounts.length > 0) sources.push(new StaticAccountSource(parseRegisterSpecs(r.accounts)));
    if (r.uacregTable && this.db !== undefined) sources.push(new UacregTable(this.db));
    const source: AccountSource =
      sources.length === 1
        ? sources[0]!
        : {
            loadAll: () => sources.flatMap((s) => s.loadAll()),
            loadOne: (id) => {
              for (const s of sources) {
                const found = s.loadOne(id);
                if (found !== undefined) return found;
              }
              return undefined;
            },
          };
    const registrant = new Registrant({
      stack,
      source,
      settings: {
        maxRegistersPerSecond: r.maxRegistersPerSecond,
        retryIntervalSec: r.retryIntervalSec,
        maxRetries: r.maxRetries,
        forbiddenRetryIntervalSec: r.forbiddenRetryIntervalSec,
        fatalRetryIntervalSec: r.fatalRetryIntervalSec,
        preemptiveAuth: r.preemptiveAuth,
      },
      clock: this.clock,
      logger: this.logger,
    });
    this.registrantInstance = registrant;
    await registrant.reload();
    registrant.start();
    this.logger.info({ accounts: registrant.list().length }, "registrant started");
  }

  /** Closes the listeners, then flushes and closes the location store. */
  async stop(): Promise<void> {
    // Accounts are unregistered (Expires: 0) while the stack can still send.
    await this.registrantInstance?.stop({ unregister: true });
    await this.stackInstance?.stop();
    this.registrarInstance?.close();
    await this.closeStore();
  }

  private async closeStore(): Promise<void> {
    await this.storeInstance?.close();
    this.storeInstance = undefined;
    this.db?.close();
    this.db = undefined;
  }

  private credentialSource(): CredentialSource {
    const sources: CredentialSource[] = [];
    if (this.config.auth.users.length > 0) sources.push(new ConfigCredentialSource(this.config.auth.users));
    if (this.config.auth.subscriberTable && this.db !== undefined) sources.push(new SubscriberTable(this.db));
    return {
      lookup(username: string, realm: string): StoredCredentials | undefined {
        for (const s of sources) {
          const found = s.lookup(username, realm);
          if (found !== undefined) return found;
        }
        return undefined;
      },
    };
  }
}

/** TLS/WSS client side (the registrant's connections): the system CAs plus `registrant.tls_ca`, verification per `tls_verify`. */
function clientTlsOf(r: SipregConfig["registrant"]): { ca?: string; rejectUnauthorized: boolean } {
  const out: { ca?: string; rejectUnauthorized: boolean } = { rejectUnauthorized: r.tlsVerify };
  if (r.tlsCa !== undefined) out.ca = [...rootCertificates, r.tlsCa.toString("utf8")].join("\n");
  return out;
}
