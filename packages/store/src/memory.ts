/**
 * In-memory CommitStore: the same tree, versions, proofs and pruning as the
 * LMDB store, with nodes in a Map. For unit tests of the state machine.
 */
import { bytesKey, keyBytes } from "@urbis/protocol";
import type { Entry, Write } from "@urbis/state";
import { type CommitSet, type CommitStoreOptions, type StoreBackend, TreeCommitStore } from "./tree-store.js";

// Map keys are bytesKey strings (one char per byte): cheap to build, and they
// sort like the bytes they stand for.

/** First index in sorted `keys` whose key is >= `k` (or > `k` when `after`). */
function bound(keys: readonly string[], k: string, after: boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const m = keys[mid] as string;
    if (m < k || (after && m === k)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

class MemoryBackend implements StoreBackend {
  private readonly nodes = new Map<string, Uint8Array>();
  private readonly roots = new Map<number, Uint8Array>();
  private readonly flat = new Map<string, Uint8Array>();
  /** Node keys by the version they became stale at. */
  private readonly stale = new Map<number, string[]>();
  /** Sorted flat keys, rebuilt lazily after a commit changes the key set. */
  private sorted: string[] | undefined;
  private range: { oldest: number; last: number } | undefined;

  getNode(key: Uint8Array): Uint8Array | undefined {
    return this.nodes.get(bytesKey(key));
  }
  getNodeFast(key: Uint8Array): Uint8Array | undefined {
    return this.nodes.get(bytesKey(key));
  }
  getRoot(version: number): Uint8Array | undefined {
    return this.roots.get(version);
  }
  versions(): { oldest: number; last: number } | undefined {
    return this.range && { ...this.range };
  }
  getLatest(key: Uint8Array): Uint8Array | undefined {
    return this.flat.get(bytesKey(key));
  }
  hasLatest(key: Uint8Array): boolean {
    return this.flat.has(bytesKey(key));
  }

  *iterateLatest(start?: Uint8Array, end?: Uint8Array, reverse = false): Iterable<Entry> {
    if (this.sorted === undefined) this.sorted = [...this.flat.keys()].sort();
    // A commit replaces (never mutates) the sorted array, so this iteration keeps its key set.
    const keys = this.sorted;
    const lo = start === undefined ? 0 : bound(keys, bytesKey(start), false);
    const hi = end === undefined ? keys.length : bound(keys, bytesKey(end), false);
    for (let i = 0; i < hi - lo; i++) {
      const k = keys[reverse ? hi - 1 - i : lo + i] as string;
      const v = this.flat.get(k);
      if (v !== undefined) yield [keyBytes(k), v];
    }
  }

  apply(c: CommitSet): void {
    for (let i = 0; i < c.nodeKeys.length; i++) {
      // Copied: node values are views into one shared buffer.
      this.nodes.set(bytesKey(c.nodeKeys[i] as Uint8Array), (c.nodeValues[i] as Uint8Array).slice());
    }
    if (c.stale.length > 0) this.stale.set(c.version, c.stale.map(bytesKey));
    let keysChanged = false;
    for (const [key, value] of c.writes) {
      const k = bytesKey(key);
      if (value === null) keysChanged = this.flat.delete(k) || keysChanged;
      else {
        if (!keysChanged && !this.flat.has(k)) keysChanged = true;
        this.flat.set(k, value);
      }
    }
    if (keysChanged) this.sorted = undefined;
    this.roots.set(c.version, c.root);
    const oldest = this.range ? Math.max(this.range.oldest, c.oldest) : c.oldest;
    for (const [v, keys] of this.stale) {
      if (v > c.oldest) continue;
      for (const k of keys) this.nodes.delete(k);
      this.stale.delete(v);
    }
    for (const v of this.roots.keys()) if (v < c.oldest) this.roots.delete(v);
    this.range = { oldest, last: c.version };
  }

  importPut(nodeKeys: readonly Uint8Array[], nodeValues: readonly Uint8Array[], flat: readonly Entry[]): void {
    for (let i = 0; i < nodeKeys.length; i++) this.nodes.set(bytesKey(nodeKeys[i]!), nodeValues[i]!.slice());
    for (const [key, value] of flat) this.flat.set(bytesKey(key), value);
    if (flat.length > 0) this.sorted = undefined;
  }

  genesisPut(writes: readonly Write[]): void {
    for (const [key, value] of writes) {
      if (value === null) this.flat.delete(bytesKey(key));
      else this.flat.set(bytesKey(key), value);
    }
    this.sorted = undefined;
  }

  importFinish(version: number, root: Uint8Array): void {
    this.roots.clear();
    this.roots.set(version, root);
    this.range = { oldest: version, last: version };
  }

  reset(root: Uint8Array): void {
    this.nodes.clear();
    this.roots.clear();
    this.flat.clear();
    this.stale.clear();
    this.sorted = undefined;
    this.roots.set(0, root);
    this.range = { oldest: 0, last: 0 };
  }

  async flush(): Promise<void> {}
  async close(): Promise<void> {}

  nodeCount(): number {
    return this.nodes.size;
  }
}

/** A CommitStore kept entirely in memory (lost when dropped). */
export class MemoryCommitStore extends TreeCommitStore {
  constructor(opts: CommitStoreOptions = {}) {
    super(new MemoryBackend(), opts);
  }
}
