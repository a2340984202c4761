// Two TransportLayers in one process, one client and one server: a request goes over each transport
// and address family, arrives parsed with the right Origin, and the response comes back (RFC 3261 §18).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createResponse } from "../sip/response-builder.js";
import { serializeMessage } from "../sip/serializer.js";
import type { SipRequest } from "../sip/message.js";
import { hostForSip } from "./endpoint.js";
import { responseTarget } from "./response-routing.js";
import { CLIENT_TLS, Inbox, requestBytes, SERVER_TLS } from "./test-helpers.js";
import { TransportLayer } from "./transport-layer.js";
import { ALL_PROTOCOLS, isReliable, viaTransportName } from "./types.js";

for (const host of ["127.0.0.1", "::1"]) {
  for (const protocol of ALL_PROTOCOLS) {
    test(`${protocol} over ${host}: request arrives with its Origin, response comes back on the same flow`, { timeout: 5000 }, async () => {
      const server = new TransportLayer();
      const client = new TransportLayer({ clientTls: CLIENT_TLS });
      try {
        const serverInbox = new Inbox(server);
        const clientInbox = new Inbox(client);
        const listener = await server.listen({ protocol, host, port: 0, tls: SERVER_TLS });
        assert.equal(listener.id, `${protocol}:${hostForSip(host)}:${listener.local.port}`);
        // A UDP client needs a socket of its own to send from and to be answered on.
        const clientUdp = protocol === "udp" ? await client.listen({ protocol: "udp", host, port: 0 }) : undefined;
        const sentBy = clientUdp === undefined ? "client.invalid" : `${hostForSip(host)}:${clientUdp.local.port}`;
        const errors: Error[] = [];
        client.send(requestBytes({ transport: viaTransportName(protocol), sentBy, viaParams: ";rport", body: "hello" }), { protocol, remote: listener.local }, (e) => errors.push(e));

        const { message: req, origin } = await serverInbox.message();
        assert.equal(req.kind, "request");
        assert.equal((req as SipRequest).method, "OPTIONS");
        assert.equal(req.body.toString(), "hello");
        assert.equal(origin.protocol, protocol);
        assert.equal(origin.remote.address, host);
        assert.deepEqual(origin.local, listener.local);
        assert.equal(origin.listenerId, listener.id);
        // §18.2.1 / RFC 3581 §4: the top Via says where the request really came from.
        assert.equal(req.topVia.params.get("received"), host);
        assert.equal(req.topVia.params.get("rport"), String(origin.remote.port));

        if (isReliable(protocol)) {
          assert.equal(typeof origin.connectionId, "number");
          const [clientConn] = client.connections();
          assert.ok(clientConn !== undefined);
          assert.equal(clientConn.outbound, true);
          assert.deepEqual(clientConn.local, origin.remote, "the server sees the client's side of the connection");
          assert.deepEqual(server.connection(origin.connectionId!)?.remote, origin.remote);
        } else {
          assert.equal(origin.connectionId, undefined);
          assert.equal(origin.remote.port, clientUdp!.local.port);
        }

        const res = createResponse(req as SipRequest, 200, { toTag: "srv" });
        server.send(serializeMessage(res), responseTarget(res.topVia, origin), (e) => errors.push(e));
        const back = await clientInbox.message();
        assert.equal(back.message.kind, "response");
        assert.equal(back.message.kind === "response" && back.message.status, 200);
        assert.equal(back.origin.protocol, protocol);
        assert.deepEqual(back.origin.remote, listener.local);
        if (isReliable(protocol)) {
          assert.equal(back.origin.connectionId, client.connections()[0]!.id);
          assert.equal(server.connections().length, 1, "the response went over the request's connection");
          assert.equal(server.stats.connectionsOpened, 1);
          assert.equal(client.stats.connectionsOpened, 1);
        } else {
          assert.equal(back.origin.listenerId, clientUdp!.id);
        }
        assert.deepEqual(errors, []);
        assert.deepEqual(serverInbox.parseErrors, []);
      } finally {
        await Promise.all([client.close(), server.close()]);
      }
    });
  }
}

