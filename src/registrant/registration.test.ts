import { test } from "node:test";
import assert from "node:assert/strict";
import { computeResponse } from "../auth/digest.js";
import { computeHA1 } from "../auth/digest.js";
import { MD5 } from "../auth/algorithms.js";
import { parseDigestCredentials } from "../sip/headers/digest.js";
import type { RegistrantSettings } from "./settings.js";
import { challenge, RegistrationBed } from "./test-support.js";

const T2 = { transport: "udp" as const, address: "192.0.2.21", port: 5060, family: 4 as const, host: "192.0.2.21" };

test("first REGISTER: the §10.2 fields, then digest with nc and cnonce, then REGISTERED with a refresh at granted − margin", async () => {
  const bed = new RegistrationBed();
  const reg = bed.add({ regDelay: 2 });
  reg.enable();
  await bed.advance(1900);
  assert.equal(bed.registers().length, 0, "reg_delay is waited for");
  await bed.advance(300);
  const r1 = bed.last();
  assert.equal(r1.uriText, "sip:example.com");
  assert.equal(r1.headers.get("to"), "<sip:alice@example.com>");
  assert.match(r1.headers.get("from") ?? "", /^<sip:alice@example\.com>;tag=\w+$/);
  assert.equal(r1.headers.get("contact"), "<sip:acc0@192.0.2.1:5060>");
  assert.equal(r1.headers.get("expires"), "3600");
  assert.equal(r1.headers.get("user-agent"), "sipreg");
  assert.equal(r1.cseq.seq, 1);
  assert.match(r1.topVia.params.get("branch") ?? "", /^z9hG4bK/);
  assert.equal(r1.headers.has("authorization"), false);
  assert.equal(reg.state, "REGISTERING");

  bed.answer(401, [challenge("n1")]);
  const r2 = bed.last();
  assert.equal(reg.state, "AUTHENTICATING");
  assert.equal(r2.cseq.seq, 2);
  assert.equal(r2.callId, r1.callId);
  assert.equal(r2.headers.get("from"), r1.headers.get("from"));
  assert.notEqual(r2.topVia.params.get("branch"), r1.topVia.params.get("branch"));
  const creds = parseDigestCredentials(r2.headers.get("authorization") ?? "");
  assert.equal(creds.username, "alice");
  assert.equal(creds.nc, "00000001");
  assert.equal(creds.uri, "sip:example.com");
  assert.ok((creds.cnonce ?? "").length >= 8);
  const expected = computeResponse({ algorithm: MD5, ha1: computeHA1(MD5, "alice", "example.com", "secret"), nonce: "n1", nc: "00000001", cnonce: creds.cnonce, qop: "auth", method: "REGISTER", uri: "sip:example.com" });
  assert.equal(creds.response, expected);

  bed.ok(1800);
  assert.equal(reg.state, "REGISTERED");
  const st = reg.status();
  assert.equal(st.status, 1);
  assert.equal(st.boundUntil, bed.clock.now() + 1_800_000);
  assert.equal(st.registeredAt, "udp:192.0.2.20:5060");
  assert.equal(bed.totals.challengesAnswered, 1);
  assert.equal(bed.totals.registered, 1);

  // Refresh at 1800 − 60 s: same Call-ID, next CSeq.
  const sent = bed.registers().length;
  await bed.advance(1_739_000);
  assert.equal(bed.registers().length, sent);
  await bed.advance(1_200);
  const r3 = bed.last();
  assert.equal(r3.callId, r1.callId, "Call-ID kept across refreshes (§10.2.4)");
  assert.equal(r3.cseq.seq, 3);
  assert.equal(reg.state, "REGISTERING");
  assert.equal(reg.status().flags & 4, 4, "still bound while refreshing");
  bed.close();
});

