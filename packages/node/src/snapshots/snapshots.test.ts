/**
 * State-sync snapshots: format 1 encoding, the manager taking snapshots on
 * disk while blocks continue, and restores that check chunk hashes (retry and
 * reject the sender) and the trusted app hash (reject, empty store).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { CodecErrors, concatBytes, sha256, utf8 } from "@urbis/protocol";
import { ApplyChunkResult, OfferSnapshotResult, type Snapshot, type Write } from "@urbis/state";
import { LmdbCommitStore, type TreeCommitStore } from "@urbis/store";
import {
  decodeChunk,
  decodeMetadata,
  encodeChunk,
  encodeMetadata,
  MAX_CHUNK_BYTES,
  SNAPSHOT_FORMAT,
  type SnapshotMetadata,
  snapshotHash,
} from "./format.js";
import { SnapshotManager, type SnapshotManagerOptions } from "./manager.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "urbis-snap-"));
  dirs.push(d);
  return d;
}

function openStore(keepRecent = 0): LmdbCommitStore {
  return new LmdbCommitStore(join(tempDir(), "state"), { noSync: true, keepRecent });
}

/** Writes of version v: 300 keys with values that change, a few deleted. */
function writes(v: number): Write[] {
  const out: Write[] = [];
  for (let i = 0; i < 300; i++) {
    const key = utf8(`acct/${String((i * 7 + v) % 400).padStart(4, "0")}`);
    out.push([key, (i + v) % 11 === 0 ? null : utf8(`v${v}:${i}:${"x".repeat(i % 40)}`)]);
  }
  const m = new Map(out.map((w) => [Buffer.from(w[0]).toString("hex"), w]));
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, w]) => w);
}

async function commitVersions(s: TreeCommitStore, from: number, to: number, after?: (v: number) => void) {
  for (let v = from; v <= to; v++) {
    s.stage(writes(v));
    await s.commit();
    after?.(v);
  }
}

function manager(store: TreeCommitStore, o: Partial<SnapshotManagerOptions> = {}): SnapshotManager {
  return new SnapshotManager({ home: tempDir(), store, noSync: true, onError: (e) => assert.fail(e as Error), ...o });
}

/** Every chunk of a local snapshot. */
async function chunksOf(m: SnapshotManager, s: Snapshot): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < s.chunks; i++) out.push(await m.loadChunk(s.height, s.format, i));
  return out;
}

/** A snapshot with the given chunks and metadata fields, consistently hashed. */
function craft(height: bigint, appHash: Uint8Array, chunks: Uint8Array[]): Snapshot {
  const metadata = encodeMetadata({
    format: SNAPSHOT_FORMAT,
    height,
    appHash,
    lastBlockTimeMs: 5n,
    chunkHashes: chunks.map(sha256),
  });
  return { height, format: SNAPSHOT_FORMAT, chunks: chunks.length, hash: snapshotHash(metadata), metadata };
}

describe("snapshot format 1", () => {
  it("metadata and chunks round-trip through the codec, canonically", () => {
    const meta: SnapshotMetadata = {
      format: 1,
      height: 42n,
      appHash: sha256(utf8("root")),
      lastBlockTimeMs: 1_700_000_000_000n,
      chunkHashes: [sha256(utf8("a")), sha256(utf8("b"))],
    };
    const mb = encodeMetadata(meta);
    // u8 format, u64 height, 32-byte app hash, u64 time, u32 count, 2 x 32 bytes.
    assert.equal(mb.length, 1 + 8 + 32 + 8 + 4 + 64);
    assert.equal(mb[0], 1);
    assert.deepEqual(mb.subarray(1, 9), new Uint8Array([42, 0, 0, 0, 0, 0, 0, 0]));
    assert.deepEqual(decodeMetadata(mb), meta);
    assert.deepEqual(snapshotHash(mb), sha256(mb));
    assert.throws(
      () => decodeMetadata(concatBytes(mb, new Uint8Array([0]))),
      (e) => CodecErrors.trailing.is(e),
    );
    assert.throws(
      () => decodeMetadata(mb.subarray(0, mb.length - 1)),
      (e) => CodecErrors.truncated.is(e),
    );

    const chunk = {
      height: 42n,
      index: 3,
      entries: [
        { key: utf8("k1"), value: utf8("v1") },
        { key: utf8("k2"), value: new Uint8Array(0) },
      ],
    };
    const cb = encodeChunk(chunk);
    // u64 height, u32 index, u32 count, then (u32 len, key, u32 len, value) per entry.
    assert.equal(cb.length, 8 + 4 + 4 + (4 + 2 + 4 + 2) + (4 + 2 + 4 + 0));
    assert.deepEqual(cb.subarray(8, 16), new Uint8Array([3, 0, 0, 0, 2, 0, 0, 0]));
    assert.deepEqual(decodeChunk(cb), chunk);
    assert.throws(
      () => decodeChunk(cb.subarray(0, cb.length - 1)),
      (e) => CodecErrors.truncated.is(e),
    );
    // Keys above the store's limit are refused by the codec.
    const long = encodeChunk({ height: 1n, index: 0, entries: [] });
    long[12] = 1;
    const withLongKey = concatBytes(long, new Uint8Array([0xff, 0xff, 0, 0]));
    assert.throws(
      () => decodeChunk(withLongKey),
      (e) => CodecErrors.tooLong.is(e),
    );
  });
});

