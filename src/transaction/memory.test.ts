// At 30 000 REGISTER/s over UDP, ~1 000 000 non-INVITE server transactions sit in Completed (Timer J).
// This checks what 100 000 of them leave behind: compact records only, no live objects or timers, and
// requests the collector can take back. Heap figures are logged as a sanity check, not asserted.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import { parseMessage } from "../sip/parser.js";
import type { SipRequest } from "../sip/message.js";
import { createResponse } from "../sip/response-builder.js";
import type { Origin, SendTarget } from "../transport/types.js";
import { ManualClock } from "../util/clock.js";
import { TimerWheel } from "../util/timer-wheel.js";
import { TransactionLayer } from "./transaction-layer.js";
import { CountingRandom } from "./test-support.js";

const COUNT = 100_000;

/** Counts sends; keeps only the bytes sent to one watched port. */
class CountingTransport {
  sends = 0;
  watchedPort = -1;
  watched: Buffer[] = [];
  send(data: Buffer, target: SendTarget): void {
    this.sends++;
    if (target.remote.port === this.watchedPort) this.watched.push(data);
  }
}

function registerBytes(i: number): Buffer {
  const text =
    `REGISTER sip:registrar.example.com SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 198.51.100.${i % 250}:${10000 + (i % 50000)};branch=z9hG4bK-${i.toString(36)}-5f3a9c;rport=${10000 + (i % 50000)};received=198.51.100.${i % 250}\r\n` +
    `Max-Forwards: 70\r\n` +
    `From: <sip:user${i}@example.com>;tag=f${i.toString(36)}a1\r\n` +
    `To: <sip:user${i}@example.com>\r\n` +
    `Call-ID: ${i.toString(36)}-8e2b41f7c0d9@198.51.100.${i % 250}\r\n` +
    `CSeq: 42 REGISTER\r\n` +
    `Contact: <sip:user${i}@198.51.100.${i % 250}:${10000 + (i % 50000)};transport=udp>;expires=3600\r\n` +
    `User-Agent: sipreg-memory-test/1.0\r\n` +
    `Content-Length: 0\r\n\r\n`;
  return Buffer.from(text);
}

function originOf(i: number): Origin {
  return {
    protocol: "udp",
    remote: { address: `198.51.100.${i % 250}`, port: 10000 + (i % 50000) },
    local: { address: "192.0.2.1", port: 5060 },
    listenerId: "udp:192.0.2.1:5060",
    connectionId: undefined,
  };
}

/** The collector, when this Node lets a test reach it. */
function collector(): (() => void) | undefined {
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc: unknown = vm.runInNewContext("gc");
    return typeof gc === "function" ? () => void (gc as () => unknown)() : undefined;
  } catch {
    return undefined;
  }
}

describe("memory at scale", () => {
  it(`holds ${COUNT} completed UDP non-INVITE server transactions as compact records only`, async () => {
    const gc = collector();
    const clock = new ManualClock(0);
    const wheel = new TimerWheel({ clock, manual: true });
    const transport = new CountingTransport();
    const random = new CountingRandom();
    const layer = new TransactionLayer({ transport, clock, wheel, random });
    layer.setUser({
      onRequest(req, tx) {
        const res = createResponse(req, 200, { toTag: "r" + random.hex(4) });
        res.headers.add("Contact", req.headers.get("contact")! + ";expires=3600");
        res.headers.add("Date", "Sat, 13 Nov 2010 23:29:00 GMT");
        tx.respond(res);
      },
    });
    const samples: Array<WeakRef<SipRequest>> = [];
    const watched = 12_345;
    transport.watchedPort = originOf(watched).remote.port;

    gc?.();
    const before = process.memoryUsage();
    for (let i = 0; i < COUNT; i++) {
      const req = parseMessage(registerBytes(i)) as SipRequest;
      if (i % 1000 === 0) samples.push(new WeakRef(req));
      layer.receive({ message: req, origin: originOf(i) });
    }
    // WeakRef targets stay alive until the current job ends: let it end before collecting.
    await new Promise((resolve) => setImmediate(resolve));
    gc?.();
    const after = process.memoryUsage();

    const stats = layer.stats();
    assert.equal(stats.serverTransactions, 0, "no live transaction object");
    assert.equal(stats.completedRecords, COUNT);
    assert.equal(wheel.size, 1, "no timer per transaction: only the layer's generation rotation");
    assert.equal(transport.sends, COUNT);
    if (gc !== undefined) {
      assert.equal(samples.filter((r) => r.deref() !== undefined).length, 0, "requests are collectable after the final response");
    }

    // A retransmission still gets the very same bytes.
    const firstSent = transport.watched.filter((b) => b.includes(`user${watched}@`))[0];
    assert.ok(firstSent !== undefined);
    layer.receive({ message: parseMessage(registerBytes(watched)), origin: originOf(watched) });
    const resent = transport.watched.filter((b) => b.includes(`user${watched}@`));
    assert.equal(resent.length, 2);
    assert.ok(resent[1]!.equals(firstSent));

    const heapPerTx = (after.heapUsed - before.heapUsed) / COUNT;
    const externalPerTx = (after.arrayBuffers - before.arrayBuffers) / COUNT;
    const recordPerTx = stats.completedRecordBytes / COUNT;
    console.log(
      `${COUNT} completed UDP NISTs: store ${recordPerTx.toFixed(0)} B/tx (response ${firstSent.length} B), ` +
        `heap delta ${heapPerTx.toFixed(0)} B/tx, array buffers delta ${externalPerTx.toFixed(0)} B/tx${gc === undefined ? " (no gc: rough)" : ""}`,
    );
    layer.close();
  });
});
