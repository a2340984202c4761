// The random initial delay (max_random_initial_delay, Kamailio reg_random_delay) and reg_delay count
// from start(), not from add(): accounts loaded long before the start still spread their first
// REGISTERs over the window instead of all going out at once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryDnsBackend } from "../dns/memory-dns-backend.js";
import { Rfc3263Resolver } from "../dns/rfc3263-resolver.js";
import type { SipRequest } from "../sip/message.js";
import type { ClientTransaction } from "../transaction/types.js";
import { ManualClock } from "../util/clock.js";
import { TimerWheel } from "../util/timer-wheel.js";
import { Registrant, type RegistrantStack } from "./registrant.js";
import { UriTargetResolver } from "./target-resolver.js";
import { SeededRandom, settle, TEST_LISTENER } from "./test-support.js";

test("first REGISTERs are spread over [reg_delay, reg_delay + max_random_initial_delay] counted from start()", async () => {
  const clock = new ManualClock();
  const wheel = new TimerWheel({ clock, tickMs: 10, manual: true });
  const random = new SeededRandom(11);
  const sent: Array<{ at: number; req: SipRequest }> = [];
  // A registrar that never answers: only the send times matter here.
  const stack: RegistrantStack = {
    transactions: {
      sendRequest: (req, target) => {
        sent.push({ at: clock.now(), req });
        return { isInvite: false, request: req, target, state: "trying" } as ClientTransaction;
      },
    },
    transport: { listenerFor: () => TEST_LISTENER, connections: () => [], startKeepalive: () => false },
  };
  const registrant = new Registrant({
    stack,
    clock,
    wheel,
    random,
    resolver: new UriTargetResolver(new Rfc3263Resolver({ backend: new MemoryDnsBackend(), cache: false, clock, random })),
    settings: { maxRandomInitialDelaySec: 10, timerGranularityMs: 100 },
  });
  for (let i = 0; i < 40; i++) registrant.add({ id: `a${i}`, aor: `sip:u${i}@example.com`, registrar: "sip:192.0.2.5:5060", password: "pw", regDelay: i < 20 ? 0 : 5 });
  // Loaded a minute before the start: their windows must not have elapsed meanwhile.
  for (let t = 0; t < 60_000; t += 100) wheel.advance(100);
  await settle();
  assert.equal(sent.length, 0, "nothing before start()");
  const startedAt = clock.now();
  registrant.start();
  const when: number[] = [];
  for (let t = 0; t <= 16_000; t += 100) {
    wheel.advance(100);
    await settle();
  }
  for (const s of sent) when.push((s.at - startedAt) / 1000);
  assert.equal(new Set(sent.map((s) => s.req.callId)).size, 40, "every account sent its first REGISTER");
  const first = (ids: (i: number) => boolean): number[] => sent.filter((s) => ids(Number(/u(\d+)@/.exec(s.req.headers.get("to") ?? "")![1]))).map((s) => (s.at - startedAt) / 1000);
  const noDelay = first((i) => i < 20);
  const delayed = first((i) => i >= 20);
  assert.ok(Math.max(...noDelay) <= 10.2 && Math.min(...delayed) >= 4.9 && Math.max(...delayed) <= 15.2, `send times ${when.join(", ")}`);
  assert.ok(new Set(noDelay.map((t) => Math.floor(t))).size >= 5, `spread over the window, not at once: ${noDelay.join(", ")}`);
  await registrant.stop({ unregister: false });
});
