/**
 * The solo engine: an embedded single-node "consensus" that drives the App
 * through the same ABCI 2.0 steps CometBFT would (InitChain, CheckTx,
 * PrepareProposal, FinalizeBlock, Commit), so the App cannot tell the two
 * apart and a chain can later move to CometBFT unchanged.
 *
 * Durability order per block: FinalizeBlock, then the block and its results
 * are saved durably to the block store, then the App commits state. A crash
 * between the two leaves the block store one block ahead, which `start()`
 * repairs by replaying that block (CometBFT's handshake), checking that the
 * replay yields the stored app hash. Clients waiting for commit are told only
 * after both are durable.
 */
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { bytesEqual, fromHex, InvariantViolation, MAX_TX_BYTES, TxErrors, toHex, UrbisError } from "@urbis/protocol";
import { type App, CheckTxType, type Event, type GenesisDoc, type TxResult } from "@urbis/state";
import { fastTxHash } from "../crypto/hash.js";
import { SignatureVerifierPool } from "../crypto/verify-pool.js";
import { NodeErrors } from "../errors.js";
import {
  type BlockHeader,
  type BlockRecord,
  committedSubmitResult,
  describeApp,
  type NodeDescription,
  type NodeService,
  type NodeStatus,
  type QueryResult,
  type StreamItem,
  type SubmitResult,
  type SubmitWait,
  type TxRecord,
} from "../service.js";
import { BlockStore, type BlockStoreOptions } from "../storage/block-store.js";
import { blockHash, dataHash } from "../storage/codecs.js";
import { Mempool, type MempoolEntry, type MempoolLimits } from "./mempool.js";
import { EngineMetrics } from "./metrics.js";

/**
 * The App as the engine uses it: ABCI plus optional discovery and the time
 * its next end-of-block work falls due (UrbisApp has all three).
 */
export type SoloApp = App & {
  messageTypes?(): string[];
  queryPaths?(): string[];
  /** Earliest block time (Unix ms) at which the App has end-of-block work due; undefined when none. */
  nextDueTimeMs?(): bigint | undefined;
};

/** Options of {@link SoloEngine}. */
export interface SoloEngineOptions {
  /** Node home directory; the block store lives in `<home>/blocks`. */
  home: string;
  genesis: GenesisDoc;
  /** The App, or a factory called once by `start()` (after which the engine owns it). */
  app: SoloApp | (() => SoloApp | Promise<SoloApp>);
  /**
   * Time between block attempts. A block is made when the mempool is not
   * empty, or (possibly empty) when the App's `nextDueTimeMs()` has been
   * reached by the engine clock. Default 1000 ms.
   */
  blockIntervalMs?: number;
  /** Most transactions per block. Default 5000. */
  maxBlockTxs?: number;
  /** Most transaction bytes per block. Default 8 MiB. */
  maxBlockBytes?: number;
  mempool?: MempoolLimits;
  /**
   * Blocks to keep in the block store (0 = all). The App's own retain height
   * (from Commit) is honoured too; the higher of the two wins.
   */
  keepRecent?: number;
  /** Signature-verifying worker threads (0 = verify inline). Default: one per core, at most 8. */
  verifierWorkers?: number;
  /** Wall clock in Unix ms, for block times only (the App never reads a clock). Default Date.now. */
  clock?: () => number;
  /** Default timeout of `submit(..., "commit")`. Default 30 s. */
  commitTimeoutMs?: number;
  /** Block store options (e.g. noSync for throwaway test stores). */
  blockStore?: BlockStoreOptions;
  /**
   * Called when the engine halts on an error it must not continue past (an
   * InvariantViolation, a failed durable write). The default rethrows it
   * outside any promise so the process dies loudly rather than serve a chain
   * whose state it can no longer vouch for.
   */
  onFatal?: (err: Error) => void;
  /** Called by `close()` after the engine stopped (e.g. to close the state store). */
  onClose?: () => Promise<void> | void;
}

const CURSOR_RE = /^(\d{20})\.(\d{10})$/;

/**
 * Stream cursors are `<height>.<index>`: the height zero-padded to 20 digits
 * (any u64), the index within the block zero-padded to 10, so plain string
 * comparison is stream order. Within a block, index 0 is the block item, then
 * every event of transaction 0, of transaction 1, …, then the block-level
 * (end-block) events.
 */
