/**
 * Behaviour every CommitStore implementation here must share, run against
 * both MemoryCommitStore and LmdbCommitStore, checked against a naive model.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import {
  bytesKey,
  compareBytes,
  decodeProof,
  EMPTY_ROOT,
  InvariantViolation,
  ProofErrors,
  sha256,
  toHex,
  utf8,
  verifyProof,
  verifyProofOrThrow,
} from "@urbis/protocol";
import type { Entry, KVRead, Write } from "@urbis/state";
import fc from "fast-check";
import { StoreErrors } from "./errors.js";
import { open } from "./lmdb.js";
import { MemoryCommitStore } from "./memory.js";
import { Model, normalize, referenceRoot, tempDir } from "./testing.js";
import type { CommitStoreOptions, TreeCommitStore } from "./tree-store.js";

interface Impl {
  name: string;
  make(opts?: CommitStoreOptions): TreeCommitStore;
}

const cleanups: (() => void)[] = [];
after(() => {
  for (const c of cleanups) c();
});

const impls: Impl[] = [
  { name: "MemoryCommitStore", make: (opts) => new MemoryCommitStore(opts) },
  {
    name: "LmdbCommitStore",
    make: (opts) => {
      const dir = tempDir();
      // noSync only skips fsync; the transaction logic is the same.
      const store = open(dir.path, { ...opts, noSync: true });
      cleanups.push(() => {
        void store.close().finally(dir.cleanup);
      });
      return store;
    },
  },
  // The latest-value cache must never change an answer: run everything with it off, and with
  // two entries so that nearly every read evicts.
  {
    name: "MemoryCommitStore without latest cache",
    make: (opts) => new MemoryCommitStore({ ...opts, latestCacheEntries: 0 }),
  },
  {
    name: "LmdbCommitStore with a 2-entry latest cache",
    make: (opts) => {
      const dir = tempDir();
      const store = open(dir.path, { ...opts, noSync: true, latestCacheEntries: 2 });
      cleanups.push(() => {
        void store.close().finally(dir.cleanup);
      });
      return store;
    },
  },
];

const b = (...xs: number[]) => new Uint8Array(xs);

// Few distinct keys, so batches overwrite and delete existing ones often.
const keyArb = fc.uint8Array({ minLength: 1, maxLength: 2, max: 11 });
const writeArb: fc.Arbitrary<Write> = fc
  .tuple(keyArb, fc.option(fc.uint8Array({ maxLength: 6 }), { freq: 4, nil: null }))
  .map(([k, v]): Write => [k, v]);
const batchArb = fc.array(writeArb, { maxLength: 40 }).map(normalize);

const allEntries = (r: { iterate(s?: Uint8Array, e?: Uint8Array, rev?: boolean): Iterable<Entry> }) => [...r.iterate()];

for (const impl of impls) {
  describe(impl.name, () => {
    it("starts empty at version 0", () => {
      const s = impl.make();
      assert.equal(s.lastVersion(), 0n);
      assert.deepEqual(s.rootAt(0n), EMPTY_ROOT);
      assert.equal(s.rootAt(1n), undefined);
      assert.equal(s.latest().get(b(1)), undefined);
      assert.deepEqual(allEntries(s.latest()), []);
      assert.deepEqual(allEntries(s.at(0n) as never), []);
      const { value, proof } = s.prove(b(1), 0n);
      assert.equal(value, undefined);
      assert.equal(verifyProof(EMPTY_ROOT, b(1), undefined, proof), true);
    });

    it("roots equal the reference tree, and every version reads and proves like the model", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(batchArb, { minLength: 1, maxLength: 6 }), async (batches) => {
          const s = impl.make();
          const m = new Model();
          for (const batch of batches) {
            const staged = s.stage(batch);
            m.apply(batch);
            assert.equal(toHex(staged), toHex(m.root()));
            await s.commit();
            m.commit();
            assert.deepEqual(s.rootAt(s.lastVersion()), staged);
          }
          const last = Number(s.lastVersion());
          assert.equal(last, batches.length);
          // Latest state: flat table, in key order, both directions.
          const want = m.entries();
          assert.deepEqual(allEntries(s.latest()), want);
          assert.deepEqual([...s.latest().iterate(undefined, undefined, true)], [...want].reverse());
          // Every version: get and prove every key ever touched, plus one never written.
          const keys = new Map<string, Uint8Array>([[bytesKey(b(0xee)), b(0xee)]]);
          for (const batch of batches) for (const [k] of batch) keys.set(bytesKey(k), k);
          for (let v = 0; v <= last; v++) {
            const root = s.rootAt(BigInt(v)) as Uint8Array;
            assert.equal(toHex(root), toHex(m.root(v)));
            const view = s.at(BigInt(v));
            assert.ok(view);
            for (const k of keys.values()) {
              const expected = m.get(k, v);
              assert.deepEqual(view.get(k), expected);
              const { value, proof } = s.prove(k, BigInt(v));
              assert.deepEqual(value, expected);
              assert.equal(verifyProof(root, k, expected, proof), true, `proof of ${toHex(k)} at ${v}`);
              // Wrong value, wrong presence, wrong root, wrong key all fail.
              assert.equal(verifyProof(root, k, utf8("wrong value!"), proof), false);
              if (expected !== undefined) assert.equal(verifyProof(root, k, undefined, proof), false);
              const other = m.root(v === 0 ? 1 : v - 1);
              if (toHex(other) !== toHex(root)) assert.equal(verifyProof(other, k, expected, proof), false);
              // Nor does it prove any other present key (except the terminal leaf's own key:
              // a non-inclusion proof ending at a leaf is that leaf's inclusion proof).
              const p = decodeProof(proof);
              for (const k2 of keys.values()) {
                const v2 = m.get(k2, v);
                if (bytesKey(k2) === bytesKey(k) || v2 === undefined) continue;
                if (p.terminal.kind === "leaf" && toHex(p.terminal.keyHash) === toHex(sha256(k2))) continue;
                assert.equal(verifyProof(root, k2, v2, proof), false);
              }
            }
          }
        }),
        { numRuns: 40 },
      );
    });

    it("the root depends only on the final key/value set, not on batching or history", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(writeArb, { maxLength: 60 }),
          fc.array(fc.nat(10), { maxLength: 10 }),
          fc.array(keyArb, { maxLength: 10 }),
          async (writes, cuts, extras) => {
            // One store gets temporary extra keys first and the writes in pieces…
            const a = impl.make({ keepRecent: 1 });
            a.stage(normalize(extras.map((k) => [k, utf8("tmp")] as const)));
            await a.commit();
            let rest = writes;
            for (const c of cuts) {
              a.stage(normalize(rest.slice(0, c)));
              await a.commit();
              rest = rest.slice(c);
            }
            a.stage(normalize(rest));
            await a.commit();
            // …then deletes the extras nobody wrote later.
            const final = new Model();
            final.apply(normalize(writes));
            const cleanup = normalize(
              extras.filter((k) => !writes.some(([w]) => bytesKey(w) === bytesKey(k))).map((k) => [k, null]),
            );
            a.stage(cleanup);
            await a.commit();
            // The other store writes the final set in one batch.
            const one = impl.make({ keepRecent: 1 });
            one.stage(final.entries());
            await one.commit();
            assert.equal(toHex(a.rootAt(a.lastVersion()) as Uint8Array), toHex(one.rootAt(1n) as Uint8Array));
            assert.equal(toHex(one.rootAt(1n) as Uint8Array), toHex(final.root()));
            // Same tree, same nodes: with one version kept, nothing stale survives.
            assert.equal(a.nodeCount(), one.nodeCount());
          },
        ),
        { numRuns: 40 },
      );
    });

    it("deleting everything shrinks the tree back to the empty root and no nodes", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.uint8Array({ minLength: 1, maxLength: 4 }), {
            minLength: 1,
            maxLength: 120,
            selector: bytesKey,
          }),
          fc.array(fc.nat(30), { maxLength: 6 }),
          async (keys, cuts) => {
            const s = impl.make({ keepRecent: 1 });
            s.stage(normalize(keys.map((k) => [k, k] as const)));
            await s.commit();
            assert.equal(
              toHex(s.rootAt(1n) as Uint8Array),
              toHex(referenceRoot(normalize(keys.map((k) => [k, k])) as never)),
            );
            let rest = keys;
            for (const c of [...cuts, rest.length]) {
              s.stage(normalize(rest.slice(0, c).map((k) => [k, null] as const)));
              rest = rest.slice(c);
              await s.commit();
              const m = new Model();
              m.apply(normalize(rest.map((k) => [k, k] as const)));
              assert.equal(toHex(s.rootAt(s.lastVersion()) as Uint8Array), toHex(m.root()));
            }
            assert.deepEqual(s.rootAt(s.lastVersion()), EMPTY_ROOT);
            assert.equal(s.nodeCount(), 0);
            assert.deepEqual(allEntries(s.latest()), []);
          },
        ),
        { numRuns: 30 },
      );
    });

    it("handles keys whose hashes share long prefixes (deep paths, odd depths, collapses)", async () => {
      // Birthday search: among 60,000 keys some share their first 24 key-hash bits.
      const byPrefix = new Map<number, Uint8Array[]>();
      for (let i = 0; i < 60_000; i++) {
        const k = utf8(`deep/${i}`);
        const h = sha256(k);
        const p = ((h[0] as number) << 16) | ((h[1] as number) << 8) | (h[2] as number);
        byPrefix.set(p, [...(byPrefix.get(p) ?? []), k]);
      }
      const groups = [...byPrefix.values()].filter((g) => g.length > 1).slice(0, 12);
      assert.ok(groups.length >= 5, "enough colliding prefixes");
      const deep = groups.flat();
      const s = impl.make({ keepRecent: 2 });
      const m = new Model();
      const step = async (writes: Write[]) => {
        const w = normalize(writes);
        m.apply(w);
        assert.equal(toHex(s.stage(w)), toHex(m.root()));
        await s.commit();
        m.commit();
        const root = s.rootAt(s.lastVersion()) as Uint8Array;
        for (const k of deep) {
          const { value, proof } = s.prove(k, s.lastVersion());
          assert.deepEqual(value, m.get(k));
          verifyProofOrThrow(root, k, m.get(k), proof);
          // A key whose prefix-sharing partner is present sits below the shared 24 bits.
          const partner = groups.find((g) => g.includes(k))?.some((k2) => k2 !== k && m.get(k2) !== undefined);
          if (m.get(k) !== undefined && partner) assert.ok(decodeProof(proof).siblings.length > 24, "deep leaf");
        }
      };
      await step(deep.map((k) => [k, utf8("v1")]));
      await step(deep.filter((_, i) => i % 2 === 0).map((k) => [k, utf8("v2")])); // updates in place
      await step(deep.filter((_, i) => i % 2 === 1).map((k) => [k, null])); // pairs collapse to single leaves
      await step(deep.filter((_, i) => i % 2 === 1).map((k) => [k, utf8("back")])); // and split again
      await step([...deep.map((k) => [k, null] as Write), [utf8("x"), utf8("y")]]);
      assert.equal(m.size, 1);
    });

    it("iterates ranges at the latest version in byte order, both directions", async () => {
      await fc.assert(
        fc.asyncProperty(batchArb, fc.option(keyArb), fc.option(keyArb), async (batch, start, end) => {
          const s = impl.make();
          s.stage(batch);
          await s.commit();
          const lo = start ?? undefined;
          const hi = end ?? undefined;
          const want = batch
            .filter(([k, v]) => v !== null && (!lo || compareBytes(k, lo) >= 0) && (!hi || compareBytes(k, hi) < 0))
            .map(([k, v]) => [k, v]);
          assert.deepEqual([...s.latest().iterate(lo, hi)], want);
          assert.deepEqual([...s.latest().iterate(lo, hi, true)], want.reverse());
        }),
        { numRuns: 60 },
      );
      // Extreme keys (lmdb's default reverse range once skipped 0x00).
      const edge = [b(0), b(0, 0), b(0, 255), b(1), b(255), b(255, 255), new Uint8Array(40).fill(255)];
      const e = impl.make();
      e.stage(edge.map((k) => [k, k]));
      await e.commit();
      assert.deepEqual(
        [...e.latest().iterate()],
        edge.map((k) => [k, k]),
      );
      assert.deepEqual([...e.latest().iterate(undefined, undefined, true)], edge.map((k) => [k, k]).reverse());
      assert.deepEqual(
        [...e.latest().iterate(b(0), b(255), true)].map(([k]) => k),
        [b(1), b(0, 255), b(0, 0), b(0)],
      );
      assert.deepEqual(
        [...e.latest().iterate(b(0, 0), b(255, 255))].map(([k]) => k),
        [b(0, 0), b(0, 255), b(1), b(255)],
      );

      const s = impl.make();
      s.stage([[b(1), b(1)]]);
      await s.commit();
      assert.deepEqual([...s.latest().iterate(undefined, new Uint8Array())], []);
      assert.deepEqual([...s.latest().iterate(new Uint8Array())], [[b(1), b(1)]]);
      assert.equal(s.latest().get(new Uint8Array()), undefined);
    });

    it("keeps old versions readable by get, and refuses to iterate them", async () => {
      const s = impl.make();
      s.stage([[b(1), b(10)]]);
      await s.commit();
      const v1 = s.at(1n);
      assert.ok(v1);
      assert.deepEqual([...v1.iterate()], [[b(1), b(10)]]); // still the latest: served from the flat table
      s.stage([
        [b(1), b(11)],
        [b(2), b(20)],
      ]);
      await s.commit();
      assert.deepEqual(v1.get(b(1)), b(10));
      assert.equal(v1.get(b(2)), undefined);
      assert.throws(
        () => [...v1.iterate()],
        (e) => StoreErrors.historicIteration.is(e),
      );
      assert.deepEqual(s.at(2n)?.get(b(1)), b(11));
      assert.deepEqual(s.latest().get(b(2)), b(20));
      // Returned values are copies: mutating them changes nothing.
      (v1.get(b(1)) as Uint8Array)[0] = 99;
      assert.deepEqual(v1.get(b(1)), b(10));
    });

    it("reports unknown versions", () => {
      const s = impl.make();
      assert.equal(s.at(1n), undefined);
      assert.equal(s.at(-1n), undefined);
      assert.throws(
        () => s.atOrThrow(5n),
        (e) => StoreErrors.unknownVersion.is(e),
      );
      assert.throws(
        () => s.prove(b(1), 1n),
        (e) => StoreErrors.unknownVersion.is(e),
      );
      assert.throws(
        () => s.prove(b(1), 2n ** 70n),
        (e) => StoreErrors.unknownVersion.is(e),
      );
    });

    it("prunes versions older than keepRecent and keeps recent ones provable", async () => {
      const keep = 3;
      const s = impl.make({ keepRecent: keep });
      const m = new Model();
      const views: (KVRead | undefined)[] = [];
      for (let v = 1; v <= 10; v++) {
        const w = normalize([
          [b(v % 4), b(v)],
          [b(7, v % 3), b(v, v)],
          [b(9), v % 2 ? b(v) : null],
        ]);
        s.stage(w);
        m.apply(w);
        await s.commit();
        m.commit();
        views.push(s.at(BigInt(v)));
      }
      assert.equal(s.oldestVersion(), 8n);
      for (let v = 0; v < 8; v++) {
        assert.equal(s.at(BigInt(v)), undefined);
        assert.equal(s.rootAt(BigInt(v)), undefined);
        assert.throws(
          () => s.atOrThrow(BigInt(v)),
          (e) => StoreErrors.pruned.is(e),
        );
        assert.throws(
          () => s.prove(b(1), BigInt(v)),
          (e) => StoreErrors.pruned.is(e),
        );
      }
      // A view taken before its version was pruned fails with the registered error.
      assert.throws(
        () => views[0]?.get(b(1)),
        (e) => StoreErrors.pruned.is(e),
      );
      for (let v = 8; v <= 10; v++) {
        const root = s.rootAt(BigInt(v)) as Uint8Array;
        assert.equal(toHex(root), toHex(m.root(v)));
        for (const k of [b(0), b(1), b(2), b(3), b(7, 0), b(7, 1), b(7, 2), b(9)]) {
          const { value, proof } = s.prove(k, BigInt(v));
          assert.deepEqual(value, m.get(k, v));
          assert.equal(verifyProof(root, k, m.get(k, v), proof), true);
          assert.deepEqual(s.at(BigInt(v))?.get(k), m.get(k, v));
        }
      }
      // Only the nodes of the kept versions remain: fewer than keep full copies of the tree.
      const fresh = impl.make();
      fresh.stage(m.entries());
      await fresh.commit();
      assert.ok(s.nodeCount() <= keep * fresh.nodeCount(), `${s.nodeCount()} nodes`);
    });

    it("stage replaces the staged set and validates the writes", async () => {
      const s = impl.make();
      await assert.rejects(() => s.commit(), InvariantViolation);
      s.stage([[b(1), b(1)]]);
      const r2 = s.stage([[b(2), b(2)]]);
      await s.commit();
      assert.deepEqual(s.rootAt(1n), r2);
      assert.equal(s.latest().get(b(1)), undefined);
      await assert.rejects(() => s.commit(), InvariantViolation); // nothing staged any more
      assert.throws(() => s.stage([[new Uint8Array(), b(1)]]), InvariantViolation);
      assert.throws(() => s.stage([[new Uint8Array(1979), b(1)]]), InvariantViolation);
      assert.throws(
        () =>
          s.stage([
            [b(2), b(1)],
            [b(1), b(1)],
          ]),
        InvariantViolation,
      );
      assert.throws(
        () =>
          s.stage([
            [b(1), b(1)],
            [b(1), b(2)],
          ]),
        InvariantViolation,
      );
      // The longest allowed key works.
      const long = new Uint8Array(1978).fill(7);
      s.stage([[long, b(1)]]);
      await s.commit();
      assert.deepEqual(s.latest().get(long), b(1));
      assert.deepEqual([...s.latest().iterate(long)], [[long, b(1)]]);
      const { proof } = s.prove(long, 2n);
      assert.equal(verifyProof(s.rootAt(2n) as Uint8Array, long, b(1), proof), true);
    });

    it("empty batches commit a new version with the same root", async () => {
      const s = impl.make({ keepRecent: 1 });
      const r = s.stage([[b(1), b(1)]]);
      await s.commit();
      assert.deepEqual(s.stage([]), r);
      await s.commit();
      assert.deepEqual(s.stage([[b(5), null]]), r); // deleting an absent key changes nothing
      await s.commit();
      assert.equal(s.lastVersion(), 3n);
      assert.deepEqual(s.rootAt(3n), r);
      assert.deepEqual(s.at(3n)?.get(b(1)), b(1));
      assert.equal(verifyProof(r, b(1), b(1), s.prove(b(1), 3n).proof), true);
      assert.equal(s.nodeCount(), 1);
    });

    it("closing makes the store unusable", async () => {
      const s = impl.make();
      await s.close();
      assert.throws(() => s.stage([]), InvariantViolation);
      assert.throws(() => s.latest().get(b(1)), InvariantViolation);
      assert.throws(() => s.prove(b(1), 0n), InvariantViolation);
    });
  });
}

describe("proof errors", () => {
  it("proofs from the store decode and check with the protocol's errors", async () => {
    const s = new MemoryCommitStore();
    s.stage([[b(1), b(2)]]);
    await s.commit();
    const { proof } = s.prove(b(1), 1n);
    assert.throws(
      () => verifyProofOrThrow(s.rootAt(1n) as Uint8Array, b(1), b(3), proof),
      (e) => ProofErrors.mismatch.is(e),
    );
    assert.throws(
      () => decodeProof(proof.subarray(1)),
      (e) => ProofErrors.malformed.is(e),
    );
  });
});
