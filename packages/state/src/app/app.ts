/**
 * UrbisApp: the deterministic state machine behind the ABCI-shaped App
 * interface. It reads state only through the CommitStore, takes time only from
 * the block, and orders everything by bytes, so the same blocks give the same
 * app hash on every node.
 */
import {
  bytesEqual,
  decodeTx,
  type Ed25519Verifier,
  fromUtf8,
  InvariantViolation,
  MAX_TX_BYTES,
  sha256,
  type Tx,
  TxErrors,
  toHex,
  UrbisError,
  utf8,
  verifyEd25519,
  verifyTxSignature,
} from "@urbis/protocol";
import type { BlockInfo, Context, TxContext } from "../framework/context.js";
import type { Event } from "../framework/events.js";
import type { Json, Module, Permission, QueryHandler } from "../framework/module.js";
import { CacheStore, type CommitStore, type KVStore, ReadOnlyStore } from "../framework/store.js";
import type { AuthKeeper } from "../modules/auth/keeper.js";
import { AppErrors } from "./errors.js";
import { GENESIS_BATCH_SIZE, GenesisStore } from "./genesis-store.js";
import { MessageRouter } from "./router.js";
import { SignatureCache } from "./signature-cache.js";
import type { SnapshotProvider } from "./snapshots.js";
import {
  type App,
  type ApplyChunkResponse,
  ApplyChunkResult,
  type CheckTxRequest,
  type CheckTxResponse,
  CheckTxType,
  type CommitResponse,
  type FinalizeBlockRequest,
  type FinalizeBlockResponse,
  type InfoResponse,
  type InitChainRequest,
  type InitChainResponse,
  OfferSnapshotResult,
  type PrepareProposalRequest,
  type ProcessProposalRequest,
  type QueryRequest,
  type QueryResponse,
  type Snapshot,
  type TxResult,
  type ValidatorUpdate,
} from "./types.js";

/** Software version reported by Info. */
export const APP_VERSION = "0.1.0";

/** Options of {@link UrbisApp}. */
export interface AppOptions {
  store: CommitStore;
  /** Modules in execution order; `auth` must be among them. */
  modules: Module<any>[];
  /** Ed25519 verifier (nodes pass a native one; the default is pure JS). */
  verifier?: Ed25519Verifier;
  /** Check every invariant every N blocks (0 = only at genesis). Not consensus-relevant. */
  invariantPeriod?: number;
  /** Heights of state to keep (0 = all); reported as Commit's retain height hint. */
  keepRecent?: number;
  /**
   * Where state-sync snapshots are kept and restored (the node's snapshot
   * manager, over the same store). Without one, the app serves and accepts none.
   */
  snapshots?: SnapshotProvider;
  /**
   * Transaction id: lowercase hex SHA-256 of the bytes. Nodes pass a native
   * one; the default is the protocol's pure-JS hash (same answers).
   */
  txHash?: (raw: Uint8Array) => string;
  /** Genesis writes buffered before a batch goes to the store (tests use small ones). */
  genesisBatchSize?: number;
}

export type { ChunkApplied, RestoredState, SnapshotProvider } from "./snapshots.js";

interface Decoded {
  tx: Tx;
  hash: string;
}

const OK: Omit<TxResult, "events"> = { code: 0, codespace: "", log: "" };

function errorResult(e: unknown): TxResult {
  if (e instanceof InvariantViolation) throw e;
  if (e instanceof UrbisError) return { code: e.code, codespace: e.codespace, log: e.message, events: [] };
  // A handler bug: deterministic on every node, so it fails the transaction rather than the chain.
  const msg = e instanceof Error ? e.message : String(e);
  return { code: AppErrors.internal.code, codespace: "app", log: `internal error: ${msg}`, events: [] };
}

