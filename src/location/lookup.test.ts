import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../util/clock.js";
import type { Binding } from "./binding.js";
import { instanceUrn, TEMP_GRUU_PREFIX } from "./gruu.js";
import { fetchContacts, lookup, registered, resolveGruu, ruidOfTempGruuUser, tempGruuUser } from "./lookup.js";
import { MemoryLocationStore } from "./memory-store.js";
import { richBinding, testBinding } from "./test-bindings.js";

describe("lookup and friends", () => {
  const clock = new ManualClock();
  const store = new MemoryLocationStore({ clock, sweepIntervalMs: 0 });
  const aor = "alice@example.com";
  const t0 = clock.now();
  const low = testBinding(aor, 1, t0, { q1000: 100, modifiedAtMs: t0 - 10 });
  const highOld = testBinding(aor, 2, t0, { q1000: 900, modifiedAtMs: t0 - 20, methods: ["INVITE", "ACK", "BYE"] });
  const highNew = testBinding(aor, 3, t0, { q1000: 900, modifiedAtMs: t0 - 5, methods: ["MESSAGE"] });
  const noQ = testBinding(aor, 4, t0, { q1000: -1, modifiedAtMs: t0 });
  const phone = richBinding(aor, 5, t0, { q1000: 500 });
  const phone2 = richBinding(aor, 6, t0, { q1000: 600, instance: phone.instance, contactParams: phone.contactParams, regId: 2 });
  const expired = testBinding(aor, 7, t0, { q1000: 1000, expiresAtMs: t0 + 1000 });

  before(async () => {
    await store.open();
    await store.apply(
      aor,
      [low, highOld, highNew, noQ, phone, phone2, expired].map((binding) => ({ op: "upsert", binding }) as const),
    );
    clock.advance(1000);
  });
  after(() => store.close());

  const ruids = (bs: readonly Binding[]): string[] => bs.map((b) => b.ruid);

  it("orders live contacts by q, then most recently modified; leaves out the expired", () => {
    const r = lookup(store, aor, { nowMs: clock.now() });
    assert.equal(r.methodNotAllowed, false);
    assert.deepEqual(ruids(r.contacts), ruids([highNew, highOld, phone2, phone, low, noQ]));
    assert.deepEqual(lookup(store, "nobody@example.com", { nowMs: clock.now() }), { contacts: [], methodNotAllowed: false });
  });

  it("filters by method only when asked (contacts without methods accept all)", () => {
    assert.equal(lookup(store, aor, { nowMs: clock.now(), method: "MESSAGE" }).contacts.length, 6);
    const r = lookup(store, aor, { nowMs: clock.now(), method: "message", methodFiltering: true });
    assert.deepEqual(ruids(r.contacts), ruids([highNew, phone2, phone, low, noQ]));
    const onlyInvite = testBinding("bob@example.com", 1, clock.now(), { methods: ["INVITE"] });
    return store.apply(onlyInvite.aor, [{ op: "upsert", binding: onlyInvite }]).then(() => {
      const none = lookup(store, "bob@example.com", { nowMs: clock.now(), method: "SUBSCRIBE", methodFiltering: true });
      assert.deepEqual(none, { contacts: [], methodNotAllowed: true });
      assert.equal(lookup(store, "bob@example.com", { nowMs: clock.now(), method: "INVITE", methodFiltering: true }).contacts.length, 1);
    });
  });

  it("resolves a pub-gruu to the contacts of its instance (RFC 5627 §3.1)", () => {
    const urn = instanceUrn(phone.instance!);
    const r = resolveGruu(store, `sip:Alice@Example.COM;gr=${urn.toUpperCase().replace("URN:UUID", "urn:uuid")}`);
    assert.equal(r.kind, "pub-gruu");
    assert.deepEqual(r.kind === "pub-gruu" ? ruids(r.contacts) : [], ruids([phone2, phone]));
    const unknown = resolveGruu(store, "sip:alice@example.com;gr=urn:uuid:11111111-2222-4333-8444-555555555555");
    assert.deepEqual(unknown.kind === "pub-gruu" ? unknown.contacts : undefined, []);
    // A custom AOR mapping (the registrar's canonicalAor with realm_prefix...).
    const mapped = resolveGruu(store, `sip:alice@sip.example.com;gr=${urn}`, { toAor: (u) => `${u.user}@${u.host.replace(/^sip\./, "")}` });
    assert.equal(mapped.kind === "pub-gruu" ? mapped.contacts.length : -1, 2);
  });

  it("resolves a temp-gruu to the binding whose ruid it carries (RFC 5627 §3.2)", () => {
    assert.equal(tempGruuUser("5f2a-1c"), `${TEMP_GRUU_PREFIX}5f2a-1c`);
    assert.equal(tempGruuUser(phone.ruid), `${TEMP_GRUU_PREFIX}r-alice%40example.com-5`);
    assert.equal(ruidOfTempGruuUser(tempGruuUser("a@b;c")), "a@b;c");
    assert.equal(ruidOfTempGruuUser("alice"), undefined);
    const r = resolveGruu(store, `sip:${tempGruuUser(phone.ruid)}@example.com;gr`);
    assert.deepEqual(r, { kind: "temp-gruu", ruid: phone.ruid, contacts: [store.byRuid(phone.ruid)] });
    // Escaped user part, and a binding without instance (never given a temp-gruu) or gone.
    const escaped = resolveGruu(store, `sip:${tempGruuUser(phone.ruid).replace("t", "%74")}@example.com;gr`);
    assert.equal(escaped.kind === "temp-gruu" ? escaped.contacts.length : -1, 1);
    const noInstance = resolveGruu(store, `sip:${tempGruuUser(low.ruid)}@example.com;gr`);
    assert.deepEqual(noInstance.kind === "temp-gruu" ? noInstance.contacts : undefined, []);
    const gone = resolveGruu(store, `sip:${tempGruuUser("no-such-ruid")}@example.com;gr`);
    assert.deepEqual(gone.kind === "temp-gruu" ? gone.contacts : undefined, []);
  });

  it("tells ordinary URIs and invalid GRUUs apart", () => {
    assert.deepEqual(resolveGruu(store, "sip:alice@example.com"), { kind: "none" });
    assert.deepEqual(resolveGruu(store, "tel:+15551234"), { kind: "none" });
    assert.deepEqual(resolveGruu(store, "not a uri"), { kind: "none" });
    assert.deepEqual(resolveGruu(store, "sip:alice@example.com;gr"), { kind: "invalid" });
  });

  it("registered() matches like Kamailio's match_option (contact, Call-ID, received)", () => {
    assert.equal(registered(store, aor), true);
    assert.equal(registered(store, "nobody@example.com"), false);
    assert.equal(registered(store, aor, { contact: low.contact }), true);
    assert.equal(registered(store, aor, { contact: "sip:other@192.0.2.99" }), false);
    assert.equal(registered(store, aor, { callId: phone.callId }), true);
    assert.equal(registered(store, aor, { callId: expired.callId }), false, "expired bindings do not count");
    assert.equal(registered(store, aor, { received: { address: "2001:db8::7", port: 40_312, protocol: "tcp" } }), true);
    assert.equal(registered(store, aor, { received: { address: "2001:db8::7", port: 40_312, protocol: "udp" } }), false);
    assert.equal(registered(store, aor, { callId: low.callId, contact: highOld.contact }), false, "criteria apply to one binding");
  });

  it("fetchContacts() gives every attribute under $ulc names", () => {
    const f = fetchContacts(store, aor);
    assert.equal(f.count, 6);
    assert.equal(f.domain, "example.com");
    const p = f.contacts.find((c) => c.ruid === phone.ruid)!;
    assert.deepEqual(p, {
      aor,
      addr: phone.contact,
      path: phone.path.join(","),
      received: "tcp:[2001:db8::7]:40312",
      expires: Math.floor(phone.expiresAtMs / 1000),
      callid: phone.callId,
      q: 500,
      cseq: 4711,
      flags: 1,
      cflags: 0,
      user_agent: phone.userAgent,
      socket: phone.listenerId,
      modified: Math.floor(phone.modifiedAtMs / 1000),
      methods: "INVITE,BYE,MESSAGE",
      ruid: phone.ruid,
      reg_id: 1,
      instance: phone.instance,
      conid: phone.connectionId,
    });
    assert.equal(f.contacts.find((c) => c.ruid === low.ruid)!.received, "");
    assert.deepEqual(fetchContacts(store, "nobody@example.com").contacts, []);
  });
});