describe("SnapshotManager", () => {
  it("snapshots every interval heights in the background while blocks continue, keeping the newest `keep`", async () => {
    const store = openStore(1); // only the last version kept: the export's pin must hold
    const roots = new Map<bigint, Uint8Array>();
    const taken: bigint[] = [];
    const m = manager(store, {
      interval: 3,
      keep: 2,
      chunkBytes: 2048,
      sliceEntries: 5,
      onSnapshot: (s) => taken.push(s.height),
    });
    const oldest: bigint[] = [];
    const block = async (v: number) => {
      await commitVersions(store, v, v);
      roots.set(BigInt(v), store.rootAt(BigInt(v)) as Uint8Array);
      m.afterCommit(BigInt(v), BigInt(v) * 1000n);
      oldest.push(store.oldestVersion());
      await new Promise((resolve) => setImmediate(resolve)); // the next block comes a moment later
    };
    // Tiny chunks and slices: the snapshot of 3 is written across many event-loop turns while
    // blocks 4..8 commit and (keepRecent 1) prune every older version but the exported one.
    for (let v = 1; v <= 8; v++) await block(v);
    await m.idle();
    // Version 3 was kept while its export ran, beyond keepRecent; 6 waited for it (kept too).
    assert.deepEqual(oldest.slice(0, 5), [1n, 2n, 3n, 3n, 3n]);
    assert.deepEqual(taken, [3n, 6n]);
    // Then blocks far enough apart for each snapshot to finish: the newest two are kept.
    for (let v = 9; v <= 15; v++) {
      await block(v);
      await m.idle();
    }
    assert.deepEqual(taken, [3n, 6n, 9n, 12n, 15n]);
    const list = await m.listSnapshots();
    assert.deepEqual(
      list.map((s) => s.height),
      [15n, 12n],
    );
    assert.deepEqual(readdirSync(m.dir).sort(), ["12", "15"]);
    for (const s of list) {
      const meta = decodeMetadata(s.metadata);
      assert.deepEqual(meta.appHash, roots.get(s.height));
      assert.equal(meta.lastBlockTimeMs, s.height * 1000n);
      assert.deepEqual(s.hash, sha256(s.metadata));
      assert.ok(s.chunks > 1);
      const files = readdirSync(join(m.dir, String(s.height))).sort();
      assert.equal(files.length, s.chunks + 1);
      assert.ok(files.includes("metadata"));
      // Every chunk has its listed hash, is within limits, and the entries ascend by key hash across chunks.
      let prev: Uint8Array | undefined;
      let n = 0;
      const chunks = await chunksOf(m, s);
      chunks.forEach((c, i) => {
        assert.deepEqual(sha256(c), meta.chunkHashes[i]);
        assert.ok(c.length <= MAX_CHUNK_BYTES);
        const d = decodeChunk(c);
        assert.equal(d.height, s.height);
        assert.equal(d.index, i);
        for (const e of d.entries) {
          const kh = sha256(e.key);
          if (prev) assert.ok(Buffer.compare(prev, kh) < 0);
          prev = kh;
          n++;
        }
      });
      assert.ok(n > 200);
    }
    // Unknown chunks are empty.
    assert.equal((await m.loadChunk(list[0]!.height, 2, 0)).length, 0);
    assert.equal((await m.loadChunk(list[0]!.height, 1, 9999)).length, 0);
    assert.equal((await m.loadChunk(999n, 1, 0)).length, 0);
    // The pins are gone: the store prunes back to one version.
    await commitVersions(store, 16, 16);
    assert.equal(store.oldestVersion(), 16n);
    await m.close();
    await store.close();
  });

  it("interval 0 takes none; reopening lists what is on disk and drops unfinished snapshots", async () => {
    const store = openStore();
    await commitVersions(store, 1, 4);
    const home = tempDir();
    const off = new SnapshotManager({ home, store, noSync: true });
    off.afterCommit(4n, 0n);
    await off.idle();
    assert.deepEqual(await off.listSnapshots(), []);
    const s2 = await off.takeSnapshot(2n, 7n);
    const s4 = await off.takeSnapshot(4n, 9n);
    await off.close();
    mkdirSync(join(home, "snapshots", "5.tmp"));
    writeFileSync(join(home, "snapshots", "5.tmp", "chunk-000000"), "partial");
    mkdirSync(join(home, "snapshots", "6")); // no metadata: unusable
    const again = new SnapshotManager({ home, store, noSync: true });
    assert.deepEqual(await again.listSnapshots(), [s4, s2]);
    assert.equal(existsSync(join(home, "snapshots", "5.tmp")), false);
    assert.equal(existsSync(join(home, "snapshots", "6")), false);
    assert.throws(() => new SnapshotManager({ home, store, interval: -1 }), RangeError);
    assert.throws(() => new SnapshotManager({ home, store, keep: 0 }), RangeError);
    assert.throws(() => new SnapshotManager({ home, store, chunkBytes: MAX_CHUNK_BYTES + 1 }), RangeError);
    await again.close();
    await store.close();
  });

  it("an empty state is one empty chunk and restores", async () => {
    const src = openStore();
    src.stage([]);
    await src.commit();
    const m = manager(src);
    const s = await m.takeSnapshot(1n, 0n);
    assert.equal(s.chunks, 1);
    assert.deepEqual(decodeChunk(await m.loadChunk(1n, 1, 0)).entries, []);
    const dst = openStore();
    const r = manager(dst);
    assert.equal(await r.beginRestore(s, src.rootAt(1n) as Uint8Array), OfferSnapshotResult.Accept);
    const a = await r.applyChunk(0, await m.loadChunk(1n, 1, 0), "peer");
    assert.deepEqual(a, { result: ApplyChunkResult.Accept, refetchChunks: [], rejectSenders: [], complete: true });
    const done = await r.finishRestore();
    assert.equal(done?.height, 1n);
    assert.deepEqual(dst.rootAt(1n), src.rootAt(1n));
    await Promise.all([m.close(), r.close()]);
    await Promise.all([src.close(), dst.close()]);
  });
});

