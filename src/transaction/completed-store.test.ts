import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { SendTarget } from "../transport/types.js";
import { CompletedServerTransactions } from "./completed-store.js";

const target = (port: number, listenerId?: string): SendTarget => ({ protocol: "udp", remote: { address: "2001:db8::7", port }, ...(listenerId === undefined ? {} : { listenerId }) });

describe("CompletedServerTransactions", () => {
  it("gives back the response bytes and target of a key", () => {
    const store = new CompletedServerTransactions();
    store.add("z9hG4bK-1 h:5060 REGISTER", Buffer.from("SIP/2.0 200 OK\r\n\r\n"), target(5062, "udp:a"));
    store.add("z9hG4bK-2 h:5060 REGISTER", Buffer.from("SIP/2.0 401 Unauthorized\r\n\r\n"), target(5064));
    const a = store.lookup("z9hG4bK-1 h:5060 REGISTER");
    assert.equal(a?.response.toString(), "SIP/2.0 200 OK\r\n\r\n");
    assert.deepEqual(a?.target, target(5062, "udp:a"));
    assert.deepEqual(store.lookup("z9hG4bK-2 h:5060 REGISTER")?.target, target(5064));
    assert.equal(store.lookup("z9hG4bK-3 h:5060 REGISTER"), undefined);
    assert.equal(store.lookup("z9hG4bK-1 h:5060 OPTIONS"), undefined);
  });

  it("keeps a record through n-1 rotations and drops it at the n-th", () => {
    const store = new CompletedServerTransactions(3);
    store.add("k", Buffer.from("r"), target(1));
    store.rotate();
    store.rotate();
    assert.ok(store.lookup("k") !== undefined);
    store.rotate();
    assert.equal(store.lookup("k"), undefined);
    assert.equal(store.size, 0);
  });

  it("forgets a removed record", () => {
    const store = new CompletedServerTransactions();
    store.add("k", Buffer.from("r"), target(1));
    store.rotate();
    assert.equal(store.remove("k"), true);
    assert.equal(store.lookup("k"), undefined);
    assert.equal(store.remove("k"), false);
  });

  it("grows to many records, big responses and non-ASCII keys without mixing them up", () => {
    const store = new CompletedServerTransactions();
    for (let i = 0; i < 20_000; i++) store.add(`z9hG4bK-${i} host:5060 REGISTER`, Buffer.from(`response ${i}`), target(i % 65536));
    const big = Buffer.alloc(300_000, 0x41);
    store.add("big", big, target(9));
    store.add("ключ-ü", Buffer.from("unicode"), target(10));
    for (let i = 0; i < 20_000; i += 97) {
      const hit = store.lookup(`z9hG4bK-${i} host:5060 REGISTER`);
      assert.equal(hit?.response.toString(), `response ${i}`);
      assert.equal(hit?.target.remote.port, i % 65536);
    }
    assert.ok(store.lookup("big")?.response.equals(big));
    assert.equal(store.lookup("ключ-ü")?.response.toString(), "unicode");
    assert.equal(store.lookup("ключ-u"), undefined);
    assert.equal(store.size, 20_002);
  });

  it("reuses the chunks of a dropped generation without corrupting live records", () => {
    const store = new CompletedServerTransactions(3);
    const response = (round: number, i: number): Buffer => Buffer.from(`SIP/2.0 200 OK round ${round} #${i} `.padEnd(400, "x"));
    // 2000 records of ~450 bytes fill several 256 KiB chunks per generation.
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 2000; i++) store.add(`k-${round}-${i}`, response(round, i), target(i));
      for (let back = 0; back < 3 && back <= round; back++) {
        const r = round - back;
        for (let i = 0; i < 2000; i += 37) assert.ok(store.lookup(`k-${r}-${i}`)?.response.equals(response(r, i)), `round ${r} record ${i}`);
      }
      if (round >= 3) assert.equal(store.lookup(`k-${round - 3}-0`), undefined);
      store.rotate();
    }
  });
});
