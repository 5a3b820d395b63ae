/**
 * The solo engine, the embedded single-node default, and `startSoloNode`,
 * which wires it to a durable state store and the standard modules.
 *
 * A solo home directory holds two LMDB environments:
 *   `<home>/state`  – the App's versioned Merkle store (@urbis/store)
 *   `<home>/blocks` – the block store (blocks, results, tx index)
 * Kept apart so a crash between saving a block and committing its state is
 * detectable (and repaired by replay) at the next start.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type GenesisDoc, type Module, UrbisApp } from "@urbis/state";
import { LmdbCommitStore } from "@urbis/store";
import { nativeEd25519Verifier } from "../crypto/ed25519.js";
import { fastTxHash } from "../crypto/hash.js";
import { defaultModules } from "../modules.js";
import { SoloEngine, type SoloEngineOptions } from "./engine.js";
import type { MempoolLimits } from "./mempool.js";

export {
  formatCursor,
  parseCursor,
  type SoloApp,
  SoloEngine,
  type SoloEngineOptions,
  streamItemsOf,
} from "./engine.js";
export { DEFAULT_MEMPOOL_LIMITS, Mempool, type MempoolEntry, type MempoolLimits } from "./mempool.js";
export { type BlockMetrics, EngineMetrics, registerEngineMetrics } from "./metrics.js";

/** Options of {@link startSoloNode}. */
export interface StartSoloNodeOptions {
  /** Data directory; `state/` and `blocks/` are created inside. */
  home: string;
  genesis: GenesisDoc;
  /** Modules in execution order. Default: {@link defaultModules}. */
  modules?: () => Module<any>[];
  /**
   * Time between block attempts. A block is made when transactions wait, or
   * (possibly empty) when governance work falls due (the App's `nextDueTimeMs`,
   * e.g. a voting period ended). Default 1000 ms.
   */
  blockIntervalMs?: number;
  /** Most transactions per block. Default 5000. */
  maxBlockTxs?: number;
  /** Most transaction bytes per block. Default 8 MiB. */
  maxBlockBytes?: number;
  mempool?: MempoolLimits;
  /** Heights of state and blocks to keep (0 = all). Default 0. */
  keepRecent?: number;
  /** Check every invariant every N blocks (0 = only at genesis). Default 0. */
  invariantPeriod?: number;
  /** Signature worker threads (0 = inline). Default: one per core, at most 8. */
  verifierWorkers?: number;
  /** Default timeout of `submit(..., "commit")`, ms. Default 30 000. */
  commitTimeoutMs?: number;
  /** Wall clock for block times. Default Date.now. */
  clock?: () => number;
  /** Skip fsync in both stores: throwaway test nodes only (a machine crash may lose committed blocks). */
  noSync?: boolean;
  /** See {@link SoloEngineOptions.onFatal}. */
  onFatal?: (err: Error) => void;
}

/**
 * Opens (or creates) a solo node in `home` and starts it: InitChain on a new
 * chain, crash repair by replay on an existing one, then block production.
 * Resolves to the running engine (a NodeService); `close()` stops it and
 * closes both stores. Rejects with an InvariantViolation if the stored state
 * and blocks disagree.
 */
export async function startSoloNode(opts: StartSoloNodeOptions): Promise<SoloEngine> {
  mkdirSync(opts.home, { recursive: true });
  const keepRecent = opts.keepRecent ?? 0;
  const noSync = opts.noSync ?? false;
  // The closures below outlive start: they use these locals, not `opts`, so
  // the genesis document (possibly huge) is not kept alive through them.
  const home = opts.home;
  const invariantPeriod = opts.invariantPeriod ?? 0;
  const modules = opts.modules ? opts.modules() : defaultModules(opts.genesis);
  let state: LmdbCommitStore | undefined;
  const engineOpts: SoloEngineOptions = {
    home,
    genesis: opts.genesis,
    app: () => {
      state = new LmdbCommitStore(join(home, "state"), { keepRecent, noSync });
      return new UrbisApp({
        store: state,
        modules,
        verifier: nativeEd25519Verifier,
        txHash: fastTxHash,
        invariantPeriod,
        keepRecent,
      });
    },
    keepRecent,
    blockStore: { noSync },
    onClose: async () => {
      await state?.close();
    },
  };
  if (opts.blockIntervalMs !== undefined) engineOpts.blockIntervalMs = opts.blockIntervalMs;
  if (opts.maxBlockTxs !== undefined) engineOpts.maxBlockTxs = opts.maxBlockTxs;
  if (opts.maxBlockBytes !== undefined) engineOpts.maxBlockBytes = opts.maxBlockBytes;
  if (opts.mempool !== undefined) engineOpts.mempool = opts.mempool;
  if (opts.verifierWorkers !== undefined) engineOpts.verifierWorkers = opts.verifierWorkers;
  if (opts.commitTimeoutMs !== undefined) engineOpts.commitTimeoutMs = opts.commitTimeoutMs;
  if (opts.clock !== undefined) engineOpts.clock = opts.clock;
  if (opts.onFatal !== undefined) engineOpts.onFatal = opts.onFatal;
  const engine = new SoloEngine(engineOpts);
  await engine.start();
  return engine;
}
export { ed25519Backend, nativeEd25519Verifier, nativeVerifyRaw } from "../crypto/ed25519.js";
export { SignatureVerifierPool, type VerifierPoolOptions } from "../crypto/verify-pool.js";
export { NodeErrors } from "../errors.js";
export { BlockStore, type BlockStoreOptions, type NewBlock } from "../storage/block-store.js";
