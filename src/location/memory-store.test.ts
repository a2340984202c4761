import { runLocationStoreContract } from "./location-store.contract.js";
import { MemoryLocationStore } from "./memory-store.js";

runLocationStoreContract("MemoryLocationStore", (clock, onError) => ({
  store: new MemoryLocationStore({ clock, onError, sweepIntervalMs: 0 }),
  dispose: async () => undefined,
}));
