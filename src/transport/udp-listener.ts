// A UDP socket (RFC 3261 §18.1.1, §18.2.1): one datagram, one message.
import { createSocket, type Socket } from "node:dgram";
import { familyOf } from "./endpoint.js";
import { TransportError } from "./errors.js";
import type { Endpoint } from "./types.js";

export class UdpListener {
  readonly socket: Socket;
  local: Endpoint = { address: "", port: 0 };
  private closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
  }

  static async bind(host: string, port: number, onDatagram: (buf: Buffer, remote: Endpoint) => void, recvBufferBytes?: number): Promise<UdpListener> {
    const v6 = familyOf(host) === 6;
    const socket = createSocket({ type: v6 ? "udp6" : "udp4", ipv6Only: v6 });
    const l = new UdpListener(socket);
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        l.closed = true;
        socket.close();
        reject(new TransportError("TRANSPORT_LISTEN_FAILED", `cannot bind udp ${host}:${port}: ${err.message}`, { cause: err }));
      };
      socket.once("error", onError);
      socket.bind(port, host, () => {
        socket.off("error", onError);
        resolve();
      });
    });
    socket.on("error", () => {
      // ICMP errors and the like: a UDP socket keeps working.
    });
    if (recvBufferBytes !== undefined) {
      try {
        socket.setRecvBufferSize(recvBufferBytes);
      } catch {
        // The kernel may cap it (net.core.rmem_max): keep what it allows.
      }
    }
    const a = socket.address();
    l.local = { address: a.address, port: a.port };
    socket.on("message", (buf, rinfo) => onDatagram(buf, { address: rinfo.address, port: rinfo.port }));
    return l;
  }

  /** Sends one datagram; every failure (bad port, closed socket, EMSGSIZE...) goes to onError, never thrown. */
  send(data: Buffer, remote: Endpoint, onError: (err: TransportError) => void): void {
    const fail = (err: Error): void => onError(new TransportError("TRANSPORT_SEND_FAILED", `udp send to ${remote.address}:${remote.port} failed: ${err.message}`, { cause: err }));
    if (this.closed) {
      fail(new Error("socket closed"));
      return;
    }
    try {
      this.socket.send(data, remote.port, remote.address, (err) => {
        if (err) fail(err);
      });
    } catch (err) {
      fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}
