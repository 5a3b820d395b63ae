/**
 * State sync of a real UrbisApp end to end, through the App's ABCI snapshot
 * methods only: a chain of bank transfers on LMDB snapshots itself after
 * Commit; a fresh app on a fresh LMDB directory lists, offers, loads and
 * applies the snapshot (one corrupted chunk on the way), then reports the
 * same height and app hash, runs CheckTx, and makes the same next block.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  addressOf,
  encodeTx,
  fromUtf8,
  type Msg,
  publicKeyOf,
  sendMsg,
  sha256,
  signTx,
  toHex,
  utf8,
} from "@urbis/protocol";
import { ApplyChunkResult, authModule, bankModule, CheckTxType, OfferSnapshotResult, UrbisApp } from "@urbis/state";
import { LmdbCommitStore } from "@urbis/store";
import { decodeMetadata } from "./format.js";
import { SnapshotManager } from "./manager.js";

const CHAIN = "urbis-statesync-1";
const T0 = 1_700_000_000_000n;

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Key {
  sk: Uint8Array;
  pk: Uint8Array;
  addr: string;
}
const key = (name: string): Key => {
  const sk = sha256(utf8(`statesync-test/${name}`));
  const pk = publicKeyOf(sk);
  return { sk, pk, addr: addressOf(pk) };
};
const treasury = key("treasury");
const users = Array.from({ length: 12 }, (_, i) => key(`user${i}`));

function genesis(): Record<string, unknown> {
  return {
    auth: { params: { maxTxsPerWindow: 1000, windowBlocks: "1" } },
    bank: {
      params: { assetCreators: [treasury.addr] },
      assets: [{ denom: "ucity", name: "Urbis City Credit", symbol: "UCC", decimals: 6, issuer: treasury.addr }],
      balances: [treasury, ...users].map((k) => ({ address: k.addr, coins: [{ denom: "ucity", amount: "1000000" }] })),
    },
  };
}

function tx(k: Key, sequence: bigint, messages: Msg[]): Uint8Array {
  return encodeTx(
    signTx(
      { chainId: CHAIN, signer: k.addr, publicKey: k.pk, sequence, messages, memo: "", expiresAtHeight: undefined },
      k.sk,
    ),
  );
}

/** A node: LMDB store, snapshot manager and app, in a fresh home. */
function node(interval: number, keepRecent = 0) {
  const home = mkdtempSync(join(tmpdir(), "urbis-statesync-"));
  dirs.push(home);
  const store = new LmdbCommitStore(join(home, "state"), { noSync: true, keepRecent });
  const snapshots = new SnapshotManager({
    home,
    store,
    interval,
    keep: 2,
    chunkBytes: 300, // small chunks: about ten for this state
    noSync: true,
    onError: (e) => assert.fail(e as Error),
  });
  const app = new UrbisApp({ store, modules: [authModule(), bankModule()], snapshots, invariantPeriod: 1 });
  return {
    app,
    store,
    snapshots,
    async close() {
      await snapshots.close();
      await store.close();
    },
  };
}

/** Block `h`'s transactions: every user sends to the next one (sequence h-1), the treasury pays one. */
function blockTxs(h: bigint): Uint8Array[] {
  const txs = users.map((u, i) =>
    tx(u, h - 1n, [sendMsg.wrap({ to: users[(i + 1) % users.length]!.addr, denom: "ucity", amount: 10n + h })]),
  );
  txs.push(tx(treasury, h - 1n, [sendMsg.wrap({ to: key(`new${h}`).addr, denom: "ucity", amount: 1000n })]));
  return txs;
}

