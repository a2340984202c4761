#!/usr/bin/env node
// Runs the compiled tests with node:test. Usage: run-tests.mjs unit|interop|all [filter]
// unit: dist/src/**/*.test.js (tests beside each layer); interop: dist/test/interop/**/*.test.js (real peers).
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const [suite = "unit", filter = ""] = process.argv.slice(2);
const roots = { unit: ["dist/src"], interop: ["dist/test/interop"], all: ["dist/src", "dist/test/interop"] }[suite];
if (!roots) {
  console.error(`unknown suite "${suite}": expected unit, interop or all`);
  process.exit(2);
}
const files = [];
const walk = (dir) => {
  let entries;
  try { entries = readdirSync(dir); } catch { return; }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".test.js") && p.includes(filter)) files.push(p);
  }
};
roots.forEach(walk);
files.sort();
if (files.length === 0) {
  console.error(`no test files found for suite ${suite}`);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? "2";
const r = spawnSync(process.execPath, ["--expose-gc", "--test", `--test-concurrency=${concurrency}`, ...files], { stdio: "inherit" });
process.exit(r.status ?? 1);
