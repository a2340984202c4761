// A scripted fake registrar for the registrant's failure paths: real UDP on loopback, answering each new
// REGISTER with the next step of a script (423, 503 + Retry-After, 403, silence, challenges with a
// chosen nonce, realm or stale flag, 200). Fault injection only: it checks no credentials and keeps no
// bindings; the happy paths are tested against sipreg's own registrar. A retransmission (same branch)
// gets the answer its first copy got, or silence again.
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { parseMessage } from "../../src/sip/parser.js";
import type { SipRequest } from "../../src/sip/message.js";
import { createResponse } from "../../src/sip/response-builder.js";
import { serializeMessage } from "../../src/sip/serializer.js";

/** What to do with one new REGISTER. */
export type Step = (req: SipRequest) => { status: number; headers: Array<[string, string]> } | "silence";

/** 200 echoing the request's Contact with `expires` (or the request's Expires). */
export function ok(expires?: number): Step {
  return (req) => {
    const contact = req.headers.get("contact");
    const e = expires ?? Number(req.headers.get("expires") ?? "3600");
    return { status: 200, headers: contact === undefined || e === 0 ? [] : [["Contact", `${contact};expires=${e}`]] };
  };
}

export function reply(status: number, headers: Array<[string, string]> = []): Step {
  return () => ({ status, headers });
}

export function challenge(nonce: string, o: { realm?: string; stale?: boolean; proxy?: boolean } = {}): Step {
  const value = `Digest realm="${o.realm ?? "example.test"}", nonce="${nonce}", qop="auth", algorithm=MD5${o.stale === true ? ", stale=true" : ""}`;
  return () => ({ status: o.proxy === true ? 407 : 401, headers: [[o.proxy === true ? "Proxy-Authenticate" : "WWW-Authenticate", value]] });
}

export function silence(): Step {
  return () => "silence";
}

export class ScriptedRegistrar {
  /** Every new REGISTER (retransmissions not repeated), in order of arrival. */
  readonly requests: SipRequest[] = [];
  retransmissions = 0;
  /** Steps still to play; when empty, `fallback` answers. */
  readonly script: Step[] = [];
  fallback: Step = ok();
  private readonly answers = new Map<string, Buffer | "silence">();
  private waiters: Array<() => void> = [];

  private constructor(private readonly socket: Socket) {
    socket.on("message", (buf, rinfo) => this.onMessage(buf, rinfo));
  }

  static async open(): Promise<ScriptedRegistrar> {
    const s = createSocket("udp4");
    await new Promise<void>((resolve) => s.bind(0, "127.0.0.1", () => resolve()));
    return new ScriptedRegistrar(s);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Appends steps to the script. */
  play(...steps: Step[]): this {
    this.script.push(...steps);
    return this;
  }

  /** Waits (real time) until `count` new REGISTERs have arrived; returns the last of them. */
  async waitFor(count: number, ms = 2000): Promise<SipRequest> {
    const deadline = Date.now() + ms;
    while (this.requests.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`scripted registrar: ${this.requests.length} REGISTERs arrived, waited for ${count}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.requests[count - 1]!;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private onMessage(buf: Buffer, rinfo: RemoteInfo): void {
    let msg;
    try {
      msg = parseMessage(buf);
    } catch {
      return;
    }
    if (msg.kind !== "request") return;
    const branch = msg.topVia.params.get("branch") ?? "";
    const known = this.answers.get(branch);
    if (known !== undefined) {
      this.retransmissions++;
      if (known !== "silence") this.socket.send(known, rinfo.port, rinfo.address);
      return;
    }
    this.requests.push(msg);
    const step = this.script.shift() ?? this.fallback;
    const what = step(msg);
    if (what === "silence") {
      this.answers.set(branch, "silence");
    } else {
      const res = createResponse(msg, what.status, { toTag: `t${this.requests.length}` });
      for (const [n, v] of what.headers) res.headers.add(n, v);
      const bytes = serializeMessage(res);
      this.answers.set(branch, bytes);
      this.socket.send(bytes, rinfo.port, rinfo.address);
    }
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
