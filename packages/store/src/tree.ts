/**
 * The versioned Merkle tree, independent of where its nodes are kept.
 *
 * Logically it is the compressed binary sparse Merkle tree of
 * @urbis/protocol's proof.ts (its root is the app hash, its proofs are
 * `StateProof`s). Physically it is stored like Diem/Aptos's Jellyfish Merkle
 * tree: one node per 4 key-hash bits (a nibble), so one physical internal node
 * holds a 4-level binary subtree with up to 16 children. That cuts the number
 * of stored nodes, node writes and stale-index entries per update about four
 * times compared with one node per bit, which is what bounds commit time.
 *
 * Nodes are immutable and keyed by (version, path): an update writes new
 * nodes under the new version and records the ones it replaced as stale at
 * that version, so every retained version keeps its own complete tree (for
 * historical reads and proofs) until pruning deletes the stale nodes.
 *
 * Node key: `u64 BE version || u8 depth (nibbles) || path nibbles packed two
 * per byte, high nibble first, a trailing odd nibble's low half zero`. The
 * version prefix makes each commit's keys sort after all earlier ones, so they
 * can be appended to the B-tree.
 *
 * Internal node value:
 *   `u8 1 || u16 BE childBitmap || u16 BE leafBitmap || children || inner`
 *   children: for each set bit s of childBitmap in ascending order,
 *             `u64 BE version || 32-byte hash` of child s (a leaf if its bit
 *             is set in leafBitmap)
 *   inner:    the hashes of the node's inner binary positions (heap numbering:
 *             1 = the node itself, 2p and 2p+1 = children of p, 16+s = child
 *             slot s) for p = 2..15 in order, but only where they cannot be
 *             derived: positions covering two or more children, or exactly one
 *             internal child. (Empty positions are the placeholder; a position
 *             covering exactly one leaf is that leaf.) Storing them lets an
 *             update rehash only the binary paths above changed children: about
 *             4 hashes instead of up to 15 per touched node.
 * Leaf node value: `u8 0 || 32-byte keyHash || u32 BE key length || key || value`.
 * The node's own hash is not stored in it: its parent (or the root record) has it.
 */
import { bytesEqual, EMPTY_ROOT, InvariantViolation, type StateProof } from "@urbis/protocol";
import { hashPairInto, leafHash, sha256 } from "./hash.js";

/** Where the tree reads nodes from. */
export interface NodeStorage {
  /** A node's bytes, valid for as long as the caller keeps them. */
  getNode(key: Uint8Array): Uint8Array | undefined;
  /** A node's bytes, possibly in a buffer the next read reuses (cheaper: no copy). */
  getNodeFast(key: Uint8Array): Uint8Array | undefined;
}

const ZERO = EMPTY_ROOT;
const INTERNAL_DOMAIN = 0x01;
const TAG_LEAF = 0;
const TAG_INTERNAL = 1;
const CHILD_BYTES = 40; // u64 version + 32-byte hash
const HEADER_BYTES = 5;

/** Kind of a version's root. */
export enum RootKind {
  Empty = 0,
  Leaf = 1,
  Internal = 2,
}

/** What a version's root record says: the root node's kind, version and hash. */
export interface RootRecord {
  readonly kind: RootKind;
  /** Version the root node was written at (it is reused by versions that changed nothing). */
  readonly version: number;
  readonly hash: Uint8Array;
}

export const EMPTY_ROOT_RECORD: RootRecord = { kind: RootKind.Empty, version: 0, hash: ZERO };

/** Root record bytes: `u8 kind || u64 BE version || 32-byte hash`. */
export function encodeRootRecord(r: RootRecord): Uint8Array {
  const out = new Uint8Array(41);
  out[0] = r.kind;
  writeU64(out, 1, r.version);
  out.set(r.hash, 9);
  return out;
}

export function decodeRootRecord(b: Uint8Array): RootRecord {
  if (b.length !== 41 || (b[0] as number) > RootKind.Internal) throw new InvariantViolation("corrupt root record");
  return { kind: b[0] as RootKind, version: readU64(b, 1), hash: b.slice(9, 41) };
}