test("udp §18.2.2: with rport the response goes to the source port, without it to the sent-by port", { timeout: 5000 }, async () => {
  const server = new TransportLayer();
  const client = new TransportLayer();
  try {
    const serverInbox = new Inbox(server);
    const clientInbox = new Inbox(client);
    const l = await server.listen({ protocol: "udp", host: "127.0.0.1", port: 0 });
    // The client sends from socket A and names socket B in its Via sent-by.
    const a = await client.listen({ protocol: "udp", host: "127.0.0.1", port: 0 });
    const b = await client.listen({ protocol: "udp", host: "127.0.0.1", port: 0 });
    const sentBy = `127.0.0.1:${b.local.port}`;

    client.send(requestBytes({ sentBy, viaParams: ";rport" }), { protocol: "udp", remote: l.local, listenerId: a.id });
    const withRport = await serverInbox.message(0);
    assert.equal(withRport.origin.remote.port, a.local.port);
    server.send(serializeMessage(createResponse(withRport.message as SipRequest, 200)), responseTarget(withRport.message.topVia, withRport.origin));
    assert.equal((await clientInbox.message(0)).origin.listenerId, a.id, "rport: back to the source port");

    client.send(requestBytes({ sentBy }), { protocol: "udp", remote: l.local, listenerId: a.id });
    const noRport = await serverInbox.message(1);
    assert.equal(noRport.message.topVia.params.get("received"), undefined, "sent-by host equals the source: no received");
    server.send(serializeMessage(createResponse(noRport.message as SipRequest, 200)), responseTarget(noRport.message.topVia, noRport.origin));
    assert.equal((await clientInbox.message(1)).origin.listenerId, b.id, "no rport: to the sent-by port");

    // A sent-by naming another host gets received= even without rport (§18.2.1).
    client.send(requestBytes({ sentBy: `192.0.2.44:${b.local.port}` }), { protocol: "udp", remote: l.local, listenerId: a.id });
    const other = await serverInbox.message(2);
    assert.equal(other.message.topVia.params.get("received"), "127.0.0.1");
    assert.deepEqual(responseTarget(other.message.topVia, other.origin).remote, { address: "127.0.0.1", port: b.local.port });
  } finally {
    await Promise.all([client.close(), server.close()]);
  }
});

test("one TransportLayer with ten listeners (every transport, IPv4 and IPv6) serves them all at once", { timeout: 5000 }, async () => {
  const server = new TransportLayer();
  const client = new TransportLayer({ clientTls: CLIENT_TLS });
  try {
    const inbox = new Inbox(server);
    const listeners = [];
    for (const host of ["127.0.0.1", "::1"]) {
      for (const protocol of ALL_PROTOCOLS) listeners.push(await server.listen({ protocol, host, port: 0, tls: SERVER_TLS }));
    }
    assert.equal(server.listeners().length, 10);
    assert.equal(new Set(listeners.map((l) => l.id)).size, 10);
    await client.listen({ protocol: "udp", host: "127.0.0.1", port: 0 });
    await client.listen({ protocol: "udp", host: "::1", port: 0 });
    for (const l of listeners) {
      client.send(requestBytes({ transport: viaTransportName(l.protocol), callId: l.id }), { protocol: l.protocol, remote: l.local });
    }
    for (let i = 0; i < listeners.length; i++) await inbox.message(i);
    for (const l of listeners) {
      const got = inbox.messages.find((m) => m.message.callId === l.id);
      assert.ok(got !== undefined, `message for ${l.id}`);
      assert.equal(got.origin.listenerId, l.id);
      assert.equal(got.origin.protocol, l.protocol);
      assert.equal(got.origin.remote.address, l.local.address);
    }
    // listenerFor picks the listener of the protocol and the destination's family.
    assert.equal(server.listenerFor({ protocol: "tcp", remote: { address: "::1", port: 5060 } })?.local.address, "::1");
    assert.equal(server.listenerFor({ protocol: "wss", remote: { address: "127.0.0.1", port: 5060 } })?.local.address, "127.0.0.1");
    assert.equal(client.stats.sendErrors, 0);
  } finally {
    await Promise.all([client.close(), server.close()]);
  }
});