export function formatCursor(height: bigint, index: number): string {
  return `${height.toString().padStart(20, "0")}.${index.toString().padStart(10, "0")}`;
}

/** Parses a stream cursor; fails with `node.invalid_cursor`. */
export function parseCursor(cursor: string): { height: bigint; index: number } {
  const m = CURSOR_RE.exec(cursor);
  if (!m)
    throw NodeErrors.invalidCursor.create(`cursor ${JSON.stringify(cursor)} is not <20-digit height>.<10-digit index>`);
  return { height: BigInt(m[1] as string), index: Number(m[2]) };
}

/** The stream items of one block, in cursor order. */
export function streamItemsOf(b: BlockRecord): StreamItem[] {
  const h = b.header.height;
  const items: StreamItem[] = [
    {
      kind: "block",
      cursor: formatCursor(h, 0),
      height: h,
      hash: b.hash,
      txCount: b.txs.length,
      timeMs: b.header.timeMs,
    },
  ];
  let i = 1;
  b.results.forEach((r, t) => {
    const txHash = b.txHashes[t] as string;
    for (const event of r.events) items.push({ kind: "event", cursor: formatCursor(h, i++), height: h, txHash, event });
  });
  for (const event of b.events) items.push({ kind: "event", cursor: formatCursor(h, i++), height: h, event });
  return items;
}

interface Waiter {
  duplicate: boolean;
  resolve: (r: SubmitResult) => void;
  timer: NodeJS.Timeout;
}

interface Subscriber {
  /** First position not yet delivered. */
  height: bigint;
  index: number;
  live: boolean;
  closed: boolean;
  onItem: (item: StreamItem) => void;
}

/** Outcome of the CheckTx phase of a submission (what duplicates are told). */
type CheckOutcome = Omit<SubmitResult, "duplicate">;

type Phase = "new" | "starting" | "running" | "halted" | "closed";

function genesisTimeMs(g: GenesisDoc): bigint {
  const ms = Date.parse(g.genesisTime);
  if (!Number.isFinite(ms) || ms < 0)
    throw NodeErrors.invalidGenesis.create(`genesisTime ${JSON.stringify(g.genesisTime)} is not an RFC 3339 time`);
  return BigInt(ms);
}

function resultOf(hash: string, r: { code: number; codespace: string; log: string }): CheckOutcome {
  return { hash, code: r.code, codespace: r.codespace, log: r.log };
}

function errorOutcome(hash: string, e: unknown): CheckOutcome {
  if (e instanceof UrbisError) return { hash, code: e.code, codespace: e.codespace, log: e.message };
  throw e;
}

/** The embedded single-node engine. */
export class SoloEngine implements NodeService {
  /** Counters for the API's /metrics (see metrics.ts). */
  readonly metrics = new EngineMetrics();
  readonly mempool: Mempool;
  /** Blocks replayed by `start()` to bring the App level with the block store (normally 0, or 1 after a crash). */
  replayedBlocks = 0;

  private readonly opts: Omit<SoloEngineOptions, "genesis">;
  /**
   * The genesis document, until start() has used it: its app state can list
   * a million accounts (hundreds of MB as JS objects), which a running node
   * no longer needs.
   */
  private genesis: GenesisDoc | undefined;
  private readonly intervalMs: number;
  private readonly maxBlockTxs: number;
  private readonly maxBlockBytes: number;
  private readonly clock: () => number;
  private readonly commitTimeoutMs: number;

  private phase: Phase = "new";
  private fatal: Error | undefined;
  private appInstance: SoloApp | undefined;
  private store: BlockStore | undefined;
  private verifier: SignatureVerifierPool | undefined;
  private timer: NodeJS.Timeout | undefined;
  private producing: Promise<unknown> | undefined;
  /** A background prune of the block store, awaited by close(). */
  private pruning: Promise<unknown> | undefined;
  /** Set while a block is between FinalizeBlock and the end of Recheck: CheckTx waits for it. */
  private gate: Promise<void> | undefined;

  private chainId: string;
  private height = 0n;
  private lastBlockHash = "";
  /** App hash after the last block (the genesis app hash before block 1). */
  private lastAppHash = "";
  private lastTimeMs = 0n;

