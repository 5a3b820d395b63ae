/** State-sync snapshots of a node: format 1 and the disk-backed manager (see docs/state-sync.md). */
export * from "./format.js";
export { SnapshotManager, type SnapshotManagerOptions } from "./manager.js";
