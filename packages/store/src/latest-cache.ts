/**
 * A bounded cache of the flat latest-value table in front of LMDB. A transfer
 * reads the same few keys (sender account, both balances, module params) in
 * CheckTx, PrepareProposal, FinalizeBlock and staging; each LMDB read copies
 * out of the memory map and costs several microseconds, a Map hit a fraction
 * of one. The cache holds exactly what the table holds for the keys it has:
 * a commit writes every changed key through it, and an import or reset
 * clears it. Values handed out are shared, so callers must not mutate them
 * (the state machine never does: it decodes values into new objects).
 */
import { bytesKey } from "@urbis/protocol";

/** A key's cached latest value: the bytes, or null when the key has none. */
type Cached = Uint8Array | null;

/** FIFO-bounded map of latest values by key (no LRU bookkeeping on the hot path). */
export class LatestCache {
  private readonly map = new Map<string, Cached>();

  constructor(private readonly capacity: number) {}

  /** The cached value (null = known absent), or undefined when the key is not cached. */
  get(key: Uint8Array): Cached | undefined {
    return this.capacity === 0 ? undefined : this.map.get(bytesKey(key));
  }

  /** Reads through the cache: `load` runs on a miss and its answer is kept. */
  read(key: Uint8Array, load: (key: Uint8Array) => Uint8Array | undefined): Uint8Array | undefined {
    if (this.capacity === 0) return load(key);
    const k = bytesKey(key);
    const hit = this.map.get(k);
    if (hit !== undefined) return hit ?? undefined;
    const v = load(key);
    this.put(k, v ?? null);
    return v;
  }

  /** Records a committed write (null for a deletion). */
  write(key: Uint8Array, value: Cached): void {
    if (this.capacity !== 0) this.put(bytesKey(key), value);
  }

  /** Forgets everything (after an import or a reset). */
  clear(): void {
    this.map.clear();
  }

  /** Number of cached keys. */
  get size(): number {
    return this.map.size;
  }

  private put(k: string, v: Cached): void {
    // Re-inserting moves nothing in a Map; delete first so a rewritten key is the newest.
    if (this.map.has(k)) this.map.delete(k);
    else if (this.map.size >= this.capacity) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(k, v);
  }
}
