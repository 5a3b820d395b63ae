/**
 * The durable block log of a node: per height the block (header and
 * transaction bytes) and its results, a tx-hash index and the last saved
 * height. It lives in its own LMDB environment (not the state store's) so the
 * two can be checked against each other after a crash, as CometBFT's
 * handshake does with its block store and the app.
 *
 * Layout (binary keys, values in the project codec):
 *   `m` "height"          → u64 last saved height (0 = empty)
 *   `m` "base"            → u64 lowest retained height (0 = empty)
 *   `b` u64-BE height     → StoredBlock
 *   `r` u64-BE height     → StoredResults
 *   `t` 32-byte tx hash   → TxLocation (first inclusion wins)
 *   `h` 32-byte blk hash  → u64 height
 * Heights are big-endian in keys so LMDB's byte order is height order.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { decode, encode, fromHex, InvariantViolation, u64 } from "@urbis/protocol";
import type { Event, TxResult } from "@urbis/state";
import { type Database, open } from "lmdb";
import { fastTxHash as txHash } from "../crypto/hash.js";
import type { BlockHeader, BlockRecord, TxRecord } from "../service.js";
import {
  blockHash,
  dataHash,
  type StoredBlock,
  type StoredResults,
  storedBlockCodec,
  storedResultsCodec,
  type TxIndexEntry,
  type TxLocation,
  txIndexEntryCodec,
} from "./codecs.js";

const META_HEIGHT = Uint8Array.from([0x6d, ...new TextEncoder().encode("height")]);
const META_BASE = Uint8Array.from([0x6d, ...new TextEncoder().encode("base")]);
const P_BLOCK = 0x62; // b
const P_RESULTS = 0x72; // r
const P_TX = 0x74; // t
const P_HASH = 0x68; // h

/** A plain Uint8Array view of an LMDB Buffer, so decoded byte fields are not Buffers (whose slice() does not copy). */
function plain(b: Buffer | undefined): Uint8Array | undefined {
  return b === undefined ? undefined : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function heightKey(prefix: number, h: bigint): Uint8Array {
  const k = new Uint8Array(9);
  k[0] = prefix;
  new DataView(k.buffer).setBigUint64(1, h, false);
  return k;
}

function hashKey(prefix: number, hexHash: string): Uint8Array {
  const raw = fromHex(hexHash);
  const k = new Uint8Array(1 + raw.length);
  k[0] = prefix;
  k.set(raw, 1);
  return k;
}

/** What the engine hands the store after FinalizeBlock. */
export interface NewBlock {
  header: BlockHeader;
  txs: Uint8Array[];
  results: TxResult[];
  events: Event[];
  /** Hex app hash after the block. */
  resultAppHash: string;
}

/** Options of {@link BlockStore.open}. */
export interface BlockStoreOptions {
  /**
   * Skip fsync. Only for throwaway test stores: with it a machine crash (not a
   * process crash) may lose blocks the engine already reported committed.
   */
  noSync?: boolean;
}

/** Durable, append-only (plus pruning) block log in LMDB. */
export class BlockStore {
  private lastHeight: bigint;
  private baseHeight: bigint;
  private closed = false;

  private constructor(private readonly db: Database<Uint8Array, Uint8Array>) {
    this.lastHeight = this.readMeta(META_HEIGHT);
    this.baseHeight = this.readMeta(META_BASE);
  }

  /** Opens (creating if needed) the block store in directory `dir`. */
  static open(dir: string, opts: BlockStoreOptions = {}): BlockStore {
    mkdirSync(dir, { recursive: true });
    const db = open<Uint8Array, Uint8Array>({
      path: join(dir, "blocks.mdb"),
      keyEncoding: "binary",
      encoding: "binary",
      noSync: opts.noSync ?? false,
      // Off: values are already compact canonical bytes, and the log must stay readable by any build.
      compression: false,
    });
    return new BlockStore(db);
  }

  private readMeta(key: Uint8Array): bigint {
    const raw = this.get(key);
    return raw ? decode(u64, raw) : 0n;
  }

  private get(key: Uint8Array): Uint8Array | undefined {
    return plain(this.db.getBinary(key));
  }

  /** Last saved height (0 when empty). */
  height(): bigint {
    return this.lastHeight;
  }

  /** Lowest height still stored (0 when empty). Lower heights were pruned. */
  base(): bigint {
    return this.baseHeight;
  }

  /**
   * Saves a block and its results atomically, as height `height()+1`. The
   * promise resolves only once the write is flushed to disk, so the engine may
   * commit state (and tell clients) after it.
   */
  async save(b: NewBlock): Promise<{ hash: string; txHashes: string[] }> {
    this.assertOpen();
    const h = b.header.height;
    if (this.lastHeight !== 0n && h !== this.lastHeight + 1n) {
      throw new InvariantViolation(`block store: saving height ${h} after ${this.lastHeight}`);
    }
    if (b.results.length !== b.txs.length) {
      throw new InvariantViolation(`block ${h}: ${b.txs.length} transactions but ${b.results.length} results`);
    }
    const txHashes = b.txs.map(txHash);
    if (b.header.dataHash !== dataHash(txHashes)) throw new InvariantViolation(`block ${h}: data hash mismatch`);
    const hash = blockHash(b.header);
    const block: StoredBlock = { header: b.header, txs: b.txs };
    const results: StoredResults = { txResults: b.results, events: b.events, resultAppHash: b.resultAppHash };
    const blockBytes = encode(storedBlockCodec, block);
    const resultBytes = encode(storedResultsCodec, results);
    const first = this.lastHeight === 0n;
    // Plain async puts, all issued in this one event turn: lmdb-js commits them in a single
    // transaction on its write thread, so the B-tree work stays off the main thread (a
    // transaction callback would run every put here, between the engine's CheckTx calls).
    const writes: Promise<boolean>[] = [
      this.db.put(heightKey(P_BLOCK, h), blockBytes),
      this.db.put(heightKey(P_RESULTS, h), resultBytes),
      this.db.put(hashKey(P_HASH, hash), encode(u64, h)),
    ];
    const indexed = new Set<string>();
    txHashes.forEach((th, index) => {
      // The same bytes cannot succeed twice (sequences), but keep the first inclusion if they ever reappear.
      // The entry repeats the transaction and its result (a second copy on disk) so that looking one
      // up reads one small record instead of decoding a whole block of thousands.
      if (indexed.has(th)) return;
      indexed.add(th);
      const k = hashKey(P_TX, th);
      if (this.db.doesExist(k)) return;
      const entry = {
        height: h,
        index,
        timeMs: b.header.timeMs,
        tx: b.txs[index] as Uint8Array,
        result: b.results[index] as TxResult,
      };
      writes.push(this.db.put(k, encode(txIndexEntryCodec, entry)));
    });
    writes.push(this.db.put(META_HEIGHT, encode(u64, h)));
    if (first) writes.push(this.db.put(META_BASE, encode(u64, h)));
    await Promise.all(writes);
    await this.db.flushed;
    this.lastHeight = h;
    if (first) this.baseHeight = h;
    return { hash, txHashes };
  }

  /** The stored block (header and transactions) at `height`, undefined if absent or pruned. */
  storedBlock(height: bigint): StoredBlock | undefined {
    const raw = this.get(heightKey(P_BLOCK, height));
    return raw ? decode(storedBlockCodec, raw) : undefined;
  }

  /** The stored results at `height`, undefined if absent or pruned. */
  results(height: bigint): StoredResults | undefined {
    const raw = this.get(heightKey(P_RESULTS, height));
    return raw ? decode(storedResultsCodec, raw) : undefined;
  }

  /** The full record of the block at `height`. */
  block(height: bigint): BlockRecord | undefined {
    const b = this.storedBlock(height);
    const r = this.results(height);
    if (!b || !r) return undefined;
    return {
      hash: blockHash(b.header),
      header: b.header,
      txs: b.txs,
      txHashes: b.txs.map(txHash),
      results: r.txResults,
      events: r.events,
      resultAppHash: r.resultAppHash,
    };
  }

  /** Height of the block with hex hash `hash`. */
  heightOf(hash: string): bigint | undefined {
    if (!/^[0-9a-f]{64}$/.test(hash)) return undefined;
    const raw = this.get(hashKey(P_HASH, hash));
    return raw ? decode(u64, raw) : undefined;
  }

  /** Where the transaction with hex hash `hash` was committed. */
  txLocation(hash: string): TxLocation | undefined {
    const e = this.txEntry(hash);
    return e ? { height: e.height, index: e.index } : undefined;
  }

  private txEntry(hash: string): TxIndexEntry | undefined {
    if (!/^[0-9a-f]{64}$/.test(hash)) return undefined;
    const raw = this.get(hashKey(P_TX, hash));
    return raw ? decode(txIndexEntryCodec, raw) : undefined;
  }

  /** A committed transaction with its result, undefined if unknown or pruned. */
  tx(hash: string): TxRecord | undefined {
    const e = this.txEntry(hash);
    if (!e) return undefined;
    return { hash, height: e.height, index: e.index, tx: e.tx, result: e.result, timeMs: e.timeMs };
  }

  /**
   * Deletes every block below `retainHeight` (never the last one), in chunks
   * so one huge transaction does not stall the writer. Returns how many
   * heights were removed. Durable when resolved.
   */
  async prune(retainHeight: bigint, chunk = 500): Promise<number> {
    this.assertOpen();
    const target = retainHeight > this.lastHeight ? this.lastHeight : retainHeight;
    let removed = 0;
    while (this.baseHeight !== 0n && this.baseHeight < target) {
      const from = this.baseHeight;
      const to = from + BigInt(chunk) < target ? from + BigInt(chunk) : target;
      await this.db.transaction(() => {
        for (let h = from; h < to; h++) {
          const raw = this.get(heightKey(P_BLOCK, h));
          if (raw) {
            const b = decode(storedBlockCodec, raw);
            for (const t of b.txs) {
              const k = hashKey(P_TX, txHash(t));
              const loc = this.get(k);
              if (loc && decode(txIndexEntryCodec, loc).height === h) this.db.removeSync(k);
            }
            this.db.removeSync(hashKey(P_HASH, blockHash(b.header)));
          }
          this.db.removeSync(heightKey(P_BLOCK, h));
          this.db.removeSync(heightKey(P_RESULTS, h));
        }
        this.db.putSync(META_BASE, encode(u64, to));
      });
      await this.db.flushed;
      this.baseHeight = to;
      removed += Number(to - from);
    }
    return removed;
  }

  /** Waits for pending writes and closes the environment. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.flushed;
    await this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new InvariantViolation("block store is closed");
  }
}
