// CRLF keepalives on connection-oriented flows (RFC 5626 §3.5.1, §4.4.1): pings answered with pongs,
// pings sent on a flow we keep alive, a flow that stops answering fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect as netConnect, createServer, type Server, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { WebSocket } from "ws";
import { CLIENT_TLS, Inbox, requestBytes, SERVER_TLS, sleep, until, within } from "./test-helpers.js";
import { TransportLayer } from "./transport-layer.js";

function firstBytes(socket: Socket | WebSocket): Promise<string> {
  return new Promise((resolve) => {
    if (socket instanceof WebSocket) socket.once("message", (d: Buffer) => resolve(d.toString("latin1")));
    else socket.once("data", (d: Buffer) => resolve(d.toString("latin1")));
  });
}

test("tcp: a CRLFCRLF ping gets a CRLF pong, and the connection keeps carrying SIP", { timeout: 5000 }, async () => {
  const server = new TransportLayer();
  try {
    const inbox = new Inbox(server);
    const l = await server.listen({ protocol: "tcp", host: "127.0.0.1", port: 0 });
    const peer = netConnect(l.local.port, "127.0.0.1");
    peer.on("error", () => undefined);
    try {
      const pong = firstBytes(peer);
      peer.write("\r\n\r\n");
      assert.equal(await within(pong, 2000, "the pong"), "\r\n");
      assert.equal(server.stats.pingsReceived, 1);
      peer.write(requestBytes({ transport: "TCP" }));
      await inbox.message();
    } finally {
      peer.destroy();
    }
  } finally {
    await server.close();
  }
});

test("tls: a CRLFCRLF ping gets a CRLF pong", { timeout: 5000 }, async () => {
  const server = new TransportLayer();
  try {
    const l = await server.listen({ protocol: "tls", host: "::1", port: 0, tls: SERVER_TLS });
    const peer = tlsConnect({ host: "::1", port: l.local.port, ca: CLIENT_TLS.ca });
    peer.on("error", () => undefined);
    try {
      await within(new Promise((resolve) => peer.once("secureConnect", resolve)), 2000, "the TLS handshake");
      const pong = firstBytes(peer);
      peer.write("\r\n\r\n");
      assert.equal(await within(pong, 2000, "the pong"), "\r\n");
    } finally {
      peer.destroy();
    }
  } finally {
    await server.close();
  }
});

test("ws: a CRLFCRLF message gets a CRLF pong", { timeout: 5000 }, async () => {
  const server = new TransportLayer();
  try {
    const l = await server.listen({ protocol: "ws", host: "127.0.0.1", port: 0 });
    const ws = new WebSocket(`ws://127.0.0.1:${l.local.port}/`, "sip");
    ws.on("error", () => undefined);
    try {
      await within(new Promise((resolve) => ws.once("open", resolve)), 2000, "the ws handshake");
      const pong = firstBytes(ws);
      ws.send("\r\n\r\n");
      assert.equal(await within(pong, 2000, "the pong"), "\r\n");
    } finally {
      ws.terminate();
    }
  } finally {
    await server.close();
  }
});

for (const protocol of ["tcp", "tls"] as const) {
  test(`${protocol}: startKeepalive pings an outbound flow; pongs keep it up past several pong timeouts`, { timeout: 5000 }, async () => {
    const server = new TransportLayer({ clientTls: CLIENT_TLS });
    const client = new TransportLayer({ clientTls: CLIENT_TLS, sweepIntervalMs: 10, pongTimeoutMs: 50, idleTimeoutMs: 30 });
    try {
      const clientInbox = new Inbox(client);
      const serverInbox = new Inbox(server);
      const l = await server.listen({ protocol, host: "127.0.0.1", port: 0, tls: SERVER_TLS });
      client.send(requestBytes(), { protocol, remote: l.local });
      await serverInbox.message();
      const conn = client.connections()[0]!;
      assert.equal(client.startKeepalive(conn.id, 20), true);
      assert.equal(client.connection(conn.id)?.keepaliveMs, 20);
      await sleep(250);
      assert.ok(server.stats.pingsReceived >= 3, `server got ${server.stats.pingsReceived} pings`);
      assert.ok(client.stats.pongsReceived >= 3, `client got ${client.stats.pongsReceived} pongs`);
      assert.deepEqual(clientInbox.flowFailed, []);
      assert.ok(client.connection(conn.id) !== undefined, "still open (and exempt from the 30 ms idle timeout)");
      assert.equal(client.startKeepalive(12345, 30), false, "unknown connection");
    } finally {
      await Promise.all([client.close(), server.close()]);
    }
  });
}

test("a peer that never pongs fails the flow: onFlowFailed, then the connection closes", { timeout: 5000 }, async () => {
  const received: string[] = [];
  const sockets: Socket[] = [];
  const mute: Server = createServer((s) => {
    sockets.push(s);
    s.on("data", (d: Buffer) => received.push(d.toString("latin1")));
    s.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => mute.listen(0, "127.0.0.1", resolve));
  const addr = mute.address();
  const port = addr !== null && typeof addr === "object" ? addr.port : 0;
  const client = new TransportLayer({ sweepIntervalMs: 10, pongTimeoutMs: 80 });
  try {
    const inbox = new Inbox(client);
    client.send(requestBytes(), { protocol: "tcp", remote: { address: "127.0.0.1", port } });
    await until(() => received.length > 0, "the request to reach the mute peer");
    const id = client.connections()[0]!.id;
    const start = Date.now();
    client.startKeepalive(id, 30);
    const failed = await until(() => inbox.flowFailed[0], "onFlowFailed");
    assert.equal(failed.id, id);
    assert.ok(Date.now() - start >= 100, "not before interval + pong timeout");
    await inbox.closedConnection(id);
    assert.equal(client.connection(id), undefined);
    assert.ok(received.join("").endsWith("\r\n\r\n"), "a ping was sent");
    await until(() => sockets[0]?.destroyed === true || sockets[0]?.readableEnded === true, "the peer to see the close");
  } finally {
    await client.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => mute.close(() => resolve()));
  }
});

test("a pong clears the outstanding ping: a peer answering late but within the timeout keeps the flow", { timeout: 5000 }, async () => {
  // The peer answers each ping after 30 ms, under the 80 ms pong timeout.
  const sockets: Socket[] = [];
  const slow: Server = createServer((s) => {
    sockets.push(s);
    s.on("error", () => undefined);
    s.on("data", (d: Buffer) => {
      if (d.toString("latin1").includes("\r\n\r\n")) setTimeout(() => s.writable && s.write("\r\n"), 30);
    });
  });
  await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
  const addr = slow.address();
  const port = addr !== null && typeof addr === "object" ? addr.port : 0;
  const client = new TransportLayer({ sweepIntervalMs: 10, pongTimeoutMs: 80 });
  try {
    const inbox = new Inbox(client);
    client.send(Buffer.from("\r\n"), { protocol: "tcp", remote: { address: "127.0.0.1", port } });
    await until(() => sockets.length === 1 && client.connections()[0]?.local.port !== 0, "the connection");
    client.startKeepalive(client.connections()[0]!.id, 20);
    await sleep(300);
    assert.ok(client.stats.pongsReceived >= 3, `${client.stats.pongsReceived} pongs`);
    assert.deepEqual(inbox.flowFailed, []);
    assert.equal(client.connections().length, 1);
  } finally {
    await client.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => slow.close(() => resolve()));
  }
});
