/**
 * Genesis written as version 0 in batches (TreeCommitStore.beginGenesis):
 * any batching gives the root, nodes and later versions that staging the
 * same state at once gives; an unfinished genesis leaves an empty store,
 * also after a kill -9; a finished one survives reopening and a new genesis
 * or a state-sync import replaces it.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { EMPTY_ROOT, InvariantViolation, toHex, utf8, verifyProof } from "@urbis/protocol";
import type { Write } from "@urbis/state";
import { open } from "./lmdb.js";
import { MemoryCommitStore } from "./memory.js";
import { normalize, referenceRoot, tempDir } from "./testing.js";
import type { TreeCommitStore } from "./tree-store.js";

const cleanups: (() => void)[] = [];
after(() => {
  for (const c of cleanups) c();
});

const impls: { name: string; make(keepRecent?: number): TreeCommitStore }[] = [
  { name: "MemoryCommitStore", make: (keepRecent = 0) => new MemoryCommitStore({ keepRecent }) },
  {
    name: "LmdbCommitStore",
    make: (keepRecent = 0) => {
      const dir = tempDir();
      cleanups.push(dir.cleanup);
      return open(dir.path, { noSync: true, keepRecent });
    },
  },
];

/** A genesis-like write sequence: `n` keys, some rewritten and some deleted by later writes. */
function genesisWrites(n: number): Write[] {
  const out: Write[] = [];
  for (let i = 0; i < n; i++) out.push([utf8(`bal/${i}`), utf8(`amount ${i}`)]);
  for (let i = 0; i < n; i += 7) out.push([utf8(`bal/${i}`), utf8(`rewritten ${i}`)]);
  for (let i = 3; i < n; i += 11) out.push([utf8(`bal/${i}`), null]);
  return out;
}

/** Writes `seq` in order, cutting a batch every `size` writes (each batch sorted, last write of a key wins). */
function writeInBatches(store: TreeCommitStore, seq: readonly Write[], size: number): Uint8Array {
  const g = store.beginGenesis();
  for (let i = 0; i < seq.length; i += size) g.write(normalize(seq.slice(i, i + size)));
  return g.finish();
}

/** The same block on top: some keys updated, some deleted, some new. */
/** Version 0 is the empty state again: empty root, no entries, no tree nodes. */
function assertEmpty(s: TreeCommitStore): void {
  assert.deepEqual(s.rootAt(0n), EMPTY_ROOT);
  assert.deepEqual([...s.latest().iterate()], []);
  assert.equal(s.nodeCount(), 0);
}

function block1(n: number): Write[] {
  const out: Write[] = [];
  for (let i = 0; i < n; i += 5) out.push([utf8(`bal/${i}`), i % 2 ? null : utf8(`block1 ${i}`)]);
  out.push([utf8("new/key"), utf8("v")]);
  return normalize(out);
}