describe("restoring a snapshot", () => {
  async function source() {
    const store = openStore();
    await commitVersions(store, 1, 5);
    const m = manager(store, { chunkBytes: 1500 });
    const snap = await m.takeSnapshot(5n, 5000n);
    const chunks = await chunksOf(m, snap);
    assert.ok(chunks.length >= 4);
    return { store, m, snap, chunks, appHash: store.rootAt(5n) as Uint8Array };
  }

  it("refuses other formats and inconsistent metadata, and offers on a non-empty store", async () => {
    const { store, m, snap, appHash } = await source();
    const dst = openStore();
    const r = manager(dst);
    assert.equal(await r.beginRestore({ ...snap, format: 2 }, appHash), OfferSnapshotResult.RejectFormat);
    const wrongHash = snap.hash.slice();
    wrongHash[0] = (wrongHash[0] as number) ^ 1;
    assert.equal(await r.beginRestore({ ...snap, hash: wrongHash }, appHash), OfferSnapshotResult.Reject);
    assert.equal(await r.beginRestore({ ...snap, chunks: snap.chunks + 1 }, appHash), OfferSnapshotResult.Reject);
    assert.equal(await r.beginRestore({ ...snap, height: 4n }, appHash), OfferSnapshotResult.Reject);
    assert.equal(
      await r.beginRestore(
        { ...snap, metadata: new Uint8Array([1, 2]), hash: sha256(new Uint8Array([1, 2])) },
        appHash,
      ),
      OfferSnapshotResult.Reject,
    );
    // Metadata for another app hash than the trusted one.
    assert.equal(await r.beginRestore(snap, sha256(utf8("another root"))), OfferSnapshotResult.Reject);
    // Nothing was started.
    assert.equal((await r.applyChunk(0, new Uint8Array(0), "p")).result, ApplyChunkResult.Abort);
    // A store with blocks does not restore.
    assert.equal(await manager(store).beginRestore(snap, appHash), OfferSnapshotResult.Abort);
    await Promise.all([m.close(), r.close()]);
    await Promise.all([store.close(), dst.close()]);
  });

  it("a chunk with the wrong hash is retried and its sender rejected; the rest restores", async () => {
    const { store, m, snap, chunks, appHash } = await source();
    const dst = openStore();
    const r = manager(dst, { sliceEntries: 3 }); // each chunk imported over several event-loop turns
    assert.equal(await r.beginRestore(snap, appHash), OfferSnapshotResult.Accept);
    assert.equal((await r.applyChunk(0, chunks[0]!, "peer-a")).result, ApplyChunkResult.Accept);
    const bad = chunks[1]!.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0xff;
    assert.deepEqual(await r.applyChunk(1, bad, "peer-b"), {
      result: ApplyChunkResult.Retry,
      refetchChunks: [1],
      rejectSenders: ["peer-b"],
      complete: false,
    });
    // Out of order: ask for the next one; a repeat of an applied one is harmless.
    assert.deepEqual((await r.applyChunk(2, chunks[2]!, "peer-a")).refetchChunks, [1]);
    assert.equal((await r.applyChunk(0, chunks[0]!, "peer-a")).result, ApplyChunkResult.Accept);
    // Calls that overlap are applied one after another, in call order.
    const rest = await Promise.all(chunks.slice(1).map((c, j) => r.applyChunk(j + 1, c, "peer-c")));
    rest.forEach((a, j) => {
      assert.equal(a.result, ApplyChunkResult.Accept);
      assert.equal(a.complete, j === rest.length - 1);
    });
    const done = await r.finishRestore();
    assert.deepEqual(done, { height: 5n, appHash, lastBlockTimeMs: 5000n });
    assert.equal(dst.lastVersion(), 5n);
    assert.deepEqual([...dst.latest().iterate()], [...store.latest().iterate()]);
    // Both go on alike.
    assert.deepEqual(dst.stage(writes(6)), store.stage(writes(6)));
    await Promise.all([m.close(), r.close()]);
    await Promise.all([store.close(), dst.close()]);
  });

  it("chunks that hash right but do not reach the trusted app hash: RejectSnapshot and an empty store", async () => {
    const { store, m, snap, chunks, appHash } = await source();
    // A forged snapshot: one value changed, the chunk hashes and metadata made consistent, the app hash claimed.
    const c1 = decodeChunk(chunks[1]!);
    c1.entries[0]!.value = utf8("forged balance");
    const forgedChunks = [...chunks];
    forgedChunks[1] = encodeChunk(c1);
    const forged = craft(snap.height, appHash, forgedChunks);
    const dst = openStore();
    const r = manager(dst);
    assert.equal(await r.beginRestore(forged, appHash), OfferSnapshotResult.Accept);
    for (let i = 0; i < forgedChunks.length; i++) {
      const a = await r.applyChunk(i, forgedChunks[i]!, "mallory");
      assert.equal(a.result, ApplyChunkResult.Accept);
    }
    assert.equal(await r.finishRestore(), undefined);
    assert.equal(dst.lastVersion(), 0n);
    assert.deepEqual([...dst.latest().iterate()], []);
    assert.equal(dst.nodeCount(), 0);
    // The genuine snapshot restores afterwards.
    assert.equal(await r.beginRestore(snap, appHash), OfferSnapshotResult.Accept);
    for (let i = 0; i < chunks.length; i++) await r.applyChunk(i, chunks[i]!, "peer");
    assert.equal((await r.finishRestore())?.height, 5n);
    assert.deepEqual(dst.rootAt(5n), appHash);
    await Promise.all([m.close(), r.close()]);
    await Promise.all([store.close(), dst.close()]);
  });

  it("entries out of key-hash order, or a chunk of another snapshot, reject the snapshot at once", async () => {
    const { store, m, snap, chunks, appHash } = await source();
    const c0 = decodeChunk(chunks[0]!);
    const swapped = { ...c0, entries: [c0.entries[1]!, c0.entries[0]!, ...c0.entries.slice(2)] };
    const otherIndex = { ...c0, index: 1 };
    for (const bad of [encodeChunk(swapped), encodeChunk(otherIndex), new Uint8Array([1, 2, 3])]) {
      const forged = craft(snap.height, appHash, [bad, ...chunks.slice(1)]);
      const dst = openStore();
      const r = manager(dst);
      assert.equal(await r.beginRestore(forged, appHash), OfferSnapshotResult.Accept);
      const a = await r.applyChunk(0, bad, "mallory");
      assert.equal(a.result, ApplyChunkResult.RejectSnapshot);
      assert.equal(dst.lastVersion(), 0n);
      assert.deepEqual([...dst.latest().iterate()], []);
      assert.equal((await r.applyChunk(1, chunks[1]!, "peer")).result, ApplyChunkResult.Abort);
      await r.close();
      await dst.close();
    }
    await m.close();
    await store.close();
  });
});
