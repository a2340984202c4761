import { test } from "node:test";
import assert from "node:assert/strict";
import { ConnectionTable } from "./connection-table.js";
import { StubConnection } from "./test-helpers.js";

test("ConnectionTable: the newest open connection to a peer is reused; an older one is found again when it closes", () => {
  const t = new ConnectionTable();
  const a = new StubConnection({ id: t.allocateId() });
  const b = new StubConnection({ id: t.allocateId() });
  const v6 = new StubConnection({ id: t.allocateId(), remote: { address: "2001:db8::1", port: 5060 } });
  t.add(a);
  t.add(b);
  t.add(v6);
  assert.equal(t.findByPeer("tcp", { address: "192.0.2.1", port: 5060 }), b);
  assert.equal(t.findByPeer("tls", { address: "192.0.2.1", port: 5060 }), undefined, "keyed by protocol too");
  assert.equal(t.findByPeer("tcp", { address: "2001:DB8::1", port: 5060 }), v6, "IPv6 case does not matter");
  b.close();
  assert.equal(t.findByPeer("tcp", { address: "192.0.2.1", port: 5060 }), a, "a closed one is skipped");
  t.remove(b);
  assert.equal(t.findByPeer("tcp", { address: "192.0.2.1", port: 5060 }), a);
  t.remove(a);
  assert.equal(t.findByPeer("tcp", { address: "192.0.2.1", port: 5060 }), undefined);
  assert.equal(t.size, 1);
  assert.deepEqual([...t.all()], [v6]);
  assert.equal(t.get(v6.id), v6);
});
