/**
 * State sync as the App sees it. The state machine keeps no snapshots itself
 * (it has no disk): UrbisApp delegates ABCI's four snapshot calls to a
 * {@link SnapshotProvider} given in `AppOptions.snapshots` (the node's
 * disk-backed snapshot manager), and after a completed restore reloads what it
 * caches from the restored state. Without a provider the app serves and
 * accepts no snapshots.
 */
import type { ApplyChunkResponse, OfferSnapshotResult, Snapshot } from "./types.js";

/** What a completed restore established (the store now holds `height` and nothing else). */
export interface RestoredState {
  height: bigint;
  /** Root of the restored state: equal to the trusted app hash given to `beginRestore`. */
  appHash: Uint8Array;
  /**
   * Time (Unix ms) of the block at `height`, carried by the snapshot: CheckTx
   * uses it until the next block is finalized. Not covered by the app hash
   * (it only affects CheckTx of a freshly restored node).
   */
  lastBlockTimeMs: bigint;
}

/** Outcome of applying one chunk: the ABCI answer, and whether every chunk has now been applied. */
export interface ChunkApplied extends ApplyChunkResponse {
  /** True once the last chunk was accepted: the app then calls `finishRestore`. */
  complete: boolean;
}

/**
 * Serves local snapshots and restores one offered by a peer into the app's
 * store (the same CommitStore object the app was given). Every method may be
 * called concurrently with the app's other calls; restores only happen on a
 * node whose store is empty.
 */
export interface SnapshotProvider {
  /** Snapshots this node can serve, newest first. */
  listSnapshots(): Promise<Snapshot[]>;
  /** One chunk of a local snapshot, or empty bytes if there is no such chunk. */
  loadChunk(height: bigint, format: number, index: number): Promise<Uint8Array>;
  /**
   * Starts restoring `snapshot`, whose state must hash to `trustedAppHash`
   * (verified by the light client). Abandons any restore in progress.
   */
  beginRestore(snapshot: Snapshot, trustedAppHash: Uint8Array): Promise<OfferSnapshotResult>;
  /** Applies chunk `index` (they come in order) received from peer `sender`. */
  applyChunk(index: number, chunk: Uint8Array, sender: string): Promise<ChunkApplied>;
  /**
   * After the last chunk: checks the imported state's root against the
   * trusted app hash and, if equal, makes it the store's version `height`.
   * Undefined if it does not match (the store is then empty again).
   */
  finishRestore(): Promise<RestoredState | undefined>;
  /**
   * Told after every commit (height and its block time), to take snapshots.
   * Must return at once (work continues in the background) and never throw.
   */
  afterCommit?(height: bigint, lastBlockTimeMs: bigint): void;
}
