import { test } from "node:test";
import assert from "node:assert/strict";
import { pointInWindow, refreshWindow, type RefreshSettings } from "./refresh-policy.js";

const S: RefreshSettings = { refreshMarginSec: 60, refreshJitter: 0.1, minRefreshSec: 10, firstRefreshSpread: 0.5 };

test("refresh window by granted expiry, table", () => {
  // granted → [earliest, latest] seconds
  const rows: Array<[number, number, number]> = [
    [3600, 3186, 3540], // long: 60 s before, spread over 10 % earlier
    [600, 486, 540],
    [121, 54.9, 61], // just above 2·margin: the margin rule
    [120, 54, 60], // 2·margin and below: half
    [60, 27, 30],
    [30, 13.5, 15],
    [20, 10, 10], // the floor
    [1, 10, 10], // tiny grant: never below the floor
    [0, 10, 10],
    [-5, 10, 10],
    [NaN, 10, 10],
  ];
  for (const [g, earliest, latest] of rows) {
    const w = refreshWindow(g, S);
    assert.deepEqual(w, { earliestMs: Math.round(earliest * 1000), latestMs: Math.round(latest * 1000) }, `granted ${g}`);
    assert.ok(w.earliestMs <= w.latestMs);
  }
});

test("a refresh always comes before a long binding lapses, with the margin to spare", () => {
  for (let g = 121; g < 100_000; g += 977) {
    const w = refreshWindow(g, S);
    assert.ok(w.latestMs <= (g - 60) * 1000, `granted ${g}`);
    assert.ok(w.earliestMs >= 10_000);
  }
});

test("the first refresh after a first registration spreads over half the refresh time; later ones do not", () => {
  assert.deepEqual(refreshWindow(3600, S, true), { earliestMs: 1_770_000, latestMs: 3_540_000 });
  assert.deepEqual(refreshWindow(3600, S, false), { earliestMs: 3_186_000, latestMs: 3_540_000 });
  assert.deepEqual(refreshWindow(60, S, true), { earliestMs: 15_000, latestMs: 30_000 });
  // The jitter wins when it is the wider.
  assert.deepEqual(refreshWindow(3600, { ...S, refreshJitter: 0.6 }, true), refreshWindow(3600, { ...S, refreshJitter: 0.6 }, false));
});

test("zero jitter gives a point; pointInWindow stays inside", () => {
  const w = refreshWindow(3600, { ...S, refreshJitter: 0 });
  assert.equal(w.earliestMs, w.latestMs);
  const v = refreshWindow(3600, S);
  for (const r of [0, 0.25, 0.999999]) {
    const p = pointInWindow(v, r);
    assert.ok(p >= v.earliestMs && p <= v.latestMs);
  }
});