test("granted expiry: our contact's expires, else Expires, else what we asked; a 200 without our contact binds nothing", async () => {
  const bed = new RegistrationBed({ retryIntervalSec: 30 });
  const reg = bed.add();
  reg.enable();
  await bed.advance(100);
  // Other contacts listed, ours with its own expires.
  bed.answer(200, [["Contact", "<sip:other@198.51.100.1>;expires=99"], ["Contact", `${bed.last().headers.get("contact")};expires=600`], ["Expires", "50"]]);
  assert.equal(reg.status().boundUntil - bed.clock.now(), 600_000);
  // Next refresh: no contacts at all, Expires header used.
  await bed.advance(600_000);
  bed.answer(200, [["Expires", "300"]]);
  assert.equal(reg.status().boundUntil - bed.clock.now(), 300_000);
  // Next: our contact is missing from the list: nothing bound, a failure, retried after retry_interval.
  await bed.advance(300_000);
  bed.answer(200, [["Contact", "<sip:other@198.51.100.1>;expires=99"]]);
  assert.equal(reg.state, "REGISTRAR_ERROR");
  assert.equal(reg.status().lastError, "the 2xx does not bind our contact");
  assert.equal(bed.totals.failures["not-bound"], 1);
  const n = bed.registers().length;
  await bed.advance(29_000);
  assert.equal(bed.registers().length, n);
  await bed.advance(1_200);
  assert.equal(bed.registers().length, n + 1);
  bed.close();
});

test("a second challenge with the same nonce after credentials: WRONG_CREDENTIALS, and with auth_rejection_permanent no retry", async () => {
  const bed = new RegistrationBed();
  const reg = bed.add();
  reg.enable();
  await bed.advance(100);
  bed.answer(401, [challenge("n1")]);
  bed.answer(401, [challenge("n1")]);
  assert.equal(reg.state, "WRONG_CREDENTIALS");
  const st = reg.status();
  assert.equal(st.givenUp, true);
  assert.equal(st.status, -1);
  assert.match(st.lastError ?? "", /credentials answered by 401 Unauthorized with the same nonce; gave up/);
  assert.equal(bed.totals.failures["auth-rejected"], 1);
  const n = bed.registers().length;
  await bed.advance(3_600_000);
  assert.equal(bed.registers().length, n, "nothing more is sent");
  // uac.reg_refresh revives it.
  reg.refreshNow();
  await bed.advance(100);
  assert.equal(bed.registers().length, n + 1);
  bed.close();
});

test("auth rejection not permanent: retried after retry_interval with a new Call-ID", async () => {
  const bed = new RegistrationBed({ authRejectionPermanent: false, retryIntervalSec: 20 });
  const reg = bed.add();
  reg.enable();
  await bed.advance(100);
  const first = bed.last().callId;
  bed.answer(401, [challenge("n1")]);
  bed.answer(401, [challenge("n1")]);
  assert.equal(reg.state, "WRONG_CREDENTIALS");
  await bed.advance(20_200);
  assert.equal(reg.state, "REGISTERING");
  assert.notEqual(bed.last().callId, first, "a new Call-ID after a failure");
  bed.close();
});

test("stale=true: re-authenticated at once with the new nonce, not a failure", async () => {
  const bed = new RegistrationBed();
  const reg = bed.add();
  reg.enable();
  await bed.advance(100);
  bed.answer(401, [challenge("n1")]);
  bed.answer(401, [challenge("n2", ", stale=true")]);
  assert.equal(reg.state, "AUTHENTICATING");
  const creds = parseDigestCredentials(bed.last().headers.get("authorization") ?? "");
  assert.equal(creds.nonce, "n2");
  assert.equal(creds.nc, "00000001");
  bed.ok(3600);
  assert.equal(reg.state, "REGISTERED");
  assert.equal(reg.status().failures, 0);
  bed.close();
});

test("407 from a proxy is answered with Proxy-Authorization", async () => {
  const bed = new RegistrationBed();
  const reg = bed.add();
  reg.enable();
  await bed.advance(100);
  bed.answer(407, [["Proxy-Authenticate", 'Digest realm="example.com", nonce="p1", qop="auth"']]);
  assert.ok(bed.last().headers.has("proxy-authorization"));
  assert.equal(bed.last().headers.has("authorization"), false);
  bed.ok(3600);
  assert.equal(reg.state, "REGISTERED");
  bed.close();
});

