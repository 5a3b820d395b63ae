/**
 * Bulk import of a whole state into an empty store as one version (state
 * sync): the tree is built bottom-up from entries streamed in ascending order
 * of key hash (the order {@link StateExport} produces), writing every node
 * once, in batches, with memory bounded by the tree's depth.
 *
 * The nodes are exactly those that committing the same entries in one batch
 * would write (same keys, same bytes: one internal node per nibble prefix
 * shared by two or more keys, each leaf in the slot where its key is alone;
 * see tree.ts for the encoding), so the store is an ordinary store afterwards:
 * later versions commit on top, and the version reads and proves like any other.
 *
 * Nothing counts as a version until {@link StoreImport.finish} has checked the
 * root against the expected hash; a mismatch, bad input or an abort resets the
 * store to empty (and the LMDB store undoes a crashed import when reopened).
 */
import { bytesEqual, InvariantViolation } from "@urbis/protocol";
import type { Entry } from "@urbis/state";
import { StoreErrors } from "./errors.js";
import { hashPairInto, leafHash, sha256 } from "./hash.js";
import { EMPTY_ROOT_RECORD, nodeKey, RootKind, type RootRecord, writeU64 } from "./tree.js";

const TAG_LEAF = 0;
const TAG_INTERNAL = 1;
const HEADER_BYTES = 5;
const CHILD_BYTES = 40;
const INTERNAL_DOMAIN = 0x01;

// Must match tree.ts (the node-identity test in tree-import.test.ts checks it):
// heap positions 1..31 of a node's binary subtree -> bitmask of the child slots they cover.
const COVER = new Uint16Array(32);
for (let p = 1; p < 32; p++) {
  const level = 31 - Math.clz32(p);
  const width = 16 >> level;
  COVER[p] = ((1 << width) - 1) << ((p - (1 << level)) * width);
}
const isSingle = (m: number): boolean => m !== 0 && (m & (m - 1)) === 0;
const lowestSlot = (m: number): number => 31 - Math.clz32(m & -m);
/** Whether inner position p's hash is stored (see tree.ts). */
const storedInner = (p: number, bitmap: number, leafmap: number): boolean => {
  const m = (COVER[p] as number) & bitmap;
  return m !== 0 && (!isSingle(m) || (m & leafmap) === 0);
};

function nibble(kh: Uint8Array, d: number): number {
  const byte = kh[d >> 1] as number;
  return d & 1 ? byte & 15 : byte >> 4;
}

function compareHash(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/** Number of leading nibbles two different key hashes share. */
function commonNibbles(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const x = (a[i] as number) ^ (b[i] as number);
    if (x !== 0) return 2 * i + (x & 0xf0 ? 0 : 1);
  }
  return 64;
}

interface Item {
  readonly kh: Uint8Array;
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  readonly lh: Uint8Array;
}

/** An internal node being built: child hashes in heap positions, as in tree.ts. */
class BuildNode {
  bitmap = 0;
  leafmap = 0;
  readonly h = new Uint8Array(32 * 32);

  reset(): void {
    this.bitmap = 0;
    this.leafmap = 0;
    this.h.fill(0);
  }

  setChild(s: number, hash: Uint8Array, leaf: boolean): void {
    this.bitmap |= 1 << s;
    if (leaf) this.leafmap |= 1 << s;
    this.h.set(hash, (16 + s) * 32);
  }

  /** Computes every inner position; returns the node's own hash (a copy). */
  hash(): Uint8Array {
    const { h, bitmap, leafmap } = this;
    for (let p = 15; p >= 1; p--) {
      const m = (COVER[p] as number) & bitmap;
      if (m === 0) h.fill(0, p * 32, p * 32 + 32);
      else if (isSingle(m) && (m & leafmap) !== 0)
        h.copyWithin(p * 32, (16 + lowestSlot(m)) * 32, (17 + lowestSlot(m)) * 32);
      else hashPairInto(INTERNAL_DOMAIN, h, 2 * p * 32, h, p * 32);
    }
    return h.slice(32, 64);
  }

