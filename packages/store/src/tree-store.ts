/**
 * The CommitStore logic shared by the LMDB and in-memory stores: staging,
 * version bookkeeping, pruning policy, historical reads and proofs. Storage
 * is behind {@link StoreBackend}; the tree algorithm is in tree.ts.
 */
import { compareBytes, encodeProof, InvariantViolation } from "@urbis/protocol";
import type { CommitStore, Entry, GenesisWriter, KVRead, Write } from "@urbis/state";
import { StoreErrors } from "./errors.js";
import { sha256 } from "./hash.js";
import { LatestCache } from "./latest-cache.js";
import {
  applyBatch,
  decodeRootRecord,
  EMPTY_ROOT_RECORD,
  encodeRootRecord,
  getLeaf,
  type NodeStorage,
  prepareItems,
  proveKey,
  RootKind,
  type RootRecord,
  type TreeUpdate,
} from "./tree.js";
import { StateExport, TreeWalker } from "./tree-export.js";
import { BulkTreeBuilder, StoreImport } from "./tree-import.js";

/**
 * Longest state key accepted: LMDB's key size limit with 4 KiB pages (keys are
 * stored verbatim in the flat table). The in-memory store enforces it too, so
 * both behave alike.
 */
export const MAX_KEY_BYTES = 1978;

/** Everything one commit changes, applied atomically by a backend. */
export interface CommitSet {
  readonly version: number;
  /** Encoded root record of `version`. */
  readonly root: Uint8Array;
  /** New tree nodes, keys ascending (all after every existing key), with their values. */
  readonly nodeKeys: readonly Uint8Array[];
  readonly nodeValues: readonly Uint8Array[];
  /** Keys of nodes `version` no longer uses: record them as stale since `version`. */
  readonly stale: readonly Uint8Array[];
  /** Changes to the flat latest-value table (ascending unique keys; null deletes). */
  readonly writes: readonly Write[];
  /**
   * Oldest version retained after this commit: delete the root records of
   * older versions and every node stale since a version <= oldest (those are
   * only used by versions < oldest).
   */
  readonly oldest: number;
}

