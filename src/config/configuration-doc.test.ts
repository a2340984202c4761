// docs/configuration.md documents exactly the keys of the schema and the flags of `sipreg serve`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { addServeOptions } from "./cli-flags.js";
import { configSchema } from "./schema.js";
import { keyPaths } from "./schema-keys.js";

const DOC = readFileSync(new URL("../../../docs/configuration.md", import.meta.url), "utf8");

/** The first cell of every table row, when it is `code`. */
function firstCells(): string[] {
  return [...DOC.matchAll(/^\|\s*`([^`]+)`/gm)].map((m) => m[1]!);
}

test("every schema key is documented, and every documented key exists", () => {
  const schemaKeys = keyPaths(configSchema);
  const documented = firstCells().filter((c) => !c.startsWith("-"));
  assert.deepEqual(
    schemaKeys.filter((k) => !documented.includes(k)),
    [],
    "keys missing from docs/configuration.md",
  );
  assert.deepEqual(
    documented.filter((k) => !schemaKeys.includes(k)),
    [],
    "documented keys the schema does not have",
  );
  assert.equal(new Set(documented).size, documented.length, "a key documented twice");
});

test("every flag of sipreg serve is documented, and every documented flag exists", () => {
  const flags = addServeOptions(new Command()).options.map((o) => o.long!);
  const documented = firstCells()
    .filter((c) => c.startsWith("--"))
    .map((c) => c.split(" ")[0]!);
  assert.deepEqual([...flags].sort(), [...documented].sort());
});

test("key paths are read from the schema", () => {
  const keys = keyPaths(configSchema);
  for (const k of ["listen", "listen[].cert", "registrar.min_expires", "auth.users[].password", "auth.throttle.block", "tcp.idle_timeout"]) {
    assert.ok(keys.includes(k), k);
  }
});
