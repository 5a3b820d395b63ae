/**
 * The CometBFT engine: the Urbis app served over ABCI to a real CometBFT
 * process, behind the same NodeService the solo engine offers, so the API,
 * SDK and CLI work unchanged. Transactions go in through CometBFT's
 * broadcast (its mempool gossips them to the other validators); blocks and
 * transactions are read from CometBFT's RPC; queries run on the app itself
 * (what CometBFT's abci_query does); the live stream comes from the blocks
 * the app commits.
 */
import { MAX_TX_BYTES, sha256, TxErrors, toHex } from "@urbis/protocol";
import type { App, Event, TxResult } from "@urbis/state";
import { NodeErrors } from "../errors.js";
import {
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
import { parseCursor, streamItemsOf } from "../solo/engine.js";
import type { CommittedBlock } from "./recorder.js";
import { CometRpc, CometRpcError, type RpcBroadcast, type RpcEvent, type RpcTxResult } from "./rpc.js";

/** The app as the engine uses it: the App interface plus discovery and the signature cache. */
export type CometApp = App & { messageTypes(): string[]; queryPaths(): string[]; trustSignature(txHash: string): void };

/** Options of {@link CometEngine}. */
export interface CometEngineOptions {
  app: CometApp;
  chainId: string;
  /** RPC URL of this node's CometBFT. */
  rpcUrl: string;
  /** Default timeout of `submit(…, "commit")`. Default 30 000 ms. */
  commitTimeoutMs?: number;
  /** How often CometBFT's sync status is polled. Default 1000 ms. */
  pollMs?: number;
  /**
   * Verifies a submitted transaction's signature off the main thread before it
   * is broadcast (null = valid); the app then skips that check in CheckTx.
   * Transactions gossiped from other nodes are still verified by CheckTx.
   */
  verify?: (tx: Uint8Array) => Promise<{ code: number; codespace: string; log: string } | null>;
}

interface Waiter {
  duplicate: boolean;
  resolve: (r: SubmitResult) => void;
  timer: NodeJS.Timeout;
}

interface Subscriber {
  next: { height: bigint; index: number };
  live: boolean;
  closed: boolean;
  onItem: (item: StreamItem) => void;
}

/** Recent blocks kept for the stream, so live subscribers and short catch-ups need no RPC. */
const RECENT_BLOCKS = 256;

/** Parses an RFC 3339 time with up to nanosecond digits to Unix milliseconds. */
export function rfc3339ToMs(s: string): bigint {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) throw NodeErrors.engineRpc.create(`cometbft gave an unreadable time ${JSON.stringify(s)}`);
  const whole = Date.parse(`${m[1]}${m[3]}`);
  const ms = Number(`${m[2] ?? ""}000`.slice(0, 3));
  return BigInt(whole) + BigInt(ms);
}

function eventsOf(list: RpcEvent[] | null | undefined): Event[] {
  return (list ?? []).map((e) => ({
    type: e.type,
    attributes: (e.attributes ?? []).map((a) => ({ key: a.key, value: a.value })),
  }));
}

function resultOf(r: RpcTxResult): TxResult {
  return { code: r.code, codespace: r.codespace ?? "", log: r.log ?? "", events: eventsOf(r.events) };
}

/** Hex of a byte string that CometBFT's JSON gives as base64 (plain `[]byte` fields such as block_results' app_hash). */
function base64Hex(s: string): string {
  return Buffer.from(s, "base64").toString("hex");
}

function isNotFound(e: unknown): boolean {
  return e instanceof CometRpcError && /must be less than or equal|not available|not found|lowest height/i.test(e.data);
}

/** The NodeService of a node whose consensus is CometBFT. */
export class CometEngine implements NodeService {
  readonly rpc: CometRpc;
  private readonly app: CometApp;
  private readonly chainId: string;
  private readonly commitTimeoutMs: number;
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly subscribers = new Set<Subscriber>();
  /** Stream items of recent committed blocks, by height. */
  private readonly recent = new Map<bigint, StreamItem[]>();
  private height = 0n;
  private lastBlockHash = "";
  private lastAppHash = "";
  private lastTimeMs = 0n;
  private catchingUp = true;
  private mempoolSize = 0;
  private running = false;
  private poller: NodeJS.Timeout | undefined;
  private readonly pollMs: number;
  private readonly verify: CometEngineOptions["verify"];
  private broadcastTail: Promise<void> = Promise.resolve();

