// The location store of the "memory only" mode (Kamailio usrloc db_mode=0): the same index, events,
// expiry and commit semantics as SqliteLocationStore, with nothing written anywhere.
import { IndexedLocationStore, type LocationStoreOptions } from "./indexed-store.js";
import { NullBackend } from "./location-backend.js";

export type MemoryLocationStoreOptions = LocationStoreOptions;

export class MemoryLocationStore extends IndexedLocationStore {
  constructor(options: MemoryLocationStoreOptions = {}) {
    // A microtask is enough to batch: there is no fsync to share.
    super(new NullBackend(), options, "microtask");
  }
}
