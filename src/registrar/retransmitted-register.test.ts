// Over a real UDP socket: a retransmitted REGISTER gets the very 401 it got before, from the Completed
// record (RFC 3261 §17.2.2), not a new challenge costing a new nonce; the same for the 200 to the
// authenticated one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { ConfigCredentialSource } from "../auth/config-credentials.js";
import { buildCredentials, NonceCounts } from "../auth/client-auth.js";
import { parseDigestChallenge, serializeDigestCredentials } from "../sip/headers/digest.js";
import type { SipResponse } from "../sip/message.js";
import { parseMessage } from "../sip/parser.js";
import { MemoryLocationStore } from "../location/memory-store.js";
import { SipStack } from "../stack/sip-stack.js";
import { CryptoRandom } from "../util/random.js";
import { DigestAuthenticator } from "./digest-authenticator.js";
import { Registrar } from "./registrar.js";

function registerText(port: number, branch: string, authorization?: string): Buffer {
  return Buffer.from(
    [
      "REGISTER sip:example.com SIP/2.0",
      `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=${branch}`,
      "Max-Forwards: 70",
      "From: <sip:alice@example.com>;tag=f1",
      "To: <sip:alice@example.com>",
      "Call-ID: stateless-challenge@test",
      `CSeq: ${authorization === undefined ? 1 : 2} REGISTER`,
      `Contact: <sip:alice@127.0.0.1:${port}>`,
      "Expires: 600",
      ...(authorization === undefined ? [] : [`Authorization: ${authorization}`]),
      "Content-Length: 0",
      "",
      "",
    ].join("\r\n"),
  );
}

test("retransmissions of a challenged and of an authenticated REGISTER get the same 401 and 200 again (§17.2.2)", async () => {
  const store = new MemoryLocationStore();
  await store.open();
  const auth = new DigestAuthenticator({ credentials: new ConfigCredentialSource([{ username: "alice", domain: "example.com", password: "secret" }]) });
  const registrar = new Registrar({ store, auth });
  const stack = new SipStack({ listen: [{ protocol: "udp", host: "127.0.0.1", port: 0 }], user: registrar.transactionUser() });
  const [listener] = await stack.start();
  const sock = createSocket("udp4");
  sock.bind(0, "127.0.0.1");
  await once(sock, "listening");
  const port = sock.address().port;
  const responses: SipResponse[] = [];
  const waiters: Array<() => void> = [];
  sock.on("message", (data) => {
    const m = parseMessage(data);
    if (m.kind === "response") responses.push(m);
    waiters.shift()?.();
  });
  const send = async (bytes: Buffer): Promise<SipResponse> => {
    const got = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no response within 2 s")), 2000);
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    sock.send(bytes, listener!.local.port, "127.0.0.1");
    await got;
    return responses.at(-1)!;
  };
  try {
    const first = await send(registerText(port, "z9hG4bK-c1"));
    assert.equal(first.status, 401);
    assert.equal(stack.transactions.stats().completedRecords, 1);
    const again = await send(registerText(port, "z9hG4bK-c1")); // the same request again (a retransmission)
    assert.equal(again.status, 401);
    const c2 = parseDigestChallenge(again.headers.get("www-authenticate")!);
    assert.equal(c2.nonce, parseDigestChallenge(first.headers.get("www-authenticate")!).nonce, "the same challenge resent");
    assert.equal(again.toTag, first.toTag);

    const creds = buildCredentials({ challenge: c2, method: "REGISTER", uri: "sip:example.com", account: { username: "alice", password: "secret" }, nonceCounts: new NonceCounts(), random: new CryptoRandom() });
    const authorized = registerText(port, "z9hG4bK-c2", serializeDigestCredentials(creds));
    const ok = await send(authorized);
    assert.equal(ok.status, 200);
    assert.equal(stack.transactions.stats().completedRecords, 2, "the 200 is kept for 64*T1 too");
    const okAgain = await send(authorized);
    assert.equal(okAgain.status, 200);
    assert.equal(okAgain.toTag, ok.toTag, "the same 200 resent, not processed again");
    assert.equal(stack.transactions.stats().retransmissionsAbsorbed, 2);
  } finally {
    sock.close();
    await stack.stop();
    await store.close();
  }
});