for (const impl of impls) {
  describe(`${impl.name}: genesis as version 0`, () => {
    const n = 600;
    const seq = genesisWrites(n);
    const state = normalize(seq).filter((w): w is readonly [Uint8Array, Uint8Array] => w[1] !== null);

    it("gives the same root, reads, proofs and next version for any batch size", async () => {
      const expected = referenceRoot(state);
      // Reference: the whole genesis staged at once with block 1 (the old path), and its nodes.
      const once = impl.make(1);
      once.stage(normalize([...normalize(seq), ...block1(n)]));
      await once.commit();
      const block1Root = toHex(once.rootAt(1n) as Uint8Array);

      for (const size of [1, 13, 100, seq.length]) {
        const s = impl.make(1);
        assert.equal(toHex(writeInBatches(s, seq, size)), toHex(expected), `batch size ${size}`);
        assert.equal(s.lastVersion(), 0n);
        assert.equal(toHex(s.rootAt(0n) as Uint8Array), toHex(expected));
        assert.deepEqual([...s.latest().iterate()], state);
        // The version-0 tree is complete: every key proves against the root.
        for (const [k, v] of state.slice(0, 40)) {
          const p = s.prove(k, 0n);
          assert.deepEqual(p.value, v);
          assert.ok(verifyProof(expected, k, v, p.proof));
        }
        assert.equal(toHex(s.stage(block1(n))), block1Root, `block 1 after batch size ${size}`);
        await s.commit();
        // Version 0 is pruned (keepRecent 1): what remains is exactly the one-batch store's nodes.
        assert.equal(s.nodeCount(), once.nodeCount(), `no node left behind with batch size ${size}`);
        await s.close();
      }
      await once.close();
    });

    it("an abandoned genesis leaves the empty store; a new one replaces a finished one", async () => {
      const s = impl.make();
      const g = s.beginGenesis();
      g.write(normalize(seq.slice(0, 100)));
      assert.throws(() => s.stage([]), InvariantViolation, "no staging while genesis is written");
      g.abort();
      assertEmpty(s);

      writeInBatches(s, seq, 50);
      const other: Write[] = [[utf8("only"), utf8("key")]];
      assert.equal(toHex(writeInBatches(s, other, 10)), toHex(referenceRoot(other as [Uint8Array, Uint8Array][])));
      assert.deepEqual([...s.latest().iterate()], other);
      assert.equal(s.nodeCount(), 1);

      // A state-sync import replaces it too (the node had run InitChain, then state-syncs).
      const imp = s.beginImport(5n);
      await imp.finish(EMPTY_ROOT); // an empty state, as version 5
      assert.equal(s.lastVersion(), 5n);
      assert.deepEqual([...s.latest().iterate()], []);
      assert.equal(s.nodeCount(), 0);
      assert.throws(() => s.beginGenesis(), InvariantViolation, "not once a block is committed");
      await s.close();
    });
  });
}

describe("LmdbCommitStore: genesis across restarts", () => {
  it("a finished genesis is durable; an unfinished one is undone when reopened", async () => {
    const dir = tempDir();
    try {
      const seq = genesisWrites(300);
      let s = open(dir.path);
      const root = writeInBatches(s, seq, 64);
      await s.close();
      s = open(dir.path);
      assert.equal(s.lastVersion(), 0n);
      assert.equal(toHex(s.rootAt(0n) as Uint8Array), toHex(root));
      // Unfinished (closed mid-genesis, as a crash would leave it): empty on reopening.
      const g = s.beginGenesis();
      g.write(normalize(seq.slice(0, 64)));
      await s.close();
      s = open(dir.path);
      assertEmpty(s);
      await s.close();
    } finally {
      dir.cleanup();
    }
  });

  it("survives kill -9 in the middle of a genesis", { timeout: 60_000 }, async () => {
    const dir = tempDir();
    try {
      const child = join(dir.path, "child.ts");
      const storeUrl = new URL("./lmdb.ts", import.meta.url).href;
      // Writes batches forever (each one committed to LMDB), announcing each; the parent kills it.
      writeFileSync(
        child,
        `import { open } from ${JSON.stringify(storeUrl)};
const utf8 = (s) => new TextEncoder().encode(s);
const s = open(process.argv[2]);
const g = s.beginGenesis();
for (let b = 0; ; b++) {
  const w = [];
  for (let i = 0; i < 500; i++) w.push([utf8("k/" + String(b).padStart(6, "0") + "/" + String(i).padStart(4, "0")), utf8("v" + i)]);
  g.write(w);
  process.stdout.write("BATCH " + b + "\\n");
}
`,
      );
      const db = join(dir.path, "db");
      const proc = spawn(process.execPath, ["--import", "tsx", child, db], {
        stdio: ["ignore", "pipe", "inherit"],
        cwd: fileURLToPath(new URL("../../..", import.meta.url)),
      });
      await new Promise<void>((resolve) => {
        proc.stdout?.on("data", (d: Buffer) => {
          if (/BATCH [3-9]/.test(d.toString())) {
            proc.kill("SIGKILL");
            resolve();
          }
        });
      });
      await new Promise((r) => proc.once("exit", r));
      const s = open(db);
      assert.equal(s.lastVersion(), 0n);
      assertEmpty(s);
      await s.close();
    } finally {
      dir.cleanup();
    }
  });
});
