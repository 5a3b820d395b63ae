/**
 * The node's CommitStore, persisted in one LMDB environment with five
 * databases, all with binary keys and values:
 *
 * - `nodes`: tree nodes, key = node key (u64 BE version || depth || path), see tree.ts.
 * - `stale`: stale-node index, key = u64 BE version, value = the keys of the
 *            nodes that version made stale, each preceded by its u8 length.
 * - `roots`: root record per kept version, key = u64 BE version.
 * - `flat`:  latest value of every key, key = state key (for fast reads and
 *            ordered range queries at the latest version).
 * - `meta`:  `format` = 1; `importing` while a state-sync import or a genesis
 *            is written (one interrupted by a crash is undone when the store is reopened).
 *
 * A commit writes all of them in one write transaction, so a crash before it
 * commits leaves the previous version intact and a crash after loses nothing.
 */
import { InvariantViolation, utf8 } from "@urbis/protocol";
import type { Entry, Write } from "@urbis/state";
import { type Database, open as openLmdb, type RootDatabase } from "lmdb";
import { readU64, u64Bytes } from "./tree.js";
import { type CommitSet, type CommitStoreOptions, type StoreBackend, TreeCommitStore } from "./tree-store.js";

/** Options of {@link LmdbCommitStore}. */
export interface LmdbStoreOptions extends CommitStoreOptions {
  /**
   * Do not fsync commits. A killed process still loses nothing (the OS keeps
   * the written pages), but a power loss may lose the last commits. For
   * tests and benchmarks only.
   */
  readonly noSync?: boolean;
  /**
   * Wait for each commit to reach the disk (fsync) before commit() resolves.
   * Off by default: a commit is written to the OS when commit() resolves, so
   * a killed process loses nothing, and LMDB flushes it in the background
   * (overlapping sync) moments later; only an OS crash or power loss in that
   * window can lose the last commits (which the consensus engine replays).
   */
  readonly fsync?: boolean;
  /** Largest database size in bytes; default 64 GiB. See `writeMap`. */
  readonly mapSize?: number;
  /** Use LMDB's write map (default true; see the comment in the constructor). */
  readonly writeMap?: boolean;
}

const FORMAT = 1;
const FORMAT_KEY = utf8("format");
const IMPORTING_KEY = utf8("importing");
const APPEND = { append: true } as const;
const LOWEST_KEY = new Uint8Array([0]);
/** lmdb's TransactionFlags SYNCHRONOUS_COMMIT | NO_SYNC_FLUSH: commit before returning, fsync later. */
const TXN_COMMIT_NO_FLUSH = 0x2 | 0x10000;

type BinDb = Database<Uint8Array, Uint8Array>;

/** Node keys (at most 41 bytes each) concatenated, each after its u8 length. */
function packKeys(keys: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const k of keys) n += 1 + k.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const k of keys) {
    out[off] = k.length;
    out.set(k, off + 1);
    off += 1 + k.length;
  }
  return out;
}

/** A Uint8Array view of a Buffer (Buffers compare unequal to Uint8Arrays in assert.deepEqual). */
function plain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

class LmdbBackend implements StoreBackend {
  private readonly env: RootDatabase;
  private readonly nodes: BinDb;
  private readonly stale: BinDb;
  private readonly roots: BinDb;
  private readonly flat: BinDb;
  private readonly meta: BinDb;
  /** The `importing` mark is written (an import is in progress). */
  private importMarked = false;
  private readonly noSync: boolean;
  private readonly fsync: boolean;

  constructor(path: string, opts: LmdbStoreOptions) {
    this.noSync = opts.noSync === true;
    // A map size far above any realistic database: lmdb-js otherwise grows the
    // map by remapping, and the old, larger-than-needed mappings stay resident
    // (RSS counted twice). Address space is free on 64-bit; the file only
    // grows as data is written.
    this.fsync = opts.fsync === true;
    // Write map: LMDB modifies pages in the memory map instead of malloc'd
    // copies, and then tracks dirty pages in an append-only list; without it,
    // every newly dirtied page is inserted into a sorted array, which grows
    // quadratic in commits that touch ~100,000 scattered pages (pruning and
    // the flat table at a million keys): measured 10x slower pruning.
    // With it, LMDB sizes the data file to mapSize up front (a sparse file:
    // disk use is only what is written).
    this.env = openLmdb({
      path,
      maxDbs: 8,
      noSync: this.noSync,
      mapSize: opts.mapSize ?? 2 ** 36,
      useWritemap: opts.writeMap ?? true,
    });
    const db = (name: string): BinDb =>
      this.env.openDB<Uint8Array, Uint8Array>(name, { encoding: "binary", keyEncoding: "binary" });
    this.nodes = db("nodes");
    this.stale = db("stale");
    this.roots = db("roots");
    this.flat = db("flat");
    const meta = db("meta");
    this.meta = meta;
    const format = meta.getBinary(FORMAT_KEY);
    if (format === undefined) meta.putSync(FORMAT_KEY, new Uint8Array([FORMAT]));
    else if (format.length !== 1 || format[0] !== FORMAT) {
      void this.env.close();
      throw new InvariantViolation(`unsupported store format ${format.length === 1 ? format[0] : "?"} in ${path}`);
    }
    // A state-sync import that never finished: start empty again.
    if (meta.getBinary(IMPORTING_KEY) !== undefined) this.env.transactionSync(() => this.clearAll());
  }