test("423: retried at once with Min-Expires; after credentials the same challenge is answered again with nc 2", async () => {
  const bed = new RegistrationBed();
  const reg = bed.add({ expires: 60 });
  reg.enable();
  await bed.advance(100);
  bed.answer(401, [challenge("n1")]);
  bed.answer(423, [["Min-Expires", "900"]]);
  const r = bed.last();
  assert.equal(r.headers.get("expires"), "900");
  assert.equal(r.cseq.seq, 3);
  const creds = parseDigestCredentials(r.headers.get("authorization") ?? "");
  assert.equal(creds.nonce, "n1");
  assert.equal(creds.nc, "00000002");
  bed.ok(900);
  assert.equal(reg.status().expires, 900);
  bed.close();
});

test("423 without a larger Min-Expires is fatal", async () => {
  const bed = new RegistrationBed({ fatalRetryIntervalSec: 0 });
  const reg = bed.add({ expires: 600 });
  reg.enable();
  await bed.advance(100);
  bed.answer(423, [["Min-Expires", "300"]]);
  assert.equal(reg.state, "REGISTRAR_ERROR");
  assert.equal(reg.status().givenUp, true);
  bed.close();
});

test("503 with Retry-After and no other target: REGISTRAR_ERROR, retried after Retry-After", async () => {
  const bed = new RegistrationBed();
  const reg = bed.add();
  reg.enable();
  await bed.advance(100);
  bed.answer(503, [["Retry-After", "30"]]);
  assert.equal(reg.state, "REGISTRAR_ERROR");
  assert.equal(reg.status().status, -99);
  const n = bed.registers().length;
  await bed.advance(29_500);
  assert.equal(bed.registers().length, n);
  await bed.advance(700);
  assert.equal(bed.registers().length, n + 1);
  bed.close();
});

test("503 from the first target of the set: the next one at once, not a failure; the accepting target is remembered", async () => {
  const bed = new RegistrationBed();
  bed.targets = [bed.targets[0]!, T2];
  const reg = bed.add();
  reg.enable();
  await bed.advance(100);
  bed.answer(503);
  assert.equal(reg.state, "REGISTERING");
  const sent = bed.transport.sent.filter((s) => s.message.kind === "request");
  assert.equal(sent[sent.length - 1]!.target.remote.address, "192.0.2.21");
  bed.ok(3600);
  assert.equal(reg.status().registeredAt, "udp:192.0.2.21:5060");
  assert.equal(reg.status().failures, 0);
  assert.equal(bed.totals.targetFailovers, 1);
  // The refresh goes to the target that holds the binding first.
  await bed.advance(3_541_000);
  const after = bed.transport.sent.filter((s) => s.message.kind === "request");
  assert.equal(after[after.length - 1]!.target.remote.address, "192.0.2.21");
  bed.close();
});

test("silence: REGISTER_TIMEOUT after Timer F; the next target first when there is one", async () => {
  const bed = new RegistrationBed({ retryIntervalSec: 60 });
  const reg = bed.add();
  reg.enable();
  await bed.advance(100);
  await bed.advance(32_000);
  assert.equal(reg.state, "REGISTER_TIMEOUT");
  assert.equal(reg.status().status, -99);
  assert.equal(bed.totals.failures.timeout, 1);
  await bed.advance(60_200);
  assert.equal(reg.state, "REGISTERING");

  const bed2 = new RegistrationBed();
  bed2.targets = [bed2.targets[0]!, T2];
  const reg2 = bed2.add();
  reg2.enable();
  await bed2.advance(100);
  await bed2.advance(32_000);
  assert.equal(reg2.state, "REGISTERING");
  const last = bed2.transport.sent[bed2.transport.sent.length - 1]!;
  assert.equal(last.target.remote.address, "192.0.2.21");
  bed2.ok(3600);
  assert.equal(reg2.state, "REGISTERED");
  bed.close();
  bed2.close();
});

