// Outbound TLS and WSS check the server's certificate (RFC 3261 §26.2.1, RFC 5922 §7): against the
// target's serverName when given (the SIP domain), else against the address connected to.
import { test } from "node:test";
import assert from "node:assert/strict";
import { TransportError } from "./errors.js";
import { CLIENT_TLS, Inbox, requestBytes, SERVER_TLS, until } from "./test-helpers.js";
import { TransportLayer } from "./transport-layer.js";

for (const protocol of ["tls", "wss"] as const) {
  test(`${protocol}: the certificate is checked against serverName`, { timeout: 5000 }, async () => {
    const server = new TransportLayer();
    const client = new TransportLayer({ clientTls: CLIENT_TLS });
    try {
      const inbox = new Inbox(server);
      const l = await server.listen({ protocol, host: "127.0.0.1", port: 0, tls: SERVER_TLS });
      const errors: Error[] = [];
      client.send(requestBytes({ callId: "named" }), { protocol, remote: l.local, serverName: "localhost" }, (e) => errors.push(e));
      assert.equal((await inbox.message()).message.callId, "named");

      const other = new TransportLayer({ clientTls: CLIENT_TLS });
      try {
        other.send(requestBytes(), { protocol, remote: l.local, serverName: "sip.example.net" }, (e) => errors.push(e));
        await until(() => errors[0], "the identity failure");
        assert.ok(errors[0] instanceof TransportError);
        assert.equal(errors[0].code, "TRANSPORT_CONNECT_FAILED");
        assert.match(errors[0].message, /sip\.example\.net|altnames|Hostname/i);
      } finally {
        await other.close();
      }
      assert.equal(errors.length, 1);
    } finally {
      await Promise.all([client.close(), server.close()]);
    }
  });
}
