// REGISTER processing, RFC 3261 §10.3 steps 1-8 and the Kamailio registrar parameters.
import { test } from "node:test";
import assert from "node:assert/strict";
import { contactsOf, harness, natOrigin, register } from "./test-support.js";

test("a REGISTER creates a binding; the 200 lists it with its expiry and a Date (§10.3 step 8)", async () => {
  const h = await harness();
  const res = await h.send(register({ expires: 1800 }));
  assert.equal(res.status, 200);
  assert.deepEqual(contactsOf(res), ["<sip:alice@192.0.2.10:5060>;expires=1800"]);
  assert.ok(res.headers.get("date")?.endsWith("GMT"));
  assert.ok(res.toTag !== undefined, "the 200 carries a To tag");
  assert.equal(h.store.get("alice@example.com").length, 1);
  assert.equal(h.registrar.stats().accepted_regs, 1);
});

test("expiry: contact param beats Expires header beats default_expires", async () => {
  const h = await harness({ defaultExpires: 900 });
  let res = await h.send(register({ contacts: ["<sip:a@192.0.2.10>;expires=120"], expires: 300 }));
  assert.match(contactsOf(res)[0]!, /;expires=120$/);
  res = await h.send(register({ contacts: ["<sip:b@192.0.2.10>"], expires: 300, cseq: 2 }));
  assert.ok(contactsOf(res).some((c) => c.startsWith("<sip:b@192.0.2.10>;expires=300")));
  res = await h.send(register({ contacts: ["<sip:c@192.0.2.10>"], cseq: 3 }));
  assert.ok(contactsOf(res).some((c) => c.startsWith("<sip:c@192.0.2.10>;expires=900")));
});

test("default_expires_range and expires_range randomise downwards within the range", async () => {
  const h = await harness({ defaultExpires: 1000, defaultExpiresRange: 30, expiresRange: 50, minExpires: 0 });
  for (let i = 0; i < 20; i++) {
    const res = await h.send(register({ contacts: [`<sip:d${i}@192.0.2.10>`], cseq: 100 + i * 2 }));
    const e = Number(/;expires=(\d+)/.exec(contactsOf(res).find((c) => c.includes(`d${i}@`))!)![1]);
    assert.ok(e >= 700 && e <= 1000, `default expiry ${e} within [700, 1000]`);
    const res2 = await h.send(register({ contacts: [`<sip:e${i}@192.0.2.10>`], expires: 1000, cseq: 101 + i * 2 }));
    const e2 = Number(/;expires=(\d+)/.exec(contactsOf(res2).find((c) => c.includes(`e${i}@`))!)![1]);
    assert.ok(e2 >= 500 && e2 <= 1000, `requested expiry ${e2} within [500, 1000]`);
  }
});

test("below min_expires → 423 with Min-Expires (RFC), or raised silently in raise mode (Kamailio)", async () => {
  const h = await harness({ minExpires: 60 });
  const res = await h.send(register({ expires: 30 }));
  assert.equal(res.status, 423);
  assert.equal(res.headers.get("min-expires"), "60");
  assert.equal(h.store.contactCount, 0);
  const r = await harness({ minExpires: 60, minExpiresMode: "raise" });
  const res2 = await r.send(register({ expires: 30 }));
  assert.equal(res2.status, 200);
  assert.match(contactsOf(res2)[0]!, /;expires=60$/);
});

test("above max_expires is clipped", async () => {
  const h = await harness({ maxExpires: 600 });
  const res = await h.send(register({ expires: 7200 }));
  assert.match(contactsOf(res)[0]!, /;expires=600$/);
});

test("absurd expiry values get 400, never a crash", async () => {
  const h = await harness();
  for (const bad of ["-1", "abc", "4294967296", "99999999999"]) {
    const res = await h.send(register({ contacts: [`<sip:alice@192.0.2.10>;expires=${bad}`] }));
    assert.equal(res.status, 400, `expires=${bad}`);
  }
  assert.equal(h.store.contactCount, 0);
});

test("query: a REGISTER without Contact lists the bindings without changing them", async () => {
  const h = await harness();
  await h.send(register({ expires: 600 }));
  h.clock.advance(100_000);
  const res = await h.send(register({ contacts: [], cseq: 2 }));
  assert.equal(res.status, 200);
  assert.deepEqual(contactsOf(res), ["<sip:alice@192.0.2.10:5060>;expires=500"]);
  assert.equal(h.registrar.stats().queries, 1);
});

