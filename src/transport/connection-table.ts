// The live connections: by id (what upper layers remember for a flow) and by peer, for reuse
// (RFC 3261 §18.1.1 / §18.2.2: a connection to a peer is reused for requests and responses).
import type { Connection } from "./connection.js";
import { peerKey } from "./endpoint.js";
import type { Endpoint, TransportProtocol } from "./types.js";

export class ConnectionTable {
  private readonly byId = new Map<number, Connection>();
  /** Every connection to a peer, oldest first: the newest open one is reused. */
  private readonly byPeer = new Map<string, Connection[]>();
  private nextId = 1;

  allocateId(): number {
    return this.nextId++;
  }

  add(conn: Connection): void {
    this.byId.set(conn.id, conn);
    const key = peerKey(conn.protocol, conn.remote);
    const list = this.byPeer.get(key);
    if (list === undefined) this.byPeer.set(key, [conn]);
    else list.push(conn);
  }

  remove(conn: Connection): void {
    if (this.byId.get(conn.id) === conn) this.byId.delete(conn.id);
    const key = peerKey(conn.protocol, conn.remote);
    const list = this.byPeer.get(key);
    if (list === undefined) return;
    const i = list.indexOf(conn);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byPeer.delete(key);
  }

  get(id: number): Connection | undefined {
    return this.byId.get(id);
  }

  findByPeer(protocol: TransportProtocol, remote: Endpoint): Connection | undefined {
    const list = this.byPeer.get(peerKey(protocol, remote));
    if (list === undefined) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const c = list[i]!;
      if (!c.closed) return c;
    }
    return undefined;
  }

  get size(): number {
    return this.byId.size;
  }

  all(): IterableIterator<Connection> {
    return this.byId.values();
  }
}