  /** Stored bytes (every child written at `version`); call after {@link hash}. */
  encode(version: number): Uint8Array {
    const { bitmap, leafmap, h } = this;
    let children = 0;
    let inner = 0;
    for (let s = 0; s < 16; s++) if ((bitmap >> s) & 1) children++;
    for (let p = 2; p < 16; p++) if (storedInner(p, bitmap, leafmap)) inner++;
    const out = new Uint8Array(HEADER_BYTES + children * CHILD_BYTES + inner * 32);
    out[0] = TAG_INTERNAL;
    out[1] = bitmap >> 8;
    out[2] = bitmap;
    out[3] = leafmap >> 8;
    out[4] = leafmap;
    let off = HEADER_BYTES;
    for (let s = 0; s < 16; s++) {
      if (!((bitmap >> s) & 1)) continue;
      writeU64(out, off, version);
      out.set(h.subarray((16 + s) * 32, (17 + s) * 32), off + 8);
      off += CHILD_BYTES;
    }
    for (let p = 2; p < 16; p++) {
      if (!storedInner(p, bitmap, leafmap)) continue;
      out.set(h.subarray(p * 32, p * 32 + 32), off);
      off += 32;
    }
    return out;
  }
}

function encodeLeaf(it: Item): Uint8Array {
  const n = it.key.length;
  const out = new Uint8Array(37 + n + it.value.length);
  out[0] = TAG_LEAF;
  out.set(it.kh, 1);
  out[33] = n >>> 24;
  out[34] = n >>> 16;
  out[35] = n >>> 8;
  out[36] = n;
  out.set(it.key, 37);
  out.set(it.value, 37 + n);
  return out;
}

/**
 * Builds the tree of entries added in strictly ascending key-hash order, as
 * `version`. Invariant between adds: the open nodes are those at depths
 * 0..top on the path of `last` (whose leaf is not placed yet), and
 * top = `lastShared`, the nibbles `last` shares with its predecessor.
 */
export class BulkTreeBuilder {
  private readonly open: BuildNode[] = [];
  private top = -1;
  private last: Item | undefined;
  private lastShared = -1;
  private n = 0;
  private keys: Uint8Array[] = [];
  private values: Uint8Array[] = [];

  constructor(readonly version: number) {}

  /** Number of entries added. */
  get count(): number {
    return this.n;
  }

  /**
   * Adds one entry; its key hash (`kh`, computed when not given) must be above
   * every earlier one (else `store.invalid_import`).
   */
  add(key: Uint8Array, value: Uint8Array, kh: Uint8Array = sha256(key)): void {
    const it: Item = { kh, key, value, lh: leafHash(kh, sha256(value)) };
    const last = this.last;
    if (last !== undefined) {
      if (compareHash(last.kh, kh) >= 0) {
        throw StoreErrors.invalidImport.create(
          "entries must come in strictly ascending order of key hash (SHA-256 of the key), without duplicates",
        );
      }
      const shared = commonNibbles(last.kh, kh);
      // `last` sits in the deepest node it shares with a neighbour.
      const depth = Math.max(this.lastShared, shared);
      for (let d = this.top + 1; d <= depth; d++) this.node(d).reset();
      this.top = Math.max(this.top, depth);
      this.place(last, depth);
      // Nodes below the prefix `last` shares with `kh` are complete.
      while (this.top > shared) this.close(this.top--, last.kh);
      this.lastShared = shared;
    }
    this.last = it;
    this.n++;
  }

  /** Completes the tree: its root record. */
  finish(): RootRecord {
    const last = this.last;
    if (last === undefined) return EMPTY_ROOT_RECORD;
    const v = this.version;
    if (this.n === 1) {
      this.emit(nodeKey(v, 0, last.kh), encodeLeaf(last));
      return { kind: RootKind.Leaf, version: v, hash: last.lh.slice() };
    }
    this.place(last, this.lastShared);
    while (this.top > 0) this.close(this.top--, last.kh);
    const root = this.node(0);
    const hash = root.hash();
    this.emit(nodeKey(v, 0, last.kh), root.encode(v));
    this.last = undefined;
    return { kind: RootKind.Internal, version: v, hash };
  }

  /** The nodes built since the last call (keys in no particular order) with their values. */
  drain(): { nodeKeys: Uint8Array[]; nodeValues: Uint8Array[] } {
    const out = { nodeKeys: this.keys, nodeValues: this.values };
    this.keys = [];
    this.values = [];
    return out;
  }