test("ring both phones: two devices of one AOR are both bound, ordered as stored", async () => {
  const h = await harness();
  await h.send(register({ callId: "desk", contacts: ["<sip:alice@192.0.2.10:5060>"] }));
  const res = await h.send(register({ callId: "mobile", contacts: ["<sip:alice@198.51.100.4:5062;transport=tcp>;q=0.5"] }));
  assert.equal(contactsOf(res).length, 2);
  assert.equal(h.store.get("alice@example.com").length, 2);
});

test("Contact: * with Expires: 0 removes every binding; * with others or without Expires: 0 → 400", async () => {
  const h = await harness();
  await h.send(register({ callId: "a", contacts: ["<sip:alice@192.0.2.10>"] }));
  await h.send(register({ callId: "b", contacts: ["<sip:alice@192.0.2.11>"] }));
  let res = await h.send(register({ callId: "c", contacts: ["*", "<sip:alice@192.0.2.12>"], expires: 0 }));
  assert.equal(res.status, 400);
  res = await h.send(register({ callId: "c", contacts: ["*"], expires: 10 }));
  assert.equal(res.status, 400);
  res = await h.send(register({ callId: "c", contacts: ["*"] }));
  assert.equal(res.status, 400);
  assert.equal(h.store.contactCount, 2);
  res = await h.send(register({ callId: "c", contacts: ["*"], expires: 0 }));
  assert.equal(res.status, 200);
  assert.deepEqual(contactsOf(res), []);
  assert.equal(h.store.contactCount, 0);
});

test("same Call-ID and a CSeq not higher → the update fails and nothing changes (§10.3 step 7)", async () => {
  const h = await harness();
  await h.send(register({ cseq: 5, expires: 600 }));
  const res = await h.send(register({ cseq: 5, expires: 0 }));
  assert.equal(res.status, 400);
  assert.equal(h.store.contactCount, 1);
  const ok = await h.send(register({ cseq: 6, expires: 0 }));
  assert.equal(ok.status, 200);
  assert.equal(h.store.contactCount, 0);
});

test("a different Call-ID updates the binding whatever its CSeq; URIs match by §19.1.4", async () => {
  const h = await harness();
  await h.send(register({ callId: "x", cseq: 50, contacts: ["<sip:alice@Host.Example.COM:5060;transport=udp>"], expires: 600 }));
  const res = await h.send(register({ callId: "y", cseq: 1, contacts: ["<sip:alice@host.example.com:5060;Transport=UDP>"], expires: 900 }));
  assert.equal(res.status, 200);
  const b = h.store.get("alice@example.com");
  assert.equal(b.length, 1, "the case-different but equal URI matched the binding");
  assert.equal(b[0]!.callId, "y");
});

test("foreign domain → 404 (or 403 when configured); any domain accepted when none configured", async () => {
  const h = await harness({ domains: ["example.com"] });
  assert.equal((await h.send(register({ uri: "sip:other.org", to: "<sip:alice@other.org>" }))).status, 404);
  const f = await harness({ domains: ["example.com"], foreignDomainStatus: 403 });
  assert.equal((await f.send(register({ uri: "sip:other.org", to: "<sip:alice@other.org>" }))).status, 403);
  const any = await harness();
  assert.equal((await any.send(register({ uri: "sip:other.org", to: "<sip:alice@other.org>" }))).status, 200);
});

test("realm_prefix is stripped and AORs are case-insensitive unless case_sensitive", async () => {
  const h = await harness({ domains: ["example.com"], realmPrefix: "sip." });
  const res = await h.send(register({ uri: "sip:sip.example.com", to: "<sip:Alice@SIP.example.com>", from: "<sip:Alice@SIP.example.com>" }));
  assert.equal(res.status, 200);
  assert.equal(h.store.get("alice@example.com").length, 1);
  const cs = await harness({ caseSensitive: true });
  await cs.send(register({ to: "<sip:Alice@example.com>" }));
  assert.equal(cs.store.get("Alice@example.com").length, 1);
  assert.equal(cs.store.get("alice@example.com").length, 0);
});

test("Require with an unknown extension → 420 with Unsupported (§10.3 step 2)", async () => {
  const h = await harness();
  const res = await h.send(register({ headers: ["Require: foo, gruu"] }));
  assert.equal(res.status, 420);
  assert.equal(res.headers.get("unsupported"), "foo");
});