/** The Urbis state machine. */
export class UrbisApp implements App {
  private readonly store: CommitStore;
  private readonly modules: Module<any>[];
  private readonly router: MessageRouter;
  private readonly queries = new Map<string, QueryHandler>();
  private readonly auth: AuthKeeper;
  private readonly verifier: Ed25519Verifier;
  private readonly txHash: (raw: Uint8Array) => string;
  /**
   * Decoded transactions by the identity of their bytes: an engine hands the
   * same array to CheckTx, PrepareProposal and FinalizeBlock, so each is
   * decoded and hashed once. Keyed weakly, it holds nothing the engine dropped;
   * decoding is a pure function of the bytes, so this changes no answer.
   */
  private readonly decoded = new WeakMap<Uint8Array, Decoded>();
  private readonly sigCache = new SignatureCache(200_000);
  private readonly invariantPeriod: number;
  private readonly keepRecent: number;
  private readonly snapshots: SnapshotProvider | undefined;
  /** Height and trusted app hash of the snapshot being restored (state sync). */
  private restoring: { height: bigint; appHash: Uint8Array } | undefined;

  private chainId = "";
  /** Writes of the block being built (InitChain and FinalizeBlock), not yet committed. */
  private blockState: CacheStore;
  /** Where CheckTx runs: committed state plus transactions accepted since. */
  private checkState: CacheStore;
  /** InitChain wrote the genesis state (as the store's version 0) in this process. */
  private genesisWritten = false;
  private readonly genesisBatchSize: number;
  private lastBlockTimeMs = 0n;

  constructor(opts: AppOptions) {
    this.store = opts.store;
    this.modules = opts.modules;
    this.verifier = opts.verifier ?? verifyEd25519;
    this.txHash = opts.txHash ?? ((raw) => toHex(sha256(raw)));
    this.invariantPeriod = opts.invariantPeriod ?? 0;
    this.keepRecent = opts.keepRecent ?? 0;
    this.snapshots = opts.snapshots;
    this.genesisBatchSize = opts.genesisBatchSize ?? GENESIS_BATCH_SIZE;
    const authMod = opts.modules.find((m) => m.name === "auth") as (Module & { keeper?: AuthKeeper }) | undefined;
    if (!authMod?.keeper) throw new InvariantViolation("the auth module is required");
    this.auth = authMod.keeper;
    this.router = new MessageRouter(opts.modules);
    for (const m of opts.modules) {
      for (const q of m.queries) {
        if (this.queries.has(q.path)) throw new InvariantViolation(`query ${q.path} registered twice`);
        this.queries.set(q.path, q);
      }
    }
    const host = this.router.host();
    for (const m of opts.modules) m.bind?.(host);
    this.blockState = new CacheStore(this.store.latest());
    this.checkState = new CacheStore(this.store.latest());
    this.chainId = this.readChainId() ?? "";
  }

  /** Registered message types with their declared permissions, sorted by type. */
  messagePermissions(): { type: string; permission: Permission }[] {
    return this.messageTypes().map((type) => ({
      type,
      permission: this.router.permissionOf(type) as Permission,
    }));
  }

  /**
   * Records that the engine verified this transaction's signature itself
   * (e.g. on a worker thread before handing it to CometBFT), so CheckTx,
   * PrepareProposal and FinalizeBlock do not verify it again. Not part of
   * consensus: it only skips work whose outcome is already known.
   */
  trustSignature(txHash: string): void {
    this.sigCache.add(txHash);
  }

  /**
   * Earliest block time (Unix ms) at which some module's end-of-block work
   * falls due (e.g. a voting period ending), the minimum of every module's
   * `nextDueTimeMs` over committed state; undefined when none has any. Not
   * consensus: an engine that makes no empty blocks while idle (solo) makes
   * one once its clock reaches this time, so the work runs without waiting
   * for a transaction.
   */
  nextDueTimeMs(): bigint | undefined {
    const committed = this.store.latest();
    let earliest: bigint | undefined;
    for (const m of this.modules) {
      const t = m.nextDueTimeMs?.(committed);
      if (t !== undefined && (earliest === undefined || t < earliest)) earliest = t;
    }
    return earliest;
  }

  /** Registered message types, sorted. */
  messageTypes(): string[] {
    return this.router.types();
  }

  /** Registered query paths, sorted. */
  queryPaths(): string[] {
    return [...this.queries.keys()].sort();
  }

  /** Chain id this app was initialized with. */
  get chain(): string {
    return this.chainId;
  }

  private readChainId(): string | undefined {
    const raw = this.store.latest().get(CHAIN_ID_KEY);
    return raw ? fromUtf8(raw) : undefined;
  }

