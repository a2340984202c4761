// SIP over WebSocket (RFC 7118): the "sip" subprotocol is required, each WS message is one SIP message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { WebSocket } from "ws";
import { CLIENT_TLS, Inbox, requestBytes, SERVER_TLS, sleep, until, within } from "./test-helpers.js";
import { TransportLayer } from "./transport-layer.js";

function opened(ws: WebSocket): Promise<void> {
  return within(new Promise((resolve) => ws.once("open", () => resolve())), 2000, "the ws handshake");
}

test("ws: a client that does not offer the sip subprotocol is refused", { timeout: 5000 }, async () => {
  const server = new TransportLayer();
  try {
    const l = await server.listen({ protocol: "ws", host: "127.0.0.1", port: 0 });
    for (const protocols of [[], ["chat"]]) {
      const ws = new WebSocket(`ws://127.0.0.1:${l.local.port}/`, protocols);
      const failure = new Promise<string>((resolve) => ws.once("error", (e: Error) => resolve(e.message)));
      const closed = new Promise<void>((resolve) => ws.once("close", () => resolve()));
      assert.match(await within(failure, 2000, "the refusal"), /Unexpected server response: 400/);
      await within(closed, 2000, "the close");
    }
    assert.equal(server.connections().length, 0);
    assert.equal(server.stats.connectionsOpened, 0);
  } finally {
    await server.close();
  }
});

test("ws: the subprotocol is matched case-insensitively and echoed as offered", { timeout: 5000 }, async () => {
  const server = new TransportLayer();
  try {
    const l = await server.listen({ protocol: "ws", host: "127.0.0.1", port: 0 });
    const ws = new WebSocket(`ws://127.0.0.1:${l.local.port}/`, ["chat", "SIP"]);
    ws.on("error", () => undefined);
    try {
      await opened(ws);
      assert.equal(ws.protocol, "SIP");
      await until(() => server.connections().length === 1, "the server connection");
    } finally {
      ws.terminate();
    }
  } finally {
    await server.close();
  }
});

test("wss: each WS message is one SIP message (no Content-Length needed), answered on the same WebSocket", { timeout: 5000 }, async () => {
  const server = new TransportLayer();
  try {
    const inbox = new Inbox(server);
    const l = await server.listen({ protocol: "wss", host: "127.0.0.1", port: 0, tls: SERVER_TLS });
    const ws = new WebSocket(`wss://127.0.0.1:${l.local.port}/`, "sip", { ca: CLIENT_TLS.ca });
    ws.on("error", () => undefined);
    const replies: string[] = [];
    ws.on("message", (d: Buffer, isBinary: boolean) => replies.push(`${isBinary ? "binary" : "text"}:${d.toString()}`));
    try {
      await opened(ws);
      const withoutLength = requestBytes({ transport: "WSS", sentBy: "df7jal23ls0d.invalid", callId: "a" }).toString().replace("Content-Length: 0\r\n", "");
      ws.send(withoutLength);
      ws.send(requestBytes({ transport: "WSS", sentBy: "df7jal23ls0d.invalid", callId: "b", body: "body" }));
      const a = await inbox.message(0);
      const b = await inbox.message(1);
      assert.equal(a.message.callId, "a");
      assert.equal(b.message.callId, "b");
      assert.equal(b.message.body.toString(), "body");
      assert.equal(a.origin.protocol, "wss");
      assert.equal(a.origin.connectionId, b.origin.connectionId);
      server.send(Buffer.from("SIP/2.0 200 OK\r\n\r\n"), { protocol: "wss", remote: a.origin.remote, connectionId: a.origin.connectionId! });
      server.send(Buffer.from([0xff, 0xfe, 0x00]), { protocol: "wss", remote: a.origin.remote, connectionId: a.origin.connectionId! });
      await until(() => replies.length === 2, "both replies");
      assert.equal(replies[0], "text:SIP/2.0 200 OK\r\n\r\n");
      assert.match(replies[1]!, /^binary:/, "bytes that are not UTF-8 go in a binary frame");
    } finally {
      ws.terminate();
    }
  } finally {
    await server.close();
  }
});

test("ws: a plain HTTP request gets 426 Upgrade Required", { timeout: 5000 }, async () => {
  const server = new TransportLayer();
  try {
    const l = await server.listen({ protocol: "ws", host: "::1", port: 0 });
    const status = await within(
      new Promise<number>((resolve, reject) => {
        const req = request({ host: "::1", port: l.local.port, path: "/", agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end();
      }),
      2000,
      "the HTTP answer",
    );
    assert.equal(status, 426);
  } finally {
    await server.close();
  }
});

test("ws: garbage in a WS message is a parse error; the WebSocket stays open", { timeout: 5000 }, async () => {
  const server = new TransportLayer();
  try {
    const inbox = new Inbox(server);
    const l = await server.listen({ protocol: "ws", host: "127.0.0.1", port: 0 });
    const ws = new WebSocket(`ws://127.0.0.1:${l.local.port}/`, "sip");
    ws.on("error", () => undefined);
    try {
      await opened(ws);
      ws.send("this is not SIP");
      const { origin } = await inbox.parseError();
      assert.equal(origin.protocol, "ws");
      ws.send(requestBytes({ transport: "WS" }));
      await inbox.message();
      await sleep(10);
      assert.equal(ws.readyState, WebSocket.OPEN);
    } finally {
      ws.terminate();
    }
  } finally {
    await server.close();
  }
});