// Versions are JS numbers inside the store (exact up to 2^53, far beyond any
// block height) because bigint arithmetic in the hot path is several times slower.
export function writeU64(b: Uint8Array, off: number, v: number): void {
  const hi = Math.floor(v / 0x1_0000_0000);
  const lo = v >>> 0;
  b[off] = hi >>> 24;
  b[off + 1] = hi >>> 16;
  b[off + 2] = hi >>> 8;
  b[off + 3] = hi;
  b[off + 4] = lo >>> 24;
  b[off + 5] = lo >>> 16;
  b[off + 6] = lo >>> 8;
  b[off + 7] = lo;
}

export function readU64(b: Uint8Array, off: number): number {
  const hi =
    (((b[off] as number) << 24) |
      ((b[off + 1] as number) << 16) |
      ((b[off + 2] as number) << 8) |
      (b[off + 3] as number)) >>>
    0;
  const lo =
    (((b[off + 4] as number) << 24) |
      ((b[off + 5] as number) << 16) |
      ((b[off + 6] as number) << 8) |
      (b[off + 7] as number)) >>>
    0;
  return hi * 0x1_0000_0000 + lo;
}

export function u64Bytes(v: number): Uint8Array {
  const b = new Uint8Array(8);
  writeU64(b, 0, v);
  return b;
}

/** Nibble `d` of a key hash (high nibble of byte 0 is nibble 0). */
function nibble(kh: Uint8Array, d: number): number {
  const byte = kh[d >> 1] as number;
  return d & 1 ? byte & 15 : byte >> 4;
}

/** Key of the node at nibble depth `depth` on `kh`'s path, written at `version`. */
export function nodeKey(version: number, depth: number, kh: Uint8Array): Uint8Array {
  const n = (depth + 1) >> 1;
  const k = new Uint8Array(9 + n);
  writeU64(k, 0, version);
  k[8] = depth;
  for (let i = 0; i < n; i++) k[9 + i] = kh[i] as number;
  if (depth & 1) k[8 + n] = (k[8 + n] as number) & 0xf0;
  return k;
}

/** Key of child `slot` of the node at `depth` on `kh`'s path. */
function childKey(version: number, depth: number, kh: Uint8Array, slot: number): Uint8Array {
  const k = nodeKey(version, depth + 1, kh);
  const i = 9 + (depth >> 1);
  k[i] = depth & 1 ? ((k[i] as number) & 0xf0) | slot : slot << 4;
  return k;
}

/** Version a node key was written at. */
export function nodeKeyVersion(key: Uint8Array): number {
  return readU64(key, 0);
}

// Heap positions 1..31 of a node's binary subtree -> bitmask of the child slots they cover.
const COVER = new Uint16Array(32);
for (let p = 1; p < 32; p++) {
  const level = 31 - Math.clz32(p); // 0 for p=1 … 4 for p=16..31
  const width = 16 >> level;
  const first = (p - (1 << level)) * width;
  COVER[p] = ((1 << width) - 1) << first;
}

const popcount16 = (m: number): number => {
  m = m - ((m >> 1) & 0x5555);
  m = (m & 0x3333) + ((m >> 2) & 0x3333);
  m = (m + (m >> 4)) & 0x0f0f;
  return (m + (m >> 8)) & 0x1f;
};
const lowestSlot = (m: number): number => 31 - Math.clz32(m & -m);
const isSingle = (m: number): boolean => m !== 0 && (m & (m - 1)) === 0;

/** Whether inner position p's hash is stored (not derivable from bitmaps and child hashes). */
function storedInner(p: number, bitmap: number, leafmap: number): boolean {
  const m = (COVER[p] as number) & bitmap;
  return m !== 0 && (!isSingle(m) || (m & leafmap) === 0);
}