test("max_retries: the account gives up after that many failures in a row", async () => {
  const bed = new RegistrationBed({ maxRetries: 2, retryIntervalSec: 10 });
  const reg = bed.add();
  reg.enable();
  await bed.advance(100);
  for (let i = 0; i < 3; i++) {
    bed.answer(500);
    await bed.advance(10_200);
  }
  assert.equal(reg.status().givenUp, true);
  assert.equal(reg.status().failures, 3);
  assert.equal(bed.registers().length, 3);
  bed.close();
});

test("403: forbidden_retry_interval; realm mismatch: INTERNAL_ERROR naming both realms", async () => {
  const bed = new RegistrationBed({ forbiddenRetryIntervalSec: 120 });
  const reg = bed.add();
  reg.enable();
  await bed.advance(100);
  bed.answer(403);
  assert.equal(reg.state, "REGISTRAR_ERROR");
  assert.equal(reg.status().givenUp, false);
  assert.ok(reg.status().nextActionAt! - bed.clock.now() >= 119_000);

  const reg2 = bed.add({ realm: "other.example" });
  reg2.enable();
  await bed.advance(100);
  bed.answer(401, [challenge("n1")]);
  assert.equal(reg2.state, "INTERNAL_ERROR");
  assert.equal(reg2.status().lastError?.startsWith('realms do not match (expected "other.example", offered "example.com")'), true);
  bed.close();
});

test("DNS failure: INTERNAL_ERROR, retried after retry_interval", async () => {
  const bed = new RegistrationBed({ retryIntervalSec: 15 });
  bed.dnsError = new Error("SERVFAIL");
  const reg = bed.add();
  reg.enable();
  await bed.advance(100);
  assert.equal(reg.state, "INTERNAL_ERROR");
  assert.match(reg.status().lastError ?? "", /cannot resolve sip:example.com: SERVFAIL/);
  bed.dnsError = undefined;
  await bed.advance(15_200);
  assert.equal(reg.state, "REGISTERING");
  bed.close();
});

test("a registrar granting 1 s cannot drive a tight loop: refreshes come at the floor", async () => {
  const bed = new RegistrationBed({ minRefreshSec: 10 });
  const reg = bed.add();
  reg.enable();
  await bed.advance(100);
  const start = bed.registers().length;
  for (let i = 0; i < 6; i++) {
    if (reg.state === "REGISTERING") bed.ok(1);
    await bed.advance(10_000);
  }
  assert.ok(bed.registers().length - start <= 6, `${bed.registers().length - start} REGISTERs in 60 s`);
  bed.close();
});

test("keepCallId off: a new Call-ID on every refresh", async () => {
  const bed = new RegistrationBed({ keepCallId: false });
  const reg = bed.add();
  reg.enable();
  await bed.advance(100);
  const first = bed.last().callId;
  bed.ok(120);
  await bed.advance(61_000);
  assert.equal(reg.state, "REGISTERING");
  assert.notEqual(bed.last().callId, first);
  bed.close();
});

test("disable: unregister with Expires 0, same Call-ID, next CSeq, answering one challenge", async () => {
  const bed = new RegistrationBed();
  const reg = bed.add();
  reg.enable();
  await bed.advance(100);
  bed.ok(3600);
  const r1 = bed.last();
  reg.disable();
  const done = reg.whenUnregistered();
  assert.equal(reg.state, "DISABLED");
  await bed.advance(100);
  const u = bed.last();
  assert.equal(u.headers.get("expires"), "0");
  assert.equal(u.headers.get("contact"), r1.headers.get("contact"));
  assert.equal(u.callId, r1.callId);
  assert.equal(u.cseq.seq, r1.cseq.seq + 1);
  bed.answer(401, [challenge("u1")]);
  assert.ok(bed.last().headers.has("authorization"));
  bed.answer(200);
  await done;
  assert.equal(reg.isBound(), false);
  assert.equal(reg.status().status, -3);
  assert.equal(reg.status().flags & 1, 1);
  assert.equal(bed.unregistersDone, 1);
  assert.equal(bed.totals.unregistersSent, 2);
  // Nothing more while disabled; enable registers again.
  await bed.advance(7_200_000);
  const n = bed.registers().length;
  reg.enable();
  await bed.advance(200);
  assert.equal(bed.registers().length, n + 1);
  assert.equal(bed.last().headers.get("expires"), "3600");
  bed.close();
});

