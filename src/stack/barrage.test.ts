// The stack keeps answering after a barrage of malformed datagrams and TCP streams (issue: SIP core,
// "checks that must hold"): OPTIONS still gets 200, nothing crashed, memory and connections stay bounded.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { SipStack } from "./sip-stack.js";
import { optionsRequest, TcpPeer, UdpPeer } from "../../test/support/raw-peer.js";

const VALID = (n: number): string =>
  `REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-b${n}\r\nMax-Forwards: 70\r\n` +
  `From: <sip:a@example.com>;tag=${n}\r\nTo: <sip:a@example.com>\r\nCall-ID: barrage-${n}\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n`;

function malformedDatagrams(n: number): Buffer[] {
  const valid = VALID(n);
  return [
    randomBytes(1 + (n % 1400)),
    Buffer.from(valid.slice(0, n % valid.length)),
    Buffer.from(valid.replace("Content-Length: 0", "Content-Length: 999999999")),
    Buffer.from(valid.replace("Content-Length: 0", "Content-Length: -5")),
    Buffer.from(valid.replace("CSeq: 1 REGISTER", "CSeq: 99999999999 REGISTER")),
    Buffer.from(valid.replace("\r\n\r\n", "\r\n" + "X-Junk: y\r\n".repeat(3000) + "\r\n")),
    Buffer.from(valid.replace("Via: SIP/2.0/UDP", "Via: SIP/2.0/UDP [::1")),
    Buffer.from(valid.replace("REGISTER sip:", "REGISTER  sip:")),
    Buffer.from(valid.replace("To: <sip:a@example.com>", 'To: "unterminated <sip:a@example.com>')),
    Buffer.from("\r\n\r\n"),
    Buffer.alloc(60000, 0x41),
  ];
}

test("keeps answering OPTIONS after a barrage of malformed UDP and TCP input, with bounded memory", { timeout: 60_000 }, async () => {
  const stack = new SipStack({ listen: [{ protocol: "udp", host: "127.0.0.1", port: 0 }, { protocol: "tcp", host: "127.0.0.1", port: 0 }] });
  const [udpL, tcpL] = await stack.start();
  const udpPort = udpL!.local.port;
  const tcpPort = tcpL!.local.port;
  const peer = await UdpPeer.open();
  try {
    // A first probe proves the server answers before the barrage.
    await peer.send(optionsRequest(udpPort, "UDP", peer.port), udpPort);
    await peer.waitFor((t) => t.startsWith("SIP/2.0 200"));

    const heapBefore = process.memoryUsage().heapUsed;
    for (let round = 0; round < 300; round++) {
      for (const d of malformedDatagrams(round)) await peer.send(d, udpPort);
    }

    // TCP: garbage, absurd Content-Length, thousands of headers, and a half-sent message left open.
    const garbage = await TcpPeer.open(tcpPort);
    garbage.write(randomBytes(200_000));
    const absurd = await TcpPeer.open(tcpPort);
    absurd.write(VALID(1).replace("Content-Length: 0", "Content-Length: 4294967295"));
    const manyHeaders = await TcpPeer.open(tcpPort);
    manyHeaders.write(VALID(2).replace("\r\n\r\n", "\r\n" + "X-Junk: y\r\n".repeat(10_000)));
    const halfSent = await TcpPeer.open(tcpPort);
    halfSent.write(VALID(3).slice(0, 120));
    const badThenGood = await TcpPeer.open(tcpPort);
    badThenGood.write(VALID(4).replace("Max-Forwards: 70", "Max-Forwards: 300").replace("UDP 127.0.0.1:5999", `TCP 127.0.0.1:${badThenGood.localPort}`));

    // Unrecoverable framing (no header end within the size limit, absurd Content-Length) closes the stream.
    await garbage.waitClosed(5000);
    await absurd.waitClosed(5000);
    await manyHeaders.waitClosed(5000);
    // A framed but malformed request is answered 400 on the same connection, which stays usable.
    await badThenGood.waitFor((t) => t.startsWith("SIP/2.0 400"));
    badThenGood.write(optionsRequest(tcpPort, "TCP", badThenGood.localPort));
    await badThenGood.waitFor((t) => t.includes("SIP/2.0 200"));

    // After all that, OPTIONS over UDP and a fresh TCP connection still get 200.
    peer.received.length = 0;
    await peer.send(optionsRequest(udpPort, "UDP", peer.port), udpPort);
    await peer.waitFor((t) => t.startsWith("SIP/2.0 200"), 5000);
    const fresh = await TcpPeer.open(tcpPort);
    fresh.write(optionsRequest(tcpPort, "TCP", fresh.localPort));
    await fresh.waitFor((t) => t.startsWith("SIP/2.0 200"));

    // The half-sent message holds only its own bytes.
    const held = stack.transport.connections().find((c) => c.remote.port === halfSent.localPort);
    assert.ok(held !== undefined, "the half-sent connection is still open, waiting");
    assert.ok(held.bufferedBytes <= 120, `buffered ${held.bufferedBytes} bytes for a 120-byte fragment`);

    // Memory: 3 300 bad datagrams (~20 MB of input) must not stay on the heap.
    global.gc?.();
    const grown = process.memoryUsage().heapUsed - heapBefore;
    assert.ok(grown < 32 * 1024 * 1024, `heap grew by ${(grown / 1048576).toFixed(1)} MiB`);
    assert.ok(stack.transport.stats.parseErrors > 0, "the malformed input was seen as such");

    for (const p of [halfSent, badThenGood, fresh, garbage, absurd, manyHeaders]) p.destroy();
  } finally {
    peer.close();
    await stack.stop();
  }
});