/** A decoded leaf. `key` and `value` may be views into the stored bytes. */
export interface Leaf {
  readonly kh: Uint8Array;
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

export function decodeLeaf(b: Uint8Array): Leaf {
  if (b[0] !== TAG_LEAF || b.length < 37) throw new InvariantViolation("corrupt tree leaf");
  const n =
    ((b[33] as number) * 0x100_0000 + ((b[34] as number) << 16) + ((b[35] as number) << 8) + (b[36] as number)) >>> 0;
  if (37 + n > b.length) throw new InvariantViolation("corrupt tree leaf");
  return { kh: b.subarray(1, 33), key: b.subarray(37, 37 + n), value: b.subarray(37 + n) };
}

/** One write of a batch, or a leaf being placed. `value` null = deletion. */
export interface Item {
  readonly kh: Uint8Array;
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
  /** Leaf hash of (kh, value); unused for deletions. */
  readonly lh: Uint8Array;
  /** Whether the key has a value in the tree being updated. */
  readonly exists: boolean;
}

/**
 * Prepares sorted writes (ascending unique keys) as items sorted by key hash.
 * `exists` tells whether a key has a value in the tree the items will be
 * applied to (the store answers from its flat table): it lets an update
 * replace a key's leaf without reading it first.
 */
export function prepareItems(
  writes: readonly (readonly [Uint8Array, Uint8Array | null])[],
  exists: (key: Uint8Array) => boolean,
): Item[] {
  const items: Item[] = new Array(writes.length);
  for (let i = 0; i < writes.length; i++) {
    const [key, value] = writes[i] as readonly [Uint8Array, Uint8Array | null];
    const kh = sha256(key);
    items[i] = { kh, key, value, lh: value === null ? ZERO : leafHash(kh, sha256(value)), exists: exists(key) };
  }
  items.sort((a, b) => compareHash(a.kh, b.kh));
  return items;
}

function compareHash(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

function copy32(dst: Uint8Array, dOff: number, src: Uint8Array, sOff: number): void {
  for (let i = 0; i < 32; i++) dst[dOff + i] = src[sOff + i] as number;
}

function equal32(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number): boolean {
  for (let i = 0; i < 32; i++) if (a[aOff + i] !== b[bOff + i]) return false;
  return true;
}

/**
 * One physical internal node, decoded for reading or rebuilding. Hashes live
 * side by side in one buffer, at heap position p's offset p*32 (1 = the node,
 * 16+s = child slot s), so a pair of siblings (2p, 2p+1) is 64 contiguous
 * bytes that hash in place. Updates reuse one Node per depth instead of
 * allocating: a million-key tree rebuilds ~50,000 nodes per block.
 */
class Node {
  bitmap = 0;
  leafmap = 0;
  readonly h = new Uint8Array(32 * 32);
  /** Version each child slot's node was written at. */
  readonly ver = new Float64Array(16);
  /** Leaves to be written where they are placed (new, changed or moved leaves). */
  readonly pending: (Item | null)[] = new Array(16).fill(null);

  reset(): void {
    this.bitmap = 0;
    this.leafmap = 0;
    this.pending.fill(null);
    this.h.fill(0, 16 * 32);
  }

  /** Loads stored node bytes (which may be a reused buffer: everything is copied). */
  decode(b: Uint8Array): void {
    if (b[0] !== TAG_INTERNAL || b.length < HEADER_BYTES) throw new InvariantViolation("corrupt tree node");
    const h = this.h;
    const bitmap = ((b[1] as number) << 8) | (b[2] as number);
    const leafmap = ((b[3] as number) << 8) | (b[4] as number);
    this.bitmap = bitmap;
    this.leafmap = leafmap;
    this.pending.fill(null);
    let off = HEADER_BYTES;
    for (let s = 0; s < 16; s++) {
      if ((bitmap >> s) & 1) {
        this.ver[s] = readU64(b, off);
        copy32(h, (16 + s) * 32, b, off + 8);
        off += CHILD_BYTES;
      } else {
        h.fill(0, (16 + s) * 32, (17 + s) * 32);
      }
    }
    for (let p = 2; p < 16; p++) {
      if (storedInner(p, bitmap, leafmap)) {
        copy32(h, p * 32, b, off);
        off += 32;
      } else {
        const m = (COVER[p] as number) & bitmap;
        if (m === 0) h.fill(0, p * 32, p * 32 + 32);
        else copy32(h, p * 32, h, (16 + lowestSlot(m)) * 32);
      }
    }
    if (off !== b.length) throw new InvariantViolation("corrupt tree node");
  }

  /** Recomputes the positions above the dirty ones (bit p of `dirty` = position p), up to the node's own hash. */
  rehash(dirty: number): void {
    const { h, bitmap, leafmap } = this;
    for (let p = 15; p >= 1; p--) {
      if (((dirty >>> (2 * p)) & 3) === 0) continue;
      dirty |= 1 << p;
      const m = (COVER[p] as number) & bitmap;
      if (m === 0) h.fill(0, p * 32, p * 32 + 32);
      else if (isSingle(m) && (m & leafmap) !== 0) copy32(h, p * 32, h, (16 + lowestSlot(m)) * 32);
      else hashPairInto(INTERNAL_DOMAIN, h, 2 * p * 32, h, p * 32);
    }
  }

  encodeInto(arena: Arena): Uint8Array {
    const { bitmap, leafmap, h } = this;
    let inner = 0;
    for (let p = 2; p < 16; p++) if (storedInner(p, bitmap, leafmap)) inner++;
    const out = arena.alloc(HEADER_BYTES + popcount16(bitmap) * CHILD_BYTES + inner * 32);
    out[0] = TAG_INTERNAL;
    out[1] = bitmap >> 8;
    out[2] = bitmap;
    out[3] = leafmap >> 8;
    out[4] = leafmap;
    let off = HEADER_BYTES;
    for (let s = 0; s < 16; s++) {
      if (!((bitmap >> s) & 1)) continue;
      writeU64(out, off, this.ver[s] as number);
      copy32(out, off + 8, h, (16 + s) * 32);
      off += CHILD_BYTES;
    }
    for (let p = 2; p < 16; p++) {
      if (!storedInner(p, bitmap, leafmap)) continue;
      copy32(out, off, h, p * 32);
      off += 32;
    }
    return out;
  }

  /** Hash at heap position p, as a copy. */
  hashAt(p: number): Uint8Array {
    return this.h.slice(p * 32, p * 32 + 32);
  }

  // Child slot setters.
  setEmpty(s: number): void {
    this.bitmap &= ~(1 << s);
    this.leafmap &= ~(1 << s);
    this.pending[s] = null;
    this.h.fill(0, (16 + s) * 32, (17 + s) * 32);
  }
  setLeaf(s: number, it: Item, version: number): void {
    this.bitmap |= 1 << s;
    this.leafmap |= 1 << s;
    this.pending[s] = it;
    this.ver[s] = version;
    copy32(this.h, (16 + s) * 32, it.lh, 0);
  }
  setInternal(s: number, hash: Uint8Array, hashOff: number, version: number): void {
    this.bitmap |= 1 << s;
    this.leafmap &= ~(1 << s);
    this.pending[s] = null;
    this.ver[s] = version;
    copy32(this.h, (16 + s) * 32, hash, hashOff);
  }
}

/**
 * Bump allocator for the encoded nodes of one update: one large buffer
 * instead of tens of thousands of small ones (each separately allocated
 * typed array costs about a microsecond plus garbage collection).
 */
class Arena {
  private buf = new Uint8Array(0);
  private off = 0;
  alloc(n: number): Uint8Array {
    if (this.off + n > this.buf.length) {
      this.buf = new Uint8Array(Math.max(n, 1 << 20));
      this.off = 0;
    }
    const out = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return out;
  }
}

function missing(key: Uint8Array): never {
  throw new InvariantViolation(`tree node missing at version ${nodeKeyVersion(key)} depth ${key[8]}`);
}

/** The result of applying a batch: the new root and the node changes to persist. */
export interface TreeUpdate {
  root: RootRecord;
  /**
   * New nodes, sorted by key (so they can be appended), and their values.
   * The values may share one buffer: copy them to keep them.
   */
  nodeKeys: Uint8Array[];
  nodeValues: Uint8Array[];
  /** Keys of nodes the new version no longer uses. */
  stale: Uint8Array[];
}

/**
 * Applies `items` (sorted by key hash, see {@link prepareItems}) to the tree
 * whose root is `root`, as `version`. Reads existing nodes from `storage`,
 * writes nothing: the new nodes come back in the result.
 *
 * The batch is split recursively by key-hash nibble, so each node on the
 * union of the updated paths is loaded, rebuilt and hashed once per batch.
 */
export function applyBatch(
  storage: NodeStorage,
  root: RootRecord,
  version: number,
  items: readonly Item[],
): TreeUpdate {
  const u = new Updater(storage, version, items);
  // The root lives in slot 0 of a pseudo-node above depth 0.
  const top = new Node();
  if (root.kind !== RootKind.Empty) {
    top.bitmap = 1;
    top.leafmap = root.kind === RootKind.Leaf ? 1 : 0;
    top.ver[0] = root.version;
    copy32(top.h, 16 * 32, root.hash, 0);
  }
  if (items.length > 0 && u.update(top, 0, 0, 0, items.length)) {
    const leaf = top.pending[0];
    if (leaf) u.emit(nodeKey(version, 0, leaf.kh), encodeLeafItem(leaf, u.arena));
    const kind = top.bitmap === 0 ? RootKind.Empty : top.leafmap ? RootKind.Leaf : RootKind.Internal;
    const rec = kind === RootKind.Empty ? EMPTY_ROOT_RECORD : { kind, version, hash: top.hashAt(16) };
    return { root: rec, ...u.sortedNodes(), stale: u.stale };
  }
  return { root, nodeKeys: [], nodeValues: [], stale: [] };
}

function encodeLeafItem(it: Item, arena: Arena): Uint8Array {
  const key = it.key;
  const value = it.value as Uint8Array;
  const out = arena.alloc(37 + key.length + value.length);
  out[0] = TAG_LEAF;
  copy32(out, 1, it.kh, 0);
  const n = key.length;
  out[33] = n >>> 24;
  out[34] = n >>> 16;
  out[35] = n >>> 8;
  out[36] = n;
  out.set(key, 37);
  out.set(value, 37 + n);
  return out;
}

class Updater {
  /** New nodes by depth: each depth's nodes come out (nearly) in path order. */
  private readonly byDepth: [Uint8Array, Uint8Array][][] = [];
  readonly stale: Uint8Array[] = [];
  readonly arena = new Arena();
  /** Scratch node per depth (depth d's node is rebuilt while its parent, at d-1, waits). */
  private readonly nodes: Node[] = [];

  constructor(
    private readonly storage: NodeStorage,
    private readonly version: number,
    private readonly items: readonly Item[],
  ) {}

  emit(key: Uint8Array, value: Uint8Array): void {
    const d = key[8] as number;
    while (this.byDepth.length <= d) this.byDepth.push([]);
    (this.byDepth[d] as [Uint8Array, Uint8Array][]).push([key, value]);
  }

  sortedNodes(): { nodeKeys: Uint8Array[]; nodeValues: Uint8Array[] } {
    // Key order is (version, depth, path): concatenate the depths, each
    // sorted by path (a cheap sort: they are emitted almost in order).
    const nodeKeys: Uint8Array[] = [];
    const nodeValues: Uint8Array[] = [];
    for (const bucket of this.byDepth) {
      bucket.sort((a, b) => {
        const x = a[0];
        const y = b[0];
        for (let i = 9; i < x.length; i++) {
          const d = (x[i] as number) - (y[i] as number);
          if (d !== 0) return d;
        }
        return 0;
      });
      for (const [k, v] of bucket) {
        nodeKeys.push(k);
        nodeValues.push(v);
      }
    }
    return { nodeKeys, nodeValues };
  }

  private scratch(d: number): Node {
    let n = this.nodes[d];
    if (n === undefined) {
      n = new Node();
      this.nodes[d] = n;
    }
    return n;
  }

  /**
   * Applies items [lo, hi) to the subtree in `parent`'s child slot `s` (at
   * depth `d`), updating that slot in place. Returns whether it changed.
   */
  update(parent: Node, s: number, d: number, lo: number, hi: number): boolean {
    if (!((parent.bitmap >> s) & 1)) return this.buildInserts(parent, s, d, lo, hi);
    if ((parent.leafmap >> s) & 1) return this.updateLeaf(parent, s, d, lo, hi);
    return this.updateInternal(parent, s, d, lo, hi);
  }

  private buildInserts(parent: Node, s: number, d: number, lo: number, hi: number): boolean {
    const items = this.items;
    let deletes = 0;
    for (let i = lo; i < hi; i++) if ((items[i] as Item).value === null) deletes++;
    if (deletes === hi - lo) {
      // Deleting absent keys changes nothing.
      if (!((parent.bitmap >> s) & 1)) return false;
      parent.setEmpty(s);
      return true;
    }
    if (deletes === 0) {
      this.build(parent, s, d, items, lo, hi);
      return true;
    }
    const ins: Item[] = [];
    for (let i = lo; i < hi; i++) if ((items[i] as Item).value !== null) ins.push(items[i] as Item);
    this.build(parent, s, d, ins, 0, ins.length);
    return true;
  }

  private updateLeaf(parent: Node, s: number, d: number, lo: number, hi: number): boolean {
    const items = this.items;
    const key = nodeKey(parent.ver[s] as number, d, (items[lo] as Item).kh);
    // A subtree that is one leaf holds one key. If a batch key routed here
    // exists in the tree, it is that leaf's key: no need to read the leaf.
    let owner: Item | undefined;
    for (let i = lo; i < hi; i++) {
      if ((items[i] as Item).exists) {
        owner = items[i] as Item;
        break;
      }
    }
    if (owner !== undefined) {
      let inserts = 0;
      for (let i = lo; i < hi; i++) if ((items[i] as Item).value !== null && items[i] !== owner) inserts++;
      if (inserts === 0) {
        // The common case: a key's value changes (or is deleted, or rewritten unchanged).
        if (owner.value !== null && equal32(owner.lh, 0, parent.h, (16 + s) * 32)) return false;
        this.stale.push(key);
        if (owner.value === null) parent.setEmpty(s);
        else parent.setLeaf(s, owner, this.version);
        return true;
      }
      this.stale.push(key);
      return this.buildInserts(parent, s, d, lo, hi);
    }
    // The leaf belongs to another key: read it, to push it down next to the new keys.
    let inserts = 0;
    for (let i = lo; i < hi; i++) if ((items[i] as Item).value !== null) inserts++;
    if (inserts === 0) return false; // only deletions of absent keys
    const existing = this.loadLeafItem(key, parent.h, (16 + s) * 32);
    const merged: Item[] = [];
    let placed = false;
    for (let i = lo; i < hi; i++) {
      const it = items[i] as Item;
      if (it.value === null) continue;
      if (!placed && compareHash(it.kh, existing.kh) > 0) {
        merged.push(existing);
        placed = true;
      }
      merged.push(it);
    }
    if (!placed) merged.push(existing);
    this.stale.push(key);
    this.build(parent, s, d, merged, 0, merged.length);
    return true;
  }

  /** A stored leaf as an item (copied out of the storage's buffer), with its known hash. */
  private loadLeafItem(key: Uint8Array, hash: Uint8Array, hashOff: number): Item {
    const b = this.storage.getNodeFast(key) ?? missing(key);
    const leaf = decodeLeaf(b);
    return {
      kh: leaf.kh.slice(),
      key: leaf.key.slice(),
      value: leaf.value.slice(),
      lh: hash.slice(hashOff, hashOff + 32),
      exists: true,
    };
  }

  private updateInternal(parent: Node, s: number, d: number, lo: number, hi: number): boolean {
    const items = this.items;
    const kh = (items[lo] as Item).kh;
    const key = nodeKey(parent.ver[s] as number, d, kh);
    const node = this.scratch(d);
    node.decode(this.storage.getNodeFast(key) ?? missing(key));
    let dirty = 0;
    for (let i = lo; i < hi; ) {
      const t = nibble((items[i] as Item).kh, d);
      let j = i + 1;
      while (j < hi && nibble((items[j] as Item).kh, d) === t) j++;
      if (this.update(node, t, d + 1, i, j)) dirty |= 1 << (16 + t);
      i = j;
    }
    if (dirty === 0) return false;
    this.stale.push(key);
    this.finish(parent, s, node, d, kh, dirty);
    return true;
  }

  /** Builds the subtree of the new items arr[lo, hi) (at least one) into `parent`'s slot `s`. */
  private build(parent: Node, s: number, d: number, arr: readonly Item[], lo: number, hi: number): void {
    if (hi - lo === 1) {
      parent.setLeaf(s, arr[lo] as Item, this.version);
      return;
    }
    const node = this.scratch(d);
    node.reset();
    for (let i = lo; i < hi; ) {
      const t = nibble((arr[i] as Item).kh, d);
      let j = i + 1;
      while (j < hi && nibble((arr[j] as Item).kh, d) === t) j++;
      this.build(node, t, d + 1, arr, i, j);
      i = j;
    }
    this.finish(parent, s, node, d, (arr[lo] as Item).kh, -1 << 16);
  }

  /**
   * Puts the rebuilt `node` (at depth `d`, on `kh`'s path) into `parent`'s
   * slot `s`: nothing if it is empty; its only child if that is a leaf (the
   * leaf moves up, keeping the tree compressed); otherwise the node itself,
   * written together with the pending leaves it places.
   */
  private finish(parent: Node, s: number, node: Node, d: number, kh: Uint8Array, dirty: number): void {
    const { bitmap, leafmap } = node;
    if (bitmap === 0) {
      parent.setEmpty(s);
      return;
    }
    if (isSingle(bitmap) && (bitmap & leafmap) !== 0) {
      const t = lowestSlot(bitmap);
      let leaf = node.pending[t];
      if (!leaf) {
        // An untouched leaf whose siblings went away moves up: rewrite it.
        const key = childKey(node.ver[t] as number, d, kh, t);
        leaf = this.loadLeafItem(key, node.h, (16 + t) * 32);
        this.stale.push(key);
      }
      parent.setLeaf(s, leaf, this.version);
      return;
    }
    for (let t = 0; t < 16; t++) {
      const leaf = node.pending[t];
      if (!leaf) continue;
      this.emit(childKey(this.version, d, kh, t), encodeLeafItem(leaf, this.arena));
      node.pending[t] = null;
    }
    node.rehash(dirty);
    this.emit(nodeKey(this.version, d, kh), node.encodeInto(this.arena));
    parent.setInternal(s, node.h, 32, this.version);
  }
}

/** The leaf for `kh` in the tree under `root`, if present (a view into storage's bytes). */
export function getLeaf(storage: NodeStorage, root: RootRecord, kh: Uint8Array): Leaf | undefined {
  if (root.kind === RootKind.Empty) return undefined;
  let version = root.version;
  let leaf = root.kind === RootKind.Leaf;
  for (let d = 0; ; d++) {
    const key = nodeKey(version, d, kh);
    if (leaf) {
      const l = decodeLeaf(storage.getNode(key) ?? missing(key));
      return bytesEqual(l.kh, kh) ? l : undefined;
    }
    // Internal nodes are only looked at here: the reused buffer is fine.
    const b = storage.getNodeFast(key) ?? missing(key);
    const bitmap = ((b[1] as number) << 8) | (b[2] as number);
    const s = nibble(kh, d);
    if (!((bitmap >> s) & 1)) return undefined;
    const off = HEADER_BYTES + popcount16(bitmap & ((1 << s) - 1)) * CHILD_BYTES;
    version = readU64(b, off);
    leaf = (((((b[3] as number) << 8) | (b[4] as number)) >> s) & 1) === 1;
  }
}

/** Value (if any) of the key with hash `kh` and its proof, under `root`. */
export function proveKey(
  storage: NodeStorage,
  root: RootRecord,
  kh: Uint8Array,
): { value: Uint8Array | undefined; proof: StateProof } {
  const siblings: Uint8Array[] = [];
  const leafAt = (key: Uint8Array) => {
    const l = decodeLeaf(storage.getNode(key) ?? missing(key));
    return {
      value: bytesEqual(l.kh, kh) ? l.value : undefined,
      proof: { siblings, terminal: { kind: "leaf" as const, keyHash: l.kh.slice(), valueHash: sha256(l.value) } },
    };
  };
  if (root.kind === RootKind.Empty) return { value: undefined, proof: { siblings, terminal: { kind: "empty" } } };
  if (root.kind === RootKind.Leaf) return leafAt(nodeKey(root.version, 0, kh));
  const node = new Node();
  let version = root.version;
  for (let d = 0; ; d++) {
    const key = nodeKey(version, d, kh);
    node.decode(storage.getNodeFast(key) ?? missing(key));
    // Walk the node's four binary levels along kh's bits.
    let p = 1;
    for (let level = 0; level < 4; level++) {
      const bit = (nibble(kh, d) >> (3 - level)) & 1;
      siblings.push(node.hashAt(2 * p + 1 - bit));
      p = 2 * p + bit;
      const m = (COVER[p] as number) & node.bitmap;
      if (m === 0) return { value: undefined, proof: { siblings, terminal: { kind: "empty" } } };
      if (isSingle(m) && (m & node.leafmap) !== 0) {
        const s = lowestSlot(m);
        return leafAt(childKey(node.ver[s] as number, d, kh, s));
      }
    }
    version = node.ver[p - 16] as number; // an internal node: go down
  }
}
