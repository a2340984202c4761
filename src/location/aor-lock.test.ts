import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { setImmediate as tick } from "node:timers/promises";
import { AorLock } from "./aor-lock.js";

describe("AorLock", () => {
  it("serialises the critical sections of one AOR, in arrival order", async () => {
    const lock = new AorLock();
    const log: string[] = [];
    let inside = 0;
    const section = (name: string) => async (): Promise<string> => {
      inside++;
      assert.equal(inside, 1, "two sections of one AOR overlap");
      log.push(`${name}:in`);
      await tick();
      await tick();
      log.push(`${name}:out`);
      inside--;
      return name;
    };
    const results = await Promise.all(["a", "b", "c", "d"].map((n) => lock.run("alice@example.com", section(n))));
    assert.deepEqual(results, ["a", "b", "c", "d"]);
    assert.deepEqual(log, ["a:in", "a:out", "b:in", "b:out", "c:in", "c:out", "d:in", "d:out"]);
    assert.equal(lock.size, 0);
  });

  it("lets different AORs run at the same time", async () => {
    const lock = new AorLock();
    let concurrent = 0;
    let peak = 0;
    await Promise.all(
      ["a@x", "b@x", "c@x"].map((aor) =>
        lock.withAorLock(aor, async () => {
          peak = Math.max(peak, ++concurrent);
          await tick();
          concurrent--;
        }),
      ),
    );
    assert.equal(peak, 3);
  });

  it("releases the lock when the section throws, and passes the error on", async () => {
    const lock = new AorLock();
    const failing = lock.run("bob@example.com", async () => {
      await tick();
      throw new Error("boom");
    });
    const next = lock.run("bob@example.com", () => "ran");
    await assert.rejects(failing, /boom/);
    assert.equal(await next, "ran");
    assert.equal(lock.isLocked("bob@example.com"), false);
    await assert.rejects(
      lock.run("bob@example.com", () => {
        throw new Error("sync throw");
      }),
      /sync throw/,
    );
    assert.equal(lock.size, 0);
  });

  it("two lock tables are independent", async () => {
    const one = new AorLock();
    const two = new AorLock();
    let release!: () => void;
    const held = one.run("carol@example.com", () => new Promise<void>((r) => (release = r)));
    await tick();
    assert.equal(await two.run("carol@example.com", () => 7), 7);
    release();
    await held;
  });
});