  constructor(o: CometEngineOptions) {
    this.app = o.app;
    this.chainId = o.chainId;
    this.rpc = new CometRpc(o.rpcUrl);
    this.commitTimeoutMs = o.commitTimeoutMs ?? 30_000;
    this.pollMs = o.pollMs ?? 1000;
    this.verify = o.verify;
    const info = o.app.info();
    this.height = info.lastBlockHeight;
    this.lastAppHash = toHex(info.lastBlockAppHash);
  }

  /** Starts polling CometBFT's status (sync state, mempool size, latest block hash). */
  start(): void {
    this.running = true;
    const tick = async () => {
      await this.poll();
      if (this.running) this.poller = setTimeout(tick, this.pollMs);
    };
    void tick();
  }

  private async poll(): Promise<void> {
    try {
      const [s, m] = await Promise.all([
        this.rpc.status(),
        this.rpc.call<{ total: string }>("num_unconfirmed_txs", { limit: "1" }),
      ]);
      this.catchingUp = s.sync_info.catching_up;
      this.mempoolSize = Number(m.total);
      if (this.lastBlockHash === "" && BigInt(s.sync_info.latest_block_height) === this.height) {
        this.lastBlockHash = s.sync_info.latest_block_hash.toLowerCase();
        this.lastTimeMs = rfc3339ToMs(s.sync_info.latest_block_time);
      }
    } catch {
      // CometBFT is restarting or busy; keep the last known state.
    }
  }

  /** Called by the recording app after each Commit. */
  onCommit(b: CommittedBlock): void {
    this.height = b.height;
    this.lastBlockHash = b.hash;
    this.lastAppHash = b.appHash;
    this.lastTimeMs = b.timeMs;
    const items = streamItemsOf({
      hash: b.hash,
      header: {
        chainId: this.chainId,
        height: b.height,
        timeMs: b.timeMs,
        lastBlockHash: "",
        appHash: "",
        dataHash: "",
      },
      txs: b.txs,
      txHashes: b.txHashes,
      results: b.results,
      events: b.events,
      resultAppHash: b.appHash,
    });
    this.recent.set(b.height, items);
    this.recent.delete(b.height - BigInt(RECENT_BLOCKS));
    b.txHashes.forEach((hash, index) => {
      const list = this.waiters.get(hash);
      if (!list) return;
      this.waiters.delete(hash);
      const r = b.results[index] as TxResult;
      for (const w of list) {
        clearTimeout(w.timer);
        w.resolve({
          hash,
          code: r.code,
          codespace: r.codespace,
          log: r.log,
          duplicate: w.duplicate,
          height: b.height,
          index,
          events: r.events,
        });
      }
    });
    for (const s of this.subscribers) {
      if (s.live && !s.closed) this.deliver(s, items);
    }
  }

  /** Called after a state-sync restore: the app now starts at `height`. */
  onRestored(height: bigint): void {
    this.height = height;
    this.lastAppHash = toHex(this.app.info().lastBlockAppHash);
  }

  // ---------------------------------------------------------------- NodeService

  status(): NodeStatus {
    return {
      chainId: this.chainId,
      engine: "cometbft",
      latestHeight: this.height,
      latestBlockHash: this.lastBlockHash,
      latestAppHash: this.lastAppHash,
      latestBlockTimeMs: this.lastTimeMs,
      mempoolSize: this.mempoolSize,
      catchingUp: this.catchingUp,
    };
  }

  ready(): boolean {
    return this.running && !this.catchingUp && this.height > 0n;
  }

