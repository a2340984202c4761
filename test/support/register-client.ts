// A minimal REGISTER client over UDP for load and crash tests: sends many REGISTERs (or queries) from
// one socket and matches the responses by Call-ID. It does not retransmit: a request or response lost
// is simply unanswered, which callers treat as "no 200".
import { createSocket, type Socket } from "node:dgram";

export interface RegisterSpec {
  user: string;
  domain: string;
  /** Contact URI to bind; absent = a query (RFC 3261 §10.2.3). */
  contact?: string;
  expires?: number;
}

export interface RegisterResponse {
  status: number;
  /** Contact header values, in order (compact "m" included). */
  contacts: string[];
  text: string;
}

let sequence = 0;

export class RegisterClient {
  private readonly socket: Socket;
  private readonly responses = new Map<string, RegisterResponse>();
  private waiters: Array<() => void> = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("message", (m) => this.onMessage(m.toString("utf8")));
  }

  static async open(): Promise<RegisterClient> {
    const s = createSocket("udp4");
    await new Promise<void>((resolve) => s.bind(0, "127.0.0.1", () => resolve()));
    return new RegisterClient(s);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Sends one REGISTER to 127.0.0.1:serverPort and returns its Call-ID. */
  async send(serverPort: number, r: RegisterSpec): Promise<string> {
    const n = ++sequence;
    const callId = `rc-${process.pid}-${n}@127.0.0.1`;
    const lines = [
      `REGISTER sip:${r.domain} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=z9hG4bK-rc-${process.pid}-${n};rport`,
      "Max-Forwards: 70",
      `From: <sip:${r.user}@${r.domain}>;tag=rc${n}`,
      `To: <sip:${r.user}@${r.domain}>`,
      `Call-ID: ${callId}`,
      "CSeq: 1 REGISTER",
      ...(r.contact === undefined ? [] : [`Contact: <${r.contact}>`]),
      ...(r.expires === undefined ? [] : [`Expires: ${r.expires}`]),
      "User-Agent: sipreg-interop register-client",
      "Content-Length: 0",
    ];
    const data = Buffer.from(lines.join("\r\n") + "\r\n\r\n");
    await new Promise<void>((resolve, reject) => this.socket.send(data, serverPort, "127.0.0.1", (err) => (err ? reject(err) : resolve())));
    return callId;
  }

  /** The final response received for a Call-ID so far. */
  response(callId: string): RegisterResponse | undefined {
    return this.responses.get(callId);
  }

  /** How many of `callIds` have a final response with `status`. */
  count(callIds: Iterable<string>, status: number): number {
    let n = 0;
    for (const id of callIds) if (this.responses.get(id)?.status === status) n++;
    return n;
  }

  /** Waits until every Call-ID has a final response, or `ms` passed; returns the unanswered ones. */
  async settle(callIds: readonly string[], ms: number): Promise<string[]> {
    const deadline = Date.now() + ms;
    for (;;) {
      const open = callIds.filter((id) => !this.responses.has(id));
      const left = deadline - Date.now();
      if (open.length === 0 || left <= 0) return open;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
  }

  private onMessage(text: string): void {
    const m = /^SIP\/2\.0 (\d{3}) /.exec(text);
    if (m === null) return;
    const status = Number(m[1]);
    if (status < 200) return;
    const head = text.split("\r\n\r\n", 1)[0]!;
    let callId: string | undefined;
    const contacts: string[] = [];
    for (const line of head.split("\r\n").slice(1)) {
      const colon = line.indexOf(":");
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "call-id" || name === "i") callId = value;
      else if (name === "contact" || name === "m") contacts.push(value);
    }
    if (callId === undefined) return;
    this.responses.set(callId, { status, contacts, text });
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