describe("state sync of a UrbisApp on LMDB", () => {
  it("snapshot at H, restore into a fresh app via the ABCI methods, then the same next block", async () => {
    const src = node(3, 2);
    src.app.initChain({ chainId: CHAIN, timeMs: T0, initialHeight: 1n, appState: genesis() });
    const hashes = new Map<bigint, string>();
    for (let h = 1n; h <= 6n; h++) {
      const res = src.app.finalizeBlock({ txs: blockTxs(h), height: h, timeMs: T0 + h * 1000n });
      assert.ok(res.txResults.every((r) => r.code === 0));
      await src.app.commit(); // snapshots at 3 and 6 start here, in the background
      hashes.set(h, toHex(res.appHash));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await src.snapshots.idle();

    const offered = await src.app.listSnapshots();
    assert.deepEqual(
      offered.map((s) => s.height),
      [6n, 3n],
    );
    const snap = offered[0]!;
    assert.equal(snap.format, 1);
    assert.ok(snap.chunks > 3, `${snap.chunks} chunks`);
    assert.equal(decodeMetadata(snap.metadata).lastBlockTimeMs, T0 + 6000n);

    // The light client's trusted app hash of height 6.
    const trusted = src.store.rootAt(6n)!;
    const dst = node(0);
    assert.equal(await dst.app.offerSnapshot(snap, trusted), OfferSnapshotResult.Accept);
    for (let i = 0; i < snap.chunks; i++) {
      const chunk = await src.app.loadSnapshotChunk(snap.height, snap.format, i);
      assert.ok(chunk.length > 0);
      if (i === 1) {
        // A bad peer's copy first: retried, that peer rejected.
        const bad = chunk.slice();
        bad[20] = (bad[20] as number) ^ 1;
        assert.deepEqual(await dst.app.applySnapshotChunk(i, bad, "bad-peer"), {
          result: ApplyChunkResult.Retry,
          refetchChunks: [1],
          rejectSenders: ["bad-peer"],
        });
      }
      const r = await dst.app.applySnapshotChunk(i, chunk, "good-peer");
      assert.deepEqual(r, { result: ApplyChunkResult.Accept, refetchChunks: [], rejectSenders: [] });
    }

    // Info: the snapshot's height and the trusted app hash.
    const info = dst.app.info();
    assert.equal(info.lastBlockHeight, 6n);
    assert.equal(toHex(info.lastBlockAppHash), hashes.get(6n));
    assert.equal(dst.app.chain, CHAIN);
    // Same state, queries included.
    assert.deepEqual([...dst.store.latest().iterate()], [...src.store.latest().iterate()]);
    const q = (app: UrbisApp, addr: string) =>
      fromUtf8(
        app.query({
          path: "/bank/balance",
          data: utf8(JSON.stringify({ address: addr, denom: "ucity" })),
          height: 0n,
          prove: false,
        }).value,
      );
    assert.equal(q(dst.app, users[3]!.addr), q(src.app, users[3]!.addr));
    dst.app.assertInvariants();

    // CheckTx works at once on the restored app: the right sequence passes, a replay does not.
    const next = blockTxs(7n);
    for (const t of next) {
      const r = dst.app.checkTx({ tx: t, type: CheckTxType.New });
      assert.equal(r.code, 0, r.log);
    }
    const replay = dst.app.checkTx({ tx: blockTxs(6n)[0]!, type: CheckTxType.New });
    assert.deepEqual([replay.codespace, replay.code], ["tx", 6]);

    // Both finalize and commit block 7 alike.
    const a = src.app.finalizeBlock({ txs: next, height: 7n, timeMs: T0 + 7000n });
    const b = dst.app.finalizeBlock({ txs: next, height: 7n, timeMs: T0 + 7000n });
    assert.deepEqual(
      b.txResults.map((r) => r.code),
      a.txResults.map((r) => r.code),
    );
    assert.equal(toHex(b.appHash), toHex(a.appHash));
    await src.app.commit();
    await dst.app.commit();
    assert.equal(dst.app.info().lastBlockHeight, 7n);
    assert.equal(toHex(dst.app.info().lastBlockAppHash), toHex(a.appHash));
    // Proofs at the restored node verify against its app hash.
    const { proof } = dst.app.query({ path: "/store", data: utf8("app/chain_id"), height: 7n, prove: true });
    assert.ok(proof && proof.length > 0);

    // The older snapshot restores too, into another fresh app.
    const old = offered[1]!;
    const dst2 = node(0);
    assert.equal(await dst2.app.offerSnapshot(old, sha256(utf8("not the app hash"))), OfferSnapshotResult.Reject);
    // The trusted hash of height 3 (src keeps 2 versions, so take it from the block results).
    const trusted3 = Uint8Array.from(Buffer.from(hashes.get(3n)!, "hex"));
    assert.equal(await dst2.app.offerSnapshot(old, trusted3), OfferSnapshotResult.Accept);
    for (let i = 0; i < old.chunks; i++) {
      const r = await dst2.app.applySnapshotChunk(i, await src.app.loadSnapshotChunk(3n, 1, i), "p");
      assert.equal(r.result, ApplyChunkResult.Accept);
    }
    assert.equal(dst2.app.info().lastBlockHeight, 3n);
    assert.equal(toHex(dst2.app.info().lastBlockAppHash), hashes.get(3n));

    // An app with blocks refuses to be restored over.
    assert.equal(await src.app.offerSnapshot(snap, trusted), OfferSnapshotResult.Abort);
    await Promise.all([src.close(), dst.close(), dst2.close()]);
  });

  it("without a provider the app serves and accepts no snapshots", async () => {
    const home = mkdtempSync(join(tmpdir(), "urbis-statesync-"));
    dirs.push(home);
    const store = new LmdbCommitStore(join(home, "state"), { noSync: true });
    const app = new UrbisApp({ store, modules: [authModule(), bankModule()] });
    assert.deepEqual(await app.listSnapshots(), []);
    assert.equal(
      await app.offerSnapshot(
        { height: 1n, format: 1, chunks: 1, hash: new Uint8Array(32), metadata: new Uint8Array() },
        new Uint8Array(32),
      ),
      OfferSnapshotResult.Reject,
    );
    assert.equal((await app.loadSnapshotChunk(1n, 1, 0)).length, 0);
    assert.equal((await app.applySnapshotChunk(0, new Uint8Array(), "p")).result, ApplyChunkResult.Abort);
    await store.close();
  });
});
