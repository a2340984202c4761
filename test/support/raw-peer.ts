// A raw SIP peer for tests: sends bytes over UDP or TCP and waits for responses. Only for fault
// injection (malformed input, silence); interop with real SIP software uses the real peers.
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { connect, type Socket } from "node:net";

let counter = 0;

export function optionsRequest(port: number, transport: "UDP" | "TCP", localPort: number): Buffer {
  counter++;
  return Buffer.from(
    `OPTIONS sip:ping@127.0.0.1:${port} SIP/2.0\r\n` +
      `Via: SIP/2.0/${transport} 127.0.0.1:${localPort};branch=z9hG4bK-raw-${process.pid}-${counter};rport\r\n` +
      `Max-Forwards: 70\r\n` +
      `From: <sip:probe@127.0.0.1>;tag=p${counter}\r\n` +
      `To: <sip:ping@127.0.0.1>\r\n` +
      `Call-ID: raw-${process.pid}-${counter}@127.0.0.1\r\n` +
      `CSeq: 1 OPTIONS\r\n` +
      `Content-Length: 0\r\n\r\n`,
  );
}

export class UdpPeer {
  readonly socket: UdpSocket;
  readonly received: Buffer[] = [];
  private waiters: Array<() => void> = [];

  private constructor(socket: UdpSocket) {
    this.socket = socket;
    socket.on("message", (m) => {
      this.received.push(m);
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    });
  }

  static async open(): Promise<UdpPeer> {
    const s = createSocket("udp4");
    await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
    return new UdpPeer(s);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(data: Buffer, port: number): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(data, port, "127.0.0.1", (err) => (err ? reject(err) : resolve())));
  }

  /** Waits for a datagram matching `pred`, at most `ms`. */
  async waitFor(pred: (text: string) => boolean, ms = 2000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = this.received.find((b) => pred(b.toString("utf8")));
      if (hit !== undefined) return hit.toString("utf8");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for a UDP response");
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}

export class TcpPeer {
  readonly socket: Socket;
  private data = "";
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (d: Buffer) => (this.data += d.toString("utf8")));
    socket.on("close", () => (this.closed = true));
    socket.on("error", () => undefined);
  }

  static async open(port: number): Promise<TcpPeer> {
    const s = connect({ host: "127.0.0.1", port });
    await new Promise<void>((resolve, reject) => {
      s.once("connect", () => resolve());
      s.once("error", reject);
    });
    return new TcpPeer(s);
  }

  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  write(data: Buffer | string): void {
    this.socket.write(data);
  }

  get text(): string {
    return this.data;
  }

  async waitFor(pred: (text: string) => boolean, ms = 2000): Promise<string> {
    const deadline = Date.now() + ms;
    while (!pred(this.data)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting on TCP; got ${JSON.stringify(this.data.slice(0, 200))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.data;
  }

  async waitClosed(ms = 2000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error("timed out waiting for the server to close the connection");
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}
