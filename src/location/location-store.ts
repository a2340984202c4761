// The location service's storage contract (RFC 3261 §10.3 "location service"): a fast in-memory index
// for reads, in front of a durable backend. A change set resolves only once it is durable.
import type { Binding, BindingChange } from "./binding.js";

export type LocationEvent =
  | { type: "contact-added"; binding: Binding }
  | { type: "contact-updated"; binding: Binding; previous: Binding }
  | { type: "contact-removed"; binding: Binding; reason: "unregistered" | "replaced" | "admin" }
  | { type: "contact-expired"; binding: Binding };

export interface LocationStore {
  /** Loads the durable state (dropping what expired while down). Call once before use. */
  open(): Promise<void>;
  /** Live bindings of an AOR (expiry in the future), in insertion order. Synchronous: memory only. */
  get(aor: string): readonly Binding[];
  /** A binding by ruid (or undefined). */
  byRuid(ruid: string): Binding | undefined;
  /** Applies the changes of one AOR atomically; resolves once durable, then they are visible in get(). */
  apply(aor: string, changes: readonly BindingChange[]): Promise<void>;
  /** Every AOR with at least one live binding. */
  aors(): IterableIterator<string>;
  readonly aorCount: number;
  readonly contactCount: number;
  /** Subscribes to changes and expiries; returns an unsubscribe function. */
  subscribe(listener: (e: LocationEvent) => void): () => void;
  /** Flushes pending commits and closes the backend. */
  close(): Promise<void>;
}
