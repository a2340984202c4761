// The connection table (RFC 3261 §18.1.1, §18.2.2): reuse of connections to the same peer, stable ids,
// the idle sweep.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { CLIENT_TLS, Inbox, requestBytes, SERVER_TLS, sleep, until, within } from "./test-helpers.js";
import { TransportLayer } from "./transport-layer.js";
import type { TransportProtocol } from "./types.js";

for (const protocol of ["tcp", "tls", "ws"] as const satisfies readonly TransportProtocol[]) {
  test(`${protocol}: a second send reuses the outbound connection; the server reuses the inbound one to send back`, { timeout: 5000 }, async () => {
    const server = new TransportLayer();
    const client = new TransportLayer({ clientTls: CLIENT_TLS });
    try {
      const serverInbox = new Inbox(server);
      const clientInbox = new Inbox(client);
      const l = await server.listen({ protocol, host: "127.0.0.1", port: 0, tls: SERVER_TLS });
      const target = { protocol, remote: l.local };
      client.send(requestBytes({ callId: "one" }), target);
      client.send(requestBytes({ callId: "two" }), target); // still connecting: queued on the same connection
      const first = await serverInbox.message(0);
      const second = await serverInbox.message(1);
      client.send(requestBytes({ callId: "three" }), target); // established by now
      const third = await serverInbox.message(2);
      assert.deepEqual([first, second, third].map((m) => m.message.callId), ["one", "two", "three"]);
      const ids = new Set([first, second, third].map((m) => m.origin.connectionId));
      assert.equal(ids.size, 1, "all three over one connection");
      assert.equal(client.connections().length, 1);
      assert.equal(client.stats.connectionsOpened, 1);

      // A request from the server to the peer's address and port goes over the inbound connection.
      const inboundId = first.origin.connectionId!;
      server.send(requestBytes({ callId: "back" }), { protocol, remote: first.origin.remote });
      const back = await clientInbox.message(0);
      assert.equal(back.message.callId, "back");
      assert.equal(back.origin.connectionId, client.connections()[0]!.id);
      // ... and so does one naming the connection alone.
      server.send(requestBytes({ callId: "by-id" }), { protocol, remote: { address: "127.0.0.1", port: 0 }, connectionId: inboundId });
      assert.equal((await clientInbox.message(1)).message.callId, "by-id");
      assert.equal(server.connections().length, 1);
      assert.equal(server.stats.connectionsOpened, 1, "no new connection opened");
    } finally {
      await Promise.all([client.close(), server.close()]);
    }
  });
}

test("connection ids are exposed, stable for the life of a connection, and never reused", { timeout: 5000 }, async () => {
  const server = new TransportLayer();
  const client = new TransportLayer();
  try {
    const serverInbox = new Inbox(server);
    const clientInbox = new Inbox(client);
    const l = await server.listen({ protocol: "tcp", host: "127.0.0.1", port: 0 });
    client.send(requestBytes(), { protocol: "tcp", remote: l.local });
    const m = await serverInbox.message(0);
    const id = m.origin.connectionId!;
    const info = server.connection(id);
    assert.ok(info !== undefined);
    assert.equal(info.id, id);
    assert.equal(info.protocol, "tcp");
    assert.equal(info.outbound, false);
    assert.equal(info.listenerId, l.id);
    assert.deepEqual(info.local, l.local);
    assert.deepEqual(server.connections().map((c) => c.id), [id]);
    const clientId = client.connections()[0]!.id;
    assert.equal(client.connection(clientId)?.outbound, true);

    client.send(requestBytes(), { protocol: "tcp", remote: l.local });
    assert.equal((await serverInbox.message(1)).origin.connectionId, id, "same id for the next message");

    server.closeConnection(id);
    await serverInbox.closedConnection(id);
    await clientInbox.closedConnection(clientId);
    assert.equal(server.connection(id), undefined);
    assert.deepEqual(client.connections(), []);

    client.send(requestBytes(), { protocol: "tcp", remote: l.local });
    const again = await serverInbox.message(2);
    assert.notEqual(again.origin.connectionId, id, "a new connection gets a new id");
    assert.notEqual(client.connections()[0]!.id, clientId);
  } finally {
    await Promise.all([client.close(), server.close()]);
  }
});

test("a response for a connection that closed is refused over ws (the client cannot be reached)", { timeout: 5000 }, async () => {
  const server = new TransportLayer();
  try {
    const l = await server.listen({ protocol: "ws", host: "127.0.0.1", port: 0 });
    const errors: Error[] = [];
    server.send(Buffer.from("x"), { protocol: "ws", remote: { address: "127.0.0.1", port: l.local.port }, connectionId: 999 }, (e) => errors.push(e));
    await until(() => errors[0], "onError");
    assert.equal((errors[0] as { code?: string }).code, "TRANSPORT_CONNECTION_CLOSED");
    assert.equal(server.stats.connectionsOpened, 0);
  } finally {
    await server.close();
  }
});

test("idle connections are closed by the sweep; ones with traffic are kept", { timeout: 5000 }, async () => {
  const server = new TransportLayer({ idleTimeoutMs: 150, sweepIntervalMs: 20 });
  try {
    const inbox = new Inbox(server);
    const l = await server.listen({ protocol: "tcp", host: "127.0.0.1", port: 0 });
    const busy = connect(l.local.port, "127.0.0.1");
    const idle = connect(l.local.port, "127.0.0.1");
    const idleClosed = new Promise<void>((resolve) => idle.once("close", () => resolve()));
    idle.on("error", () => undefined);
    busy.on("error", () => undefined);
    try {
      await until(() => server.connections().length === 2, "two connections");
      const start = Date.now();
      // Keep one busy with CRLFCRLF pings, which are traffic too.
      const pinger = setInterval(() => busy.write("\r\n\r\n"), 30);
      try {
        await within(idleClosed, 2000, "the idle connection to be closed");
      } finally {
        clearInterval(pinger);
      }
      assert.ok(Date.now() - start >= 100, "not closed before the idle timeout");
      await until(() => inbox.closed.length === 1, "the server to report the close");
      assert.equal(server.connections().length, 1, "the busy one is still there");
      assert.equal(busy.destroyed, false);
    } finally {
      busy.destroy();
      idle.destroy();
    }
  } finally {
    await server.close();
  }
});

test("an outbound connection that is only written to counts as active", { timeout: 5000 }, async () => {
  const server = new TransportLayer();
  const client = new TransportLayer({ idleTimeoutMs: 100, sweepIntervalMs: 10 });
  try {
    const inbox = new Inbox(server);
    const l = await server.listen({ protocol: "tcp", host: "127.0.0.1", port: 0 });
    for (let i = 0; i < 8; i++) {
      client.send(requestBytes(), { protocol: "tcp", remote: l.local });
      await sleep(25);
    }
    assert.equal(client.stats.connectionsOpened, 1, "one connection for all sends");
    await inbox.message(7);
    assert.equal(new Set(inbox.messages.map((m) => m.origin.connectionId)).size, 1);
  } finally {
    await Promise.all([client.close(), server.close()]);
  }
});