/** Where a tree store keeps its data. */
export interface StoreBackend extends NodeStorage {
  /** Encoded root record of a version, if kept. */
  getRoot(version: number): Uint8Array | undefined;
  /** Oldest and last versions that have a root record; undefined for a new store. */
  versions(): { oldest: number; last: number } | undefined;
  /** Latest value of a key (flat table). */
  getLatest(key: Uint8Array): Uint8Array | undefined;
  /** Whether a key has a latest value (flat table). */
  hasLatest(key: Uint8Array): boolean;
  /** Flat table entries with start <= key < end, ascending or descending. */
  iterateLatest(start?: Uint8Array, end?: Uint8Array, reverse?: boolean): Iterable<Entry>;
  /** Applies a commit atomically; its effects are visible when this returns. */
  apply(c: CommitSet): void;
  /**
   * State-sync import into an empty backend: writes tree nodes (all new, in
   * any order) and flat entries, with no root record yet. The backend marks
   * itself as mid-import, so that one interrupted by a crash is undone on reopening.
   */
  importPut(nodeKeys: readonly Uint8Array[], nodeValues: readonly Uint8Array[], flat: readonly Entry[]): void;
  /**
   * One batch of a genesis written as version 0 (see {@link TreeCommitStore.beginGenesis}):
   * flat-table changes only (null deletes). Like importPut, it marks the
   * backend as mid-import, so that a crash before importFinish leaves an empty
   * store on reopening; the tree nodes then come through importPut.
   */
  genesisPut(writes: readonly Write[]): void;
  /** Ends an import, atomically and durably: `root` becomes `version`'s record, the only one kept. */
  importFinish(version: number, root: Uint8Array): void;
  /** Deletes everything (nodes, stale index, roots, flat table, import mark); `root` becomes version 0's record. */
  reset(root: Uint8Array): void;
  /** Number of stored tree nodes, over all kept versions. */
  nodeCount(): number;
  /** Resolves when everything applied so far is durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Options of every tree store. */
export interface CommitStoreOptions {
  /**
   * Number of most recent versions to keep readable and provable; older ones
   * are pruned at commit. 0 (the default) keeps every version.
   */
  readonly keepRecent?: number;
  /**
   * Latest values kept in memory in front of the backend (see
   * {@link LatestCache}); 0 turns the cache off. Default 65,536.
   */
  readonly latestCacheEntries?: number;
}

interface Staged {
  readonly version: number;
  readonly update: TreeUpdate;
  readonly writes: readonly Write[];
}

/** Fails unless `writes` has ascending unique keys of acceptable length. */
function checkWrites(writes: readonly Write[]): void {
  let prev: Uint8Array | undefined;
  for (const [key] of writes) {
    if (key.length === 0 || key.length > MAX_KEY_BYTES) {
      throw new InvariantViolation(`state keys must have 1..${MAX_KEY_BYTES} bytes, got ${key.length}`);
    }
    if (prev !== undefined && compareBytes(prev, key) >= 0)
      throw new InvariantViolation("writes must have ascending unique keys");
    prev = key;
  }
}

/** Tree nodes written to the backend at a time while a genesis tree is built. */
const GENESIS_NODE_BATCH = 50_000;

/**
 * Builds the version-0 tree of everything in the backend's flat table (a
 * genesis; the store holds no other state) and writes its nodes. The bulk
 * builder needs the entries in key-hash order: a pass over the flat table
 * collects each key and its hash into flat typed arrays (40 bytes per entry
 * with the sort order, plus the key: about 70 MB for a million accounts, a
 * fraction of what the same keys take as JS objects), then the entries are
 * added in hash order, their values read back from the table.
 */
function buildGenesisTree(backend: StoreBackend): RootRecord {
  // Sized by a first, cheap pass: growing the arrays by doubling left up to
  // twice their size as garbage, which V8 frees only at a full collection.
  let count = 0;
  let keyTotal = 0;
  for (const [key] of backend.iterateLatest()) {
    count++;
    keyTotal += key.length;
  }
  const hashes = new Uint8Array(32 * count);
  const keys = new Uint8Array(keyTotal);
  const keyEnd = new Uint32Array(count); // key i is keys[keyEnd[i-1] .. keyEnd[i])
  let n = 0;
  let used = 0;
  for (const [key] of backend.iterateLatest()) {
    if (n === count || used + key.length > keyTotal)
      throw new InvariantViolation("the flat table changed during genesis");
    hashes.set(sha256(key), 32 * n);
    keys.set(key, used);
    used += key.length;
    keyEnd[n++] = used;
  }
  if (n !== count) throw new InvariantViolation("the flat table changed during genesis");
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    for (let j = 0; j < 32; j++) {
      const d = (hashes[32 * a + j] as number) - (hashes[32 * b + j] as number);
      if (d !== 0) return d;
    }
    return 0;
  });
  const builder = new BulkTreeBuilder(0);
  const put = () => {
    const { nodeKeys, nodeValues } = builder.drain();
    backend.importPut(nodeKeys, nodeValues, []);
  };
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    const key = keys.subarray(i === 0 ? 0 : (keyEnd[i - 1] as number), keyEnd[i] as number);
    const value = backend.getLatest(key);
    if (value === undefined) throw new InvariantViolation("a genesis key vanished from the flat table");
    builder.add(key, value, hashes.subarray(32 * i, 32 * i + 32));
    if (k % GENESIS_NODE_BATCH === GENESIS_NODE_BATCH - 1) put();
  }
  const root = builder.finish();
  put();
  return root;
}

/** Version as a store-internal number, or -1 if it cannot be a version. */
function versionNumber(v: bigint): number {
  return v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : -1;
}