  info(): InfoResponse {
    const h = this.store.lastVersion();
    return {
      version: APP_VERSION,
      appVersion: 1n,
      lastBlockHeight: h,
      lastBlockAppHash: h === 0n ? new Uint8Array(0) : (this.store.rootAt(h) ?? new Uint8Array(0)),
    };
  }

  initChain(req: InitChainRequest): InitChainResponse {
    if (this.store.lastVersion() !== 0n) throw new InvariantViolation("InitChain on a chain that already has blocks");
    const block: BlockInfo = { chainId: req.chainId, height: req.initialHeight, timeMs: req.timeMs };
    // Parse every section first, so a bad document fails before any state is written.
    const parsed: (readonly [Module, unknown])[] = this.modules.map((m) => [m, m.genesis.parse(req.appState[m.name])]);
    for (const name of Object.keys(req.appState)) {
      if (!this.modules.some((m) => m.name === name)) {
        throw AppErrors.invalidGenesis.create(`genesis has a section for unknown module ${name}`);
      }
    }
    // The genesis state becomes the store's version 0, written in bounded
    // batches (see GenesisStore), rather than staged in memory and committed
    // with block 1: a genesis of a million accounts no longer has to fit in
    // memory twice. The app hash is the same (it depends on the state only),
    // and block 1 is computed on top of version 0 exactly as before on top of
    // the staged writes. Version 0 is not a block: Info still reports height 0
    // until block 1 commits, so after a crash in between the engine calls
    // InitChain again, which replaces version 0 (beginGenesis) and gives the
    // same state and hash.
    const writer = this.store.beginGenesis();
    let appHash: Uint8Array;
    let validators: ValidatorUpdate[];
    try {
      const store = new GenesisStore(this.store.latest(), writer, this.genesisBatchSize);
      store.set(CHAIN_ID_KEY, utf8(req.chainId));
      const events: Event[] = [];
      const ctx: Context = { block, store, emit: (e) => events.push(e) };
      for (const [m, g] of parsed) m.genesis.init(ctx, g);
      // Let go of the parsed sections (they can list every account) before the invariants run.
      parsed.length = 0;
      // Written out before the reads below, which then iterate the store, not a large buffer.
      store.flush();
      // The initial validator set; when no module gives one, CometBFT keeps genesis.json's.
      validators = this.modules.flatMap((m) => m.initialValidators?.(ctx) ?? []);
      this.assertInvariants(ctx);
      store.flush();
      appHash = writer.finish();
    } catch (e) {
      writer.abort();
      throw e;
    }
    this.chainId = req.chainId;
    this.genesisWritten = true;
    this.blockState = new CacheStore(this.store.latest());
    this.checkState = new CacheStore(this.store.latest());
    this.lastBlockTimeMs = req.timeMs;
    return { appHash, validators };
  }

  checkTx(req: CheckTxRequest): CheckTxResponse {
    let d: Decoded;
    try {
      d = this.decode(req.tx);
    } catch (e) {
      return errorResult(e);
    }
    if (req.signatureVerified) this.sigCache.add(d.hash);
    const height = this.store.lastVersion() + 1n;
    const block: BlockInfo = { chainId: this.chainId, height, timeMs: this.lastBlockTimeMs };
    let res: TxResult;
    if (req.type === CheckTxType.Recheck) {
      // After a block, a transaction still waiting is checked again only for what the block can
      // have changed in its envelope (expiry, sequence, rate). Its messages ran when it was admitted;
      // FinalizeBlock runs them again and records a failure with its code (as the Cosmos SDK does),
      // so a full mempool costs one ante check per transaction per block, not a re-execution.
      try {
        this.anteOn(d, block, this.checkState);
        res = { ...OK, events: [] };
      } catch (e) {
        res = errorResult(e);
      }
    } else {
      res = this.runTx(d, block, this.checkState, "check");
    }
    return { ...res, hash: d.hash, sender: d.tx.body.signer, sequence: d.tx.body.sequence };
  }