test("disable of an account that never registered sends nothing", async () => {
  const bed = new RegistrationBed();
  const reg = bed.add({ regDelay: 100 });
  reg.enable();
  reg.disable();
  await bed.advance(200_000);
  assert.equal(bed.registers().length, 0);
  await reg.whenUnregistered();
  bed.close();
});

test("third party, outbound proxy, path, outbound over TCP: headers, keepalive, and re-register when the flow dies", async () => {
  const bed = new RegistrationBed();
  bed.targets = [{ transport: "tcp", address: "192.0.2.30", port: 5060, family: 4, host: "proxy.example.com" }];
  const reg = bed.add({ thirdPartyRegistrant: "sip:admin@example.com", outboundProxy: "sip:proxy.example.com", supportPath: true, supportOutbound: true, line: true, contactParams: "q=0.5", userAgent: "ua/1" });
  reg.enable();
  await bed.advance(100);
  const r = bed.last();
  assert.match(r.headers.get("from") ?? "", /^<sip:admin@example\.com>;tag=/);
  assert.equal(r.headers.get("to"), "<sip:alice@example.com>");
  assert.equal(r.headers.get("route"), "<sip:proxy.example.com;lr>");
  assert.equal(r.headers.get("supported"), "path, outbound");
  assert.equal(r.headers.get("user-agent"), "ua/1");
  assert.match(r.headers.get("contact") ?? "", /^<sip:acc0@192\.0\.2\.1:5060;transport=tcp;line=[0-9a-f]{16}>;q=0\.5;reg-id=1;\+sip\.instance="<urn:uuid:[0-9a-f-]{36}>"$/);
  assert.equal(r.topVia.transport, "TCP");
  bed.answer(200, [["Contact", `${r.headers.get("contact")};expires=3600`], ["Require", "outbound"], ["Flow-Timer", "25"]]);
  assert.deepEqual(bed.keepalives.map((k) => k.flowTimerSec), [25]);
  assert.equal(reg.flow, 42);
  reg.flowFailed(7);
  assert.equal(reg.state, "REGISTERED", "another connection: ignored");
  const n = bed.registers().length;
  reg.flowFailed(42);
  await bed.advance(50);
  assert.equal(bed.registers().length, n + 1);
  bed.close();
});

test("a late answer to an abandoned attempt is ignored", async () => {
  const bed = new RegistrationBed();
  const reg = bed.add();
  reg.enable();
  await bed.advance(100);
  const old = bed.last();
  reg.disable();
  await bed.advance(100);
  bed.ok(3600, old);
  assert.equal(reg.state, "DISABLED");
  bed.close();
});

test("outbound asked for, but the 2xx has no Require: outbound (RFC 5626 §6): no keepalive pings; the TCP connection is only held and watched", async () => {
  const bed = new RegistrationBed();
  bed.targets = [{ transport: "tcp", address: "192.0.2.30", port: 5060, family: 4, host: "192.0.2.30" }];
  const reg = bed.add({ supportOutbound: true });
  reg.enable();
  await bed.advance(100);
  bed.answer(200, [["Contact", `${bed.last().headers.get("contact")};expires=3600`], ["Flow-Timer", "25"]]);
  assert.equal(reg.state, "REGISTERED");
  assert.deepEqual(bed.keepalives.map((k) => k.pings), [false]);
  assert.equal(reg.flow, 42, "a connection that closes brings a re-register");
  bed.close();
});

test("over UDP without outbound there is no flow to watch", async () => {
  const bed = new RegistrationBed();
  const reg = bed.add();
  reg.enable();
  await bed.advance(100);
  bed.ok(3600);
  assert.equal(reg.state, "REGISTERED");
  assert.deepEqual(bed.keepalives, []);
  assert.equal(reg.flow, undefined);
  bed.close();
});

