// Bad input never escapes the layer: garbage datagrams and streams, a message cut off by a close,
// handlers that throw or reject. Parse errors are reported (with the partial message when there is one)
// and the layer keeps serving.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { connect } from "node:net";
import { Inbox, requestBytes, sleep, until, within } from "./test-helpers.js";
import { TransportLayer } from "./transport-layer.js";

test("udp: garbage datagrams are parse errors, keepalives are ignored, valid requests still arrive", { timeout: 5000 }, async () => {
  const server = new TransportLayer();
  const peer = createSocket("udp4");
  try {
    const inbox = new Inbox(server);
    const l = await server.listen({ protocol: "udp", host: "127.0.0.1", port: 0 });
    await new Promise<void>((resolve) => peer.bind(0, "127.0.0.1", resolve));
    const send = (b: Buffer | string): Promise<void> => new Promise((resolve) => peer.send(b, l.local.port, "127.0.0.1", () => resolve()));
    const garbage = [
      "hello world",
      Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x80, 0x81, 0x82]),
      "INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h", // no end of headers
      "SIP/2.0 999999 Huge\r\n\r\n",
    ];
    for (const g of garbage) await send(g);
    // Keepalives (RFC 5626 §4.4.1 CRLF, §4.4.2 STUN) and empty datagrams are not SIP and not errors.
    await send("\r\n\r\n");
    await send("\r\n");
    await send(Buffer.alloc(0));
    await send(Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]));
    await send(requestBytes());
    const m = await inbox.message();
    assert.equal(m.origin.remote.port, (peer.address() as { port: number }).port);
    await until(() => inbox.parseErrors.length === garbage.length, `${garbage.length} parse errors`);
    await sleep(20);
    assert.equal(inbox.parseErrors.length, garbage.length);
    assert.equal(server.stats.parseErrors, garbage.length);
    for (const { origin } of inbox.parseErrors) assert.equal(origin.listenerId, l.id);
  } finally {
    peer.close();
    await server.close();
  }
});

test("udp: a request with a usable head but a bad header is reported with the partial message", { timeout: 5000 }, async () => {
  const server = new TransportLayer();
  const peer = createSocket("udp6");
  try {
    const inbox = new Inbox(server);
    const l = await server.listen({ protocol: "udp", host: "::1", port: 0 });
    await new Promise<void>((resolve) => peer.bind(0, "::1", resolve));
    const bad = requestBytes({ method: "REGISTER" }).toString().replace("CSeq: 1 REGISTER", "CSeq: one REGISTER");
    peer.send(bad, l.local.port, "::1");
    const { err, origin } = await inbox.parseError();
    assert.equal(origin.protocol, "udp");
    assert.equal(origin.remote.address, "::1");
    assert.ok(err.partial !== undefined, "the partial message is there");
    assert.equal(err.partial.kind, "request");
    assert.equal(err.partial.kind === "request" && err.partial.method, "REGISTER");
    assert.ok(err.partial.headers.has("via"));
  } finally {
    peer.close();
    await server.close();
  }
});

test("tcp: garbage that frames is a parse error and the connection keeps serving", { timeout: 5000 }, async () => {
  const server = new TransportLayer();
  try {
    const inbox = new Inbox(server);
    const l = await server.listen({ protocol: "tcp", host: "127.0.0.1", port: 0 });
    const peer = connect(l.local.port, "127.0.0.1");
    peer.on("error", () => undefined);
    try {
      peer.write("GARBAGE GARBAGE\r\n\r\n");
      peer.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 0x0d, 0x0a, 0x0d, 0x0a]));
      peer.write(requestBytes({ transport: "TCP", body: "x" }));
      const m = await inbox.message();
      assert.equal(m.message.body.toString(), "x");
      assert.equal(inbox.parseErrors.length, 2);
      assert.equal(inbox.parseErrors[0]!.origin.connectionId, m.origin.connectionId);
      assert.equal(server.connections().length, 1);
    } finally {
      peer.destroy();
    }
  } finally {
    await server.close();
  }
});

test("tcp: a message cut off by the peer's close is reported as truncated; nothing is delivered", { timeout: 5000 }, async () => {
  const server = new TransportLayer();
  try {
    const inbox = new Inbox(server);
    const l = await server.listen({ protocol: "tcp", host: "127.0.0.1", port: 0 });
    const whole = requestBytes({ transport: "TCP", body: "0123456789".repeat(10) });
    const peer = connect(l.local.port, "127.0.0.1");
    peer.on("error", () => undefined);
    peer.end(whole.subarray(0, whole.length - 30));
    const { err, origin } = await inbox.parseError();
    assert.equal(err.code, "SIP_PARSE_TRUNCATED");
    assert.equal(origin.protocol, "tcp");
    await inbox.closedConnection(origin.connectionId!);
    assert.deepEqual(inbox.messages, []);
    peer.destroy();

    // Half a head, then close: same report.
    const other = connect(l.local.port, "127.0.0.1");
    other.on("error", () => undefined);
    other.end("REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/TCP h");
    await inbox.parseError(1);
    other.destroy();

    const ok = connect(l.local.port, "127.0.0.1");
    ok.on("error", () => undefined);
    ok.write(requestBytes({ transport: "TCP" }));
    await inbox.message();
    ok.destroy();
  } finally {
    await server.close();
  }
});

