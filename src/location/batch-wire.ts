// A group-commit batch as one JSON string of flat rows, for the writer thread: cloning one string
// across threads is a copy, while structured-cloning Binding objects cost ~10 µs per REGISTER.
import type { LocationWrite } from "./location-backend.js";
import { bindingToRow } from "./location-row.js";

/**
 * ["u", ...row] upsert; ["t", expires, cseq, last_modified, ruid] refresh of a row held (only those
 * columns change); ["r", ruid] remove; ["p", expiredBy, ruid] delete if still expired.
 */
export type WireOp = Array<string | number | null>;

export function encodeBatch(batch: readonly LocationWrite[]): string {
  const ops: WireOp[] = [];
  for (const w of batch) {
    if (w.kind === "purge") {
      for (const ruid of w.ruids) ops.push(["p", w.expiredBy, ruid]);
      continue;
    }
    const refreshes = w.refreshes;
    for (let k = 0; k < w.changes.length; k++) {
      const c = w.changes[k]!;
      if (c.op === "remove") ops.push(["r", c.ruid]);
      else if (refreshes?.[k] === true) ops.push(["t", c.binding.expiresAtMs, c.binding.cseq, c.binding.modifiedAtMs, c.binding.ruid]);
      else ops.push(["u", ...bindingToRow(c.binding)]);
    }
  }
  return JSON.stringify(ops);
}

export function decodeBatch(text: string): WireOp[] {
  return JSON.parse(text) as WireOp[];
}

/** The full upserts of the refreshes in `batch` whose ruid is in `ruids`: for rows a refresh found missing. */
export function fullUpserts(batch: readonly LocationWrite[], ruids: ReadonlySet<string>): LocationWrite[] {
  const out: LocationWrite[] = [];
  for (const w of batch) {
    if (w.kind !== "changes") continue;
    const changes = w.changes.filter((c) => c.op === "upsert" && ruids.has(c.binding.ruid));
    if (changes.length > 0) out.push({ kind: "changes", aor: w.aor, changes });
  }
  return out;
}
