/**
 * Export of a version and bulk import into an empty store (state sync):
 * same root, values, proofs and node bytes as an ordinary commit, later
 * commits agree, bad input and wrong roots leave an empty store.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  bytesKey,
  compareBytes,
  EMPTY_ROOT,
  InvariantViolation,
  sha256,
  toHex,
  utf8,
  verifyProof,
} from "@urbis/protocol";
import type { Entry, Write } from "@urbis/state";
import fc from "fast-check";
import { StoreErrors } from "./errors.js";
import { open } from "./lmdb.js";
import { MemoryCommitStore } from "./memory.js";
import { Model, normalize, referenceRoot, tempDir, versionWrites } from "./testing.js";
import type { TreeCommitStore } from "./tree-store.js";

/** Entries in the order exports use: ascending SHA-256 of the key. */
function byKeyHash(entries: readonly Entry[]): Entry[] {
  return [...entries].sort((a, b) => compareBytes(sha256(a[0]), sha256(b[0])));
}

/** Every entry of `version`, exported in batches of `batch`. */
function exportAll(s: TreeCommitStore, version: bigint, batch = 7): Entry[] {
  const ex = s.exportVersion(version);
  const out: Entry[] = [];
  for (;;) {
    const part = ex.next(batch);
    if (part.length === 0) break;
    assert.ok(part.length <= batch);
    out.push(...part);
  }
  assert.equal(ex.done, true);
  return out;
}

/** Imports `entries` into `s` as `version` in batches of the given sizes (cycled). */
async function importAll(
  s: TreeCommitStore,
  version: bigint,
  entries: readonly Entry[],
  expected: Uint8Array,
  cuts: readonly number[] = [5],
): Promise<Uint8Array> {
  const imp = s.beginImport(version);
  let i = 0;
  let c = 0;
  while (i < entries.length) {
    const n = Math.max(1, cuts[c++ % cuts.length] as number);
    imp.add(entries.slice(i, i + n));
    i += n;
  }
  return imp.finish(expected);
}

/** The memory store's tree nodes, as hex key -> hex value. */
function nodesOf(s: MemoryCommitStore): Map<string, string> {
  const nodes = (s as unknown as { backend: { nodes: Map<string, Uint8Array> } }).backend.nodes;
  return new Map([...nodes].map(([k, v]) => [toHex(Uint8Array.from(k, (ch) => ch.charCodeAt(0))), toHex(v)]));
}

function assertEmpty(s: TreeCommitStore): void {
  assert.equal(s.lastVersion(), 0n);
  assert.deepEqual(s.rootAt(0n), EMPTY_ROOT);
  assert.deepEqual([...s.latest().iterate()], []);
  assert.equal(s.nodeCount(), 0);
}

const keySetArb = fc.uniqueArray(
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 6 }), fc.uint8Array({ maxLength: 8 })),
  { maxLength: 300, selector: ([k]) => bytesKey(k) },
);