  private node(d: number): BuildNode {
    let n = this.open[d];
    if (n === undefined) {
      n = new BuildNode();
      this.open[d] = n;
    }
    return n;
  }

  /** Puts `it`'s leaf into the open node at depth `d`. */
  private place(it: Item, d: number): void {
    this.node(d).setChild(nibble(it.kh, d), it.lh, true);
    this.emit(nodeKey(this.version, d + 1, it.kh), encodeLeaf(it));
  }

  /** Writes the open node at depth `d` (d >= 1) on `kh`'s path and links it into its parent. */
  private close(d: number, kh: Uint8Array): void {
    const n = this.node(d);
    const hash = n.hash();
    this.emit(nodeKey(this.version, d, kh), n.encode(this.version));
    this.node(d - 1).setChild(nibble(kh, d - 1), hash, false);
  }

  private emit(key: Uint8Array, value: Uint8Array): void {
    this.keys.push(key);
    this.values.push(value);
  }
}

/** What an import needs from its store. */
export interface ImportHost {
  readonly maxKeyBytes: number;
  assertOpen(): void;
  /** Writes built nodes and flat entries (not a version yet). */
  put(nodeKeys: readonly Uint8Array[], nodeValues: readonly Uint8Array[], flat: readonly Entry[]): void;
  /** Makes the import version `root.version`'s state, durably. */
  accept(root: RootRecord): Promise<void>;
  /** Drops everything imported: the store is empty again. */
  reset(): void;
}

/**
 * A bulk import in progress, from {@link TreeCommitStore.beginImport}: `add`
 * batches of entries in ascending key-hash order, then `finish` with the hash
 * the state must have. Until then the store holds no version but 0 and
 * refuses stage and commit.
 */
export class StoreImport {
  private readonly builder: BulkTreeBuilder;
  private ended = false;

  constructor(
    /** The version the imported state becomes. */
    readonly version: bigint,
    private readonly host: ImportHost,
  ) {
    this.builder = new BulkTreeBuilder(Number(version));
  }

  /** Entries added so far. */
  get count(): number {
    return this.builder.count;
  }

  /** Whether the import was finished or abandoned. */
  get done(): boolean {
    return this.ended;
  }

  /**
   * Adds entries following every earlier one in ascending key-hash order.
   * Bad input (an empty or too long key, a key hash not above the previous
   * one) fails with `store.invalid_import` and resets the store.
   */
  add(entries: Iterable<Entry>): void {
    this.assertActive();
    const flat: Entry[] = [];
    try {
      for (const e of entries) {
        const [key, value] = e;
        if (key.length === 0 || key.length > this.host.maxKeyBytes) {
          throw StoreErrors.invalidImport.create(`state keys must have 1..${this.host.maxKeyBytes} bytes`);
        }
        this.builder.add(key, value);
        flat.push(e);
      }
      const { nodeKeys, nodeValues } = this.builder.drain();
      this.host.put(nodeKeys, nodeValues, flat);
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /**
   * Completes the tree and compares its root with `expectedRoot`: if equal,
   * the store's only version is now {@link version} (durably) and the root is
   * returned; if not, the store is reset to empty and this fails with
   * `store.import_mismatch`.
   */
  async finish(expectedRoot: Uint8Array): Promise<Uint8Array> {
    this.assertActive();
    let root: RootRecord;
    try {
      root = this.builder.finish();
      if (!bytesEqual(root.hash, expectedRoot)) {
        throw StoreErrors.importMismatch.create(`the imported state does not hash to the expected app hash`);
      }
      const { nodeKeys, nodeValues } = this.builder.drain();
      this.host.put(nodeKeys, nodeValues, []);
    } catch (e) {
      this.abort();
      throw e;
    }
    this.ended = true;
    await this.host.accept(root);
    return root.hash.slice();
  }

  /** Abandons the import: the store is reset to empty. Idempotent. */
  abort(): void {
    if (this.ended) return;
    this.ended = true;
    this.host.reset();
  }

  private assertActive(): void {
    if (this.ended) throw new InvariantViolation("this import has already finished or been abandoned");
    this.host.assertOpen();
  }
}
