/**
 * A bounded cache of the flat latest-value table in front of LMDB. A transfer
 * reads the same few keys (sender account, both balances, module params) in
 * CheckTx, PrepareProposal, FinalizeBlock and staging; each LMDB read copies
 * out of the memory map and costs several microseconds, a Map hit a fraction
 * of one. The cache holds exactly what the table holds for the keys it has:
 * a commit and each genesis batch write every changed key through it, and an import or reset
 * clears it. Values handed out are shared, so callers must not mutate them
 * (the state machine never does: it decodes values into new objects).
 */
import { bytesKey } from "@urbis/protocol";

/** A key's cached latest value: the bytes, or null when the key has none. */
type Cached = Uint8Array | null;

/**
 * Bounded map of latest values by key, in two generations: entries go into
 * the young map; when it holds half the capacity it becomes the old one and
 * the previous old one is dropped whole. A hit in the old map moves the entry
 * back to the young one, so keys in use survive. No per-entry eviction: a
 * Map evicted from its front one key at a time slows down, as iterating it
 * must step over every deleted slot.
 */
export class LatestCache {
  private young = new Map<string, Cached>();
  private old = new Map<string, Cached>();
  private readonly generation: number;

  constructor(private readonly capacity: number) {
    // Two generations of half the capacity each (rounded up: capacity 1 holds up to 2 keys).
    this.generation = Math.ceil(capacity / 2);
  }

  /** The cached value (null = known absent), or undefined when the key is not cached. */
  get(key: Uint8Array): Cached | undefined {
    return this.capacity === 0 ? undefined : this.lookup(bytesKey(key));
  }

  /** Reads through the cache: `load` runs on a miss and its answer is kept. */
  read(key: Uint8Array, load: (key: Uint8Array) => Uint8Array | undefined): Uint8Array | undefined {
    if (this.capacity === 0) return load(key);
    const k = bytesKey(key);
    const hit = this.lookup(k);
    if (hit !== undefined) return hit ?? undefined;
    const v = load(key);
    this.put(k, v ?? null);
    return v;
  }

  /** Records a committed write (null for a deletion). */
  write(key: Uint8Array, value: Cached): void {
    if (this.capacity === 0) return;
    const k = bytesKey(key);
    this.old.delete(k);
    this.put(k, value);
  }

  /** Forgets everything (after an import or a reset). */
  clear(): void {
    this.young.clear();
    this.old.clear();
  }

  /** Number of cached keys. */
  get size(): number {
    return this.young.size + this.old.size;
  }

  private lookup(k: string): Cached | undefined {
    const y = this.young.get(k);
    if (y !== undefined) return y;
    const o = this.old.get(k);
    if (o !== undefined) {
      this.old.delete(k);
      this.put(k, o);
    }
    return o;
  }

  private put(k: string, v: Cached): void {
    if (!this.young.has(k) && this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(k, v);
  }
}