/**
 * A {@link CommitStore} over a {@link StoreBackend}. Version 0 is the empty
 * state before the first commit.
 */
export class TreeCommitStore implements CommitStore {
  private last: number;
  private oldest: number;
  private lastRoot: RootRecord;
  private staged: Staged | undefined;
  private closed = false;
  /** A bulk import (state sync) is in progress. */
  private importing = false;
  /** Versions being exported (count per version): not pruned until released. */
  private readonly pins = new Map<number, number>();
  private readonly keepRecent: number;
  private readonly latestView: KVRead;
  private readonly cache: LatestCache;

  constructor(
    protected readonly backend: StoreBackend,
    opts: CommitStoreOptions = {},
  ) {
    const keep = opts.keepRecent ?? 0;
    if (!Number.isSafeInteger(keep) || keep < 0)
      throw new RangeError(`keepRecent must be a whole number >= 0, got ${keep}`);
    this.keepRecent = keep;
    const cacheEntries = opts.latestCacheEntries ?? 65_536;
    if (!Number.isSafeInteger(cacheEntries) || cacheEntries < 0)
      throw new RangeError(`latestCacheEntries must be a whole number >= 0, got ${cacheEntries}`);
    this.cache = new LatestCache(cacheEntries);
    let range = backend.versions();
    if (range === undefined) {
      backend.apply({
        version: 0,
        root: encodeRootRecord(EMPTY_ROOT_RECORD),
        nodeKeys: [],
        nodeValues: [],
        stale: [],
        writes: [],
        oldest: 0,
      });
      range = { oldest: 0, last: 0 };
    }
    this.last = range.last;
    this.oldest = range.oldest;
    this.lastRoot = this.rootRecord(this.last);
    this.latestView = {
      get: (key) => {
        this.assertOpen();
        return this.cache.read(key, (k) => this.backend.getLatest(k));
      },
      iterate: (start, end, reverse) => {
        this.assertOpen();
        return this.backend.iterateLatest(start, end, reverse);
      },
    };
  }

  lastVersion(): bigint {
    return BigInt(this.last);
  }

  /** Oldest version still readable and provable. */
  oldestVersion(): bigint {
    return BigInt(this.oldest);
  }

  rootAt(version: bigint): Uint8Array | undefined {
    const v = versionNumber(version);
    if (v < this.oldest || v > this.last) return undefined;
    return this.rootRecord(v).hash.slice();
  }

  latest(): KVRead {
    return this.latestView;
  }

  at(version: bigint): KVRead | undefined {
    const v = versionNumber(version);
    if (v < this.oldest || v > this.last) return undefined;
    return this.view(v);
  }

  /** Like {@link at}, but fails with `store.version_pruned` or `store.unknown_version`. */
  atOrThrow(version: bigint): KVRead {
    return this.view(this.check(version));
  }

  stage(writes: readonly Write[]): Uint8Array {
    this.assertOpen();
    this.assertNotImporting();
    checkWrites(writes);
    const version = this.last + 1;
    const items = prepareItems(writes, (key) => {
      const cached = this.cache.get(key);
      return cached === undefined ? this.backend.hasLatest(key) : cached !== null;
    });
    const update = applyBatch(this.backend, this.lastRoot, version, items);
    this.staged = { version, update, writes };
    return update.root.hash.slice();
  }

