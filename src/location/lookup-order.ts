// What lookup needs of a store, and the order it returns contacts in.
import type { Binding } from "./binding.js";
import type { LocationStore } from "./location-store.js";

/** The read side of a LocationStore (all that lookup, GRUU resolution and registered() use). */
export type LocationReader = Pick<LocationStore, "get" | "byRuid">;

/**
 * q descending (RFC 3261 §20.10: q is the relative preference among contacts), then the most recently
 * modified first — Kamailio usrloc's order. A contact without q (-1, Kamailio Q_UNSPECIFIED) sorts
 * below every explicit q, as in Kamailio.
 */
export function compareContacts(a: Binding, b: Binding): number {
  return b.q1000 - a.q1000 || b.modifiedAtMs - a.modifiedAtMs;
}

/** A sorted copy (Array.prototype.sort is stable: equal ones keep insertion order). */
export function orderContacts(bindings: readonly Binding[]): Binding[] {
  return bindings.length <= 1 ? bindings.slice() : bindings.slice().sort(compareContacts);
}