  /**
   * Broadcasts through CometBFT (CheckTx runs on this node's app, then the
   * mempool gossips the transaction). A resubmission of committed bytes fails
   * CheckTx (its sequence is used), so a refusal is looked up in CometBFT's
   * transaction index: if the bytes are committed, the committed outcome is
   * returned with `duplicate: true`.
   */
  async submit(tx: Uint8Array, wait: SubmitWait, timeoutMs?: number): Promise<SubmitResult> {
    if (!this.running) throw NodeErrors.notReady.create("the engine is not running");
    const hash = toHex(sha256(tx));
    if (tx.length > MAX_TX_BYTES) {
      const e = TxErrors.tooLarge.create(`transaction is ${tx.length} bytes, at most ${MAX_TX_BYTES}`);
      return { hash, code: e.code, codespace: e.codespace, log: e.message, duplicate: false };
    }
    // Signatures verify in parallel on the workers, but broadcasts leave in submission order
    // (a client may send one account's sequences back to back): each waits for its predecessor.
    const verified = this.verify ? this.verify(tx) : Promise.resolve(null);
    const prev = this.broadcastTail;
    let release: () => void = () => {};
    this.broadcastTail = new Promise<void>((r) => {
      release = r;
    });
    let bad: Awaited<typeof verified>;
    let done: ReturnType<CometEngine["waitCommit"]> | undefined;
    let broadcast: Promise<RpcBroadcast> | undefined;
    try {
      bad = await verified;
      await prev;
      if (!bad) {
        if (this.verify) this.app.trustSignature(hash);
        // Wait for the commit before broadcasting, so a fast block cannot slip past.
        done = wait === "commit" ? this.waitCommit(hash, timeoutMs ?? this.commitTimeoutMs) : undefined;
        broadcast = this.rpc.broadcastTxSync(tx);
      }
    } finally {
      void prev.then(release);
    }
    if (bad || !broadcast) return { hash, ...(bad ?? { code: 0, codespace: "", log: "" }), duplicate: false };
    let duplicate = false;
    try {
      const r = await broadcast;
      if (r.code !== 0) {
        done?.cancel();
        const again = await this.tx(hash);
        if (again) return committedSubmitResult(again, true);
        return { hash, code: r.code, codespace: r.codespace ?? "", log: r.log ?? "", duplicate: false };
      }
    } catch (e) {
      if (!(e instanceof CometRpcError && /already exists in cache/i.test(e.data))) {
        done?.cancel();
        if (e instanceof CometRpcError && /mempool is full/i.test(e.data)) {
          const err = TxErrors.mempoolFull.create(e.data);
          return { hash, code: err.code, codespace: err.codespace, log: err.message, duplicate: false };
        }
        throw e;
      }
      duplicate = true;
      const again = await this.tx(hash);
      if (again) {
        done?.cancel();
        return committedSubmitResult(again, true);
      }
    }
    if (!done) return { hash, code: 0, codespace: "", log: "", duplicate };
    const r = await done.promise;
    return { ...r, duplicate: duplicate || r.duplicate };
  }

  private waitCommit(hash: string, timeoutMs: number): { promise: Promise<SubmitResult>; cancel(): void } {
    let waiter: Waiter | undefined;
    const remove = () => {
      const list = this.waiters.get(hash);
      if (!list || !waiter) return;
      const i = list.indexOf(waiter);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.waiters.delete(hash);
    };
    const promise = new Promise<SubmitResult>((resolve) => {
      waiter = {
        duplicate: false,
        resolve,
        timer: setTimeout(() => {
          remove();
          const e = NodeErrors.commitTimeout.create(`not committed within ${timeoutMs} ms; it may still be committed`);
          resolve({ hash, code: e.code, codespace: e.codespace, log: e.message, duplicate: false });
        }, timeoutMs),
      };
      const list = this.waiters.get(hash) ?? [];
      list.push(waiter);
      this.waiters.set(hash, list);
    });
    return {
      promise,
      cancel: () => {
        if (waiter) clearTimeout(waiter.timer);
        remove();
      },
    };
  }