  async commit(): Promise<void> {
    this.assertOpen();
    const st = this.staged;
    if (st === undefined) throw new InvariantViolation("commit() without stage()");
    this.assertNotImporting();
    if (st.version !== this.last + 1)
      throw new InvariantViolation("the staged writes were computed against an older version");
    let oldest = this.keepRecent > 0 ? Math.max(this.oldest, st.version - this.keepRecent + 1) : this.oldest;
    // A version being exported stays until its export ends (pins are >= this.oldest).
    for (const v of this.pins.keys()) oldest = Math.min(oldest, v);
    this.backend.apply({
      version: st.version,
      root: encodeRootRecord(st.update.root),
      nodeKeys: st.update.nodeKeys,
      nodeValues: st.update.nodeValues,
      stale: st.update.stale,
      writes: st.writes,
      oldest,
    });
    // apply() is synchronous and its effects visible now: switch versions in
    // the same turn so no reader sees the new data under the old version.
    for (const [key, value] of st.writes) this.cache.write(key, value);
    this.last = st.version;
    this.lastRoot = st.update.root;
    this.oldest = oldest;
    this.staged = undefined;
    await this.backend.flush();
  }

  prove(key: Uint8Array, version: bigint): { value: Uint8Array | undefined; proof: Uint8Array } {
    const v = this.check(version);
    const { value, proof } = proveKey(this.backend, this.rootRecord(v), sha256(key));
    return { value: value?.slice(), proof: encodeProof(proof) };
  }

  /**
   * Every (key, value) of a retained version, in ascending order of key hash,
   * read in bounded batches from the tree of that version (so newer commits do
   * not disturb it). The version is not pruned until the export ends or is
   * closed. Fails with `store.version_pruned` or `store.unknown_version`.
   */
  exportVersion(version: bigint): StateExport {
    this.assertNotImporting();
    const v = this.check(version);
    this.pins.set(v, (this.pins.get(v) ?? 0) + 1);
    const release = () => {
      const n = (this.pins.get(v) ?? 1) - 1;
      if (n > 0) this.pins.set(v, n);
      else this.pins.delete(v);
    };
    return new StateExport(
      BigInt(v),
      this.rootRecord(v).hash.slice(),
      new TreeWalker(this.backend, this.rootRecord(v)),
      release,
      () => this.assertOpen(),
    );
  }

  /**
   * Starts a bulk import (state sync) of a whole state into this store, which
   * must be empty (no version but 0), as `version` (>= 1). Staged writes are
   * dropped; stage and commit are refused until the import ends. See
   * {@link StoreImport}: on success the store holds `version` only and carries
   * on from there like any store; on failure it is empty again.
   */
  beginImport(version: bigint): StoreImport {
    this.assertOpen();
    this.assertNotImporting();
    if (this.last !== 0) throw new InvariantViolation(`an import needs an empty store; this one is at ${this.last}`);
    const v = versionNumber(version);
    if (v < 1) throw new InvariantViolation(`cannot import as version ${version}`);
    this.staged = undefined;
    // Version 0 may hold a genesis (InitChain ran, block 1 never came): the import replaces it.
    if (this.lastRoot.kind !== RootKind.Empty) this.resetEmpty();
    this.importing = true;
    return new StoreImport(BigInt(v), {
      maxKeyBytes: MAX_KEY_BYTES,
      assertOpen: () => this.assertOpen(),
      put: (nodeKeys, nodeValues, flat) => this.backend.importPut(nodeKeys, nodeValues, flat),
      accept: async (root) => {
        this.backend.importFinish(v, encodeRootRecord(root));
        this.cache.clear();
        this.last = v;
        this.oldest = v;
        this.lastRoot = root;
        this.importing = false;
        await this.backend.flush();
      },
      reset: () => {
        this.importing = false;
        if (this.closed) return; // a persistent store undoes the import when reopened
        this.resetEmpty();
      },
    });
  }