  /** Submissions between arrival and the end of CheckTx, so a concurrent duplicate shares the outcome. */
  private readonly inflight = new Map<string, Promise<CheckOutcome>>();
  /** Tail of the CheckTx queue (see checkNew). */
  private checkTail: Promise<void> = Promise.resolve();
  private readonly waiters = new Map<string, Waiter[]>();
  /** Recent Recheck evictions, so a commit-waiter arriving late still learns why (bounded). */
  private readonly evicted = new Map<string, CheckOutcome>();
  private readonly subscribers = new Set<Subscriber>();

  constructor(opts: SoloEngineOptions) {
    const { genesis, ...rest } = opts;
    this.opts = rest;
    this.genesis = genesis;
    this.intervalMs = opts.blockIntervalMs ?? 1000;
    this.maxBlockTxs = opts.maxBlockTxs ?? 5000;
    this.maxBlockBytes = opts.maxBlockBytes ?? 8 * 1024 * 1024;
    this.clock = opts.clock ?? Date.now;
    this.commitTimeoutMs = opts.commitTimeoutMs ?? 30_000;
    this.mempool = new Mempool(opts.mempool);
    this.chainId = opts.genesis.chainId;
    if (this.maxBlockBytes < MAX_TX_BYTES) {
      throw new RangeError(`maxBlockBytes ${this.maxBlockBytes} is below the largest transaction (${MAX_TX_BYTES})`);
    }
  }

  /** The App (after `start()`). */
  get app(): SoloApp {
    if (!this.appInstance) throw NodeErrors.notReady.create("the engine has not started");
    return this.appInstance;
  }

  /** The block store (after `start()`). */
  get blockStore(): BlockStore {
    if (!this.store) throw NodeErrors.notReady.create("the engine has not started");
    return this.store;
  }

  /**
   * Opens the block store, brings the App level with it (InitChain on a fresh
   * chain, replay of blocks the App has not committed), then starts producing
   * blocks. Throws InvariantViolation when the two disagree: that node must
   * not run until an operator looks.
   */
  async start(): Promise<void> {
    if (this.phase !== "new") throw NodeErrors.notReady.create(`cannot start an engine that is ${this.phase}`);
    this.phase = "starting";
    try {
      await this.handshake();
    } catch (e) {
      this.phase = "closed";
      await this.releaseResources();
      throw e;
    } finally {
      this.genesis = undefined;
    }
    this.verifier = new SignatureVerifierPool(
      this.opts.verifierWorkers === undefined ? {} : { size: this.opts.verifierWorkers },
    );
    this.phase = "running";
    // A new chain commits its genesis state at once in block 1 (empty), so that
    // queries, proofs and account sequences work before the first transaction.
    if (this.height === 0n) await this.produceBlock();
    this.schedule();
  }