// ---- pre-emptive credentials (the last challenge reused on the next REGISTER of the Call-ID) ----

/** The Authorization (or Proxy-Authorization) of `r`, parsed; undefined when it has none. */
function credsOf(bed: RegistrationBed, header = "authorization"): ReturnType<typeof parseDigestCredentials> | undefined {
  const v = bed.last().headers.get(header);
  return v === undefined ? undefined : parseDigestCredentials(v);
}

/** Registers with one challenge (nonce n1) and a 200 granting `granted` s; returns the cnonce used. */
async function registerOnce(bed: RegistrationBed, granted: number, challengeHeader: [string, string] = challenge("n1")): Promise<string | undefined> {
  await bed.advance(100);
  bed.answer(challengeHeader[0] === "Proxy-Authenticate" ? 407 : 401, [challengeHeader]);
  const cnonce = credsOf(bed, challengeHeader[0] === "Proxy-Authenticate" ? "proxy-authorization" : "authorization")?.cnonce;
  bed.ok(granted);
  return cnonce;
}

test("a refresh carries credentials for the last challenge before being asked (nc 2, fresh cnonce); the 200 saves the 401 round", async () => {
  const bed = new RegistrationBed();
  const reg = bed.add();
  reg.enable();
  const cnonce1 = await registerOnce(bed, 1800);
  const first = bed.last();
  await bed.advance(1_740_200);
  const r = bed.last();
  assert.equal(r.callId, first.callId);
  assert.equal(r.cseq.seq, first.cseq.seq + 1);
  const creds = credsOf(bed)!;
  assert.equal(creds.nonce, "n1");
  // RFC 7616 §3.4: the nonce-count goes on from the last request with that nonce; the cnonce is new.
  assert.equal(creds.nc, "00000002");
  assert.notEqual(creds.cnonce, cnonce1);
  const expected = computeResponse({ algorithm: MD5, ha1: computeHA1(MD5, "alice", "example.com", "secret"), nonce: "n1", nc: "00000002", cnonce: creds.cnonce, qop: "auth", method: "REGISTER", uri: "sip:example.com" });
  assert.equal(creds.response, expected);
  bed.ok(1800);
  assert.equal(reg.state, "REGISTERED");
  assert.deepEqual([bed.totals.challengesAnswered, bed.totals.preemptiveSent, bed.totals.preemptiveAccepted, bed.totals.preemptiveChallenged], [1, 1, 1, 0]);
  // And the next one: nc 3.
  await bed.advance(1_740_200);
  assert.equal(credsOf(bed)?.nc, "00000003");
  bed.close();
});

test("pre-emptive credentials answered by 401 stale=true: re-authenticated at once with the new nonce, not a failure", async () => {
  const bed = new RegistrationBed();
  const reg = bed.add();
  reg.enable();
  await registerOnce(bed, 1800);
  await bed.advance(1_740_200);
  assert.equal(credsOf(bed)?.nonce, "n1");
  bed.answer(401, [challenge("n2", ", stale=true")]);
  assert.equal(reg.state, "AUTHENTICATING");
  const creds = credsOf(bed)!;
  assert.equal(creds.nonce, "n2");
  assert.equal(creds.nc, "00000001");
  bed.ok(1800);
  assert.equal(reg.state, "REGISTERED");
  assert.equal(reg.status().failures, 0);
  assert.deepEqual([bed.totals.challengesAnswered, bed.totals.preemptiveSent, bed.totals.preemptiveAccepted, bed.totals.preemptiveChallenged], [2, 1, 0, 1]);
  bed.close();
});

