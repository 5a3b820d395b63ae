/**
 * The store module genesis runs in. A genesis can be millions of entries (a
 * city's accounts); buffering them all in one CacheStore and staging them in
 * one tree update held several GiB. This store buffers at most `batchSize`
 * writes and then hands them, sorted, to the CommitStore's GenesisWriter,
 * which puts them on disk as part of version 0; reads fall through to it.
 * Modules see an ordinary KVStore.
 *
 * Where the batches are cut does not change the result: the writer's root
 * depends only on the final state (see TreeCommitStore.beginGenesis), and a
 * read sees the same value whether its key was written to disk or is still
 * buffered. An iteration sees the state as of its first step (the buffer is
 * copied and the store's cursor keeps its snapshot), like a CacheStore's.
 */
import { CacheStore, type Entry, type GenesisWriter, type KVRead, type KVStore } from "../framework/store.js";

/**
 * Writes buffered before a batch goes to the store. Small enough that a
 * batch is mostly gone before V8 promotes it to the old generation (with
 * 100,000 the promoted buffers of 1,000,000 accounts peaked near 2 GiB of
 * heap before a full collection); large enough that the per-batch LMDB
 * transaction costs little.
 */
export const GENESIS_BATCH_SIZE = 10_000;

export class GenesisStore implements KVStore {
  private buffer: CacheStore;

  constructor(
    private readonly base: KVRead,
    private readonly writer: GenesisWriter,
    private readonly batchSize = GENESIS_BATCH_SIZE,
  ) {
    this.buffer = new CacheStore(base);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.buffer.get(key);
  }

  iterate(start?: Uint8Array, end?: Uint8Array, reverse?: boolean): Iterable<Entry> {
    return this.buffer.iterate(start, end, reverse);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.buffer.set(key, value);
    if (this.buffer.size >= this.batchSize) this.flush();
  }

  delete(key: Uint8Array): void {
    this.buffer.delete(key);
    if (this.buffer.size >= this.batchSize) this.flush();
  }

  /** Hands the buffered writes to the writer. */
  flush(): void {
    if (this.buffer.size === 0) return;
    this.writer.write(this.buffer.sortedWrites());
    this.buffer = new CacheStore(this.base);
  }
}