  private async handshake(): Promise<void> {
    const g = this.genesis;
    if (!g) throw new InvariantViolation("the genesis document is gone: start() runs once");
    if (g.initialHeight !== "1") {
      throw NodeErrors.invalidGenesis.create(
        `initialHeight must be "1" for the solo engine, got ${JSON.stringify(g.initialHeight)}`,
      );
    }
    const genesisTime = genesisTimeMs(g);
    this.store = BlockStore.open(join(this.opts.home, "blocks"), this.opts.blockStore);
    const app = typeof this.opts.app === "function" ? await this.opts.app() : this.opts.app;
    this.appInstance = app;
    const store = this.store;
    const storeHeight = store.height();
    const info = app.info();
    const appHeight = info.lastBlockHeight;

    if (storeHeight > 0n) {
      const last = store.storedBlock(storeHeight);
      if (!last) throw new InvariantViolation(`block store claims height ${storeHeight} but has no block there`);
      if (last.header.chainId !== g.chainId) {
        throw NodeErrors.invalidGenesis.create(
          `the block store holds chain ${last.header.chainId}, genesis is for ${g.chainId}`,
        );
      }
    }
    if (appHeight > storeHeight) {
      throw new InvariantViolation(
        `state is at height ${appHeight} but the block store only at ${storeHeight}: blocks were lost; restore the block store`,
      );
    }

    let prevAppHash: string;
    let prevTime: bigint;
    let prevHash = "";
    if (appHeight === 0n) {
      // Until block 1 commits the App reports height 0 (InitChain's genesis state, version 0 of its
      // store, is no block), so it always needs InitChain here; a genesis left by a crash is replaced.
      const r = app.initChain({ chainId: g.chainId, timeMs: genesisTime, initialHeight: 1n, appState: g.appState });
      prevAppHash = toHex(r.appHash);
      prevTime = genesisTime;
    } else {
      prevAppHash = toHex(info.lastBlockAppHash);
      const stored = store.block(appHeight);
      if (stored) {
        if (stored.resultAppHash !== prevAppHash) {
          throw new InvariantViolation(
            `state at height ${appHeight} has app hash ${prevAppHash} but the block store recorded ${stored.resultAppHash}`,
          );
        }
        prevTime = stored.header.timeMs;
        prevHash = stored.hash;
      } else {
        // Pruned (only possible with a tiny keepRecent): the next block's header carries the same links.
        const next = store.storedBlock(appHeight + 1n);
        if (!next) throw new InvariantViolation(`block ${appHeight} is missing from the block store`);
        prevTime = 0n;
        prevHash = next.header.lastBlockHash;
      }
    }

    // Replay what the block store has and the App has not committed (normally at most one block).
    for (let h = appHeight + 1n; h <= storeHeight; h++) {
      const b = store.block(h);
      if (!b) throw new InvariantViolation(`block ${h} is needed for replay but missing from the block store`);
      if (b.header.appHash !== prevAppHash) {
        throw new InvariantViolation(
          `block ${h} header names app hash ${b.header.appHash}, state before it is ${prevAppHash}`,
        );
      }
      if (b.header.lastBlockHash !== prevHash && h > 1n) {
        throw new InvariantViolation(`block ${h} does not link to block ${h - 1n}`);
      }
      const fin = app.finalizeBlock({ txs: b.txs, height: h, timeMs: b.header.timeMs, hash: fromHex(b.hash) });
      const got = toHex(fin.appHash);
      if (got !== b.resultAppHash) {
        throw new InvariantViolation(
          `replaying block ${h} gave app hash ${got}, the block store recorded ${b.resultAppHash}`,
        );
      }
      fin.txResults.forEach((r, i) => {
        const want = b.results[i];
        if (!want || want.code !== r.code || want.codespace !== r.codespace) {
          throw new InvariantViolation(`replaying block ${h}: transaction ${i} gave a different result`);
        }
      });
      await app.commit();
      this.replayedBlocks++;
      prevAppHash = got;
      prevTime = b.header.timeMs;
      prevHash = b.hash;
    }

    const after = app.info();
    if (after.lastBlockHeight !== storeHeight) {
      throw new InvariantViolation(
        `after replay the state is at ${after.lastBlockHeight}, the block store at ${storeHeight}`,
      );
    }
    if (storeHeight > 0n && !bytesEqual(after.lastBlockAppHash, fromHex(prevAppHash))) {
      throw new InvariantViolation(`after replay the state's app hash differs from the block store's`);
    }
    this.height = storeHeight;
    this.lastBlockHash = prevHash;
    this.lastAppHash = prevAppHash;
    this.lastTimeMs = prevTime;
    this.metrics.height = storeHeight;
  }

  // ---------------------------------------------------------------- blocks

