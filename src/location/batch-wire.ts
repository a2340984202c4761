// A group-commit batch as one JSON string of flat rows, for the writer thread: cloning one string
// across threads is a copy, while structured-cloning Binding objects cost ~10 µs per REGISTER.
import type { LocationWrite } from "./location-backend.js";
import { bindingToRow } from "./location-row.js";

/** ["u", ...row] upsert; ["r", ruid] remove; ["p", expiredBy, ruid] delete if still expired. */
export type WireOp = Array<string | number | null>;

export function encodeBatch(batch: readonly LocationWrite[]): string {
  const ops: WireOp[] = [];
  for (const w of batch) {
    if (w.kind === "purge") {
      for (const ruid of w.ruids) ops.push(["p", w.expiredBy, ruid]);
      continue;
    }
    for (const c of w.changes) {
      if (c.op === "remove") ops.push(["r", c.ruid]);
      else ops.push(["u", ...bindingToRow(c.binding)]);
    }
  }
  return JSON.stringify(ops);
}

export function decodeBatch(text: string): WireOp[] {
  return JSON.parse(text) as WireOp[];
}