test("third-party registration (From ≠ To) only where a rule allows it", async () => {
  const h = await harness();
  const res = await h.send(register({ from: "<sip:secretary@example.com>", to: "<sip:boss@example.com>" }));
  assert.equal(res.status, 403);
  const ok = await harness({ thirdParty: [{ registrant: "secretary@example.com", aors: ["boss@example.com"] }] });
  assert.equal((await ok.send(register({ from: "<sip:secretary@example.com>", to: "<sip:boss@example.com>" }))).status, 200);
  assert.equal(ok.store.get("boss@example.com").length, 1);
});

test("max_contacts: beyond it → 503 with Retry-After, nothing stored", async () => {
  const h = await harness({ maxContacts: 2, retryAfter: 30 });
  await h.send(register({ callId: "1", contacts: ["<sip:alice@192.0.2.1>"] }));
  await h.send(register({ callId: "2", contacts: ["<sip:alice@192.0.2.2>"] }));
  const res = await h.send(register({ callId: "3", contacts: ["<sip:alice@192.0.2.3>"] }));
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "30");
  assert.equal(h.store.contactCount, 2);
  assert.equal(h.registrar.stats().rejected_by_reason.tooManyContacts, 1);
  // A refresh of an existing contact is not a new one.
  assert.equal((await h.send(register({ callId: "2", cseq: 2, contacts: ["<sip:alice@192.0.2.2>"] }))).status, 200);
});

test("one contact per AOR (Kamailio save flag 0x04) replaces the others", async () => {
  const h = await harness();
  await h.send(register({ callId: "1", contacts: ["<sip:alice@192.0.2.1>"] }));
  await h.send(register({ callId: "2", contacts: ["<sip:alice@192.0.2.2>"] }));
  const res = await h.registrar.handle(register({ callId: "3", contacts: ["<sip:alice@192.0.2.3>"] }), natOrigin(), { singleContact: true });
  assert.equal(res.status, 200);
  assert.deepEqual(h.store.get("alice@example.com").map((b) => b.contact), ["sip:alice@192.0.2.3"]);
});

test("a Contact that is not a SIP or SIPS URI → 400", async () => {
  const h = await harness();
  assert.equal((await h.send(register({ contacts: ["<mailto:alice@example.com>"] }))).status, 400);
  assert.equal((await h.send(register({ contacts: ["<sip:alice@bad host>"] }))).status, 400);
});

test("NAT: the source is stored and the 200 adds received= for a NATed contact (received_param)", async () => {
  const h = await harness();
  const res = await h.send(register({ contacts: ["<sip:alice@10.0.0.5:5060>"] }), natOrigin(40001));
  assert.match(contactsOf(res)[0]!, /;received="sip:203\.0\.113\.7:40001"$/);
  const b = h.store.get("alice@example.com")[0]!;
  assert.equal(b.natted, true);
  assert.deepEqual(b.source, { protocol: "udp", address: "203.0.113.7", port: 40001 });
  assert.equal(b.listenerId, "udp:127.0.0.1:5060");
  const off = await harness({ receivedParam: "" });
  const res2 = await off.send(register({ contacts: ["<sip:alice@10.0.0.5:5060>"] }), natOrigin(40001));
  assert.doesNotMatch(contactsOf(res2)[0]!, /received/);
});

test("a .invalid contact host (RFC 7118 §5, WebSocket and client-only TLS UAs) is routed to the source like a NATed one", async () => {
  const h = await harness();
  await h.send(register({ contacts: ["<sip:alice@df7jal23ls0d.invalid;transport=ws>"] }), natOrigin(40002));
  const b = h.store.get("alice@example.com")[0]!;
  assert.equal(b.natted, true);
  assert.deepEqual(b.source, { protocol: "udp", address: "203.0.113.7", port: 40002 });
});

test("q is kept, default_q applies when absent", async () => {
  const h = await harness({ defaultQ1000: 300 });
  const res = await h.send(register({ contacts: ["<sip:a@192.0.2.1>;q=0.8", "<sip:b@192.0.2.2>"] }));
  assert.match(contactsOf(res)[0]!, /;q=0\.8/);
  assert.match(contactsOf(res)[1]!, /;q=0\.3/);
  assert.equal((await h.send(register({ cseq: 2, contacts: ["<sip:a@192.0.2.1>;q=1.5"] }))).status, 400);
});

