/**
 * Export of a whole retained version of the tree (for state-sync snapshots):
 * every (key, value) pair, in ascending order of key hash (SHA-256 of the key),
 * which is the order of the tree's leaves, read from the tree's immutable
 * nodes of that version. So an export stays consistent while newer versions
 * are committed, and it can be read in slices: {@link TreeWalker.next} keeps
 * its position in an explicit stack and returns after a bounded batch, so the
 * caller can yield to the event loop between batches.
 */
import { InvariantViolation } from "@urbis/protocol";
import type { Entry } from "@urbis/state";
import { decodeLeaf, type NodeStorage, nodeKey, RootKind, type RootRecord, readU64 } from "./tree.js";

const TAG_INTERNAL = 1;
const HEADER_BYTES = 5;
const CHILD_BYTES = 40;

/** One internal node on the walk's current path, and the next child slot to visit. */
interface Frame {
  readonly depth: number;
  readonly bitmap: number;
  readonly leafmap: number;
  readonly versions: Float64Array;
  slot: number;
}

/** Sets nibble `d` (0 = high nibble of byte 0) of `path` to `v`. */
function setNibble(path: Uint8Array, d: number, v: number): void {
  const i = d >> 1;
  const b = path[i] as number;
  path[i] = d & 1 ? (b & 0xf0) | v : (v << 4) | (b & 0x0f);
}

/** Walks the leaves of one version's tree in key-hash order. */
export class TreeWalker {
  private readonly stack: Frame[] = [];
  /** Nibble path of the node being visited (only its first `depth` nibbles are meaningful). */
  private readonly path = new Uint8Array(32);
  /** Version of a root that is a single leaf, until it is emitted. */
  private rootLeaf: number | undefined;

  constructor(
    private readonly storage: NodeStorage,
    root: RootRecord,
  ) {
    if (root.kind === RootKind.Leaf) this.rootLeaf = root.version;
    else if (root.kind === RootKind.Internal) this.push(root.version, 0);
  }

  /** Whether every entry has been returned. */
  get done(): boolean {
    return this.rootLeaf === undefined && this.stack.length === 0;
  }

  /**
   * The next entries (at least one unless done, at most `maxEntries`; stops
   * early once their keys and values reach `maxBytes`). Empty when done.
   */
  next(maxEntries: number, maxBytes = Number.POSITIVE_INFINITY): Entry[] {
    const out: Entry[] = [];
    if (this.rootLeaf !== undefined) {
      out.push(this.leaf(nodeKey(this.rootLeaf, 0, this.path)));
      this.rootLeaf = undefined;
      return out;
    }
    let bytes = 0;
    while (this.stack.length > 0 && out.length < maxEntries && bytes < maxBytes) {
      const f = this.stack[this.stack.length - 1] as Frame;
      const left = f.bitmap & (0xffff << f.slot) & 0xffff;
      if (left === 0) {
        this.stack.pop();
        continue;
      }
      const s = 31 - Math.clz32(left & -left);
      f.slot = s + 1;
      setNibble(this.path, f.depth, s);
      const version = f.versions[s] as number;
      if ((f.leafmap >> s) & 1) {
        const e = this.leaf(nodeKey(version, f.depth + 1, this.path));
        bytes += e[0].length + e[1].length;
        out.push(e);
      } else {
        this.push(version, f.depth + 1);
      }
    }
    return out;
  }

  private push(version: number, depth: number): void {
    const key = nodeKey(version, depth, this.path);
    const b = this.storage.getNodeFast(key);
    if (b === undefined || b[0] !== TAG_INTERNAL || b.length < HEADER_BYTES) {
      throw new InvariantViolation(`tree node missing or corrupt at version ${version} depth ${depth}`);
    }
    const bitmap = ((b[1] as number) << 8) | (b[2] as number);
    const leafmap = ((b[3] as number) << 8) | (b[4] as number);
    // The bytes may be a reused buffer: copy the child versions out now.
    const versions = new Float64Array(16);
    let off = HEADER_BYTES;
    for (let s = 0; s < 16; s++) {
      if (!((bitmap >> s) & 1)) continue;
      if (off + CHILD_BYTES > b.length) throw new InvariantViolation("corrupt tree node");
      versions[s] = readU64(b, off);
      off += CHILD_BYTES;
    }
    this.stack.push({ depth, bitmap, leafmap, versions, slot: 0 });
  }

  private leaf(key: Uint8Array): Entry {
    const b = this.storage.getNode(key);
    if (b === undefined) throw new InvariantViolation(`tree leaf missing at version ${readU64(key, 0)}`);
    const l = decodeLeaf(b);
    return [l.key.slice(), l.value.slice()];
  }
}

/**
 * An export of one retained version, from {@link TreeCommitStore.exportVersion}.
 * The version is kept from pruning until the export is done or closed.
 */
export class StateExport {
  private closed = false;

  constructor(
    /** The exported version. */
    readonly version: bigint,
    /** Its root hash (the app hash of that height). */
    readonly root: Uint8Array,
    private readonly walker: TreeWalker,
    private readonly release: () => void,
    private readonly assertOpen: () => void,
  ) {}

  /** Whether every entry has been returned (or the export was closed). */
  get done(): boolean {
    return this.closed || this.walker.done;
  }

  /**
   * The next batch of entries in ascending key-hash order: at most
   * `maxEntries`, fewer once their bytes reach `maxBytes`; empty when done.
   * Each call is synchronous and bounded: yield to the event loop between calls.
   */
  next(maxEntries = 1000, maxBytes = 4 * 1024 * 1024): Entry[] {
    if (this.closed) return [];
    this.assertOpen();
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1)
      throw new RangeError(`maxEntries must be a whole number >= 1, got ${maxEntries}`);
    const out = this.walker.next(maxEntries, maxBytes);
    if (this.walker.done) this.close();
    return out;
  }

  /** Ends the export early (or after the end): the version may be pruned again. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.release();
  }
}
