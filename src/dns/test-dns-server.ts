// Test support: a tiny authoritative DNS server on 127.0.0.1 (UDP, random port) serving a fixed zone.
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { encodeResponse, parseQuery, rcodes, rrTypeCodes, type ParsedQuery, type TestDnsRecord } from "./test-dns-wire.js";

export type { TestDnsRecord } from "./test-dns-wire.js";

export interface TestDnsZone {
  records: readonly TestDnsRecord[];
  /** Names answered with SERVFAIL whatever is asked. */
  failing?: readonly string[];
  /** Names never answered, to provoke resolver timeouts. */
  silent?: readonly string[];
}

export class TestDnsServer {
  /** Names and type codes asked, in arrival order. */
  readonly queries: Array<{ name: string; qtype: number }> = [];

  private constructor(
    private readonly socket: Socket,
    private readonly zone: TestDnsZone,
  ) {
    socket.on("message", (message, peer) => {
      const query = parseQuery(message);
      if (query === undefined) return;
      this.queries.push({ name: query.name, qtype: query.qtype });
      const response = this.respond(query);
      if (response !== undefined) socket.send(response, peer.port, peer.address);
    });
  }

  static async start(zone: TestDnsZone): Promise<TestDnsServer> {
    const socket = createSocket("udp4");
    socket.bind(0, "127.0.0.1");
    await once(socket, "listening");
    return new TestDnsServer(socket, zone);
  }

  /** "127.0.0.1:port", the form NodeDnsBackend's `servers` takes. */
  get serverAddress(): string {
    const { address, port } = this.socket.address();
    return `${address}:${port}`;
  }

  async close(): Promise<void> {
    const closed = once(this.socket, "close");
    this.socket.close();
    await closed;
  }

  private respond(query: ParsedQuery): Buffer | undefined {
    const name = query.name.toLowerCase();
    if (this.zone.silent?.some((n) => sameName(n, name))) return undefined;
    if (this.zone.failing?.some((n) => sameName(n, name))) return encodeResponse(query, rcodes.serverFailure, []);
    const owned = this.zone.records.filter((r) => sameName(r.name, name));
    // A name with no records of any type does not exist (NXDOMAIN); otherwise the answer may be empty (NODATA).
    if (owned.length === 0) return encodeResponse(query, rcodes.nameError, []);
    return encodeResponse(query, rcodes.noError, owned.filter((r) => rrTypeCodes[r.type] === query.qtype));
  }
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase().replace(/\.$/, "") === b.toLowerCase().replace(/\.$/, "");
}
