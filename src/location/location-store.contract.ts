// The behaviour every LocationStore must show, as a test suite parameterised by a store factory
// (run by memory-store.test.ts and sqlite-store.test.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../util/clock.js";
import type { Binding } from "./binding.js";
import { LocationError } from "./errors.js";
import type { IndexedLocationStore } from "./indexed-store.js";
import type { LocationEvent } from "./location-store.js";
import { richBinding, testBinding } from "./test-bindings.js";

export interface ContractSubject {
  store: IndexedLocationStore;
  /** Closes the store if needed and removes whatever it left on disk. */
  dispose(): Promise<void>;
}

/** Makes a store (not yet opened) on the given clock, with sweepIntervalMs 0 and the given onError. */
export type StoreFactory = (clock: ManualClock, onError: (err: unknown) => void) => ContractSubject;

async function withStore(make: StoreFactory, body: (store: IndexedLocationStore, clock: ManualClock, errors: unknown[]) => Promise<void>): Promise<void> {
  const clock = new ManualClock();
  const errors: unknown[] = [];
  const subject = make(clock, (e) => errors.push(e));
  try {
    await subject.store.open();
    await body(subject.store, clock, errors);
  } finally {
    await subject.store.close();
    await subject.dispose();
  }
}

function recordEvents(store: IndexedLocationStore): LocationEvent[] {
  const events: LocationEvent[] = [];
  store.subscribe((e) => events.push(e));
  return events;
}

function codeOf(err: unknown): string | undefined {
  return err instanceof LocationError ? err.code : undefined;
}

