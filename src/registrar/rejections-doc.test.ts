// Every rejection code is documented in docs/registrar.md with its status and reason, and the doc names no unknown code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { REJECTIONS } from "./rejections.js";

test("docs/registrar.md lists exactly the rejection catalogue", () => {
  const doc = readFileSync(new URL("../../../docs/registrar.md", import.meta.url), "utf8");
  const rows = [...doc.matchAll(/^\| `(\w+)` \| (\d{3}) \| (.+) \|$/gm)].map((m) => [m[1]!, Number(m[2]), m[3]!] as const);
  const documented = new Map(rows.map(([code, status, reason]) => [code, { status, reason }]));
  for (const [code, def] of Object.entries(REJECTIONS)) {
    assert.deepEqual(documented.get(code), { status: def.status, reason: def.reason }, `${code} documented as in rejections.ts`);
  }
  assert.deepEqual([...documented.keys()].filter((c) => !(c in REJECTIONS)), [], "no unknown code in the doc");
});
