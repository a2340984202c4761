// Completed non-INVITE server transactions over UDP (RFC 3261 §17.2.2): for Timer J = 64*T1 after its
// final response, a NIST answers each retransmission of its request with that response again. At 30 000
// requests/s that is a million transactions at once, so they are not objects with timers: each is a
// compact record (key, peer, response bytes) in a generation of a ResponseRecordTable, and generations
// rotate every J/(n-1). A record lives between J and J·n/(n-1) (never less than J) and expiry costs
// nothing per record: the oldest generation is dropped whole.
import type { SendTarget } from "../transport/types.js";
import { PreparedKey, ResponseRecordTable } from "./response-record-table.js";

/** What a retransmission is answered with. */
export interface CompletedResponse {
  response: Buffer;
  target: SendTarget;
}

export class CompletedServerTransactions {
  private readonly generations: ResponseRecordTable[] = [];
  private readonly listenerIds: Array<string | undefined> = [];
  private readonly listenerIndex = new Map<string | undefined, number>();
  private readonly key = new PreparedKey();
  /** Chunks of the last dropped generation, reused by the current one (see ResponseRecordTable.reserve). */
  private spare: Buffer[] = [];

  /** `generations` ≥ 2 tables are kept; rotate() is to be called every J/(generations-1). */
  constructor(readonly generationCount = 3) {
    for (let i = 0; i < generationCount; i++) this.generations.push(new ResponseRecordTable());
  }

  /** Records held in every generation. */
  get size(): number {
    let n = 0;
    for (const g of this.generations) n += g.size;
    return n;
  }

  /** Memory held, bytes (all off the JS heap). */
  get bytes(): number {
    let n = 0;
    for (const g of this.generations) n += g.bytes;
    return n;
  }

  /** Keeps the final response of a UDP transaction for retransmissions of its request. */
  add(key: string, response: Buffer, target: SendTarget): void {
    this.generations[0]!.insert(this.key.set(key), target.remote.address, target.remote.port, this.listener(target.listenerId), response);
  }

  /** The response to resend for a retransmitted request with this key, or undefined. */
  lookup(key: string): CompletedResponse | undefined {
    const prepared = this.key.set(key);
    for (const g of this.generations) {
      const i = g.find(prepared);
      if (i < 0) continue;
      const listenerId = this.listenerIds[g.listener(i)];
      const target: SendTarget = { protocol: "udp", remote: { address: g.address(i), port: g.port(i) } };
      if (listenerId !== undefined) target.listenerId = listenerId;
      return { response: g.response(i), target };
    }
    return undefined;
  }

  /** Forgets a record (its response could not be sent: the transaction is terminated, §17.2.4). */
  remove(key: string): boolean {
    const prepared = this.key.set(key);
    for (const g of this.generations) {
      const i = g.find(prepared);
      if (i >= 0) {
        g.remove(i);
        return true;
      }
    }
    return false;
  }

  /** Drops the oldest generation and starts a new one. */
  rotate(): void {
    const dropped = this.generations.pop();
    // What the previous spare list did not use goes now: memory follows the load down.
    this.spare.length = 0;
    this.spare = dropped?.recyclableChunks() ?? [];
    this.generations.unshift(new ResponseRecordTable(this.spare, this.generations[0]?.size ?? 0));
  }

  /** Listener ids are few: each gets a small number once. */
  private listener(id: string | undefined): number {
    let i = this.listenerIndex.get(id);
    if (i === undefined) {
      i = this.listenerIds.length;
      this.listenerIds.push(id);
      this.listenerIndex.set(id, i);
    }
    return i;
  }
}