test("a 401 to pre-emptive credentials is no rejection, even with the same nonce and no stale; a second one to the answer is", async () => {
  // A new nonce without stale (the registrar forgot the old one): answered, registered.
  const bed = new RegistrationBed();
  const reg = bed.add();
  reg.enable();
  await registerOnce(bed, 1800);
  await bed.advance(1_740_200);
  bed.answer(401, [challenge("n2")]);
  assert.equal(reg.state, "AUTHENTICATING");
  assert.equal(credsOf(bed)?.nonce, "n2");
  bed.ok(1800);
  assert.equal(reg.state, "REGISTERED");
  assert.equal(reg.status().failures, 0);
  bed.close();

  // The same nonce again, no stale: the pre-emptive guess does not count, the answer to it (nc 3) does.
  const bed2 = new RegistrationBed();
  const reg2 = bed2.add();
  reg2.enable();
  await registerOnce(bed2, 1800);
  await bed2.advance(1_740_200);
  assert.equal(credsOf(bed2)?.nc, "00000002");
  bed2.answer(401, [challenge("n1")]);
  assert.equal(reg2.state, "AUTHENTICATING", "not WRONG_CREDENTIALS: the credentials were not asked for");
  assert.equal(credsOf(bed2)?.nonce, "n1");
  assert.equal(credsOf(bed2)?.nc, "00000003", "nc never goes back for one nonce");
  bed2.answer(401, [challenge("n1")]);
  assert.equal(reg2.state, "WRONG_CREDENTIALS");
  assert.equal(bed2.totals.failures["auth-rejected"], 1);
  bed2.close();
});

test("after a failure the challenge is dropped: the retry, with a new Call-ID, carries no credentials", async () => {
  const bed = new RegistrationBed({ retryIntervalSec: 20 });
  const reg = bed.add();
  reg.enable();
  await registerOnce(bed, 1800);
  await bed.advance(1_740_200);
  const refresh = bed.last();
  assert.ok(credsOf(bed) !== undefined);
  bed.answer(500);
  assert.equal(reg.state, "REGISTRAR_ERROR");
  await bed.advance(20_200);
  assert.notEqual(bed.last().callId, refresh.callId);
  assert.equal(credsOf(bed), undefined);
  bed.close();
});

test("no pre-emptive credentials: qop-less (RFC 2069) or -sess challenges, preemptiveAuth off, a new Call-ID per refresh", async () => {
  const cases: Array<{ name: string; settings?: Partial<RegistrantSettings>; header?: [string, string] }> = [
    { name: "no qop", header: ["WWW-Authenticate", 'Digest realm="example.com", nonce="n1", algorithm=MD5'] },
    { name: "MD5-sess", header: ["WWW-Authenticate", 'Digest realm="example.com", nonce="n1", qop="auth", algorithm=MD5-sess'] },
    { name: "preemptiveAuth false", settings: { preemptiveAuth: false } },
    { name: "keepCallId false", settings: { keepCallId: false } },
  ];
  for (const c of cases) {
    const bed = new RegistrationBed(c.settings);
    const reg = bed.add();
    reg.enable();
    await registerOnce(bed, 120, c.header);
    assert.equal(reg.state, "REGISTERED", c.name);
    await bed.advance(60_200); // granted 120 s: refreshed at half of it
    assert.equal(reg.state, "REGISTERING", c.name);
    assert.equal(credsOf(bed), undefined, c.name);
    assert.equal(bed.totals.preemptiveSent, 0, c.name);
    bed.close();
  }
});

test("407: the refresh carries Proxy-Authorization before being asked", async () => {
  const bed = new RegistrationBed();
  const reg = bed.add();
  reg.enable();
  await registerOnce(bed, 1800, ["Proxy-Authenticate", 'Digest realm="example.com", nonce="p1", qop="auth"']);
  await bed.advance(1_740_200);
  assert.equal(bed.last().headers.has("authorization"), false);
  assert.equal(credsOf(bed, "proxy-authorization")?.nc, "00000002");
  bed.ok(1800);
  assert.equal(reg.state, "REGISTERED");
  assert.equal(bed.totals.preemptiveAccepted, 1);
  bed.close();
});

