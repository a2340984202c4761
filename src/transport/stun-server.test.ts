// RFC 5626 §8: a SIP stack answers STUN Binding requests on its UDP ports, next to SIP. A raw UDP
// socket plays the UA: its Binding request gets its own address back in XOR-MAPPED-ADDRESS, OPTIONS on
// the same port is still answered, and garbage that looks like STUN by its first byte gets nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { SipStack } from "../stack/sip-stack.js";
import { parseMessage } from "../sip/parser.js";
import { buildBindingRequest, endpointOf, mappedAddressOf, parseStun, randomTransactionId, STUN_BINDING_ERROR, STUN_BINDING_SUCCESS } from "./stun.js";
import { requestBytes, sleep, within } from "./test-helpers.js";

interface Peer {
  socket: Socket;
  port: number;
  inbox: Buffer[];
  send(b: Buffer, port: number): Promise<void>;
  next(ms?: number): Promise<Buffer>;
}

async function peer(family: 4 | 6): Promise<Peer> {
  const host = family === 4 ? "127.0.0.1" : "::1";
  const socket = createSocket(family === 4 ? "udp4" : "udp6");
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  const inbox: Buffer[] = [];
  let wake: (() => void) | undefined;
  socket.on("message", (b) => {
    inbox.push(b);
    wake?.();
  });
  return {
    socket,
    port: socket.address().port,
    inbox,
    send: (b, port) => new Promise((resolve) => socket.send(b, port, host, () => resolve())),
    async next(ms = 2000) {
      if (inbox.length === 0) await within(new Promise<void>((resolve) => (wake = resolve)), ms, "a datagram");
      return inbox.shift()!;
    },
  };
}

for (const family of [4, 6] as const) {
  test(`IPv${family}: a Binding request on the SIP port gets a success response with the sender's address and port`, { timeout: 5000 }, async () => {
    const host = family === 4 ? "127.0.0.1" : "::1";
    const stack = new SipStack({ listen: [{ protocol: "udp", host, port: 0 }] });
    const [l] = await stack.start();
    const p = await peer(family);
    try {
      const id = randomTransactionId();
      await p.send(buildBindingRequest(id), l!.local.port);
      const res = parseStun(await p.next())!;
      assert.equal(res.type, STUN_BINDING_SUCCESS);
      assert.deepEqual(res.transactionId, id);
      assert.deepEqual(endpointOf(mappedAddressOf(res)!), { address: host, port: p.port });
      // With FINGERPRINT, answered with one.
      await p.send(buildBindingRequest(randomTransactionId(), { fingerprint: true }), l!.local.port);
      assert.equal(parseStun(await p.next())!.fingerprint, true);
      // SIP on the same port is still SIP.
      await p.send(requestBytes({ method: "OPTIONS", sentBy: `${family === 4 ? host : `[${host}]`}:${p.port}` }), l!.local.port);
      const options = parseMessage(await p.next());
      assert.equal(options.kind === "response" && options.status, 200);
      assert.equal(stack.transport.stats.stunRequests, 2);
      assert.equal(stack.transport.stats.parseErrors, 0);
      assert.equal(stack.transport.stats.messagesIn, 1, "STUN is not counted as SIP");
    } finally {
      p.socket.close();
      await stack.stop();
    }
  });
}

test("garbage with a STUN-looking first byte: no answer, no parse error, no crash; the port keeps serving", { timeout: 5000 }, async () => {
  const stack = new SipStack({ listen: [{ protocol: "udp", host: "127.0.0.1", port: 0 }] });
  const [l] = await stack.start();
  const p = await peer(4);
  try {
    const req = buildBindingRequest();
    const wrongLength = Buffer.from(req);
    wrongLength.writeUInt16BE(4, 2);
    const overrun = Buffer.concat([req, Buffer.from([0x00, 0x20, 0x00, 0x40])]);
    overrun.writeUInt16BE(4, 2);
    const badFingerprint = buildBindingRequest(undefined, { fingerprint: true });
    badFingerprint[27]! ^= 1;
    const response = Buffer.from(req);
    response.writeUInt16BE(STUN_BINDING_SUCCESS, 0); // a response nobody asked for
    const indication = Buffer.from(req);
    indication.writeUInt16BE(0x0011, 0);
    const garbage = [
      Buffer.from([0x00]),
      Buffer.from([0x01, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]),
      Buffer.from([0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
      Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]), Buffer.alloc(12)]), // RFC 3489: no cookie
      wrongLength,
      overrun,
      badFingerprint,
      response,
      indication,
    ];
    for (const g of garbage) await p.send(g, l!.local.port);
    // An ICE-style request with a comprehension-required attribute gets 420, not a success.
    const ice = Buffer.concat([req, Buffer.from([0x00, 0x24, 0x00, 0x04, 0, 0, 0, 1])]);
    ice.writeUInt16BE(8, 2);
    await p.send(ice, l!.local.port);
    const err = parseStun(await p.next())!;
    assert.equal(err.type, STUN_BINDING_ERROR);
    await sleep(50);
    assert.equal(p.inbox.length, 0, "nothing else answered");
    assert.equal(stack.transport.stats.parseErrors, 0);
    assert.equal(stack.transport.stats.stunRequests, 1);
    // Still serving both.
    await p.send(req, l!.local.port);
    assert.equal(parseStun(await p.next())!.type, STUN_BINDING_SUCCESS);
    await p.send(requestBytes({ sentBy: `127.0.0.1:${p.port}` }), l!.local.port);
    const ok = parseMessage(await p.next());
    assert.equal(ok.kind === "response" && ok.status, 200);
  } finally {
    p.socket.close();
    await stack.stop();
  }
});
