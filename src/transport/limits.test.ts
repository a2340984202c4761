// What a peer cannot make the layer do: buffer without bound (headers without end, huge Content-Length,
// a reader that never drains), exceed the connection limit; and outbound failures reported, not thrown.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, createServer, type Server, type Socket } from "node:net";
import { DEFAULT_LIMITS } from "../sip/limits.js";
import { TransportError } from "./errors.js";
import { WebSocket } from "ws";
import { Inbox, requestBytes, SERVER_TLS, sleep, until, within } from "./test-helpers.js";
import { TransportLayer } from "./transport-layer.js";
import type { TransportProtocol } from "./types.js";

const SMALL = { ...DEFAULT_LIMITS, maxMessageBytes: 2048 };

function closedBy(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.once("close", () => resolve()));
}

/** A TCP server that accepts and never reads nor answers; closed by the returned function. */
async function silentServer(): Promise<{ port: number; sockets: Socket[]; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const srv: Server = createServer((s) => {
    s.pause();
    s.on("error", () => undefined);
    sockets.push(s);
  });
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const addr = srv.address();
  const port = addr !== null && typeof addr === "object" ? addr.port : 0;
  return {
    port,
    sockets,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        srv.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = await silentServer();
  await s.close();
  return s.port;
}

test("a peer sending headers without end beyond maxMessageBytes is disconnected; the listener keeps serving", { timeout: 5000 }, async () => {
  const server = new TransportLayer({ limits: SMALL });
  try {
    const inbox = new Inbox(server);
    const l = await server.listen({ protocol: "tcp", host: "127.0.0.1", port: 0 });
    const peer = connect(l.local.port, "127.0.0.1");
    peer.on("error", () => undefined);
    const closed = closedBy(peer);
    peer.write("OPTIONS sip:x SIP/2.0\r\n");
    for (let i = 0; i < 100; i++) peer.write(`X-Filler-${i}: ${"a".repeat(40)}\r\n`);
    await within(closed, 2000, "the server to drop the peer");
    const { err } = await inbox.parseError();
    assert.equal(err.code, "SIP_PARSE_TOO_LARGE");
    assert.equal(server.stats.framingErrors, 1);
    await until(() => server.connections().length === 0, "the connection to leave the table");

    const ok = connect(l.local.port, "127.0.0.1");
    ok.on("error", () => undefined);
    try {
      ok.write(requestBytes({ transport: "TCP" }));
      await inbox.message();
    } finally {
      ok.destroy();
    }
  } finally {
    await server.close();
  }
});

test("a huge Content-Length is refused at once: the peer is disconnected", { timeout: 5000 }, async () => {
  const server = new TransportLayer({ limits: SMALL });
  try {
    const inbox = new Inbox(server);
    const l = await server.listen({ protocol: "tcp", host: "127.0.0.1", port: 0 });
    const peer = connect(l.local.port, "127.0.0.1");
    peer.on("error", () => undefined);
    const closed = closedBy(peer);
    const head = requestBytes({ transport: "TCP" }).toString().replace("Content-Length: 0", "Content-Length: 4000000000");
    peer.write(head);
    await within(closed, 2000, "the server to drop the peer");
    const { err, origin } = await inbox.parseError();
    assert.equal(err.code, "SIP_PARSE_TOO_LARGE");
    assert.equal(origin.protocol, "tcp");
    assert.equal(typeof origin.connectionId, "number");
    assert.deepEqual(inbox.messages, []);
  } finally {
    await server.close();
  }
});

test("a ws message over maxMessageBytes closes the WebSocket", { timeout: 5000 }, async () => {
  const server = new TransportLayer({ limits: SMALL });
  try {
    const inbox = new Inbox(server);
    const l = await server.listen({ protocol: "ws", host: "127.0.0.1", port: 0 });
    const ws = new WebSocket(`ws://127.0.0.1:${l.local.port}/`, "sip");
    ws.on("error", () => undefined);
    const closed = new Promise<number>((resolve) => ws.once("close", (code: number) => resolve(code)));
    await new Promise<void>((resolve) => ws.once("open", () => resolve()));
    ws.send(Buffer.alloc(4096, 65));
    assert.equal(await within(closed, 2000, "the ws to be closed"), 1009);
    assert.deepEqual(inbox.messages, []);
  } finally {
    await server.close();
  }
});

test("backlog: a connection whose peer never reads is closed once maxBacklogBytes is exceeded", { timeout: 5000 }, async () => {
  const sink = await silentServer();
  const client = new TransportLayer({ maxBacklogBytes: 256 * 1024 });
  try {
    const inbox = new Inbox(client);
    const target = { protocol: "tcp" as const, remote: { address: "127.0.0.1", port: sink.port } };
    const errors: Error[] = [];
    client.send(Buffer.from("\r\n\r\n"), target, (e) => errors.push(e));
    await until(() => sink.sockets.length === 1 && client.connections()[0]?.local.port !== 0, "the connection to be up");
    const chunk = Buffer.alloc(64 * 1024, 120);
    for (let i = 0; i < 2000 && errors.length === 0; i++) {
      client.send(chunk, target, (e) => errors.push(e));
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(errors[0] instanceof TransportError);
    assert.equal(errors[0].code, "TRANSPORT_BACKLOG");
    await until(() => inbox.closed.length === 1, "the stuck connection to close");
    assert.deepEqual(client.connections(), []);
  } finally {
    await client.close();
    await sink.close();
  }
});

test("backlog: writes queued while connecting count too", { timeout: 5000 }, async () => {
  const sink = await silentServer();
  const client = new TransportLayer({ maxBacklogBytes: 100_000 });
  try {
    const errors: Error[] = [];
    const target = { protocol: "tcp" as const, remote: { address: "127.0.0.1", port: sink.port } };
    const chunk = Buffer.alloc(40_000, 120);
    for (let i = 0; i < 3; i++) client.send(chunk, target, (e) => errors.push(e));
    await until(() => errors.length > 0, "a backlog error");
    assert.equal((errors[0] as TransportError).code, "TRANSPORT_BACKLOG");
  } finally {
    await client.close();
    await sink.close();
  }
});

test("maxConnections: inbound connections beyond the limit are refused", { timeout: 5000 }, async () => {
  const server = new TransportLayer({ maxConnections: 1 });
  try {
    const l = await server.listen({ protocol: "tcp", host: "127.0.0.1", port: 0 });
    const first = connect(l.local.port, "127.0.0.1");
    first.on("error", () => undefined);
    try {
      await until(() => server.connections().length === 1, "the first connection");
      const second = connect(l.local.port, "127.0.0.1");
      second.on("error", () => undefined);
      await within(closedBy(second), 2000, "the second connection to be refused");
      assert.equal(server.stats.connectionsRefused, 1);
      assert.equal(server.connections().length, 1);
    } finally {
      first.destroy();
    }
  } finally {
    await server.close();
  }
});

for (const protocol of ["tcp", "tls", "ws", "wss"] as const satisfies readonly TransportProtocol[]) {
  test(`${protocol}: connecting to a closed port reports TRANSPORT_CONNECT_FAILED through onError`, { timeout: 5000 }, async () => {
    const port = await closedPort();
    const client = new TransportLayer();
    try {
      const errors: Error[] = [];
      assert.doesNotThrow(() => client.send(requestBytes(), { protocol, remote: { address: "127.0.0.1", port } }, (e) => errors.push(e)));
      assert.doesNotThrow(() => client.send(requestBytes(), { protocol, remote: { address: "127.0.0.1", port } }, (e) => errors.push(e)));
      await until(() => errors.length === 2, "both sends to fail");
      for (const e of errors) {
        assert.ok(e instanceof TransportError);
        assert.equal(e.code, "TRANSPORT_CONNECT_FAILED");
        assert.match(e.message, new RegExp(`${protocol}:127\\.0\\.0\\.1:${port}`));
      }
      assert.equal(client.stats.connectionsOpened, 1, "the second send waited on the same attempt");
      await until(() => client.connections().length === 0, "the failed connection to leave the table");
    } finally {
      await client.close();
    }
  });
}

test("sends that cannot even start fail through onError, never by throwing", { timeout: 5000 }, async () => {
  const client = new TransportLayer();
  try {
    await client.listen({ protocol: "udp", host: "127.0.0.1", port: 0 });
    const errors: TransportError[] = [];
    const onError = (e: Error): void => void errors.push(e as TransportError);
    client.send(requestBytes(), { protocol: "tcp", remote: { address: "127.0.0.1", port: 70000 } }, onError);
    client.send(requestBytes(), { protocol: "ws", remote: { address: "127.0.0.1", port: 0 } }, onError);
    client.send(requestBytes(), { protocol: "udp", remote: { address: "::1", port: 5060 } }, onError);
    client.send(requestBytes(), { protocol: "udp", remote: { address: "127.0.0.1", port: 0 } }, onError);
    assert.equal(errors.length, 0, "reported asynchronously");
    await until(() => errors.length === 4, "four errors");
    assert.deepEqual(errors.map((e) => e.code), ["TRANSPORT_CONNECT_FAILED", "TRANSPORT_CONNECT_FAILED", "TRANSPORT_NO_LISTENER", "TRANSPORT_SEND_FAILED"]);
    // A callback that throws does not escape either.
    client.send(requestBytes(), { protocol: "udp", remote: { address: "::1", port: 5060 } }, () => {
      throw new Error("careless caller");
    });
    await until(() => client.stats.handlerErrors === 1, "the throwing callback to be caught");
  } finally {
    await client.close();
  }
});

test("tls: an outbound handshake that never completes fails after connectTimeoutMs", { timeout: 5000 }, async () => {
  const sink = await silentServer();
  const client = new TransportLayer({ connectTimeoutMs: 150, sweepIntervalMs: 20 });
  try {
    const errors: Error[] = [];
    const start = Date.now();
    client.send(requestBytes(), { protocol: "tls", remote: { address: "127.0.0.1", port: sink.port } }, (e) => errors.push(e));
    await until(() => errors[0], "the connect timeout");
    assert.ok(Date.now() - start >= 140);
    assert.equal((errors[0] as TransportError).code, "TRANSPORT_CONNECT_FAILED");
    assert.match(errors[0]!.message, /not established after 150 ms/);
  } finally {
    await client.close();
    await sink.close();
  }
});

test("tls: a server certificate the client does not trust fails the connect", { timeout: 5000 }, async () => {
  const server = new TransportLayer();
  const client = new TransportLayer(); // no CA: the self-signed certificate is not trusted
  try {
    const l = await server.listen({ protocol: "tls", host: "127.0.0.1", port: 0, tls: SERVER_TLS });
    const errors: Error[] = [];
    client.send(requestBytes(), { protocol: "tls", remote: l.local }, (e) => errors.push(e));
    await until(() => errors[0], "the handshake failure");
    assert.equal((errors[0] as TransportError).code, "TRANSPORT_CONNECT_FAILED");
    assert.match(errors[0]!.message, /certificate/i);
    await sleep(20);
    assert.equal(server.connections().length, 0);
  } finally {
    await Promise.all([client.close(), server.close()]);
  }
});
