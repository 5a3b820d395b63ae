/** LMDB-specific behaviour: persistence, crash safety, on-disk pruning. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { InvariantViolation, toHex, utf8, verifyProof } from "@urbis/protocol";
import { open as openLmdb } from "lmdb";
import { StoreErrors } from "./errors.js";
import { open } from "./lmdb.js";
import { MemoryCommitStore } from "./memory.js";
import { tempDir, versionWrites } from "./testing.js";

/** Roots of versions 0..n when committing versionWrites(1..n), computed in memory. */
async function replayRoots(n: number): Promise<string[]> {
  const m = new MemoryCommitStore({ keepRecent: 1 });
  const roots = [toHex(m.rootAt(0n) as Uint8Array)];
  for (let v = 1; v <= n; v++) {
    roots.push(toHex(m.stage(versionWrites(v))));
    await m.commit();
  }
  return roots;
}

describe("LmdbCommitStore on disk", () => {
  it("persists every committed version across close and reopen", async () => {
    const dir = tempDir();
    try {
      const roots = await replayRoots(6);
      let s = open(dir.path, { fsync: true }); // wait for the disk on each commit
      for (let v = 1; v <= 4; v++) {
        assert.equal(toHex(s.stage(versionWrites(v))), roots[v]);
        await s.commit();
      }
      const latestBefore = [...s.latest().iterate()];
      await s.close();

      s = open(dir.path);
      assert.equal(s.lastVersion(), 4n);
      for (let v = 0; v <= 4; v++) assert.equal(toHex(s.rootAt(BigInt(v)) as Uint8Array), roots[v]);
      assert.deepEqual([...s.latest().iterate()], latestBefore);
      const k = utf8("acct/37");
      const v2 = s.at(2n)?.get(k);
      const { value, proof } = s.prove(k, 2n);
      assert.deepEqual(value, v2);
      assert.equal(verifyProof(s.rootAt(2n) as Uint8Array, k, v2, proof), true);
      // And it carries on from where it was.
      for (let v = 5; v <= 6; v++) {
        assert.equal(toHex(s.stage(versionWrites(v))), roots[v]);
        await s.commit();
      }
      await s.close();
    } finally {
      dir.cleanup();
    }
  });

  it("a store dropped after stage but before commit reopens at the previous version", async () => {
    const dir = tempDir();
    try {
      const roots = await replayRoots(2);
      let s = open(dir.path);
      s.stage(versionWrites(1));
      await s.commit();
      s.stage(versionWrites(2)); // never committed
      await s.close();
      s = open(dir.path);
      assert.equal(s.lastVersion(), 1n);
      assert.equal(toHex(s.rootAt(1n) as Uint8Array), roots[1]);
      assert.equal(s.rootAt(2n), undefined);
      assert.equal(toHex(s.stage(versionWrites(2))), roots[2]);
      await s.commit();
      await s.close();
    } finally {
      dir.cleanup();
    }
  });

  it("survives kill -9 at any point: nothing reported committed is lost, nothing half-written appears", async () => {
    const dir = tempDir();
    try {
      const child = join(dir.path, "child.mts");
      const storeUrl = new URL("./index.ts", import.meta.url).href;
      const testingUrl = new URL("./testing.ts", import.meta.url).href;
      writeFileSync(
        child,
        `import { open } from ${JSON.stringify(storeUrl)};
import { versionWrites } from ${JSON.stringify(testingUrl)};
const s = open(process.argv[2], { keepRecent: 4 });
for (let v = Number(s.lastVersion()) + 1; ; v++) {
  s.stage(versionWrites(v));
  await s.commit();
  process.stdout.write("committed " + v + "\\n");
}
`,
      );
      const dbPath = join(dir.path, "db");
      let reported = 0;
      for (let round = 0; round < 3; round++) {
        const target = reported + 5 + round * 3;
        const proc = spawn(process.execPath, ["--import", "tsx", child, dbPath], {
          cwd: fileURLToPath(new URL("../../..", import.meta.url)),
          stdio: ["ignore", "pipe", "inherit"],
        });
        await new Promise<void>((resolve, reject) => {
          let buf = "";
          proc.on("error", reject);
          proc.on("exit", () => resolve());
          proc.stdout.on("data", (d: Buffer) => {
            buf += d.toString();
            for (const m of buf.matchAll(/committed (\d+)\n/g)) reported = Math.max(reported, Number(m[1]));
            // Kill it mid-flight, a random moment after it reported the target.
            if (reported >= target && proc.exitCode === null) {
              setTimeout(() => proc.kill("SIGKILL"), Math.random() * 20);
            }
          });
        });
        const s = open(dbPath, { keepRecent: 4 });
        const last = Number(s.lastVersion());
        assert.ok(last >= reported, `lost commits: last ${last} < reported ${reported}`);
        const roots = await replayRoots(last);
        for (let v = Math.max(0, last - 3); v <= last; v++) {
          assert.equal(toHex(s.rootAt(BigInt(v)) as Uint8Array), roots[v], `root of ${v}`);
        }
        // The flat table matches the tree: spot-check reads and proofs at the last version.
        for (const k of ["acct/0", "acct/1", "acct/500", "acct/999"].map(utf8)) {
          const { value, proof } = s.prove(k, BigInt(last));
          assert.deepEqual(s.latest().get(k), value);
          assert.equal(verifyProof(s.rootAt(BigInt(last)) as Uint8Array, k, value, proof), true);
        }
        await s.close();
        reported = last;
      }
    } finally {
      dir.cleanup();
    }
  });

  it("prunes stale nodes on disk and remembers the oldest kept version", async () => {
    const dir = tempDir();
    try {
      const fresh = new MemoryCommitStore();
      let s = open(dir.path, { keepRecent: 2, noSync: true });
      for (let v = 1; v <= 20; v++) {
        s.stage(versionWrites(v));
        await s.commit();
      }
      fresh.stage([...s.latest().iterate()]);
      await fresh.commit();
      // Two versions' worth of nodes at most (a lot less than 20 versions' worth).
      assert.ok(s.nodeCount() <= 2 * fresh.nodeCount(), `${s.nodeCount()} vs ${fresh.nodeCount()}`);
      assert.equal(s.oldestVersion(), 19n);
      await s.close();
      s = open(dir.path, { noSync: true }); // now keep everything from here on
      assert.equal(s.oldestVersion(), 19n);
      assert.equal(s.at(18n), undefined);
      assert.throws(
        () => s.prove(utf8("acct/1"), 18n),
        (e) => StoreErrors.pruned.is(e),
      );
      assert.ok(s.at(19n));
      for (let v = 21; v <= 23; v++) {
        s.stage(versionWrites(v));
        await s.commit();
      }
      assert.equal(s.oldestVersion(), 19n);
      const roots = await replayRoots(23);
      for (let v = 19; v <= 23; v++) assert.equal(toHex(s.rootAt(BigInt(v)) as Uint8Array), roots[v]);
      await s.close();
      // Reopening with a smaller window prunes at the next commit.
      s = open(dir.path, { keepRecent: 1, noSync: true });
      s.stage(versionWrites(24));
      await s.commit();
      assert.equal(s.oldestVersion(), 24n);
      assert.ok(s.nodeCount() <= fresh.nodeCount() * 1.1);
      await s.close();
    } finally {
      dir.cleanup();
    }
  });

  it("refuses a directory written in another format", async () => {
    const dir = tempDir();
    try {
      const env = openLmdb({ path: dir.path, maxDbs: 8 });
      const meta = env.openDB<Uint8Array, Uint8Array>("meta", { encoding: "binary", keyEncoding: "binary" });
      meta.putSync(utf8("format"), new Uint8Array([2]));
      await env.close();
      assert.throws(() => open(dir.path), InvariantViolation);
    } finally {
      dir.cleanup();
    }
  });
});