test("Allow and User-Agent are stored with the binding", async () => {
  const h = await harness();
  await h.send(register({ headers: ["Allow: INVITE, ACK, BYE, message", "User-Agent: TestPhone/1.0"] }));
  const b = h.store.get("alice@example.com")[0]!;
  assert.deepEqual(b.methods, ["INVITE", "ACK", "BYE", "MESSAGE"]);
  assert.equal(b.userAgent, "TestPhone/1.0");
});

test("Path (RFC 3327): mode 2 rejects without Supported: path; stores and echoes with it", async () => {
  const path = "<sip:edge.example.com;lr>";
  const h = await harness({ usePath: true, pathMode: 2 });
  const res = await h.send(register({ headers: [`Path: ${path}`] }));
  assert.equal(res.status, 420);
  assert.equal(res.headers.get("unsupported"), "path");
  const ok = await h.send(register({ cseq: 2, headers: [`Path: ${path}`, "Supported: path"] }));
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.headers.getAll("path"), [path]);
  assert.deepEqual(h.store.get("alice@example.com")[0]!.path, [path]);
});

test("Path modes 0 and 1: stored; echoed never (0) or only with Supported: path (1); ignored without use_path", async () => {
  const path = "<sip:edge.example.com;lr>";
  const m0 = await harness({ usePath: true, pathMode: 0 });
  const r0 = await m0.send(register({ headers: [`Path: ${path}`, "Supported: path"] }));
  assert.deepEqual(r0.headers.getAll("path"), []);
  assert.deepEqual(m0.store.get("alice@example.com")[0]!.path, [path]);
  const m1 = await harness({ usePath: true, pathMode: 1 });
  assert.deepEqual((await m1.send(register({ headers: [`Path: ${path}`] }))).headers.getAll("path"), []);
  assert.deepEqual((await m1.send(register({ cseq: 2, headers: [`Path: ${path}`, "Supported: path"] }))).headers.getAll("path"), [path]);
  const off = await harness({ usePath: false });
  await off.send(register({ headers: [`Path: ${path}`] }));
  assert.deepEqual(off.store.get("alice@example.com")[0]!.path, []);
});

test("path_use_received: the received= of the first Path URI becomes the contact's source", async () => {
  const h = await harness({ usePath: true, pathMode: 0, pathUseReceived: true });
  await h.send(register({ headers: ["Path: <sip:lb.example.com;lr;received=sip:198.51.100.9:6000%3Btransport%3Dtcp>"] }));
  assert.deepEqual(h.store.get("alice@example.com")[0]!.source, { protocol: "tcp", address: "198.51.100.9", port: 6000 });
});

const INSTANCE = '"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"';

test("GRUU (RFC 5627): pub-gruu and temp-gruu in the 200; temp-gruu stable while the contact lives", async () => {
  const h = await harness();
  const res = await h.send(register({ contacts: [`<sip:alice@192.0.2.10>;+sip.instance=${INSTANCE}`], headers: ["Supported: gruu"] }));
  const c = contactsOf(res)[0]!;
  assert.match(c, /;pub-gruu="sip:alice@example\.com;gr=urn:uuid:00000000-0000-1000-8000-000A95A0E128"/);
  const temp = /;temp-gruu="([^"]+)"/.exec(c)![1];
  const again = await h.send(register({ cseq: 2, contacts: [`<sip:alice@192.0.2.10>;+sip.instance=${INSTANCE}`], headers: ["Supported: gruu"] }));
  assert.equal(/;temp-gruu="([^"]+)"/.exec(contactsOf(again)[0]!)![1], temp);
  const noGruu = await h.send(register({ cseq: 3, contacts: [`<sip:alice@192.0.2.10>;+sip.instance=${INSTANCE}`] }));
  assert.doesNotMatch(contactsOf(noGruu)[0]!, /gruu/);
  const disabled = await harness({ gruuEnabled: false });
  assert.doesNotMatch(contactsOf(await disabled.send(register({ contacts: [`<sip:alice@192.0.2.10>;+sip.instance=${INSTANCE}`], headers: ["Supported: gruu"] })))[0]!, /gruu/);
});

test("Outbound (RFC 5626): mode 0 refuses Require: outbound; mode 2 requires Supported: outbound", async () => {
  const m0 = await harness({ outboundMode: 0 });
  const r0 = await m0.send(register({ headers: ["Require: outbound"] }));
  assert.equal(r0.status, 420);
  assert.equal(r0.headers.get("unsupported"), "outbound");
  const m2 = await harness({ outboundMode: 2 });
  assert.equal((await m2.send(register())).status, 421);
});

