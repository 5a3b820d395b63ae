/**
 * `startCometNode`: one Urbis validator (or full node) = this process, which
 * serves the app over ABCI and the REST API, plus its CometBFT child process.
 *
 * Home layout (next to the solo engine's):
 *   `<home>/state`    – the App's versioned Merkle store
 *   `<home>/snapshots`– state-sync snapshots
 *   `<cometHome>`     – CometBFT's home (config, keys, blocks), usually `<urbis home>/cometbft`
 */

import { createHash } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type GenesisDoc, type Module, UrbisApp } from "@urbis/state";
import { LmdbCommitStore } from "@urbis/store";
import { nativeEd25519Verifier } from "../crypto/ed25519.js";
import { fastTxHash } from "../crypto/hash.js";
import { SignatureVerifierPool } from "../crypto/verify-pool.js";
import { NodeErrors } from "../errors.js";
import { exitOnHalt } from "../fatal.js";
import { defaultModules } from "../modules.js";
import { SnapshotManager } from "../snapshots/index.js";
import { startAbciServer } from "./abci/server.js";
import { type CometSettings, cometPaths, configureCometHome, initCometHome, writeCometGenesis } from "./config.js";
import { CometEngine } from "./engine.js";
import { ensureCometbft } from "./install.js";
import { CometProcess } from "./process.js";
import { RecordingApp } from "./recorder.js";

export * from "./config.js";
export { CometEngine, type CometEngineOptions, rfc3339ToMs } from "./engine.js";
export { COMETBFT_VERSION, ensureCometbft, findCometbft, LOCAL_COMETBFT } from "./install.js";
export { CometProcess } from "./process.js";
export { CometRpc, CometRpcError } from "./rpc.js";

/** Options of {@link startCometNode}. */
export interface StartCometNodeOptions {
  /** Urbis data directory (`state/`, `snapshots/` inside). */
  home: string;
  /** CometBFT home; created with `cometbft init` if missing. */
  cometHome: string;
  genesis: GenesisDoc;
  /** CometBFT settings (ports, peers, timeouts); applied to config.toml at every start. */
  comet: Omit<CometSettings, "proxyApp">;
  /** cometbft binary. Default: the project's pinned one (installed if missing). */
  binary?: string;
  /** Modules in execution order. Default: {@link defaultModules}. */
  modules?: () => Module<any>[];
  keepRecent?: number;
  /** Take a state-sync snapshot every N heights (0 = never). Default 0. */
  snapshotInterval?: number;
  /** Snapshots to keep. Default 2. */
  snapshotKeep?: number;
  invariantPeriod?: number;
  commitTimeoutMs?: number;
  /** Signature worker threads for submitted transactions (0 = inline). Default: one per core, at most 8. */
  verifierWorkers?: number;
  /** Skip fsync in the state store: throwaway test nodes only. */
  noSync?: boolean;
  /**
   * Called when the node must halt (the app hit a broken invariant, or
   * CometBFT died). Default: {@link exitOnHalt} (exit code 70, or 75 for an upgrade this software lacks).
   */
  onFatal?: (err: Error) => void;
}

/** A running CometBFT-backed node. */
export interface CometNode {
  engine: CometEngine;
  /** CometBFT's RPC URL. */
  rpcUrl: string;
  /** CometBFT's process id. */
  cometPid: number | undefined;
  /** Stops CometBFT, then the ABCI server, then closes the store. */
  close(): Promise<void>;
}

/** Where the ABCI socket goes: in the CometBFT home unless that path is too long for a unix socket. */
function socketPath(cometHome: string): string {
  const p = join(cometHome, "abci.sock");
  if (p.length < 100) return p;
  const h = createHash("sha256").update(cometHome).digest("hex").slice(0, 16);
  return join(tmpdir(), `urbis-abci-${h}.sock`);
}

/** Starts the app, its ABCI server and CometBFT; resolves once CometBFT's RPC answers. */
export async function startCometNode(o: StartCometNodeOptions): Promise<CometNode> {
  const binary = o.binary ?? ensureCometbft();
  mkdirSync(o.home, { recursive: true });
  initCometHome(binary, o.cometHome);
  const sock = socketPath(o.cometHome);
  configureCometHome(o.cometHome, { ...o.comet, proxyApp: `unix://${sock}` });
  if (!existsSync(join(o.cometHome, "data", "blockstore.db"))) writeCometGenesis(o.cometHome, o.genesis);
  const rpcUrl = `http://127.0.0.1:${o.comet.rpcPort}`;
  const keepRecent = o.keepRecent ?? 0;
  const store = new LmdbCommitStore(join(o.home, "state"), { keepRecent, noSync: o.noSync ?? false });
  const snapshots = new SnapshotManager({
    home: o.home,
    store,
    interval: o.snapshotInterval ?? 0,
    keep: o.snapshotKeep ?? 2,
    noSync: o.noSync ?? false,
  });
  const app = new UrbisApp({
    store,
    snapshots,
    modules: o.modules ? o.modules() : defaultModules(o.genesis),
    verifier: nativeEd25519Verifier,
    txHash: fastTxHash,
    invariantPeriod: o.invariantPeriod ?? 0,
    keepRecent,
  });
  const pool = new SignatureVerifierPool(o.verifierWorkers === undefined ? {} : { size: o.verifierWorkers });
  const engine = new CometEngine({
    app,
    chainId: o.genesis.chainId,
    rpcUrl,
    verify: (tx) => pool.verify(tx),
    ...(o.commitTimeoutMs !== undefined ? { commitTimeoutMs: o.commitTimeoutMs } : {}),
  });
  const recorded = new RecordingApp(
    app,
    (b) => engine.onCommit(b),
    (h) => engine.onRestored(h),
  );
  let comet: CometProcess | undefined;
  let halted = false;
  const onFatal = o.onFatal ?? exitOnHalt;
  const halt = (err: Error) => {
    if (halted) return;
    halted = true;
    comet?.kill();
    onFatal(err);
  };
  const abci = await startAbciServer({
    address: `unix://${sock}`,
    app: recorded,
    onFatal: (e) => halt(e instanceof Error ? e : new Error(String(e))),
  });
  try {
    comet = await CometProcess.start({
      binary,
      home: o.cometHome,
      rpcUrl,
      onExit: (code, signal) =>
        halt(
          NodeErrors.engineUnavailable.create(
            `cometbft exited unexpectedly (code ${code}, signal ${signal}); see ${cometPaths(o.cometHome).log}`,
          ),
        ),
    });
  } catch (e) {
    await pool.close();
    await abci.close();
    await snapshots.close();
    await store.close();
    throw e;
  }
  engine.start();
  const proc = comet;
  return {
    engine,
    rpcUrl,
    cometPid: proc.pid,
    async close() {
      await engine.close();
      await proc.stop();
      await pool.close();
      await abci.close();
      await snapshots.close();
      await store.close();
    },
  };
}
