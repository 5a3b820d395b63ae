/**
 * @urbis/store: the versioned, Merkle-committed state store behind the App
 * (the `CommitStore` of @urbis/state), persisted in LMDB or kept in memory.
 */
export { StoreErrors } from "./errors.js";
export { LmdbCommitStore, type LmdbStoreOptions, open } from "./lmdb.js";
export { MemoryCommitStore } from "./memory.js";
export { StateExport } from "./tree-export.js";
export { StoreImport } from "./tree-import.js";
export {
  type CommitSet,
  type CommitStoreOptions,
  MAX_KEY_BYTES,
  type StoreBackend,
  TreeCommitStore,
} from "./tree-store.js";