  /**
   * Writes the genesis state as version 0 in batches (see the CommitStore
   * interface). The batches go to the flat table as they come, so memory is
   * bounded by one batch; finish() then builds the version-0 tree once, from
   * the flat table in key-hash order (see {@link buildGenesisTree}), writing
   * every node once: the nodes of the bulk import, which are those a single
   * stage() of the whole state would give, so the root hash is the same.
   * (Updating the tree per batch instead rewrote the upper nodes every batch
   * and, with LMDB's copy-on-write, tripled the file and its resident pages.)
   * Nothing counts until finish() writes version 0's root record, durably.
   */
  beginGenesis(): GenesisWriter {
    this.assertOpen();
    this.assertNotImporting();
    if (this.last !== 0) throw new InvariantViolation(`genesis needs an empty store; this one is at ${this.last}`);
    this.staged = undefined;
    // Version 0 holds an earlier genesis when a node crashed between InitChain and block 1.
    if (this.lastRoot.kind !== RootKind.Empty) this.resetEmpty();
    this.importing = true;
    let ended = false;
    const active = () => {
      if (ended) throw new InvariantViolation("this genesis has already finished or been abandoned");
      this.assertOpen();
    };
    const abandon = () => {
      ended = true;
      this.importing = false;
      if (!this.closed) this.resetEmpty(); // a persistent store undoes it when reopened
    };
    return {
      write: (writes) => {
        active();
        checkWrites(writes);
        this.backend.genesisPut(writes);
        // The flat table is what the latest view reads: keep the cache equal to it.
        for (const [key, value] of writes) this.cache.write(key, value);
      },
      finish: () => {
        active();
        let root: RootRecord;
        try {
          root = buildGenesisTree(this.backend);
        } catch (e) {
          abandon();
          throw e;
        }
        ended = true;
        this.backend.importFinish(0, encodeRootRecord(root));
        this.lastRoot = root;
        this.importing = false;
        return root.hash.slice();
      },
      abort: () => {
        if (!ended) abandon();
      },
    };
  }

  /** Number of stored tree nodes, over all kept versions (a size statistic; may scan). */
  nodeCount(): number {
    this.assertOpen();
    return this.backend.nodeCount();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.staged = undefined;
    await this.backend.close();
  }

  /** Deletes everything: the store holds only the empty version 0. */
  private resetEmpty(): void {
    this.backend.reset(encodeRootRecord(EMPTY_ROOT_RECORD));
    this.cache.clear();
    this.last = 0;
    this.oldest = 0;
    this.lastRoot = EMPTY_ROOT_RECORD;
  }

  private assertOpen(): void {
    if (this.closed) throw new InvariantViolation("the store is closed");
  }

  private assertNotImporting(): void {
    if (this.importing) throw new InvariantViolation("the store is being imported (state sync)");
  }

  /** The version as a number, or a registered error if it is not readable. */
  private check(version: bigint): number {
    this.assertOpen();
    const v = versionNumber(version);
    if (v < 0 || v > this.last) throw StoreErrors.unknownVersion.create(`version ${version} has not been committed`);
    if (v < this.oldest)
      throw StoreErrors.pruned.create(`version ${version} has been pruned (oldest kept: ${this.oldest})`);
    return v;
  }

  private rootRecord(v: number): RootRecord {
    if (v === this.last && this.lastRoot !== undefined) return this.lastRoot;
    const b = this.backend.getRoot(v);
    if (b === undefined) {
      if (v < this.oldest) throw StoreErrors.pruned.create(`version ${v} has been pruned`);
      throw new InvariantViolation(`root record of version ${v} is missing`);
    }
    return decodeRootRecord(b);
  }

  private view(v: number): KVRead {
    // The flat table holds exactly the last version: use it while v is the
    // last one, and the tree once newer versions exist.
    return {
      get: (key) => {
        if (v === this.last) return this.latestView.get(key);
        const root = this.rootRecord(this.check(BigInt(v)));
        return getLeaf(this.backend, root, sha256(key))?.value.slice();
      },
      iterate: (start, end, reverse) => {
        if (v === this.last) return this.latestView.iterate(start, end, reverse);
        this.check(BigInt(v));
        throw StoreErrors.historicIteration.create(
          `version ${v} is not the latest (${this.last}); historic iteration is not supported`,
        );
      },
    };
  }
}
