/**
 * Test helpers: a deliberately naive model of the state and of its Merkle
 * root, written straight from the rules in @urbis/protocol's proof.ts, and
 * temporary directories. Not used by the store itself.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  bytesKey,
  compareBytes,
  EMPTY_ROOT,
  hashBit,
  internalHash,
  keyBytes,
  leafHash,
  sha256,
  utf8,
} from "@urbis/protocol";
import type { Write } from "@urbis/state";

interface RefLeaf {
  kh: Uint8Array;
  lh: Uint8Array;
}

function refRoot(leaves: RefLeaf[], d: number): Uint8Array {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return (leaves[0] as RefLeaf).lh;
  const left = leaves.filter((l) => hashBit(l.kh, d) === 0);
  const right = leaves.filter((l) => hashBit(l.kh, d) === 1);
  return internalHash(refRoot(left, d + 1), refRoot(right, d + 1));
}

/** Root of the tree holding exactly `entries`, computed the slow, obvious way. */
export function referenceRoot(entries: Iterable<readonly [Uint8Array, Uint8Array]>): Uint8Array {
  const leaves: RefLeaf[] = [];
  for (const [k, v] of entries) {
    const kh = sha256(k);
    leaves.push({ kh, lh: leafHash(kh, sha256(v)) });
  }
  return refRoot(leaves, 0);
}

/** The key/value state as a plain map, with its versions. */
export class Model {
  private map = new Map<string, Uint8Array>();
  private readonly history: Map<string, Uint8Array>[] = [new Map()];

  apply(writes: readonly Write[]): void {
    for (const [k, v] of writes) {
      if (v === null) this.map.delete(bytesKey(k));
      else this.map.set(bytesKey(k), v);
    }
  }
  commit(): void {
    this.history.push(new Map(this.map));
  }
  /** Entries at `version` (default: current), ascending. */
  entries(version?: number): [Uint8Array, Uint8Array][] {
    const m = version === undefined ? this.map : (this.history[version] as Map<string, Uint8Array>);
    return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [keyBytes(k), v]);
  }
  get(key: Uint8Array, version?: number): Uint8Array | undefined {
    const m = version === undefined ? this.map : (this.history[version] as Map<string, Uint8Array>);
    return m.get(bytesKey(key));
  }
  root(version?: number): Uint8Array {
    return referenceRoot(this.entries(version));
  }
  get size(): number {
    return this.map.size;
  }
}

/** Sorts writes by key and keeps the last write of each key. */
export function normalize(writes: readonly Write[]): Write[] {
  const m = new Map<string, Write>();
  for (const w of writes) m.set(bytesKey(w[0]), w);
  return [...m.values()].sort((a, b) => compareBytes(a[0], b[0]));
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(prefix = "urbis-store-"): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Deterministic writes of version `v` for crash and persistence tests: 200
 * keys updated, some deleted, so a replay can recompute every version's root.
 */
export function versionWrites(v: number): Write[] {
  const out: Write[] = [];
  for (let i = 0; i < 200; i++) {
    const k = (v * 37 + i * 11) % 1000;
    out.push([utf8(`acct/${k}`), (v + i) % 9 === 0 ? null : utf8(`balance ${v}:${i}`)]);
  }
  return normalize(out);
}