test("Outbound: Require: outbound and Flow-Timer in the 200; same instance + reg-id replaces the old flow", async () => {
  const h = await harness({ outboundMode: 1, flowTimer: 25 });
  const tcp = { protocol: "tcp" as const, remote: { address: "203.0.113.7", port: 50001 }, local: { address: "127.0.0.1", port: 5060 }, listenerId: "tcp:127.0.0.1:5060", connectionId: 7 };
  const res = await h.registrar.handle(register({ callId: "boot1", contacts: [`<sip:alice@10.0.0.5;transport=tcp;ob>;+sip.instance=${INSTANCE};reg-id=1`], headers: ["Supported: outbound, path"] }), tcp);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("require"), "outbound");
  assert.equal(res.headers.get("flow-timer"), "25");
  const first = h.store.get("alice@example.com")[0]!;
  assert.equal(first.connectionId, 7);
  // After a reboot the phone registers with a new Call-ID over a new connection: the flow is replaced.
  const res2 = await h.registrar.handle(register({ callId: "boot2", contacts: [`<sip:alice@10.0.0.6;transport=tcp;ob>;+sip.instance=${INSTANCE};reg-id=1`], headers: ["Supported: outbound"] }), { ...tcp, connectionId: 9 });
  assert.equal(res2.status, 200);
  const after = h.store.get("alice@example.com");
  assert.equal(after.length, 1);
  assert.equal(after[0]!.connectionId, 9);
  assert.equal(after[0]!.ruid, first.ruid);
  // A second flow (reg-id 2) of the same instance is a second binding.
  await h.registrar.handle(register({ callId: "boot2", cseq: 2, contacts: [`<sip:alice@10.0.0.6;transport=tcp;ob>;+sip.instance=${INSTANCE};reg-id=2`], headers: ["Supported: outbound"] }), { ...tcp, connectionId: 10 });
  assert.equal(h.store.get("alice@example.com").length, 2);
});

test("Outbound through an edge proxy whose Path lacks ;ob → 439", async () => {
  const h = await harness({ outboundMode: 1, usePath: true, pathMode: 1 });
  const res = await h.send(register({ contacts: [`<sip:alice@10.0.0.5>;+sip.instance=${INSTANCE};reg-id=1`], headers: ["Supported: outbound, path", "Path: <sip:edge.example.com;lr>"] }));
  assert.equal(res.status, 439);
  const ok = await h.send(register({ cseq: 2, contacts: [`<sip:alice@10.0.0.5>;+sip.instance=${INSTANCE};reg-id=1`], headers: ["Supported: outbound, path", "Path: <sip:edge.example.com;lr;ob>"] }));
  assert.equal(ok.status, 200);
});