  private schedule(): void {
    if (this.phase !== "running") return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.phase !== "running") return;
      const due = this.mempool.size === 0 && this.workDue();
      if (this.mempool.size === 0 && !due) {
        this.schedule();
        return;
      }
      this.produce(due)
        .catch(() => {
          // Already halted inside makeBlock; nothing more to do here.
        })
        .finally(() => this.schedule());
    }, this.intervalMs);
  }

  /**
   * Whether the App has end-of-block work due by the engine clock (e.g. a
   * voting period that ended), so an idle engine should make an empty block.
   * A failing query of it is logged and treated as nothing due: it is only a
   * scheduling hint, never consensus.
   */
  private workDue(): boolean {
    let due: bigint | undefined;
    try {
      due = this.app.nextDueTimeMs?.();
    } catch (e) {
      process.emitWarning(`nextDueTimeMs failed: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
    return due !== undefined && due <= BigInt(Math.floor(this.clock()));
  }

  /**
   * Makes one block from the mempool now, unless it is empty. The timer calls
   * it; tests (and a future `--block-on-submit` mode) may too. Calls are
   * serialized: one that arrives while a block is in progress runs after it.
   */
  async produceBlock(): Promise<BlockRecord | undefined> {
    return this.produce(false);
  }

  /** {@link produceBlock}; with `allowEmpty`, a block is made even from an empty mempool. */
  private async produce(allowEmpty: boolean): Promise<BlockRecord | undefined> {
    const prev = this.producing;
    const run = (async () => {
      if (prev) await prev.catch(() => {});
      return this.makeBlock(allowEmpty);
    })();
    this.producing = run;
    try {
      return await run;
    } finally {
      if (this.producing === run) this.producing = undefined;
    }
  }

  private async makeBlock(allowEmpty: boolean): Promise<BlockRecord | undefined> {
    this.assertRunning();
    const app = this.app;
    const store = this.blockStore;
    const t0 = performance.now();
    const height = this.height + 1n;
    const now = BigInt(Math.floor(this.clock()));
    // Strictly increasing block times even if the wall clock steps back.
    const timeMs = now > this.lastTimeMs ? now : this.lastTimeMs + 1n;

    const reaped = this.mempool.reap(this.maxBlockTxs, this.maxBlockBytes);
    // Block 1 commits the genesis state; otherwise an empty block only when work fell due.
    if (reaped.length === 0 && height > 1n && !allowEmpty) return undefined;
    const byTx = new Map<Uint8Array, MempoolEntry>(reaped.map((e) => [e.tx, e]));

    let release: () => void = () => {};
    this.gate = new Promise<void>((r) => {
      release = r;
    });
    try {
      const txs = app.prepareProposal({
        txs: reaped.map((e) => e.tx),
        maxTxBytes: this.maxBlockBytes,
        height,
        timeMs,
      });
      // If PrepareProposal dropped everything reaped, the (empty) block is still made: only a commit
      // resets the App's check state, and only then can Recheck tell which transactions went stale.
      const txHashes = txs.map((t) => byTx.get(t)?.hash ?? fastTxHash(t));
      const header: BlockHeader = {
        chainId: this.chainId,
        height,
        timeMs,
        lastBlockHash: this.lastBlockHash,
        appHash: this.lastAppHash,
        dataHash: dataHash(txHashes),
      };
      const hash = blockHash(header);
      const fin = app.finalizeBlock({ txs, height, timeMs, hash: fromHex(hash) });
      if (fin.txResults.length !== txs.length) {
        throw new InvariantViolation(
          `FinalizeBlock returned ${fin.txResults.length} results for ${txs.length} transactions`,
        );
      }
      const resultAppHash = toHex(fin.appHash);
      // Block first, state second: a crash in between is repaired by replay at the next start.
      await store.save({ header, txs, results: fin.txResults, events: fin.events, resultAppHash });
      const commit = await app.commit();

      this.height = height;
      this.lastBlockHash = hash;
      this.lastAppHash = resultAppHash;
      this.lastTimeMs = timeMs;
      for (const h of txHashes) this.mempool.remove(h);
      this.recheck(height);

      const record: BlockRecord = {
        hash,
        header,
        txs,
        txHashes,
        results: fin.txResults,
        events: fin.events,
        resultAppHash,
      };
      this.notifyCommitted(record);
      this.publish(record);
      this.metrics.recordBlock({
        height,
        txs: txs.length,
        failedTxs: fin.txResults.filter((r) => r.code !== 0).length,
        commitMs: performance.now() - t0,
      });
      this.prune(commit.retainHeight);
      return record;
    } catch (e) {
      // Whatever failed here (a durable write, an invariant) leaves state the node cannot vouch for.
      this.halt(e instanceof Error ? e : new Error(String(e)));
      throw e;
    } finally {
      this.gate = undefined;
      release();
      this.updateMempoolMetrics();
    }
  }

  /**
   * Re-runs CheckTx on every waiting transaction, in arrival order, against
   * the state just committed; drops failures. Only valid right after a
   * commit, which is what resets the App's check state.
   */
  private recheck(height: bigint): void {
    const app = this.app;
    for (const e of this.mempool.entries()) {
      const r = app.checkTx({ tx: e.tx, type: CheckTxType.Recheck });
      if (r.code === 0) continue;
      this.mempool.remove(e.hash);
      this.metrics.txsEvicted++;
      const outcome = resultOf(e.hash, {
        code: r.code,
        codespace: r.codespace,
        log: `dropped from the mempool after block ${height}: ${r.log}`,
      });
      this.evicted.set(e.hash, outcome);
      if (this.evicted.size > 10_000) {
        const first = this.evicted.keys().next();
        if (!first.done) this.evicted.delete(first.value);
      }
      this.resolveWaiters(e.hash, outcome);
    }
  }

  private prune(appRetain: bigint): void {
    const keep = BigInt(this.opts.keepRecent ?? 0);
    const own = keep > 0n && this.height > keep ? this.height - keep + 1n : 0n;
    const retain = appRetain > own ? appRetain : own;
    if (retain <= this.blockStore.base() || this.pruning) return;
    // Background work: the next block's save queues behind it in LMDB's writer anyway.
    this.pruning = this.blockStore
      .prune(retain)
      .catch((e: unknown) => this.halt(e instanceof Error ? e : new Error(String(e))))
      .finally(() => {
        this.pruning = undefined;
      });
  }

  private halt(err: Error): void {
    if (this.phase === "halted" || this.phase === "closed") return;
    this.phase = "halted";
    this.fatal = err;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const hash of [...this.waiters.keys()]) {
      this.resolveWaiters(hash, errorOutcome(hash, NodeErrors.notReady.create(`the node halted: ${err.message}`)));
    }
    const onFatal =
      this.opts.onFatal ??
      ((e: Error) => {
        setImmediate(() => {
          throw e;
        });
      });
    onFatal(err);
  }

  // ---------------------------------------------------------------- submit

  /**
   * Submits a transaction. `check` answers once it is in the mempool (or
   * refused); `commit` once it is in a durable block (or refused or dropped).
   * A resubmission of the same bytes gets the first submission's outcome with
   * `duplicate: true`. Refusals are results with a non-zero code, never
   * exceptions; only a stopped node throws (`node.not_ready`).
   */
  async submit(tx: Uint8Array, wait: SubmitWait, timeoutMs?: number): Promise<SubmitResult> {
    this.assertRunning();
    const timeout = timeoutMs ?? this.commitTimeoutMs;
    const hash = fastTxHash(tx);
    const committed = this.store?.tx(hash);
    if (committed) return committedSubmitResult(committed, true);
    const prior = this.inflight.get(hash);
    if (prior) return this.afterCheck(await prior, wait, timeout, true);
    if (this.mempool.has(hash)) return this.afterCheck({ hash, code: 0, codespace: "", log: "" }, wait, timeout, true);

    const p = this.checkNew(hash, tx);
    this.inflight.set(hash, p);
    let outcome: CheckOutcome;
    try {
      outcome = await p;
    } finally {
      this.inflight.delete(hash);
    }
    if (outcome.code !== 0) this.metrics.txsRejected++;
    return this.afterCheck(outcome, wait, timeout, false);
  }

  private async checkNew(hash: string, tx: Uint8Array): Promise<CheckOutcome> {
    if (tx.length > MAX_TX_BYTES) {
      return errorOutcome(hash, TxErrors.tooLarge.create(`transaction is ${tx.length} bytes, at most ${MAX_TX_BYTES}`));
    }
    try {
      this.mempool.assertRoom(tx.length);
    } catch (e) {
      return errorOutcome(hash, e);
    }
    const verifier = this.verifier;
    if (!verifier) throw NodeErrors.notReady.create("the engine is not running");
    // Signatures verify in parallel on the workers, but CheckTx runs in arrival order: a client
    // sending sequences 0, 1, 2 back to back must not see 2 checked before 0 because another
    // worker finished first. Each submission waits for its predecessor's turn.
    const verified = verifier.verify(tx);
    const prev = this.checkTail;
    let done: () => void = () => {};
    this.checkTail = new Promise<void>((r) => {
      done = r;
    });
    try {
      const bad = await verified;
      if (bad) return resultOf(hash, bad);
      await prev;
      // Never CheckTx while a block is between FinalizeBlock and Recheck: the check state is about to be replaced.
      while (this.gate) await this.gate;
      this.assertRunning();
      // Room is checked again right before CheckTx: once CheckTx accepts, the App's check state
      // counts the transaction (its sequence), so adding it to the mempool must not fail.
      try {
        this.mempool.assertRoom(tx.length);
      } catch (e) {
        return errorOutcome(hash, e);
      }
      const r = this.app.checkTx({ tx, type: CheckTxType.New, signatureVerified: true });
      if (r.code !== 0) return resultOf(hash, r);
      if (r.sender === undefined || r.sequence === undefined) {
        throw new InvariantViolation("CheckTx accepted a transaction without naming its sender and sequence");
      }
      this.mempool.add({ hash, tx, sender: r.sender, sequence: r.sequence });
      this.updateMempoolMetrics();
      return { hash, code: 0, codespace: "", log: "" };
    } finally {
      // Our turn ends only after our predecessor's, even when we returned early, so order is transitive.
      void prev.then(done);
    }
  }

  private afterCheck(
    outcome: CheckOutcome,
    wait: SubmitWait,
    timeoutMs: number,
    duplicate: boolean,
  ): Promise<SubmitResult> | SubmitResult {
    if (outcome.code !== 0 || wait === "check") return { ...outcome, duplicate };
    const hash = outcome.hash;
    // Everything below is synchronous, so the transaction cannot be committed or dropped between these checks.
    const committed = this.store?.tx(hash);
    if (committed) return committedSubmitResult(committed, duplicate);
    const dropped = this.evicted.get(hash);
    if (dropped) return { ...dropped, duplicate };
    if (!this.mempool.has(hash)) {
      return {
        ...errorOutcome(hash, NodeErrors.notReady.create("the transaction left the mempool without a block")),
        duplicate,
      };
    }
    return new Promise<SubmitResult>((resolve) => {
      const waiter: Waiter = {
        duplicate,
        resolve,
        timer: setTimeout(() => {
          const list = this.waiters.get(hash);
          if (list) {
            const i = list.indexOf(waiter);
            if (i >= 0) list.splice(i, 1);
            if (list.length === 0) this.waiters.delete(hash);
          }
          resolve({
            ...errorOutcome(
              hash,
              NodeErrors.commitTimeout.create(`not committed within ${timeoutMs} ms; it is still in the mempool`),
            ),
            duplicate,
          });
        }, timeoutMs),
      };
      let list = this.waiters.get(hash);
      if (!list) {
        list = [];
        this.waiters.set(hash, list);
      }
      list.push(waiter);
    });
  }

  private resolveWaiters(
    hash: string,
    outcome: CheckOutcome & { height?: bigint; index?: number; events?: Event[] },
  ): void {
    const list = this.waiters.get(hash);
    if (!list) return;
    this.waiters.delete(hash);
    for (const w of list) {
      clearTimeout(w.timer);
      w.resolve({ ...outcome, duplicate: w.duplicate });
    }
  }

  private notifyCommitted(b: BlockRecord): void {
    b.txHashes.forEach((hash, index) => {
      if (!this.waiters.has(hash)) return;
      const r = b.results[index] as TxResult;
      this.resolveWaiters(hash, {
        hash,
        code: r.code,
        codespace: r.codespace,
        log: r.log,
        height: b.header.height,
        index,
        events: r.events,
      });
    });
  }

  // ---------------------------------------------------------------- stream

  /**
   * Delivers stream items after `after` or from `fromHeight` (inclusive), then
   * live ones, without gaps or duplicates; with neither, only blocks committed
   * from now on. Past items are read from the block store in small steps so a
   * long catch-up does not stall the node. Items are never delivered before
   * this returns. If the store prunes heights a slow catch-up has not reached,
   * delivery jumps to the lowest stored height (a gap, which keepRecent should
   * make impossible in practice). Fails with `node.invalid_cursor` or
   * `node.height_pruned`.
   */
  subscribe(opts: { after?: string; fromHeight?: bigint }, onItem: (item: StreamItem) => void): () => void {
    this.assertRunning();
    let height: bigint;
    let index: number;
    if (opts.after !== undefined) {
      const c = parseCursor(opts.after);
      height = c.height;
      index = c.index + 1;
    } else if (opts.fromHeight !== undefined) {
      height = opts.fromHeight < 1n ? 1n : opts.fromHeight;
      index = 0;
    } else {
      height = this.height + 1n;
      index = 0;
    }
    const base = this.blockStore.base();
    if (height <= this.height && base > 0n && height < base) {
      throw NodeErrors.heightPruned.create(`height ${height} was pruned; the block store starts at ${base}`);
    }
    const sub: Subscriber = { height, index, live: false, closed: false, onItem };
    this.subscribers.add(sub);
    setImmediate(() => this.pump(sub));
    return () => {
      sub.closed = true;
      this.subscribers.delete(sub);
    };
  }

  /** Catch-up from the block store, a few blocks per turn, then switch the subscriber to live delivery. */
  private pump(sub: Subscriber): void {
    let budget = 32;
    while (!sub.closed && sub.height <= this.height && budget-- > 0) {
      if (this.phase === "closed") return;
      const b = this.store?.block(sub.height);
      if (!b) {
        const base = this.blockStore.base();
        if (base > sub.height) {
          sub.height = base;
          sub.index = 0;
          continue;
        }
        return;
      }
      this.deliver(sub, streamItemsOf(b));
    }
    if (sub.closed) return;
    if (sub.height <= this.height) setImmediate(() => this.pump(sub));
    else sub.live = true;
  }

  private deliver(sub: Subscriber, items: StreamItem[]): void {
    for (const item of items) {
      if (sub.closed) return;
      const idx = Number(item.cursor.slice(21));
      if (idx < sub.index) continue;
      try {
        sub.onItem(item);
      } catch (e) {
        // A failing consumer loses its subscription; it must never stop the node.
        sub.closed = true;
        this.subscribers.delete(sub);
        process.emitWarning(`stream subscriber threw and was dropped: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
    }
    const h = items[0]?.height;
    if (h !== undefined) {
      sub.height = h + 1n;
      sub.index = 0;
    }
  }

  private publish(b: BlockRecord): void {
    if (this.subscribers.size === 0) return;
    const items = streamItemsOf(b);
    const h = b.header.height;
    for (const sub of [...this.subscribers]) {
      if (!sub.live || sub.closed) continue;
      if (sub.height === h) this.deliver(sub, items);
      else if (sub.height < h) {
        // Fell behind somehow: back to catch-up, which reads the store.
        sub.live = false;
        setImmediate(() => this.pump(sub));
      }
    }
  }

  // ---------------------------------------------------------------- reads

  /**
   * `latestAppHash` is the app hash after the latest block (what queries and
   * proofs at `latestHeight` verify against); before block 1 it is the genesis
   * app hash, with an empty block hash and the genesis time.
   */
  status(): NodeStatus {
    return {
      chainId: this.chainId,
      engine: "solo",
      latestHeight: this.height,
      latestBlockHash: this.lastBlockHash,
      latestAppHash: this.lastAppHash,
      latestBlockTimeMs: this.lastTimeMs,
      mempoolSize: this.mempool.size,
      catchingUp: false,
    };
  }

  ready(): boolean {
    return this.phase === "running";
  }

  /** The error the engine halted on, if it did. */
  get haltError(): Error | undefined {
    return this.fatal;
  }

  async block(height: bigint): Promise<BlockRecord | undefined> {
    return this.store?.block(height);
  }

  async tx(hash: string): Promise<TxRecord | undefined> {
    return this.store?.tx(hash.toLowerCase());
  }

  query(path: string, data: Uint8Array, height: bigint, prove: boolean): QueryResult {
    const r = this.app.query({ path, data, height, prove });
    const out: QueryResult = {
      code: r.code,
      codespace: r.codespace,
      log: r.log,
      height: r.height,
      key: r.key,
      value: r.value,
    };
    if (r.proof) out.proof = r.proof;
    return out;
  }

  describe(): NodeDescription {
    // Before start() there is no App: an empty description rather than an error.
    return describeApp(this.appInstance);
  }

  // ---------------------------------------------------------------- lifecycle

  private assertRunning(): void {
    if (this.phase !== "running") {
      const why = this.fatal ? `the node halted: ${this.fatal.message}` : `the engine is ${this.phase}`;
      throw NodeErrors.notReady.create(why);
    }
  }

  private updateMempoolMetrics(): void {
    this.metrics.mempoolSize = this.mempool.size;
    this.metrics.mempoolBytes = this.mempool.sizeBytes;
  }

  /**
   * Stops producing blocks, lets a block in progress finish (so nothing is
   * left half-written), answers waiting clients with `node.not_ready`, and
   * closes the verifier pool and the block store.
   */
  async close(): Promise<void> {
    if (this.phase === "closed") return;
    const wasHalted = this.phase === "halted";
    this.phase = "closed";
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.producing && !wasHalted) await this.producing.catch(() => {});
    if (this.pruning) await this.pruning;
    for (const hash of [...this.waiters.keys()]) {
      this.resolveWaiters(hash, errorOutcome(hash, NodeErrors.notReady.create("the node is shutting down")));
    }
    for (const s of this.subscribers) s.closed = true;
    this.subscribers.clear();
    await this.releaseResources();
  }

  private async releaseResources(): Promise<void> {
    await this.verifier?.close();
    this.verifier = undefined;
    await this.store?.close();
    await this.opts.onClose?.();
  }
}
