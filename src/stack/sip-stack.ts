// A SIP stack instance: the transport layer and the transaction layer wired together, with the
// listeners it was asked for. Upper layers (registrar, registrant, proxy) plug in as the TU.
// No global state: several stacks can run in one process.
import { TransactionLayer, type TransactionLayerOptions } from "../transaction/transaction-layer.js";
import type { TransactionUser } from "../transaction/types.js";
import { TransportLayer, type TransportOptions } from "../transport/transport-layer.js";
import type { ListenerInfo, ListenerSpec } from "../transport/types.js";
import type { ConnectionInfo } from "../transport/connection.js";
import { systemClock, type Clock } from "../util/clock.js";
import { TimerWheel } from "../util/timer-wheel.js";
import { silentLogger, type Logger } from "../util/logger.js";
import { defaultRandom, type RandomSource } from "../util/random.js";

export interface SipStackOptions {
  listen: ListenerSpec[];
  transport?: Omit<TransportOptions, "clock">;
  transactions?: Omit<TransactionLayerOptions, "transport" | "clock" | "random" | "user">;
  user?: TransactionUser;
  clock?: Clock;
  random?: RandomSource;
  logger?: Logger;
  /** A connection closed / a kept-alive flow stopped answering (for flows a registrant keeps, RFC 5626). */
  onConnectionClosed?: (info: ConnectionInfo) => void;
  onFlowFailed?: (info: ConnectionInfo) => void;
}

export class SipStack {
  readonly transport: TransportLayer;
  readonly transactions: TransactionLayer;
  readonly logger: Logger;
  private readonly specs: ListenerSpec[];
  private started = false;
  private readonly ownWheel: TimerWheel | undefined;

  constructor(options: SipStackOptions) {
    const clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger();
    this.specs = options.listen;
    // One timer wheel for the transactions and the transport's UDP keepalives: the one given, or the stack's own.
    this.ownWheel = options.transactions?.wheel === undefined ? new TimerWheel({ clock }) : undefined;
    const wheel = options.transactions?.wheel ?? this.ownWheel!;
    this.transport = new TransportLayer({ wheel, ...options.transport, clock });
    this.transactions = new TransactionLayer({
      ...options.transactions,
      wheel,
      transport: this.transport,
      clock,
      random: options.random ?? defaultRandom,
      ...(options.user === undefined ? {} : { user: options.user }),
    });
    this.transport.setHandlers({
      onMessage: (inbound) => this.transactions.receive(inbound),
      onParseError: (err, origin) => {
        this.logger.debug({ code: err.code, header: err.header, from: `${origin.protocol}:${origin.remote.address}:${origin.remote.port}` }, `bad message: ${err.message}`);
        this.transactions.receiveParseError(err, origin);
      },
      ...(options.onConnectionClosed === undefined ? {} : { onConnectionClosed: options.onConnectionClosed }),
      ...(options.onFlowFailed === undefined ? {} : { onFlowFailed: options.onFlowFailed }),
    });
  }

  setUser(user: TransactionUser): void {
    this.transactions.setUser(user);
  }

  /** Opens every listener; if one fails, the ones already open are closed and the error is thrown. */
  async start(): Promise<ListenerInfo[]> {
    if (this.started) throw new Error("stack already started");
    this.started = true;
    try {
      for (const spec of this.specs) {
        const info = await this.transport.listen(spec);
        this.logger.info({ listener: info.id }, `listening on ${info.id}`);
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
    return this.transport.listeners();
  }

  listeners(): ListenerInfo[] {
    return this.transport.listeners();
  }

  async stop(): Promise<void> {
    this.transactions.close();
    this.ownWheel?.stop();
    await this.transport.close();
  }
}
