import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { clientKey, isRfc2543Key, responseKey, rfc2543Key, serverKey, serverKeyAs } from "./keys.js";
import { answer, request } from "./test-support.js";

describe("server transaction keys (RFC 3261 §17.2.3)", () => {
  const invite = request({ method: "INVITE", branch: "z9hG4bK-abc" });

  it("matches on branch, sent-by and method; an ACK matches its INVITE, a CANCEL is its own", () => {
    const ack = request({ method: "ACK", branch: "z9hG4bK-abc", toTag: "t" });
    const cancel = request({ method: "CANCEL", branch: "z9hG4bK-abc" });
    assert.equal(serverKey(ack), serverKey(invite));
    assert.notEqual(serverKey(cancel), serverKey(invite));
    assert.equal(serverKeyAs(cancel, "INVITE"), serverKey(invite));
  });

  it("tells apart the same branch from another sent-by, and ignores host case", () => {
    assert.notEqual(serverKey(request({ method: "INVITE", branch: "z9hG4bK-abc", viaHost: "192.0.2.99" })), serverKey(invite));
    assert.equal(serverKey(request({ method: "INVITE", branch: "z9hG4bK-abc", viaHost: "UA.Example.COM" })), serverKey(request({ method: "INVITE", branch: "z9hG4bK-abc", viaHost: "ua.example.com" })));
  });

  it("falls back to RFC 2543 matching without the magic cookie", () => {
    const old = request({ method: "INVITE", branch: null });
    const key = serverKey(old);
    assert.ok(isRfc2543Key(key));
    assert.equal(serverKey(request({ method: "INVITE", branch: null })), key);
    assert.notEqual(serverKey(request({ method: "INVITE", branch: null, cseq: 2 })), key);
    assert.notEqual(serverKey(request({ method: "INVITE", branch: null, fromTag: "other" })), key);
    assert.notEqual(serverKey(request({ method: "INVITE", branch: null, uri: "sip:x@example.com" })), key);
    assert.notEqual(serverKey(request({ method: "INVITE", branch: "1234" })), key, "a branch without cookie is part of the Via");
    // The ACK for our non-2xx carries our To tag (§17.2.3).
    const ack = request({ method: "ACK", branch: null, toTag: "ours" });
    assert.equal(serverKey(ack), rfc2543Key(old, "ours", "INVITE"));
  });
});

describe("client transaction keys (RFC 3261 §17.1.3)", () => {
  it("matches a response on the top Via branch and the CSeq method", () => {
    const req = request({ method: "INVITE", branch: "z9hG4bK-c1" });
    assert.equal(responseKey(answer(req, 180)), clientKey("z9hG4bK-c1", "INVITE"));
    const cancel = request({ method: "CANCEL", branch: "z9hG4bK-c1" });
    assert.equal(responseKey(answer(cancel, 200)), clientKey("z9hG4bK-c1", "CANCEL"));
    assert.notEqual(clientKey("z9hG4bK-c1", "CANCEL"), clientKey("z9hG4bK-c1", "INVITE"));
  });
});
