// The location service (RFC 3261 §10.3): bindings, the stores that keep them, and the lookups on them.
export { BINDING_FLAGS, type Binding, type BindingChange } from "./binding.js";
export type { LocationEvent, LocationStore } from "./location-store.js";
export { LocationError, type LocationErrorCode } from "./errors.js";
export { IndexedLocationStore, type LocationStoreOptions, type LocationStoreStats } from "./indexed-store.js";
export { MemoryLocationStore, type MemoryLocationStoreOptions } from "./memory-store.js";
export { SqliteLocationStore, type SqliteLocationStoreOptions } from "./sqlite-store.js";
export { AorLock } from "./aor-lock.js";
export {
  acceptsMethod,
  compareContacts,
  fetchContacts,
  lookup,
  orderContacts,
  registered,
  resolveGruu,
  ruidOfTempGruuUser,
  tempGruuUser,
  type ContactRecord,
  type FetchedContacts,
  type GruuResolution,
  type LocationReader,
  type LookupOptions,
  type LookupResult,
  type RegisteredMatch,
  type ResolveGruuOptions,
} from "./lookup.js";
export { TEMP_GRUU_PREFIX, instanceUrn, sameInstance } from "./gruu.js";
