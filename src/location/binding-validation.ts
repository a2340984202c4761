// Checks a change set before it is queued, so one bad REGISTER cannot fail the transaction (and the
// replies) of every REGISTER batched with it. Ranges follow the column types of memory-index.ts.
import type { Binding, BindingChange } from "./binding.js";
import { LocationError } from "./errors.js";

const PROTOCOLS = new Set(["udp", "tcp", "tls", "ws", "wss"]);

function isInt(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max;
}

/** Why the binding cannot be stored, or undefined when it can. */
export function bindingProblem(b: Binding): string | undefined {
  if (b.ruid.length === 0) return "empty ruid";
  if (!Number.isSafeInteger(b.expiresAtMs)) return `expiresAtMs ${b.expiresAtMs} is not an integer`;
  if (!Number.isSafeInteger(b.modifiedAtMs)) return `modifiedAtMs ${b.modifiedAtMs} is not an integer`;
  if (!isInt(b.q1000, -1, 1000)) return `q1000 ${b.q1000} is not an integer in -1..1000`;
  if (!isInt(b.cseq, 0, 0xffff_ffff)) return `cseq ${b.cseq} is not a 32-bit unsigned integer`;
  if (!isInt(b.flags, -0x8000_0000, 0x7fff_ffff)) return `flags ${b.flags} is not a 32-bit integer`;
  if (!isInt(b.regId, 0, 0x7fff_ffff)) return `regId ${b.regId} is not a 31-bit unsigned integer`;
  if (!isInt(b.source.port, 0, 65_535)) return `source port ${b.source.port} out of range`;
  if (!PROTOCOLS.has(b.source.protocol)) return `unknown protocol ${String(b.source.protocol)}`;
  if (b.connectionId !== undefined && !isInt(b.connectionId, 0, Number.MAX_SAFE_INTEGER)) return `connectionId ${b.connectionId} is not a non-negative integer`;
  return undefined;
}

/** Checks that every upserted binding of the change set of `aor` belongs to it and can be stored. */
export function checkChangeSet(aor: string, changes: readonly BindingChange[]): LocationError | undefined {
  for (const c of changes) {
    if (c.op !== "upsert") continue;
    const b = c.binding;
    if (b.aor !== aor) return new LocationError("LOCATION_INVALID_CHANGE", `binding ${b.ruid} has AOR ${b.aor}, not ${aor}`);
    const problem = bindingProblem(b);
    if (problem !== undefined) return new LocationError("LOCATION_INVALID_CHANGE", `binding ${b.ruid} of ${aor}: ${problem}`);
  }
  return undefined;
}

/** Checks that no ruid the change set touches is held by another AOR (`ownerOf` answers). */
export function checkOwnership(aor: string, changes: readonly BindingChange[], ownerOf: (ruid: string) => string | undefined): LocationError | undefined {
  for (const c of changes) {
    const ruid = c.op === "upsert" ? c.binding.ruid : c.ruid;
    const owner = ownerOf(ruid);
    if (owner !== undefined && owner !== aor) return new LocationError("LOCATION_INVALID_CHANGE", `ruid ${ruid} belongs to ${owner}, not ${aor}`);
  }
  return undefined;
}