test("the unregister carries pre-emptive credentials; a 401 to them is answered once", async () => {
  const bed = new RegistrationBed();
  const reg = bed.add();
  reg.enable();
  await registerOnce(bed, 3600);
  reg.disable();
  const done = reg.whenUnregistered();
  await bed.advance(100);
  assert.equal(bed.last().headers.get("expires"), "0");
  assert.equal(credsOf(bed)?.nc, "00000002");
  bed.answer(401, [challenge("n2", ", stale=true")]);
  assert.equal(credsOf(bed)?.nonce, "n2");
  bed.answer(200);
  await done;
  assert.equal(reg.isBound(), false);
  assert.equal(bed.totals.unregistersSent, 2);
  // Re-enabled: the first REGISTER asks for nothing (the challenge went with the binding).
  reg.enable();
  await bed.advance(200);
  assert.equal(credsOf(bed), undefined);
  bed.close();
});

test("a refresh failing over to another target of the set drops the first target's nonce", async () => {
  const bed = new RegistrationBed();
  bed.targets = [bed.targets[0]!, T2];
  const reg = bed.add();
  reg.enable();
  await registerOnce(bed, 1800);
  await bed.advance(1_740_200);
  assert.equal(credsOf(bed)?.nonce, "n1");
  bed.answer(503);
  const sent = bed.transport.sent.filter((x) => x.message.kind === "request");
  assert.equal(sent[sent.length - 1]!.target.remote.address, "192.0.2.21");
  assert.equal(credsOf(bed), undefined);
  assert.equal(reg.state, "REGISTERING");
  bed.close();
});

test("no listener of the transport: a TLS client end names a .invalid host in Via (no port) and Contact, the same on every REGISTER; UDP cannot do without one", async () => {
  const bed = new RegistrationBed();
  bed.listenerFor = () => undefined;
  bed.targets = [{ transport: "tls", address: "192.0.2.30", port: 5061, family: 4, host: "192.0.2.30" }];
  const reg = bed.add();
  reg.enable();
  await bed.advance(100);
  const r1 = bed.last();
  const host = r1.topVia.host;
  assert.match(host, /^[0-9a-f]{12}\.invalid$/);
  assert.equal(r1.topVia.port, undefined);
  assert.equal(r1.topVia.transport, "TLS");
  assert.equal(r1.headers.get("contact"), `<sip:acc0@${host};transport=tls>`);
  bed.answer(401, [challenge("n1")]);
  assert.equal(bed.last().headers.get("contact"), r1.headers.get("contact"));
  bed.ok(3600);
  assert.equal(reg.state, "REGISTERED");

  const udp = new RegistrationBed({ retryIntervalSec: 30 });
  udp.listenerFor = () => undefined;
  const reg2 = udp.add();
  reg2.enable();
  await udp.advance(100);
  assert.equal(udp.registers().length, 0);
  assert.equal(reg2.state, "REGISTER_TIMEOUT");
  assert.match(reg2.status().lastError ?? "", /^no udp listener to reach 192\.0\.2\.20:5060/);
  bed.close();
  udp.close();
});

test("a nonce is reused pre-emptively only within its random age limit (preemptiveNonceMaxAgeSec), then the refresh goes without credentials", async () => {
  const bed = new RegistrationBed({ preemptiveNonceMaxAgeSec: 100 }); // reused for 45 to 100 s
  const reg = bed.add();
  reg.enable();
  await registerOnce(bed, 60); // refreshed within 30 s: still inside the limit
  await bed.advance(30_200);
  assert.equal(credsOf(bed)?.nonce, "n1", "within the age limit: credentials sent before being asked");
  bed.ok(600); // the next refresh is ~9 minutes later: past any age limit
  await bed.advance(540_200);
  assert.equal(credsOf(bed), undefined, "past the limit: no credentials, the registrar issues a fresh nonce");
  bed.answer(401, [challenge("n2")]);
  assert.equal(credsOf(bed)?.nonce, "n2");
  bed.ok(600);
  assert.equal(reg.state, "REGISTERED");
  assert.equal(bed.totals.preemptiveSent, 1);
  bed.close();
});