  prepareProposal(req: PrepareProposalRequest): Uint8Array[] {
    // Keep, within the byte budget, the transactions whose envelope holds in order (chain, expiry,
    // signature, sequence, rate): exactly what ProcessProposal demands. Messages are not run here;
    // one that fails in FinalizeBlock is recorded with its error code, as ABCI intends, so a block
    // is never executed three times (CheckTx, PrepareProposal, FinalizeBlock).
    const scratch = this.proposalScratch();
    const block: BlockInfo = { chainId: this.chainId, height: req.height, timeMs: req.timeMs };
    const out: Uint8Array[] = [];
    let bytes = 0;
    for (const raw of req.txs) {
      if (bytes + raw.length > req.maxTxBytes || !this.envelopeHolds(raw, block, scratch)) continue;
      out.push(raw);
      bytes += raw.length;
    }
    return out;
  }

  processProposal(req: ProcessProposalRequest): boolean {
    // A proposal is acceptable when every transaction passes the ante checks in order.
    const scratch = this.proposalScratch();
    const block: BlockInfo = { chainId: this.chainId, height: req.height, timeMs: req.timeMs };
    return req.txs.every((raw) => this.envelopeHolds(raw, block, scratch));
  }

  /** Runs the ante checks in a checkpoint over `base`; on success `base` counts the transaction (its sequence). */
  private anteOn(d: Decoded, block: BlockInfo, base: CacheStore): void {
    const txStore = new CacheStore(base);
    this.ante(d, block, txStore);
    txStore.writeTo(base);
  }

  /** Whether `raw` decodes and passes the ante checks on `scratch`, which then counts it (its sequence). */
  private envelopeHolds(raw: Uint8Array, block: BlockInfo, scratch: CacheStore): boolean {
    try {
      this.anteOn(this.decode(raw), block, scratch);
      return true;
    } catch (e) {
      if (e instanceof InvariantViolation) throw e;
      return false;
    }
  }

  finalizeBlock(req: FinalizeBlockRequest): FinalizeBlockResponse {
    const last = this.store.lastVersion();
    if (req.height !== last + 1n) {
      throw new InvariantViolation(`FinalizeBlock at height ${req.height}, expected ${last + 1n}`);
    }
    // Always start from committed state, so a repeated FinalizeBlock (crash replay) gives the same result.
    this.blockState = new CacheStore(this.store.latest());
    // Version 0 holds the genesis state, written by InitChain in this process (Info reports
    // height 0 until block 1 commits, so every engine calls InitChain before block 1).
    if (last === 0n && !this.genesisWritten) {
      throw new InvariantViolation("FinalizeBlock of the first block before InitChain");
    }
    const block: BlockInfo = { chainId: this.chainId, height: req.height, timeMs: req.timeMs };
    const events: Event[] = [];
    const ctx: Context = { block, store: this.blockState, emit: (e) => events.push(e) };
    // Before any transaction: e.g. an upgrade plan due at this height halts the node here.
    for (const m of this.modules) m.beginBlock?.(ctx);
    const txResults: TxResult[] = [];
    for (const raw of req.txs) {
      let d: Decoded;
      try {
        d = this.decode(raw);
      } catch (e) {
        txResults.push(errorResult(e));
        continue;
      }
      txResults.push(this.runTx(d, block, this.blockState, "deliver"));
    }
    for (const m of this.modules) m.endBlock?.(ctx);
    // The block's validator set changes; CometBFT applies them from height + 2.
    const validatorUpdates = this.modules.flatMap((m) => m.validatorUpdates?.(ctx) ?? []);
    if (this.invariantPeriod > 0 && req.height % BigInt(this.invariantPeriod) === 0n) this.assertInvariants(ctx);
    const appHash = this.store.stage(this.blockState.sortedWrites());
    this.lastBlockTimeMs = req.timeMs;
    return { txResults, events, validatorUpdates, appHash };
  }

  async commit(): Promise<CommitResponse> {
    await this.store.commit();
    this.blockState = new CacheStore(this.store.latest());
    this.checkState = new CacheStore(this.store.latest());
    const h = this.store.lastVersion();
    const retain = this.keepRecent > 0 && h > BigInt(this.keepRecent) ? h - BigInt(this.keepRecent) + 1n : 0n;
    this.snapshots?.afterCommit?.(h, this.lastBlockTimeMs);
    return { retainHeight: retain };
  }