test("concurrent REGISTERs for one AOR are applied one after the other, none lost", async () => {
  const h = await harness();
  const all = await Promise.all(Array.from({ length: 20 }, (_, i) => h.send(register({ callId: `c${i}`, contacts: [`<sip:alice@192.0.2.${i + 1}>`] }))));
  assert.ok(all.every((r) => r.status === 200));
  assert.equal(h.store.get("alice@example.com").length, 20);
  // Each 200 lists every binding that existed when it was made: counts grow 1..20 in some order.
  assert.deepEqual(all.map((r) => contactsOf(r).length).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
});

test("a store that fails to commit → 500, and the registrar keeps working", async () => {
  const h = await harness({ retryAfter: 5 });
  const original = h.store.apply.bind(h.store);
  h.store.apply = async () => {
    throw new Error("disk on fire");
  };
  const res = await h.send(register());
  assert.equal(res.status, 500);
  assert.equal(res.headers.get("retry-after"), "5");
  h.store.apply = original;
  assert.equal((await h.send(register({ cseq: 2 }))).status, 200);
});

test("unregister and fetchContacts (library API)", async () => {
  const h = await harness();
  await h.send(register({ callId: "1", contacts: ["<sip:alice@192.0.2.1>"] }));
  await h.send(register({ callId: "2", contacts: ["<sip:alice@192.0.2.2>"] }));
  const all = h.registrar.fetchContacts("sip:Alice@example.com");
  assert.equal(all.length, 2);
  assert.equal(await h.registrar.unregister("alice@example.com", all[0]!.ruid), 1);
  assert.equal(h.registrar.fetchContacts("alice@example.com").length, 1);
  assert.equal(await h.registrar.unregister("sip:alice@example.com"), 1);
  assert.equal(h.store.contactCount, 0);
});

test("lookup: contacts by q then newest; method_filtering; GRUUs resolve to their instance (RFC 5627 §5.5)", async () => {
  const h = await harness({ methodFiltering: true });
  await h.send(register({ callId: "low", contacts: ["<sip:alice@192.0.2.1>;q=0.2"], headers: ["Allow: INVITE, BYE"] }));
  h.clock.advance(1000);
  await h.send(register({ callId: "high", contacts: ["<sip:alice@192.0.2.2>;q=0.9"], headers: ["Allow: MESSAGE"] }));
  let r = h.registrar.lookup("sip:alice@example.com");
  assert.equal(r.kind, "found");
  assert.deepEqual(r.kind === "found" ? r.contacts.map((b) => b.contact) : [], ["sip:alice@192.0.2.2", "sip:alice@192.0.2.1"]);
  r = h.registrar.lookup("sip:alice@example.com", "INVITE");
  assert.deepEqual(r.kind === "found" ? r.contacts.map((b) => b.contact) : [], ["sip:alice@192.0.2.1"]);
  assert.equal(h.registrar.lookup("sip:alice@example.com", "SUBSCRIBE").kind, "method-not-allowed");
  assert.equal(h.registrar.lookup("sip:nobody@example.com").kind, "not-found");

  const g = await harness();
  const res = await g.send(register({ contacts: [`<sip:alice@192.0.2.10>;+sip.instance=${INSTANCE}`, "<sip:alice@192.0.2.11>"], headers: ["Supported: gruu"] }));
  const c = contactsOf(res).find((v) => v.includes("gruu"))!;
  const pub = /;pub-gruu="([^"]+)"/.exec(c)![1]!;
  const temp = /;temp-gruu="([^"]+)"/.exec(c)![1]!;
  for (const gr of [pub, temp]) {
    const hit = g.registrar.lookup(gr);
    assert.equal(hit.kind, "found", gr);
    assert.deepEqual(hit.kind === "found" ? hit.contacts.map((b) => b.contact) : [], ["sip:alice@192.0.2.10"]);
  }
  assert.equal(g.registrar.lookup("sip:tgruu.forged@example.com;gr").kind, "gruu-unavailable");
  g.clock.advance(3601_000);
  assert.equal(g.registrar.lookup(temp).kind, "gruu-unavailable", "an expired contact's GRUU no longer routes");
});

test("registered(): by AOR, Call-ID, source and contact (Kamailio registered() match options)", async () => {
  const h = await harness();
  await h.send(register({ callId: "abc", contacts: ["<sip:alice@10.0.0.5:5060>"] }), natOrigin(40002));
  assert.equal(h.registrar.registered("sip:alice@example.com"), true);
  assert.equal(h.registrar.registered("alice@example.com", { callId: "abc" }), true);
  assert.equal(h.registrar.registered("alice@example.com", { callId: "zzz" }), false);
  assert.equal(h.registrar.registered("alice@example.com", { received: { address: "203.0.113.7", port: 40002 } }), true);
  assert.equal(h.registrar.registered("alice@example.com", { contact: "sip:alice@10.0.0.5:5060" }), true);
  assert.equal(h.registrar.registered("bob@example.com"), false);
});

test("expired bindings vanish from the 200 and from lookup; the expiry is counted", async () => {
  const h = await harness();
  await h.send(register({ expires: 60 }));
  h.clock.advance(61_000);
  h.store.sweep?.();
  assert.equal(h.registrar.lookup("sip:alice@example.com").kind, "not-found");
  const res = await h.send(register({ contacts: [], cseq: 2 }));
  assert.deepEqual(contactsOf(res), []);
});

test("a contact-expired event is emitted when a binding lapses, and counted in the statistics", async () => {
  const h = await harness();
  const events: string[] = [];
  h.registrar.subscribe((e) => events.push(`${e.type}:${e.binding.contact}`));
  await h.send(register({ expires: 60 }));
  h.clock.advance(61_000);
  await h.store.sweep();
  assert.deepEqual(events, ["contact-added:sip:alice@192.0.2.10:5060", "contact-expired:sip:alice@192.0.2.10:5060"]);
  assert.equal(h.registrar.stats().expired_contacts, 1);
  assert.equal(h.registrar.stats().contacts, 0);
});