test("handlers that throw or reject do not stop the layer", { timeout: 5000 }, async () => {
  const server = new TransportLayer();
  const peer = createSocket("udp4");
  try {
    const seen: string[] = [];
    const handlerErrors: unknown[] = [];
    server.setHandlers({
      onMessage: (m) => {
        seen.push(m.message.callId);
        if (m.message.callId === "throw") throw new Error("handler bug");
      },
      onParseError: () => {
        throw new Error("parse handler bug");
      },
      onHandlerError: (e) => handlerErrors.push(e),
    });
    const l = await server.listen({ protocol: "udp", host: "127.0.0.1", port: 0 });
    peer.send(requestBytes({ callId: "throw" }), l.local.port, "127.0.0.1");
    peer.send("garbage", l.local.port, "127.0.0.1");
    await until(() => server.stats.handlerErrors === 2, "two handler errors");

    // An async handler whose promise rejects: caught, no unhandled rejection.
    server.setHandlers({
      onMessage: async (m) => {
        seen.push(m.message.callId);
        await Promise.resolve();
        throw new Error("async handler bug");
      },
      onHandlerError: (e) => handlerErrors.push(e),
    });
    peer.send(requestBytes({ callId: "reject" }), l.local.port, "127.0.0.1");
    await until(() => server.stats.handlerErrors === 3, "the rejection to be caught");
    assert.deepEqual(seen, ["throw", "reject"]);
    assert.deepEqual(handlerErrors.map((e) => (e as Error).message), ["handler bug", "parse handler bug", "async handler bug"]);
  } finally {
    peer.close();
    await server.close();
  }
});

test("close() waits for every socket, is idempotent, and later sends fail through onError", { timeout: 5000 }, async () => {
  const server = new TransportLayer();
  const client = new TransportLayer();
  const inbox = new Inbox(server);
  const l = await server.listen({ protocol: "tcp", host: "127.0.0.1", port: 0 });
  await server.listen({ protocol: "udp", host: "127.0.0.1", port: 0 });
  client.send(requestBytes(), { protocol: "tcp", remote: l.local });
  await inbox.message();
  // A raw peer that stays connected must not hold the close up.
  const lingering = connect(l.local.port, "127.0.0.1");
  lingering.on("error", () => undefined);
  await until(() => server.connections().length === 2, "two connections");
  await within(Promise.all([server.close(), server.close(), client.close()]), 2000, "close");
  assert.deepEqual(server.connections(), []);
  assert.deepEqual(server.listeners(), []);
  assert.deepEqual(inbox.closed, [], "no close reports while shutting down");
  const errors: Error[] = [];
  server.send(requestBytes(), { protocol: "udp", remote: { address: "127.0.0.1", port: 5060 } }, (e) => errors.push(e));
  await until(() => errors[0], "the send error");
  assert.match(errors[0]!.message, /closed/);
  await assert.rejects(server.listen({ protocol: "udp", host: "127.0.0.1", port: 0 }), /closed/);
  lingering.destroy();
});

test("listen failures reject with TransportError", { timeout: 5000 }, async () => {
  const layer = new TransportLayer();
  try {
    const l = await layer.listen({ protocol: "tcp", host: "127.0.0.1", port: 0 });
    await assert.rejects(layer.listen({ protocol: "tcp", host: "127.0.0.1", port: l.local.port }), { code: "TRANSPORT_LISTEN_FAILED" });
    const u = await layer.listen({ protocol: "udp", host: "127.0.0.1", port: 0 });
    await assert.rejects(layer.listen({ protocol: "udp", host: "127.0.0.1", port: u.local.port }), { code: "TRANSPORT_LISTEN_FAILED" });
    await assert.rejects(layer.listen({ protocol: "tls", host: "127.0.0.1", port: 0 }), { code: "TRANSPORT_BAD_SPEC" });
    await assert.rejects(layer.listen({ protocol: "wss", host: "127.0.0.1", port: 0 }), { code: "TRANSPORT_BAD_SPEC" });
    assert.equal(layer.listeners().length, 2);
  } finally {
    await layer.close();
  }
});