  query(req: QueryRequest): QueryResponse {
    const last = this.store.lastVersion();
    const height = req.height === 0n ? last : req.height;
    const base = { key: req.data, value: new Uint8Array(0), height, log: "", code: 0, codespace: "" };
    try {
      if (height > last || height < 1n) {
        throw AppErrors.heightUnavailable.create(`height ${height} is not available (last committed ${last})`);
      }
      if (req.path === "/store") {
        if (req.prove) {
          const { value, proof } = this.store.prove(req.data, height);
          return { ...base, value: value ?? new Uint8Array(0), proof };
        }
        const view = this.store.at(height);
        if (!view) throw AppErrors.heightUnavailable.create(`height ${height} was pruned`);
        return { ...base, value: view.get(req.data) ?? new Uint8Array(0) };
      }
      const q = this.queries.get(req.path.replace(/^\//, ""));
      if (!q) throw AppErrors.unknownQuery.create(`no query at ${req.path}`);
      const view = this.store.at(height);
      if (!view) throw AppErrors.heightUnavailable.create(`height ${height} was pruned`);
      let params: Record<string, string> = {};
      if (req.data.length > 0) {
        try {
          params = JSON.parse(fromUtf8(req.data)) as Record<string, string>;
        } catch {
          throw AppErrors.invalidQuery.create("query data must be a JSON object of strings");
        }
        if (typeof params !== "object" || params === null || Array.isArray(params)) {
          throw AppErrors.invalidQuery.create("query data must be a JSON object of strings");
        }
      }
      const block: BlockInfo = { chainId: this.chainId, height, timeMs: 0n };
      const ctx: Context = { block, store: new ReadOnlyStore(view), emit: () => {} };
      const answer: Json = q.handle(ctx, params);
      return { ...base, value: utf8(JSON.stringify(answer)) };
    } catch (e) {
      if (e instanceof InvariantViolation) throw e;
      const r = errorResult(e);
      return { ...base, code: r.code, codespace: r.codespace, log: r.log };
    }
  }

  // State sync: delegated to AppOptions.snapshots (see snapshots.ts); without
  // a provider this node serves none and accepts none.
  async listSnapshots(): Promise<Snapshot[]> {
    return this.snapshots ? this.snapshots.listSnapshots() : [];
  }

  async offerSnapshot(snapshot: Snapshot, appHash: Uint8Array): Promise<OfferSnapshotResult> {
    if (!this.snapshots) return OfferSnapshotResult.Reject;
    // Only an empty node restores a snapshot (CometBFT state-syncs only then).
    if (this.store.lastVersion() !== 0n) return OfferSnapshotResult.Abort;
    this.restoring = undefined;
    const result = await this.snapshots.beginRestore(snapshot, appHash);
    if (result === OfferSnapshotResult.Accept) this.restoring = { height: snapshot.height, appHash: appHash.slice() };
    return result;
  }

  async loadSnapshotChunk(height: bigint, format: number, chunk: number): Promise<Uint8Array> {
    return this.snapshots ? this.snapshots.loadChunk(height, format, chunk) : new Uint8Array(0);
  }

  async applySnapshotChunk(index: number, chunk: Uint8Array, sender: string): Promise<ApplyChunkResponse> {
    const target = this.restoring;
    if (!this.snapshots || !target) return { result: ApplyChunkResult.Abort, refetchChunks: [], rejectSenders: [] };
    const { complete, ...res } = await this.snapshots.applyChunk(index, chunk, sender);
    if (res.result === ApplyChunkResult.RejectSnapshot || res.result === ApplyChunkResult.Abort) {
      this.restoring = undefined;
    }
    if (res.result !== ApplyChunkResult.Accept || !complete) return res;
    this.restoring = undefined;
    const restored = await this.snapshots.finishRestore();
    if (!restored) return { result: ApplyChunkResult.RejectSnapshot, refetchChunks: [], rejectSenders: [] };
    const root = this.store.rootAt(target.height);
    if (
      restored.height !== target.height ||
      this.store.lastVersion() !== target.height ||
      root === undefined ||
      !bytesEqual(root, target.appHash)
    ) {
      throw new InvariantViolation(`the restored state is not the trusted state of height ${target.height}`);
    }
    this.afterRestore(restored.lastBlockTimeMs);
    return res;
  }

  /** Reloads what the app caches from the freshly restored state. */
  private afterRestore(lastBlockTimeMs: bigint): void {
    this.chainId = this.readChainId() ?? "";
    this.blockState = new CacheStore(this.store.latest());
    this.checkState = new CacheStore(this.store.latest());
    this.lastBlockTimeMs = lastBlockTimeMs;
  }

  /** Runs every invariant on the given state; a failure halts the node. */
  assertInvariants(ctx?: Context): void {
    const c: Context = ctx ?? {
      block: { chainId: this.chainId, height: this.store.lastVersion(), timeMs: 0n },
      store: new ReadOnlyStore(this.store.latest()),
      emit: () => {},
    };
    for (const m of this.modules) {
      for (const inv of m.invariants) {
        const broken = inv.check(c);
        if (broken !== undefined) throw new InvariantViolation(`invariant ${m.name}/${inv.name} broken: ${broken}`);
      }
    }
  }

  /** Committed state (before block 1: the genesis state, version 0) to try a proposal against. */
  private proposalScratch(): CacheStore {
    return new CacheStore(this.store.latest());
  }

  private decode(raw: Uint8Array): Decoded {
    if (raw.length > MAX_TX_BYTES)
      throw TxErrors.tooLarge.create(`transaction is ${raw.length} bytes, at most ${MAX_TX_BYTES}`);
    const known = this.decoded.get(raw);
    if (known) return known;
    const d: Decoded = { tx: decodeTx(raw), hash: this.txHash(raw) };
    this.decoded.set(raw, d);
    return d;
  }

  /** Checks that need state but run no message: chain, expiry, signature, sequence, rate. Writes the sequence bump. */
  private ante(d: Decoded, block: BlockInfo, store: KVStore): void {
    const b = d.tx.body;
    if (b.chainId !== this.chainId)
      throw TxErrors.wrongChain.create(`chain id is ${this.chainId}, transaction has ${b.chainId}`);
    if (b.messages.length === 0) throw TxErrors.noMessages.create("a transaction needs at least one message");
    if (b.expiresAtHeight !== undefined && block.height > b.expiresAtHeight) {
      throw TxErrors.expired.create(`transaction expired at height ${b.expiresAtHeight}; block is ${block.height}`);
    }
    for (const m of b.messages) {
      if (!this.router.has(m.type)) throw TxErrors.unknownMessage.create(`unknown message type ${m.type}`);
    }
    if (!this.sigCache.has(d.hash)) {
      verifyTxSignature(d.tx, this.verifier);
      this.sigCache.add(d.hash);
    }
    this.auth.consume(store, b.signer, b.sequence, block.height);
  }

  private runTx(d: Decoded, block: BlockInfo, base: CacheStore, mode: "check" | "deliver"): TxResult {
    const txStore = new CacheStore(base);
    try {
      this.ante(d, block, txStore);
    } catch (e) {
      return errorResult(e);
    }
    if (mode === "deliver") this.sigCache.delete(d.hash);
    // In a block, messages get their own checkpoint: if one fails, the ante's writes (the sequence)
    // stay and theirs go. A check keeps nothing of a failed transaction, so one checkpoint does.
    const msgStore = mode === "deliver" ? new CacheStore(txStore) : txStore;
    const events: Event[] = [];
    const ctx: TxContext = {
      block,
      store: msgStore,
      signer: d.tx.body.signer,
      signerKey: d.tx.body.publicKey,
      txHash: d.hash,
      emit: (e) => events.push(e),
    };
    try {
      this.router.runAll(ctx, d.tx.body.messages);
    } catch (e) {
      // In a block the sequence is still consumed, so a failed transaction cannot be replayed.
      if (mode === "deliver") txStore.writeTo(base);
      return errorResult(e);
    }
    if (msgStore !== txStore) msgStore.writeTo(txStore);
    txStore.writeTo(base);
    return { ...OK, events };
  }
}

/** Where the chain id is kept in state. */
export const CHAIN_ID_KEY = utf8("app/chain_id");