  /** Deletes all data and the import mark. Runs inside a write transaction. */
  private clearAll(): void {
    this.nodes.clearSync();
    this.stale.clearSync();
    this.roots.clearSync();
    this.flat.clearSync();
    this.meta.removeSync(IMPORTING_KEY);
    this.importMarked = false;
  }

  getNode(key: Uint8Array): Uint8Array | undefined {
    // getBinary copies out of the memory map: the bytes stay valid (getBinaryFast's would not).
    const b = this.nodes.getBinary(key);
    return b === undefined ? undefined : plain(b);
  }

  getNodeFast(key: Uint8Array): Uint8Array | undefined {
    // Valid until the next read; the tree decodes it at once. (The Buffer's
    // memory is larger than the value: take a view of exactly its length.)
    const b = this.nodes.getBinaryFast(key);
    return b === undefined ? undefined : plain(b);
  }

  getRoot(version: number): Uint8Array | undefined {
    const b = this.roots.getBinary(u64Bytes(version));
    return b === undefined ? undefined : plain(b);
  }

  versions(): { oldest: number; last: number } | undefined {
    let oldest: number | undefined;
    let last: number | undefined;
    for (const k of this.roots.getKeys({ limit: 1 })) oldest = readU64(k, 0);
    for (const k of this.roots.getKeys({ limit: 1, reverse: true })) last = readU64(k, 0);
    return oldest === undefined || last === undefined ? undefined : { oldest, last };
  }

  getLatest(key: Uint8Array): Uint8Array | undefined {
    if (key.length === 0 || key.length > 1978) return undefined; // LMDB cannot hold such keys
    const b = this.flat.getBinary(key);
    return b === undefined ? undefined : plain(b);
  }

  hasLatest(key: Uint8Array): boolean {
    // getBinaryFast: no copy of the value (its reused buffer is not kept).
    return key.length > 0 && key.length <= 1978 && this.flat.getBinaryFast(key) !== undefined;
  }

  *iterateLatest(start?: Uint8Array, end?: Uint8Array, reverse = false): Iterable<Entry> {
    if (end !== undefined && end.length === 0) return; // no key is < the empty key
    const lo = start !== undefined && start.length > 0 ? start : undefined;
    // lmdb's reverse ranges run from `start` (inclusive) down to `end`
    // (exclusive); flip both to get lo <= key < hi. Without an explicit end,
    // lmdb 3.5's reverse ranges stop before the key 0x00, so always give one:
    // 0x00 inclusive is the smallest non-empty key.
    const range = reverse
      ? this.flat.getRange({
          ...(end !== undefined && { start: end, exclusiveStart: true }),
          end: lo ?? LOWEST_KEY,
          inclusiveEnd: true,
          reverse: true,
        })
      : this.flat.getRange({ ...(lo !== undefined && { start: lo }), ...(end !== undefined && { end }) });
    for (const { key, value } of range) yield [plain(key as Buffer), plain(value as Buffer)];
  }

  apply(c: CommitSet): void {
    this.env.transactionSync(() => {
      for (let i = 0; i < c.nodeKeys.length; i++) {
        // Keys are sorted and start with the new version, so they append at the end of the B-tree.
        // (lmdb's typings say void, but putSync returns false when MDB_APPEND refuses a key.)
        const ok = this.nodes.putSync(c.nodeKeys[i] as Uint8Array, c.nodeValues[i] as Uint8Array, APPEND) as unknown;
        if (ok === false) {
          throw new InvariantViolation("tree node keys out of order or already present");
        }
      }
      // One stale-index entry per version, listing that version's stale node
      // keys (each u8 length-prefixed): two LMDB operations per commit
      // instead of two per stale node.
      if (c.stale.length > 0) this.stale.putSync(u64Bytes(c.version), packKeys(c.stale));
      for (const [key, value] of c.writes) {
        if (value === null) this.flat.removeSync(key);
        else this.flat.putSync(key, value);
      }
      this.roots.putSync(u64Bytes(c.version), c.root);
      this.prune(c.oldest);
      // Commit now, flush to disk in the background (see LmdbStoreOptions.fsync).
    }, TXN_COMMIT_NO_FLUSH);
  }

