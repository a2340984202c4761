// Child process of durability.test.ts: writes bindings through a SqliteLocationStore as fast as it can
// and prints "ACK <ruid>" for each only after its apply() resolved, until it is killed.
//   node durability-child.js <database path> <full|normal>
import { SqliteLocationStore } from "./sqlite-store.js";
import { testBinding } from "./test-bindings.js";

const IN_FLIGHT = 32;

async function main(): Promise<void> {
  const [path, sync] = process.argv.slice(2);
  if (path === undefined || (sync !== "full" && sync !== "normal")) throw new Error("usage: durability-child <path> <full|normal>");
  const store = new SqliteLocationStore({ path, synchronous: sync, sweepIntervalMs: 0 });
  await store.open();
  process.stdout.write("READY\n");
  let n = 0;
  const writeNext = (): void => {
    const i = n++;
    const b = testBinding(`crash${i % 500}@example.com`, i, Date.now(), { ruid: `ruid-${i}` });
    store.apply(b.aor, [{ op: "upsert", binding: b }]).then(
      () => {
        // Pipes are written synchronously on Linux: the line is out before the next commit starts.
        process.stdout.write(`ACK ${b.ruid}\n`);
        writeNext();
      },
      (err: unknown) => {
        process.stderr.write(`apply failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  for (let k = 0; k < IN_FLIGHT; k++) writeNext();
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
