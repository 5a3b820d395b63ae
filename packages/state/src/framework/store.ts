/**
 * The only way the state machine touches state: ordered byte-keyed stores.
 * Iteration is always in lexicographic byte order, so no module can depend on
 * insertion order.
 */
import { bytesKey, compareBytes, hasPrefix, keyBytes, prefixEnd } from "@urbis/protocol";

/** A key/value pair. */
export type Entry = readonly [key: Uint8Array, value: Uint8Array];

/** Read access to a store. */
export interface KVRead {
  get(key: Uint8Array): Uint8Array | undefined;
  /** Entries with start <= key < end (either bound optional), ascending, or descending if `reverse`. */
  iterate(start?: Uint8Array, end?: Uint8Array, reverse?: boolean): Iterable<Entry>;
}

/** Read and write access to a store. */
export interface KVStore extends KVRead {
  set(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
}

/** A pending write: a value, or null for a deletion. */
export type Write = readonly [key: Uint8Array, value: Uint8Array | null];

function inRange(k: Uint8Array, start?: Uint8Array, end?: Uint8Array): boolean {
  return (start === undefined || compareBytes(k, start) >= 0) && (end === undefined || compareBytes(k, end) < 0);
}

/**
 * A write buffer over a parent store: the checkpoint a transaction runs in.
 * `write()` applies it to the parent; dropping it reverts everything.
 */
export class CacheStore implements KVStore {
  private readonly writes = new Map<string, Uint8Array | null>();
  constructor(private readonly parent: KVRead) {}

  get(key: Uint8Array): Uint8Array | undefined {
    return this.getKeyed(key, bytesKey(key));
  }
  /** `get` with the key's string form already computed: nested checkpoints convert each key once, not per layer. */
  getKeyed(key: Uint8Array, k: string): Uint8Array | undefined {
    const w = this.writes.get(k);
    if (w !== undefined) return w ?? undefined;
    const p = this.parent;
    return p instanceof CacheStore ? p.getKeyed(key, k) : p.get(key);
  }
  set(key: Uint8Array, value: Uint8Array): void {
    this.writes.set(bytesKey(key), value);
  }
  delete(key: Uint8Array): void {
    this.writes.set(bytesKey(key), null);
  }
  /** Number of buffered writes. */
  get size(): number {
    return this.writes.size;
  }
  /** Buffered writes in ascending key order. */
  sortedWrites(): Write[] {
    const keys = [...this.writes.keys()].sort();
    // bytesKey strings compare by UTF-16 code unit, which for one-byte chars is byte order.
    return keys.map((k) => [keyBytes(k), this.writes.get(k) ?? null] as const);
  }
  /** Applies the buffered writes to `target` (the parent by default) and clears the buffer. */
  writeTo(target: KVStore): void {
    this.copyTo(target);
    this.writes.clear();
  }
  /** Applies the buffered writes to `target`, keeping them here too. */
  copyTo(target: KVStore): void {
    if (target instanceof CacheStore) {
      // Checkpoint into checkpoint: keep the string keys, no bytes round trip per write.
      for (const [k, v] of this.writes) target.writes.set(k, v);
      return;
    }
    for (const [k, v] of this.writes) {
      const key = keyBytes(k);
      if (v === null) target.delete(key);
      else target.set(key, v);
    }
  }
  /** Drops every buffered write. */
  discard(): void {
    this.writes.clear();
  }

