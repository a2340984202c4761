// Orders SRV records for trying, per RFC 2782 "Usage rules" (as RFC 3263 §4.3 requires).
import type { SrvRecord } from "./types.js";

/** Source of uniform floats in [0, 1); injectable so weighted selection is testable. */
export interface FloatSource {
  float(): number;
}

/** RFC 2782: a target of "." means "service decidedly not available here"; such records are never tried. */
export function isRootTarget(target: string): boolean {
  return target === "" || target === ".";
}

/**
 * Lowest priority first; within one priority, repeatedly pick a record at random with probability
 * proportional to its weight (weight-0 records placed first, so they are chosen only rarely).
 * One random draw is made per pick among two or more remaining records.
 */
export function orderSrvRecords(records: readonly SrvRecord[], random: FloatSource): SrvRecord[] {
  const usable = records.filter((r) => !isRootTarget(r.target));
  const priorities = [...new Set(usable.map((r) => r.priority))].sort((a, b) => a - b);
  return priorities.flatMap((p) => weightedShuffle(usable.filter((r) => r.priority === p), random));
}

function weightedShuffle(group: readonly SrvRecord[], random: FloatSource): SrvRecord[] {
  const remaining = [...group.filter((r) => r.weight === 0), ...group.filter((r) => r.weight !== 0)];
  const ordered: SrvRecord[] = [];
  while (remaining.length > 0) {
    const index = remaining.length === 1 ? 0 : pickIndex(remaining, random);
    ordered.push(...remaining.splice(index, 1));
  }
  return ordered;
}

/** RFC 2782: draw n uniformly in [0, sum of weights], take the first record whose running sum is >= n. */
function pickIndex(remaining: readonly SrvRecord[], random: FloatSource): number {
  const total = remaining.reduce((sum, r) => sum + r.weight, 0);
  const draw = Math.min(total, Math.floor(random.float() * (total + 1)));
  let running = 0;
  for (let i = 0; i < remaining.length; i++) {
    running += remaining[i]?.weight ?? 0;
    if (running >= draw) return i;
  }
  return remaining.length - 1;
}
