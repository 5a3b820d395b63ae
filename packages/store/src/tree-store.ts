/**
 * The CommitStore logic shared by the LMDB and in-memory stores: staging,
 * version bookkeeping, pruning policy, historical reads and proofs. Storage
 * is behind {@link StoreBackend}; the tree algorithm is in tree.ts.
 */
import { compareBytes, encodeProof, InvariantViolation } from "@urbis/protocol";
import type { CommitStore, Entry, KVRead, Write } from "@urbis/state";
import { StoreErrors } from "./errors.js";
import { sha256 } from "./hash.js";
import {
  applyBatch,
  decodeRootRecord,
  EMPTY_ROOT_RECORD,
  encodeRootRecord,
  getLeaf,
  type NodeStorage,
  prepareItems,
  proveKey,
  type RootRecord,
  type TreeUpdate,
} from "./tree.js";

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
}

interface Staged {
  readonly version: number;
  readonly update: TreeUpdate;
  readonly writes: readonly Write[];
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
  private readonly keepRecent: number;
  private readonly latestView: KVRead;

  constructor(
    protected readonly backend: StoreBackend,
    opts: CommitStoreOptions = {},
  ) {
    const keep = opts.keepRecent ?? 0;
    if (!Number.isSafeInteger(keep) || keep < 0)
      throw new RangeError(`keepRecent must be a whole number >= 0, got ${keep}`);
    this.keepRecent = keep;
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
        return this.backend.getLatest(key);
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
    let prev: Uint8Array | undefined;
    for (const [key] of writes) {
      if (key.length === 0 || key.length > MAX_KEY_BYTES) {
        throw new InvariantViolation(`state keys must have 1..${MAX_KEY_BYTES} bytes, got ${key.length}`);
      }
      if (prev !== undefined && compareBytes(prev, key) >= 0)
        throw new InvariantViolation("writes must have ascending unique keys");
      prev = key;
    }
    const version = this.last + 1;
    const items = prepareItems(writes, (key) => this.backend.hasLatest(key));
    const update = applyBatch(this.backend, this.lastRoot, version, items);
    this.staged = { version, update, writes };
    return update.root.hash.slice();
  }

  async commit(): Promise<void> {
    this.assertOpen();
    const st = this.staged;
    if (st === undefined) throw new InvariantViolation("commit() without stage()");
    if (st.version !== this.last + 1)
      throw new InvariantViolation("the staged writes were computed against an older version");
    const oldest = this.keepRecent > 0 ? Math.max(this.oldest, st.version - this.keepRecent + 1) : this.oldest;
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

  private assertOpen(): void {
    if (this.closed) throw new InvariantViolation("the store is closed");
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