  /** Deletes what versions below `oldest` alone used. Runs inside the commit transaction. */
  private prune(oldest: number): void {
    // Collect first, then delete: no deleting under an open cursor.
    const doomed: { key: Uint8Array; nodes: Uint8Array }[] = [];
    for (const { key, value } of this.stale.getRange({ end: u64Bytes(oldest + 1) })) {
      doomed.push({ key: new Uint8Array(key as Buffer), nodes: new Uint8Array(value as Buffer) });
    }
    const keys: Uint8Array[] = [];
    for (const { nodes } of doomed) {
      for (let off = 0; off < nodes.length; ) {
        const n = nodes[off] as number;
        keys.push(nodes.subarray(off + 1, off + 1 + n));
        off += 1 + n;
      }
    }
    // In key order, consecutive deletions often hit the same B-tree page.
    keys.sort(Buffer.compare);
    for (const k of keys) this.nodes.removeSync(k);
    for (const { key } of doomed) this.stale.removeSync(key);
    const oldRoots: Uint8Array[] = [];
    for (const k of this.roots.getKeys({ end: u64Bytes(oldest) })) oldRoots.push(new Uint8Array(k as Buffer));
    for (const k of oldRoots) this.roots.removeSync(k);
  }

  importPut(nodeKeys: readonly Uint8Array[], nodeValues: readonly Uint8Array[], flat: readonly Entry[]): void {
    // Nodes in key order: consecutive puts then often hit the same B-tree page.
    const order = nodeKeys.map((_, i) => i).sort((a, b) => Buffer.compare(nodeKeys[a]!, nodeKeys[b]!));
    this.env.transactionSync(() => {
      if (!this.importMarked) this.meta.putSync(IMPORTING_KEY, new Uint8Array([1]));
      for (const i of order) this.nodes.putSync(nodeKeys[i]!, nodeValues[i]!);
      for (const [key, value] of flat) this.flat.putSync(key, value);
    }, TXN_COMMIT_NO_FLUSH);
    this.importMarked = true;
  }

  genesisPut(writes: readonly Write[]): void {
    this.env.transactionSync(() => {
      if (!this.importMarked) this.meta.putSync(IMPORTING_KEY, new Uint8Array([1]));
      for (const [key, value] of writes) {
        if (value === null) this.flat.removeSync(key);
        else this.flat.putSync(key, value);
      }
    }, TXN_COMMIT_NO_FLUSH);
    this.importMarked = true;
  }

  importFinish(version: number, root: Uint8Array): void {
    // Default flags: commit and wait for the disk (unless noSync).
    this.env.transactionSync(() => {
      const old: Uint8Array[] = [];
      for (const k of this.roots.getKeys()) old.push(new Uint8Array(k as Buffer));
      for (const k of old) this.roots.removeSync(k);
      this.roots.putSync(u64Bytes(version), root);
      this.meta.removeSync(IMPORTING_KEY);
    });
    this.importMarked = false;
  }

  reset(root: Uint8Array): void {
    this.env.transactionSync(() => {
      this.clearAll();
      this.roots.putSync(u64Bytes(0), root);
    });
  }

  nodeCount(): number {
    return (this.nodes.getStats() as { entryCount: number }).entryCount;
  }

  async flush(): Promise<void> {
    if (this.fsync && !this.noSync) await this.env.flushed;
  }

  async close(): Promise<void> {
    await this.env.close();
  }
}

/** The versioned Merkle-committed store of a node, in an LMDB directory. */
export class LmdbCommitStore extends TreeCommitStore {
  /** Opens (creating if needed) the store in directory `path`. */
  constructor(path: string, opts: LmdbStoreOptions = {}) {
    super(new LmdbBackend(path, opts), opts);
  }
}

/** Opens (creating if needed) the LMDB store in directory `path`. */
export function open(path: string, opts: LmdbStoreOptions = {}): LmdbCommitStore {
  return new LmdbCommitStore(path, opts);
}
