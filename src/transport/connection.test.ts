import { test } from "node:test";
import assert from "node:assert/strict";
import { StubConnection } from "./test-helpers.js";

test("Connection: writes before the connection is up are queued and counted in the backlog", () => {
  const c = new StubConnection({ id: 1 }, true);
  c.write(Buffer.alloc(10));
  c.write(Buffer.alloc(5));
  assert.equal(c.connecting, true);
  assert.equal(c.backlogBytes, 15);
  assert.deepEqual(c.written, []);
  c.close();
  assert.equal(c.backlogBytes, 0);
  c.write(Buffer.alloc(1));
  assert.deepEqual(c.written, [], "writes after close are dropped");
});