  *iterate(start?: Uint8Array, end?: Uint8Array, reverse = false): Iterable<Entry> {
    const mine = [...this.writes.entries()]
      .map(([k, v]) => [keyBytes(k), v] as const)
      .filter(([k]) => inRange(k, start, end))
      .sort((a, b) => (reverse ? compareBytes(b[0], a[0]) : compareBytes(a[0], b[0])));
    const cmp = (a: Uint8Array, b: Uint8Array) => (reverse ? compareBytes(b, a) : compareBytes(a, b));
    const it = this.parent.iterate(start, end, reverse)[Symbol.iterator]();
    let p = it.next();
    let i = 0;
    while (!p.done || i < mine.length) {
      const m = mine[i];
      if (m && (p.done || cmp(m[0], p.value[0]) <= 0)) {
        if (!p.done && cmp(m[0], p.value[0]) === 0) p = it.next();
        i++;
        if (m[1] !== null) yield [m[0], m[1]];
      } else if (!p.done) {
        yield p.value;
        p = it.next();
      }
    }
  }
}

/** A view of `parent` confined to keys under `prefix` (keys passed in and out are relative). */
export class PrefixStore implements KVStore {
  constructor(
    private readonly parent: KVStore,
    readonly prefix: Uint8Array,
  ) {}
  private full(key: Uint8Array): Uint8Array {
    const out = new Uint8Array(this.prefix.length + key.length);
    out.set(this.prefix);
    out.set(key, this.prefix.length);
    return out;
  }
  get(key: Uint8Array): Uint8Array | undefined {
    return this.parent.get(this.full(key));
  }
  set(key: Uint8Array, value: Uint8Array): void {
    this.parent.set(this.full(key), value);
  }
  delete(key: Uint8Array): void {
    this.parent.delete(this.full(key));
  }
  *iterate(start?: Uint8Array, end?: Uint8Array, reverse = false): Iterable<Entry> {
    const s = this.full(start ?? new Uint8Array());
    const e = end ? this.full(end) : prefixEnd(this.prefix);
    for (const [k, v] of this.parent.iterate(s, e, reverse)) {
      if (!hasPrefix(k, this.prefix)) break;
      yield [k.subarray(this.prefix.length), v];
    }
  }
}

/** A store that refuses writes: what queries get. */
export class ReadOnlyStore implements KVStore {
  constructor(private readonly inner: KVRead) {}
  get(key: Uint8Array): Uint8Array | undefined {
    return this.inner.get(key);
  }
  iterate(start?: Uint8Array, end?: Uint8Array, reverse?: boolean): Iterable<Entry> {
    return this.inner.iterate(start, end, reverse);
  }
  set(): void {
    throw new TypeError("read-only store: queries cannot write");
  }
  delete(): void {
    throw new TypeError("read-only store: queries cannot write");
  }
}

/** An in-memory sorted store, for genesis building and unit tests. */
export class MemoryStore implements KVStore {
  private readonly map = new Map<string, Uint8Array>();
  get(key: Uint8Array): Uint8Array | undefined {
    return this.map.get(bytesKey(key));
  }
  set(key: Uint8Array, value: Uint8Array): void {
    this.map.set(bytesKey(key), value);
  }
  delete(key: Uint8Array): void {
    this.map.delete(bytesKey(key));
  }
  *iterate(start?: Uint8Array, end?: Uint8Array, reverse = false): Iterable<Entry> {
    const keys = [...this.map.keys()].sort();
    if (reverse) keys.reverse();
    for (const k of keys) {
      const kb = keyBytes(k);
      if (inRange(kb, start, end)) yield [kb, this.map.get(k) as Uint8Array];
    }
  }
}

/**
 * The versioned, Merkle-committed store behind the App. Version = block height.
 * Implemented by @urbis/store (LMDB); the state machine only sees this interface.
 */
export interface CommitStore {
  /** Last committed version; 0 before the first commit. */
  lastVersion(): bigint;
  /** Root hash of a retained committed version (the app hash). */
  rootAt(version: bigint): Uint8Array | undefined;
  /** Committed state at the last version. */
  latest(): KVRead;
  /** Read-only state at a retained version, or undefined if pruned or unknown. */
  at(version: bigint): KVRead | undefined;
  /**
   * Root hash that committing `writes` (ascending, unique keys) as version
   * lastVersion()+1 would give. Persists nothing; a later call replaces the staged set.
   */
  stage(writes: readonly Write[]): Uint8Array;
  /** Persists the staged writes atomically as the next version. */
  commit(): Promise<void>;
  /**
   * Starts writing the genesis state as version 0, in batches, replacing
   * whatever version 0 held (a genesis written before a crash that came
   * before block 1). Needs a store without versions above 0. While it runs,
   * latest() reads the batches written so far and stage/commit are refused.
   */
  beginGenesis(): GenesisWriter;
  /** Value and encoded proof (see @urbis/protocol's proof codec) of `key` at a retained version. */
  prove(key: Uint8Array, version: bigint): { value: Uint8Array | undefined; proof: Uint8Array };
}

/**
 * Genesis state being written as version 0 (see {@link CommitStore.beginGenesis}).
 * Writing it in batches, on disk, rather than staging it whole with block 1,
 * keeps memory bounded by the batch size: a genesis of a million accounts is
 * millions of entries.
 */
export interface GenesisWriter {
  /** Applies writes (ascending unique keys) on top of the earlier batches; latest() reads them at once. */
  write(writes: readonly Write[]): void;
  /**
   * Makes what was written version 0's state, durably, and returns its root
   * hash (the genesis app hash): the same as staging all the writes at once
   * would give. Until then a crash leaves version 0 empty again.
   */
  finish(): Uint8Array;
  /** Drops everything written: version 0 is empty again. Idempotent; a no-op after finish. */
  abort(): void;
}