export function runLocationStoreContract(name: string, make: StoreFactory): void {
  describe(`${name}: LocationStore contract`, () => {
    it("stores a binding and reads it back by AOR, ruid and connection", () =>
      withStore(make, async (store, clock) => {
        const b = richBinding("alice@example.com", 1, clock.now());
        assert.deepEqual(store.get("alice@example.com"), []);
        await store.apply(b.aor, [{ op: "upsert", binding: b }]);
        assert.deepEqual(store.get("alice@example.com"), [b]);
        assert.deepEqual(store.byRuid(b.ruid), b);
        assert.deepEqual(store.byConnection(43), [b]);
        assert.deepEqual([...store.aors()], ["alice@example.com"]);
        assert.equal(store.aorCount, 1);
        assert.equal(store.contactCount, 1);
        assert.equal(store.byRuid("nope"), undefined);
      }));

    it("shows a change set only once committed, and all of it at once", () =>
      withStore(make, async (store, clock) => {
        const aor = "bob@example.com";
        const [a, b, c] = [1, 2, 3].map((n) => testBinding(aor, n, clock.now()));
        await store.apply(aor, [{ op: "upsert", binding: a! }]);
        const pending = store.apply(aor, [
          { op: "upsert", binding: b! },
          { op: "upsert", binding: c! },
          { op: "remove", ruid: a!.ruid, reason: "replaced" },
        ]);
        assert.deepEqual(store.get(aor), [a], "nothing of the change set is visible before its commit");
        await pending;
        assert.deepEqual(store.get(aor), [b, c]);
        assert.equal(store.contactCount, 2);
      }));

    it("rejects an invalid change set whole, leaving the store as it was", () =>
      withStore(make, async (store, clock) => {
        const good = testBinding("carol@example.com", 1, clock.now());
        const foreign = testBinding("dave@example.com", 2, clock.now());
        await assert.rejects(
          store.apply("carol@example.com", [
            { op: "upsert", binding: good },
            { op: "upsert", binding: foreign },
          ]),
          (e) => codeOf(e) === "LOCATION_INVALID_CHANGE",
        );
        await assert.rejects(store.apply(good.aor, [{ op: "upsert", binding: { ...good, q1000: 1001 } }]), (e) => codeOf(e) === "LOCATION_INVALID_CHANGE");
        await assert.rejects(store.apply(good.aor, [{ op: "upsert", binding: { ...good, expiresAtMs: Number.NaN } }]), (e) => codeOf(e) === "LOCATION_INVALID_CHANGE");
        assert.deepEqual(store.get("carol@example.com"), []);
        await store.apply(foreign.aor, [{ op: "upsert", binding: foreign }]);
        // A ruid belongs to one AOR: another AOR cannot take it over or remove it.
        await assert.rejects(store.apply(good.aor, [{ op: "remove", ruid: foreign.ruid, reason: "admin" }]), (e) => codeOf(e) === "LOCATION_INVALID_CHANGE");
        await assert.rejects(store.apply(good.aor, [{ op: "upsert", binding: { ...good, ruid: foreign.ruid } }]), (e) => codeOf(e) === "LOCATION_INVALID_CHANGE");
        assert.deepEqual(store.get(foreign.aor), [foreign]);
      }));

    it("lets only the first of two AORs claiming one new ruid in a batch have it; the rest of the batch commits", () =>
      withStore(make, async (store, clock) => {
        const mine = testBinding("oscar@example.com", 1, clock.now(), { ruid: "shared-ruid" });
        const theirs = testBinding("paul@example.com", 2, clock.now(), { ruid: "shared-ruid" });
        const bystander = testBinding("quinn@example.com", 3, clock.now());
        const results = await Promise.allSettled([
          store.apply(mine.aor, [{ op: "upsert", binding: mine }]),
          store.apply(theirs.aor, [{ op: "upsert", binding: theirs }]),
          store.apply(bystander.aor, [{ op: "upsert", binding: bystander }]),
        ]);
        assert.deepEqual(
          results.map((r) => r.status),
          ["fulfilled", "rejected", "fulfilled"],
        );
        assert.equal(codeOf(results[1]!.status === "rejected" ? results[1]!.reason : undefined), "LOCATION_INVALID_CHANGE");
        assert.deepEqual(store.get(mine.aor), [mine]);
        assert.deepEqual(store.get(theirs.aor), []);
        assert.deepEqual(store.get(bystander.aor), [bystander]);
      }));

    it("updates in place (insertion order kept), changes every field, and removes", () =>
      withStore(make, async (store, clock) => {
        const aor = "erin@example.com";
        const [a, b] = [1, 2].map((n) => testBinding(aor, n, clock.now()));
        await store.apply(aor, [
          { op: "upsert", binding: a! },
          { op: "upsert", binding: b! },
        ]);
        clock.advance(1000);
        const a2 = richBinding(aor, 1, clock.now(), { ruid: a!.ruid, cseq: 2 });
        await store.apply(aor, [{ op: "upsert", binding: a2 }]);
        assert.deepEqual(store.get(aor), [a2, b]);
        assert.deepEqual(store.byConnection(a2.connectionId!), [a2]);
        const a3 = { ...a2, connectionId: undefined, path: [], methods: undefined, instance: undefined, contactParams: "", userAgent: "Other" };
        await store.apply(aor, [{ op: "upsert", binding: a3 }]);
        assert.deepEqual(store.get(aor), [a3, b]);
        assert.deepEqual(store.byConnection(a2.connectionId!), []);
        await store.apply(aor, [{ op: "remove", ruid: b!.ruid, reason: "unregistered" }]);
        assert.deepEqual(store.get(aor), [a3]);
        await store.apply(aor, [{ op: "remove", ruid: a!.ruid, reason: "unregistered" }]);
        assert.deepEqual(store.get(aor), []);
        assert.equal(store.aorCount, 0);
        assert.equal(store.contactCount, 0);
        // Removing what is not there is a no-op.
        await store.apply(aor, [{ op: "remove", ruid: "missing", reason: "unregistered" }]);
      }));

    it("emits added, updated, removed after the commit; unsubscribe stops them", () =>
      withStore(make, async (store, clock) => {
        const events = recordEvents(store);
        const aor = "frank@example.com";
        const a = testBinding(aor, 1, clock.now());
        const p = store.apply(aor, [{ op: "upsert", binding: a }]);
        assert.equal(events.length, 0);
        await p;
        const a2 = { ...a, cseq: 2, modifiedAtMs: a.modifiedAtMs + 1 };
        await store.apply(aor, [{ op: "upsert", binding: a2 }]);
        await store.apply(aor, [{ op: "remove", ruid: a.ruid, reason: "admin" }]);
        assert.deepEqual(events, [
          { type: "contact-added", binding: a },
          { type: "contact-updated", binding: a2, previous: a },
          { type: "contact-removed", binding: a2, reason: "admin" },
        ]);
        const second: LocationEvent[] = [];
        const unsubscribe = store.subscribe((e) => second.push(e));
        unsubscribe();
        await store.apply(aor, [{ op: "upsert", binding: a }]);
        assert.equal(second.length, 0);
        assert.equal(events.length, 4);
      }));

    it("hides expired bindings at once, and the sweep removes them with contact-expired", () =>
      withStore(make, async (store, clock) => {
        const events = recordEvents(store);
        const now = clock.now();
        const short = testBinding("gina@example.com", 1, now, { expiresAtMs: now + 60_000 });
        const long = testBinding("gina@example.com", 2, now, { expiresAtMs: now + 120_000 });
        const other = testBinding("hank@example.com", 3, now, { expiresAtMs: now + 60_000 });
        await store.apply(short.aor, [
          { op: "upsert", binding: short },
          { op: "upsert", binding: long },
        ]);
        await store.apply(other.aor, [{ op: "upsert", binding: other }]);
        clock.advance(59_999);
        assert.equal(store.get(short.aor).length, 2);
        clock.advance(1);
        // Expired exactly at expiresAtMs, before any sweep.
        assert.deepEqual(store.get(short.aor), [long]);
        assert.equal(store.byRuid(short.ruid), undefined);
        assert.deepEqual([...store.aors()], ["gina@example.com"]);
        assert.equal(await store.sweep(), 2);
        assert.deepEqual(
          events.filter((e) => e.type === "contact-expired").map((e) => e.binding),
          [short, other],
        );
        assert.equal(store.contactCount, 1);
        assert.equal(store.aorCount, 1);
        assert.equal(store.stats().expired, 2);
        assert.equal(await store.sweep(), 0);
        clock.advance(60_000);
        assert.equal(await store.sweep(), 1);
        assert.equal(store.contactCount, 0);
        assert.equal(store.aorCount, 0);
      }));

    it("refreshing a binding moves its expiry", () =>
      withStore(make, async (store, clock) => {
        const b = testBinding("ivy@example.com", 1, clock.now(), { expiresAtMs: clock.now() + 10_000 });
        await store.apply(b.aor, [{ op: "upsert", binding: b }]);
        clock.advance(9_000);
        const refreshed = { ...b, expiresAtMs: clock.now() + 10_000, cseq: 2 };
        await store.apply(b.aor, [{ op: "upsert", binding: refreshed }]);
        clock.advance(5_000);
        assert.equal(await store.sweep(), 0);
        assert.deepEqual(store.get(b.aor), [refreshed]);
        clock.advance(5_000);
        assert.equal(await store.sweep(), 1);
      }));

    it("a refresh racing the sweeper wins, whichever is queued first", () =>
      withStore(make, async (store, clock) => {
        const now = clock.now();
        const a = testBinding("rita@example.com", 1, now, { expiresAtMs: now + 1000 });
        const b = testBinding("sam@example.com", 2, now, { expiresAtMs: now + 1000 });
        await store.apply(a.aor, [{ op: "upsert", binding: a }]);
        await store.apply(b.aor, [{ op: "upsert", binding: b }]);
        clock.advance(1000);
        // a: refresh queued before the sweep; b: after it.
        const ra = { ...a, expiresAtMs: clock.now() + 5000, cseq: 2 };
        const rb = { ...b, expiresAtMs: clock.now() + 5000, cseq: 2 };
        const refreshA = store.apply(a.aor, [{ op: "upsert", binding: ra }]);
        const swept = store.sweep();
        const refreshB = store.apply(b.aor, [{ op: "upsert", binding: rb }]);
        await Promise.all([refreshA, swept, refreshB]);
        assert.deepEqual(store.get(a.aor), [ra]);
        assert.deepEqual(store.get(b.aor), [rb]);
        assert.equal(store.contactCount, 2);
      }));

    it("an upsert of a binding that expired unswept reads as expiry + new binding", () =>
      withStore(make, async (store, clock) => {
        const b = testBinding("jack@example.com", 1, clock.now(), { expiresAtMs: clock.now() + 1000 });
        await store.apply(b.aor, [{ op: "upsert", binding: b }]);
        const events = recordEvents(store);
        clock.advance(2000);
        const again = { ...b, expiresAtMs: clock.now() + 1000 };
        await store.apply(b.aor, [{ op: "upsert", binding: again }]);
        assert.deepEqual(events, [
          { type: "contact-expired", binding: b },
          { type: "contact-added", binding: again },
        ]);
        assert.deepEqual(store.get(b.aor), [again]);
      }));

    it("commits concurrent change sets of many AORs, in order for one AOR", () =>
      withStore(make, async (store, clock) => {
        const all: Array<Promise<void>> = [];
        for (let i = 0; i < 200; i++) {
          const b = testBinding(`user${i}@example.com`, i, clock.now());
          all.push(store.apply(b.aor, [{ op: "upsert", binding: b }]));
        }
        const x = testBinding("kim@example.com", 1, clock.now());
        all.push(store.apply(x.aor, [{ op: "upsert", binding: x }]));
        all.push(store.apply(x.aor, [{ op: "upsert", binding: { ...x, cseq: 9 } }]));
        await Promise.all(all);
        assert.equal(store.aorCount, 201);
        assert.equal(store.contactCount, 201);
        assert.equal(store.get(x.aor)[0]?.cseq, 9);
        const s = store.stats();
        assert.equal(s.changeSets, 202);
        assert.ok(s.commits < 202, `expected fewer commits than change sets, got ${s.commits}`);
      }));

    it("refuses apply() before open() and after close(); close() commits what is queued", async () => {
      const clock = new ManualClock();
      const subject = make(clock, (e) => assert.fail(String(e)));
      const b = testBinding("lea@example.com", 1, clock.now());
      try {
        await assert.rejects(subject.store.apply(b.aor, [{ op: "upsert", binding: b }]), (e) => codeOf(e) === "LOCATION_NOT_OPEN");
        await subject.store.open();
        await assert.rejects(subject.store.open(), (e) => codeOf(e) === "LOCATION_NOT_OPEN");
        const queued = subject.store.apply(b.aor, [{ op: "upsert", binding: b }]);
        await subject.store.close();
        await queued;
        await assert.rejects(subject.store.apply(b.aor, [{ op: "upsert", binding: b }]), (e) => codeOf(e) === "LOCATION_CLOSED");
        await subject.store.close();
      } finally {
        await subject.dispose();
      }
    });

    it("keeps going when a listener throws, reporting it to onError", () =>
      withStore(make, async (store, clock, errors) => {
        const b = testBinding("max@example.com", 1, clock.now());
        let after = 0;
        store.subscribe(() => {
          throw new Error("listener bug");
        });
        store.subscribe(() => after++);
        await store.apply(b.aor, [{ op: "upsert", binding: b }]);
        assert.equal(after, 1);
        assert.equal(errors.length, 1);
        assert.match(String(errors[0]), /listener bug/);
        assert.deepEqual(store.get(b.aor), [b]);
      }));

    it("matches the registrar's view: no binding of another AOR leaks", () =>
      withStore(make, async (store, clock) => {
        const bs: Binding[] = [];
        for (let i = 0; i < 5; i++) bs.push(testBinding(i % 2 === 0 ? "n1@example.com" : "n2@example.com", i, clock.now()));
        for (const b of bs) await store.apply(b.aor, [{ op: "upsert", binding: b }]);
        assert.deepEqual(
          store.get("n1@example.com").map((b) => b.ruid),
          bs.filter((b) => b.aor === "n1@example.com").map((b) => b.ruid),
        );
        assert.deepEqual([...store.aors()].sort(), ["n1@example.com", "n2@example.com"]);
      }));
  });
}
