// The registrant's failure paths against a scripted fake registrar on loopback UDP. The registrant's
// time (transaction timers, refreshes, retries) runs on a ManualClock and a manual timer wheel, so
// "no answer for 32 s" or "Retry-After: 30" take no real time; only the datagrams are real.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryDnsBackend } from "../dns/memory-dns-backend.js";
import { Rfc3263Resolver } from "../dns/rfc3263-resolver.js";
import { parseDigestCredentials } from "../sip/headers/digest.js";
import { SipStack } from "../stack/sip-stack.js";
import { ManualClock } from "../util/clock.js";
import { TimerWheel } from "../util/timer-wheel.js";
import { challenge, ok, reply, ScriptedRegistrar, silence } from "../../test/support/scripted-registrar.js";
import type { AccountInput } from "./account.js";
import { Registrant } from "./registrant.js";
import type { RegistrantSettings } from "./settings.js";
import { UriTargetResolver } from "./target-resolver.js";
import { SeededRandom, settle } from "./test-support.js";
import { until } from "../../test/support/temp-dir.js";

interface Bed {
  clock: ManualClock;
  wheel: TimerWheel;
  registrant: Registrant;
  dns: MemoryDnsBackend;
  /** Moves the manual time on and lets the I/O and promises that follow run. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

async function bed(settings: Partial<RegistrantSettings> = {}): Promise<Bed> {
  const clock = new ManualClock();
  const wheel = new TimerWheel({ clock, tickMs: 10, manual: true });
  const random = new SeededRandom(11);
  const client = new SipStack({ listen: [{ protocol: "udp", host: "127.0.0.1", port: 0 }], clock, random, transactions: { wheel } });
  await client.start();
  const dns = new MemoryDnsBackend();
  const registrant = new Registrant({
    stack: client,
    clock,
    wheel,
    random,
    resolver: new UriTargetResolver(new Rfc3263Resolver({ backend: dns, cache: false, clock, random })),
    settings: { maxRandomInitialDelaySec: 0, timerGranularityMs: 100, retryJitter: 0, refreshJitter: 0, firstRefreshSpread: 0, ...settings },
  });
  registrant.start();
  return {
    clock,
    wheel,
    registrant,
    dns,
    async advance(ms) {
      // In steps, so that what a step sends (a retransmission, a retry) is answered before the next.
      for (let left = ms; left > 0; left -= 500) {
        wheel.advance(Math.min(500, left));
        await settle();
      }
      await settle();
    },
    async close() {
      await registrant.stop({ unregister: false });
      await client.stop();
      wheel.stop();
    },
  };
}

function acc(r: ScriptedRegistrar, more: Partial<AccountInput> = {}): AccountInput {
  return { id: "a1", aor: "sip:alice@example.test", registrar: `sip:127.0.0.1:${r.port}`, password: "pw", ...more };
}

test("423: asked again at once with Min-Expires, then registered for it", async () => {
  const r = await ScriptedRegistrar.open();
  const b = await bed();
  try {
    r.play(reply(423, [["Min-Expires", "1800"]]), ok());
    b.registrant.add(acc(r, { expires: 600 }));
    await b.advance(200);
    const second = await r.waitFor(2);
    assert.equal(second.headers.get("expires"), "1800");
    assert.equal(second.cseq.seq, r.requests[0]!.cseq.seq + 1);
    await until(() => b.registrant.status("a1") === 1, "registered");
    assert.equal(b.registrant.get("a1")?.expires, 1800);
  } finally {
    await b.close();
    await r.close();
  }
});

test("503 with Retry-After: REGISTRAR_ERROR, nothing sent before Retry-After, then registered", async () => {
  const r = await ScriptedRegistrar.open();
  const b = await bed();
  try {
    r.play(reply(503, [["Retry-After", "30"]]), ok());
    b.registrant.add(acc(r));
    await b.advance(200);
    await r.waitFor(1);
    await until(() => b.registrant.get("a1")?.state === "REGISTRAR_ERROR", "registrar error");
    assert.equal(b.registrant.status("a1"), -99);
    await b.advance(29_000);
    assert.equal(r.requests.length, 1);
    await b.advance(2_000);
    await r.waitFor(2);
    await until(() => b.registrant.status("a1") === 1, "registered");
    assert.equal(b.registrant.counters().failures.temporary, 1);
  } finally {
    await b.close();
    await r.close();
  }
});

test("403 with forbidden_retry_interval 0: REGISTRAR_ERROR for good", async () => {
  const r = await ScriptedRegistrar.open();
  const b = await bed({ forbiddenRetryIntervalSec: 0 });
  try {
    r.play(reply(403));
    b.registrant.add(acc(r));
    await b.advance(200);
    await r.waitFor(1);
    await until(() => b.registrant.get("a1")?.givenUp === true, "given up");
    assert.equal(b.registrant.get("a1")?.state, "REGISTRAR_ERROR");
    assert.equal(b.registrant.status("a1"), -1);
    await b.advance(3_600_000);
    assert.equal(r.requests.length, 1);
  } finally {
    await b.close();
    await r.close();
  }
});

test("silence: retransmitted per Timer E, REGISTER_TIMEOUT at Timer F, retried after retry_interval", async () => {
  const r = await ScriptedRegistrar.open();
  const b = await bed({ retryIntervalSec: 60 });
  try {
    r.play(silence(), ok());
    b.registrant.add(acc(r));
    await b.advance(200);
    await r.waitFor(1);
    await b.advance(31_000);
    assert.equal(b.registrant.get("a1")?.state, "REGISTERING");
    await b.advance(1_500);
    await until(() => b.registrant.get("a1")?.state === "REGISTER_TIMEOUT", "timeout");
    assert.ok(r.retransmissions >= 5, `${r.retransmissions} retransmissions`);
    await b.advance(60_500);
    await r.waitFor(2);
    await until(() => b.registrant.status("a1") === 1, "registered after the retry");
    assert.notEqual(r.requests[1]!.callId, r.requests[0]!.callId, "a new Call-ID after a failure");
  } finally {
    await b.close();
    await r.close();
  }
});

test("stale nonce: re-authenticated at once with the new nonce, no failure", async () => {
  const r = await ScriptedRegistrar.open();
  const b = await bed();
  try {
    r.play(challenge("n1"), challenge("n2", { stale: true }), ok());
    b.registrant.add(acc(r));
    await b.advance(200);
    const third = await r.waitFor(3);
    assert.equal(parseDigestCredentials(third.headers.get("authorization") ?? "").nonce, "n2");
    await until(() => b.registrant.status("a1") === 1, "registered");
    assert.equal(b.registrant.get("a1")?.failures, 0);
    assert.equal(b.registrant.counters().challengesAnswered, 2);
  } finally {
    await b.close();
    await r.close();
  }
});

test("wrong realm: INTERNAL_ERROR showing Kamailio's 'realms do not match', nothing sent with credentials", async () => {
  const r = await ScriptedRegistrar.open();
  const b = await bed();
  try {
    r.play(challenge("n1", { realm: "elsewhere.test" }));
    b.registrant.add(acc(r, { realm: "example.test" }));
    await b.advance(200);
    await r.waitFor(1);
    await until(() => b.registrant.get("a1")?.state === "INTERNAL_ERROR", "internal error");
    assert.match(b.registrant.get("a1")?.lastError ?? "", /^realms do not match \(expected "example.test", offered "elsewhere.test"\)/);
    assert.equal(r.requests.length, 1);
    assert.equal(b.registrant.counters().failures["realm-mismatch"], 1);
  } finally {
    await b.close();
    await r.close();
  }
});

test("a second challenge with the same nonce: WRONG_CREDENTIALS", async () => {
  const r = await ScriptedRegistrar.open();
  const b = await bed({ authRejectionPermanent: false, retryIntervalSec: 60 });
  try {
    r.play(challenge("n1"), challenge("n1"));
    b.registrant.add(acc(r));
    await b.advance(200);
    await r.waitFor(2);
    await until(() => b.registrant.get("a1")?.state === "WRONG_CREDENTIALS", "wrong credentials");
    assert.equal(b.registrant.get("a1")?.givenUp, false, "auth_rejection_permanent off: retried later");
    assert.ok(b.registrant.get("a1")!.nextActionAt! - b.clock.now() >= 59_000);
  } finally {
    await b.close();
    await r.close();
  }
});

test("two registrars in an SRV set, the first one dead: the second is tried after Timer F, and remembered", async () => {
  const dead = await ScriptedRegistrar.open();
  const live = await ScriptedRegistrar.open();
  const b = await bed();
  try {
    dead.fallback = silence();
    b.dns
      .addSrv("_sip._udp.example.test", { priority: 10, weight: 0, port: dead.port, target: "a.example.test" })
      .addSrv("_sip._udp.example.test", { priority: 20, weight: 0, port: live.port, target: "b.example.test" })
      .addA("a.example.test", "127.0.0.1")
      .addA("b.example.test", "127.0.0.1");
    b.registrant.add({ id: "a1", aor: "sip:alice@example.test", password: "pw" });
    await b.advance(200);
    await dead.waitFor(1);
    assert.equal(live.requests.length, 0);
    await b.advance(32_500);
    await live.waitFor(1);
    await until(() => b.registrant.status("a1") === 1, "registered at the second target");
    const info = b.registrant.get("a1")!;
    assert.equal(info.registeredAt, `udp:127.0.0.1:${live.port}`);
    assert.equal(info.failures, 0, "a failover is not a failure");
    assert.equal(b.registrant.counters().targetFailovers, 1);
    // The refresh goes to the registrar holding the binding, not to the dead one first.
    await b.advance(3_541_000);
    await live.waitFor(2);
    assert.equal(dead.requests.length, 1);
  } finally {
    await b.close();
    await dead.close();
    await live.close();
  }
});