  async block(height: bigint): Promise<BlockRecord | undefined> {
    if (height < 1n) return undefined;
    try {
      const [b, r] = await Promise.all([this.rpc.block(height), this.rpc.blockResults(height)]);
      const h = b.block.header;
      const txs = (b.block.data.txs ?? []).map((t) => new Uint8Array(Buffer.from(t, "base64")));
      return {
        hash: b.block_id.hash.toLowerCase(),
        header: {
          chainId: h.chain_id,
          height: BigInt(h.height),
          timeMs: rfc3339ToMs(h.time),
          lastBlockHash: h.last_block_id.hash.toLowerCase(),
          appHash: h.app_hash.toLowerCase(),
          dataHash: h.data_hash.toLowerCase(),
        },
        txs,
        txHashes: txs.map((t) => toHex(sha256(t))),
        results: (r.txs_results ?? []).map(resultOf),
        events: eventsOf(r.finalize_block_events),
        resultAppHash: base64Hex(r.app_hash),
      };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async tx(hash: string): Promise<TxRecord | undefined> {
    const h = hash.toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(h)) return undefined;
    try {
      const t = await this.rpc.tx(h);
      const height = BigInt(t.height);
      const header = await this.rpc.call<{ header: { time: string } }>("header", { height: t.height });
      return {
        hash: h,
        height,
        index: t.index,
        tx: new Uint8Array(Buffer.from(t.tx, "base64")),
        result: resultOf(t.tx_result),
        timeMs: rfc3339ToMs(header.header.time),
      };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  query(path: string, data: Uint8Array, height: bigint, prove: boolean): QueryResult {
    const r = this.app.query({ path, data, height, prove });
    return {
      code: r.code,
      codespace: r.codespace,
      log: r.log,
      height: r.height,
      key: r.key,
      value: r.value,
      ...(r.proof ? { proof: r.proof } : {}),
    };
  }

  subscribe(opts: { after?: string; fromHeight?: bigint }, onItem: (item: StreamItem) => void): () => void {
    let next: { height: bigint; index: number };
    if (opts.after !== undefined) {
      const c = parseCursor(opts.after);
      next = { height: c.height, index: c.index + 1 };
    } else if (opts.fromHeight !== undefined) {
      next = { height: opts.fromHeight < 1n ? 1n : opts.fromHeight, index: 0 };
    } else {
      next = { height: this.height + 1n, index: 0 };
    }
    const sub: Subscriber = { next, live: false, closed: false, onItem };
    this.subscribers.add(sub);
    setImmediate(() => {
      this.catchUp(sub).catch(() => {
        // CometBFT pruned or lost those heights: continue live from here.
        sub.next = { height: this.height + 1n, index: 0 };
        sub.live = true;
      });
    });
    return () => {
      sub.closed = true;
      this.subscribers.delete(sub);
    };
  }

  /** Delivers committed blocks from the subscriber's position, then switches it to live delivery. */
  private async catchUp(sub: Subscriber): Promise<void> {
    while (!sub.closed && sub.next.height <= this.height) {
      const h = sub.next.height;
      let items = this.recent.get(h);
      if (!items) {
        const b = await this.block(h);
        if (!b) throw NodeErrors.heightPruned.create(`height ${h} is not available`);
        items = streamItemsOf(b);
      }
      this.deliver(sub, items);
    }
    // No await since the loop's last check: no block can have committed in between.
    sub.live = true;
  }

  private deliver(sub: Subscriber, items: StreamItem[]): void {
    for (const item of items) {
      if (sub.closed) return;
      const c = parseCursor(item.cursor);
      if (c.height < sub.next.height || (c.height === sub.next.height && c.index < sub.next.index)) continue;
      sub.onItem(item);
    }
    const last = items[0]?.height ?? sub.next.height;
    sub.next = { height: last + 1n, index: 0 };
  }

  describe(): NodeDescription {
    return describeApp(this.app);
  }

  async close(): Promise<void> {
    this.running = false;
    if (this.poller) clearTimeout(this.poller);
    for (const [hash, list] of this.waiters) {
      for (const w of list) {
        clearTimeout(w.timer);
        const e = NodeErrors.notReady.create("the node is stopping");
        w.resolve({ hash, code: e.code, codespace: e.codespace, log: e.message, duplicate: w.duplicate });
      }
    }
    this.waiters.clear();
    this.subscribers.clear();
  }
}