describe("state export and import", () => {
  it("LMDB round trip at a retained older version: same root, values, proofs, and the same next commits", async () => {
    const a = tempDir();
    const b = tempDir();
    try {
      const src = open(a.path, { noSync: true, keepRecent: 5 });
      const model = new Model();
      for (let v = 1; v <= 6; v++) {
        const w = versionWrites(v);
        src.stage(w);
        model.apply(w);
        await src.commit();
        model.commit();
      }
      const V = 4n;
      const ex = src.exportVersion(V);
      assert.deepEqual(ex.root, src.rootAt(V));
      // Newer versions are committed while the export runs.
      const first = ex.next(50);
      for (let v = 7; v <= 12; v++) {
        src.stage(versionWrites(v));
        await src.commit();
      }
      const entries = [...first];
      for (let part = ex.next(33); part.length > 0; part = ex.next(33)) entries.push(...part);
      const want = model.entries(4);
      assert.equal(entries.length, want.length);
      assert.deepEqual(entries, byKeyHash(want));

      let dst = open(b.path, { noSync: true });
      const root = await importAll(dst, V, entries, src.rootAt(V) as Uint8Array, [1, 64, 7, 300]);
      assert.deepEqual(root, src.rootAt(V));
      assert.equal(dst.lastVersion(), V);
      assert.equal(dst.oldestVersion(), V);
      assert.deepEqual(dst.rootAt(V), src.rootAt(V));
      assert.equal(dst.rootAt(0n), undefined);
      assert.deepEqual([...dst.latest().iterate()], want);
      const absent = utf8("never/written");
      for (const k of [...want.slice(0, 40).map(([k]) => k), absent]) {
        const { value, proof } = dst.prove(k, V);
        assert.deepEqual(value, model.get(k, 4));
        assert.equal(verifyProof(root, k, value, proof), true);
        assert.deepEqual(proof, src.prove(k, V).proof);
      }
      // Reopened, it is an ordinary store at V.
      await dst.close();
      dst = open(b.path, { noSync: true });
      assert.equal(dst.lastVersion(), V);
      assert.deepEqual(dst.rootAt(V), root);
      // Both carry on from V with the same blocks: a fresh source replays 5.. from a copy of V.
      const ref = new MemoryCommitStore();
      await importAll(ref, V, entries, root);
      for (let v = 5; v <= 9; v++) {
        const w = versionWrites(v);
        const h1 = dst.stage(w);
        const h2 = ref.stage(w);
        assert.equal(toHex(h1), toHex(h2));
        if (v <= 6) assert.equal(toHex(h1), toHex(model.root(v)));
        await dst.commit();
        await ref.commit();
      }
      assert.deepEqual([...dst.latest().iterate()], [...ref.latest().iterate()]);
      await dst.close();
      await src.close();
    } finally {
      a.cleanup();
      b.cleanup();
    }
  });

  it("writes exactly the nodes one ordinary commit of the same entries writes (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        keySetArb,
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
        async (kvs, cuts) => {
          const entries = normalize(kvs.map(([k, v]): Write => [k, v])) as Entry[];
          const one = new MemoryCommitStore();
          const root = one.stage(entries);
          await one.commit();
          assert.deepEqual(root, referenceRoot(entries));
          const exported = exportAll(one, 1n, 9);
          assert.deepEqual(exported, byKeyHash(entries));
          const imp = new MemoryCommitStore();
          assert.deepEqual(await importAll(imp, 1n, exported, root, cuts), root);
          assert.deepEqual(nodesOf(imp), nodesOf(one));
          assert.deepEqual([...imp.latest().iterate()], entries);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("random key sets round-trip into a fresh LMDB store that then commits like the source (property)", async () => {
    const dirs: { cleanup(): void }[] = [];
    try {
      await fc.assert(
        fc.asyncProperty(
          keySetArb,
          fc.array(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 6 }), fc.option(fc.uint8Array(), { nil: null }))),
          fc.integer({ min: 1, max: 1000 }),
          async (kvs, next, version) => {
            const entries = normalize(kvs.map(([k, v]): Write => [k, v])) as Entry[];
            const src = new MemoryCommitStore();
            // Source: the state reached over two versions, then padded up to `version`.
            src.stage(entries.filter((_, i) => i % 2 === 0));
            await src.commit();
            src.stage(entries);
            await src.commit();
            for (let v = 3; v <= version; v++) {
              src.stage([]);
              await src.commit();
            }
            const V = src.lastVersion();
            const root = src.rootAt(V) as Uint8Array;
            const d = tempDir();
            dirs.push(d);
            const dst = open(d.path, { noSync: true });
            await importAll(dst, V, exportAll(src, V, 13), root, [17]);
            assert.deepEqual(dst.rootAt(V), root);
            assert.deepEqual([...dst.latest().iterate()], entries);
            assert.equal(dst.nodeCount(), new MemoryCommitStore().nodeCount() + (await nodeCountOf(entries)));
            const w = normalize(next);
            assert.equal(toHex(dst.stage(w)), toHex(src.stage(w)));
            await dst.commit();
            await src.commit();
            await dst.close();
          },
        ),
        { numRuns: 25 },
      );
    } finally {
      for (const d of dirs) d.cleanup();
    }
  });

  it("empty and one-key states", async () => {
    for (const entries of [[], [[utf8("solo"), utf8("value")]]] as Entry[][]) {
      const src = new MemoryCommitStore();
      src.stage(entries);
      await src.commit();
      const exported = exportAll(src, 1n);
      assert.deepEqual(exported, entries);
      const d = tempDir();
      try {
        const dst = open(d.path, { noSync: true });
        await importAll(dst, 1n, exported, src.rootAt(1n) as Uint8Array);
        assert.deepEqual(dst.rootAt(1n), src.rootAt(1n));
        const w: Write[] = [[utf8("next"), utf8("1")]];
        assert.deepEqual(dst.stage(w), src.stage(w));
        await dst.close();
      } finally {
        d.cleanup();
      }
    }
  });

  it("a wrong expected root or bad input leaves an empty store that can import again", async () => {
    const src = new MemoryCommitStore();
    src.stage(versionWrites(1));
    await src.commit();
    const entries = exportAll(src, 1n);
    const root = src.rootAt(1n) as Uint8Array;
    const d = tempDir();
    try {
      const dst = open(d.path, { noSync: true });
      // Wrong root: every entry written, then refused at finish.
      const wrong = root.slice();
      wrong[0] = (wrong[0] as number) ^ 1;
      await assert.rejects(importAll(dst, 1n, entries, wrong), (e) => StoreErrors.importMismatch.is(e));
      assertEmpty(dst);
      // A missing entry: same.
      await assert.rejects(importAll(dst, 1n, entries.slice(1), root), (e) => StoreErrors.importMismatch.is(e));
      assertEmpty(dst);
      // Out of order, duplicated, empty or oversized keys: refused at add.
      const swapped = [entries[1], entries[0], ...entries.slice(2)] as Entry[];
      const dup = [entries[0], entries[0]] as Entry[];
      const bad: Entry[][] = [swapped, dup, [[new Uint8Array(0), utf8("x")]], [[new Uint8Array(5000), utf8("x")]]];
      for (const input of bad) {
        const imp = dst.beginImport(1n);
        imp.add(entries.slice(0, 0));
        assert.throws(
          () => imp.add(input),
          (e) => StoreErrors.invalidImport.is(e),
        );
        assert.equal(imp.done, true);
        assert.throws(() => imp.add([]), InvariantViolation);
        assertEmpty(dst);
      }
      // Abandoned on purpose.
      const imp = dst.beginImport(3n);
      imp.add(entries.slice(0, 50));
      assert.throws(() => dst.stage([]), InvariantViolation);
      assert.throws(() => dst.beginImport(3n), InvariantViolation);
      imp.abort();
      assertEmpty(dst);
      // And then the right import works.
      await importAll(dst, 1n, entries, root);
      assert.deepEqual(dst.rootAt(1n), root);
      // A store with versions cannot import.
      assert.throws(() => dst.beginImport(2n), InvariantViolation);
      await dst.close();
    } finally {
      d.cleanup();
    }
  });

  it("an LMDB import interrupted by a crash (store closed before finish) is undone when reopened", async () => {
    const src = new MemoryCommitStore();
    src.stage(versionWrites(1));
    await src.commit();
    const entries = exportAll(src, 1n);
    const d = tempDir();
    try {
      let dst = open(d.path, { noSync: true });
      const imp = dst.beginImport(7n);
      imp.add(entries.slice(0, 60));
      imp.add(entries.slice(60, 120));
      await dst.close();
      dst = open(d.path, { noSync: true });
      assertEmpty(dst);
      await importAll(dst, 7n, entries, src.rootAt(1n) as Uint8Array);
      assert.deepEqual(dst.rootAt(7n), src.rootAt(1n));
      await dst.close();
    } finally {
      d.cleanup();
    }
  });

  it("an export keeps its version from pruning until it ends or is closed", async () => {
    const s = new MemoryCommitStore({ keepRecent: 2 });
    const m = new Model();
    for (let v = 1; v <= 3; v++) {
      s.stage(versionWrites(v));
      m.apply(versionWrites(v));
      await s.commit();
      m.commit();
    }
    const ex = s.exportVersion(2n);
    const got = ex.next(10);
    for (let v = 4; v <= 8; v++) {
      s.stage(versionWrites(v));
      await s.commit();
    }
    assert.equal(s.oldestVersion(), 2n);
    assert.ok(s.at(2n));
    for (let part = ex.next(10); part.length > 0; part = ex.next(10)) got.push(...part);
    assert.deepEqual(got, byKeyHash(m.entries(2)));
    // Done: released, the next commit prunes down to keepRecent.
    s.stage(versionWrites(9));
    await s.commit();
    assert.equal(s.oldestVersion(), 8n);
    // Closed early: released too.
    const ex2 = s.exportVersion(8n);
    ex2.next(1);
    ex2.close();
    assert.deepEqual(ex2.next(), []);
    s.stage(versionWrites(10));
    await s.commit();
    assert.equal(s.oldestVersion(), 9n);
    // Pruned or future versions cannot be exported.
    assert.throws(
      () => s.exportVersion(2n),
      (e) => StoreErrors.pruned.is(e),
    );
    assert.throws(
      () => s.exportVersion(11n),
      (e) => StoreErrors.unknownVersion.is(e),
    );
  });
});

/** Nodes a store holding exactly `entries` (one version) has. */
async function nodeCountOf(entries: readonly Entry[]): Promise<number> {
  const s = new MemoryCommitStore();
  s.stage(entries);
  await s.commit();
  return s.nodeCount();
}
