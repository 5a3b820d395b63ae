import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { type Ed25519Verifier, encodeTx, InvariantViolation, signTx, TxErrors, toHex, txHash } from "@urbis/protocol";
import { type App, authModule, bankModule, type Module, UrbisApp } from "@urbis/state";
import { LmdbCommitStore, MemoryCommitStore } from "@urbis/store";
import {
  TEST_CHAIN_ID,
  testAccounts,
  testGenesis,
  transferTx,
  transferTxObject,
} from "../../../../test/helpers/solo-chain.js";
import { nativeEd25519Verifier } from "../crypto/ed25519.js";
import { NodeErrors } from "../errors.js";
import type { StreamItem } from "../service.js";
import { formatCursor, parseCursor, SoloEngine, type SoloEngineOptions } from "./engine.js";
import { startSoloNode } from "./index.js";

const dirs: string[] = [];
function tempHome(): string {
  const d = mkdtempSync(join(tmpdir(), "urbis-solo-"));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const accounts = testAccounts(4);
const [alice, bob, carol] = accounts as [(typeof accounts)[0], (typeof accounts)[0], (typeof accounts)[0]];
const genesis = testGenesis({ accounts });

/** A node on `home` with fast blocks and one verifier worker (tests start many nodes). */
function start(home: string, extra: Partial<Parameters<typeof startSoloNode>[0]> = {}) {
  return startSoloNode({ home, genesis, blockIntervalMs: 20, verifierWorkers: 1, noSync: true, ...extra });
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting for a condition");
    await sleep(5);
  }
}

describe("SoloEngine", () => {
  it("makes blocks only when there are transactions, and answers wait=commit after the block is durable", async () => {
    const node = await start(tempHome());
    try {
      await sleep(150);
      // Block 1 commits the genesis state; after it, no empty blocks while idle.
      assert.equal(node.status().latestHeight, 1n, "only the genesis block while idle");
      assert.equal(node.metrics.blocks, 1);
      assert.equal((await node.block(1n))?.txs.length, 0);

      const tx = transferTx(alice, 0n, bob.address, 5n);
      const r = await node.submit(tx, "commit");
      assert.equal(r.code, 0, r.log);
      assert.equal(r.duplicate, false);
      assert.equal(r.hash, txHash(tx));
      assert.ok(r.height !== undefined);
      assert.equal(r.index, 0);
      assert.ok(r.events?.some((e) => e.type.includes("transfer")));
      // Durable and visible the moment the answer arrives.
      assert.equal(node.blockStore.height(), r.height);
      assert.equal(node.status().latestHeight, r.height);
      assert.equal((await node.tx(r.hash))?.height, r.height);
      const b = await node.block(r.height);
      assert.ok(b);
      assert.equal(b.hash, node.status().latestBlockHash);
      assert.equal(b.resultAppHash, node.status().latestAppHash);
      assert.equal((await node.block(1n))?.header.lastBlockHash, "");
      const bal = node.query(
        "/bank/balance",
        new TextEncoder().encode(JSON.stringify({ address: bob.address, denom: "ucity" })),
        0n,
        false,
      );
      assert.equal(bal.code, 0, bal.log);

      await sleep(150);
      assert.equal(node.status().latestHeight, r.height, "still no empty blocks");
      assert.equal(node.metrics.txsCommitted, 1);
      assert.equal(node.metrics.blocks, 2);
      assert.equal(node.status().mempoolSize, 0);
    } finally {
      await node.close();
    }
  });

  it("commits the genesis state in an empty block 1 at start, so queries work at once", async () => {
    const node = await start(tempHome());
    try {
      assert.equal(node.status().latestHeight, 1n);
      const acc = node.query(
        "/auth/account",
        new TextEncoder().encode(JSON.stringify({ address: alice.address })),
        0n,
        true,
      );
      assert.equal(acc.code, 0, acc.log);
      const r = await node.submit(transferTx(alice, 0n, bob.address, 5n), "commit");
      assert.equal(r.code, 0, r.log);
      assert.equal(r.height, 2n, "the first transaction goes in the first block after genesis");
      assert.equal((await node.block(1n))?.txs.length, 0);
      assert.equal((await node.block(2n))?.txs.length, 1);
    } finally {
      await node.close();
    }
  });

  it("lets go of the genesis document once started (a city's genesis is hundreds of MB)", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    let ref: WeakRef<object> | undefined;
    const startWithOwnGenesis = () => {
      const g = testGenesis({ accounts });
      ref = new WeakRef(g.appState);
      return startSoloNode({ home: tempHome(), genesis: g, blockIntervalMs: 20, verifierWorkers: 1, noSync: true });
    };
    const node = await startWithOwnGenesis();
    try {
      await sleep(10);
      gc();
      assert.equal(ref?.deref(), undefined, "the running node still holds the genesis app state");
      assert.equal(node.status().latestHeight, 1n);
    } finally {
      await node.close();
    }
  });

  it("answers wait=check from the mempool, then commits in sequence order", async () => {
    const node = await start(tempHome(), { blockIntervalMs: 200 });
    try {
      const txs = [0n, 1n, 2n].map((s) => transferTx(alice, s, carol.address, 1n));
      const checks = await Promise.all(txs.map((t) => node.submit(t, "check")));
      for (const c of checks) assert.equal(c.code, 0, c.log);
      assert.equal(
        checks.every((c) => c.height === undefined),
        true,
      );
      assert.equal(node.status().mempoolSize, 3);
      const done = await Promise.all(txs.map((t) => node.submit(t, "commit")));
      for (const [i, d] of done.entries()) {
        assert.equal(d.code, 0);
        assert.equal(d.duplicate, true);
        assert.equal(d.height, done[0]?.height, "one block");
        assert.equal(d.index, i);
      }
    } finally {
      await node.close();
    }
  });

  it("recognizes duplicates: concurrent, in the mempool, and committed", async () => {
    const node = await start(tempHome());
    try {
      const tx = transferTx(alice, 0n, bob.address, 1n);
      const [a, b] = await Promise.all([node.submit(tx, "commit"), node.submit(tx, "commit")]);
      assert.equal(a.code, 0);
      assert.deepEqual({ ...b, duplicate: false }, a);
      assert.equal(b.duplicate, true);
      const again = await node.submit(tx, "check");
      assert.equal(again.duplicate, true);
      assert.equal(again.height, a.height);
      // Concurrent duplicates of a bad transaction share its refusal.
      const bad = transferTx(bob, 7n, alice.address, 1n);
      const [x, y] = await Promise.all([node.submit(bad, "check"), node.submit(bad, "check")]);
      assert.equal(x.code, TxErrors.wrongSequence.code);
      assert.equal(y.code, TxErrors.wrongSequence.code);
      assert.equal([x.duplicate, y.duplicate].sort().join(), "false,true");
    } finally {
      await node.close();
    }
  });

  it("refuses bad transactions with registered codes and never lets them into the mempool", async () => {
    const node = await start(tempHome());
    try {
      const good = transferTxObject(alice, 0n, bob.address, 1n);
      const forged = encodeTx({ ...good, signature: new Uint8Array(64).fill(7) });
      const r1 = await node.submit(forged, "check");
      assert.equal(r1.codespace, "tx");
      assert.equal(r1.code, TxErrors.badSignature.code);
      const r2 = await node.submit(new Uint8Array([1, 2, 3]), "commit");
      assert.equal(r2.code, TxErrors.malformed.code);
      const r3 = await node.submit(transferTx(alice, 0n, bob.address, 1n, { chainId: "other" }), "check");
      assert.equal(r3.code, TxErrors.wrongChain.code);
      const r4 = await node.submit(transferTx(alice, 5n, bob.address, 1n), "check");
      assert.equal(r4.code, TxErrors.wrongSequence.code);
      const r5 = await node.submit(transferTx(alice, 0n, bob.address, 10n ** 30n), "check");
      assert.equal(r5.codespace, "bank");
      assert.equal(node.status().mempoolSize, 0);
      assert.equal(node.metrics.txsRejected, 5);
    } finally {
      await node.close();
    }
  });

  it("enforces the mempool bound", async () => {
    const node = await start(tempHome(), { blockIntervalMs: 10_000, mempool: { maxTxs: 2 } });
    try {
      const rs = [];
      for (const s of [0n, 1n, 2n]) rs.push(await node.submit(transferTx(alice, s, bob.address, 1n), "check"));
      assert.deepEqual(
        rs.map((r) => r.code),
        [0, 0, TxErrors.mempoolFull.code],
      );
      assert.equal(node.status().mempoolSize, 2);
    } finally {
      await node.close();
    }
  });

  it("evicts transactions that fail Recheck after a block and tells their waiters", async () => {
    const node = await start(tempHome(), { blockIntervalMs: 100, maxBlockTxs: 1 });
    try {
      const first = transferTx(alice, 0n, bob.address, 1n);
      // Valid now (next block is 2), expired once block 2 is made without it (one transaction per block).
      const expiring = encodeTx(
        signTx({ ...transferTxObject(bob, 0n, carol.address, 1n).body, expiresAtHeight: 2n }, bob.secretKey),
      );
      const p1 = node.submit(first, "commit");
      const p2 = node.submit(expiring, "commit");
      const [r1, r2] = await Promise.all([p1, p2]);
      assert.equal(r1.code, 0);
      assert.equal(r2.code, TxErrors.expired.code);
      assert.match(r2.log, /dropped from the mempool after block 2:/);
      assert.equal(node.status().mempoolSize, 0);
      assert.equal(node.metrics.txsEvicted, 1);
      // A late waiter on the evicted transaction learns the same.
      const late = await node.submit(expiring, "commit");
      assert.equal(late.code, TxErrors.expired.code);
    } finally {
      await node.close();
    }
  });

  it("times out a commit wait with node.commit_timeout", async () => {
    const node = await start(tempHome(), { blockIntervalMs: 60_000 });
    try {
      const r = await node.submit(transferTx(alice, 0n, bob.address, 1n), "commit", 50);
      assert.equal(r.codespace, "node");
      assert.equal(r.code, NodeErrors.commitTimeout.code);
    } finally {
      await node.close();
    }
    await assert.rejects(node.submit(transferTx(alice, 1n, bob.address, 1n), "check"), (e) =>
      NodeErrors.notReady.is(e),
    );
  });

  it("checks each signature exactly once, in the worker pool", async () => {
    let appVerifies = 0;
    const counting: Ed25519Verifier = (s, m, p) => {
      appVerifies++;
      return nativeEd25519Verifier(s, m, p);
    };
    const home = tempHome();
    const store = new MemoryCommitStore();
    const node = new SoloEngine({
      home,
      genesis,
      app: new UrbisApp({ store, modules: [authModule(), bankModule()], verifier: counting }),
      blockIntervalMs: 20,
      verifierWorkers: 2,
      blockStore: { noSync: true },
    });
    await node.start();
    try {
      const rs = await Promise.all(
        [0n, 1n, 2n, 3n, 4n].map((s) => node.submit(transferTx(carol, s, alice.address, 1n), "commit")),
      );
      for (const r of rs) assert.equal(r.code, 0, r.log);
      assert.equal(appVerifies, 0, "CheckTx, PrepareProposal, FinalizeBlock and Recheck trusted the pool");
    } finally {
      await node.close();
    }
  });

  it("restarts at the same height and app hash and continues", async () => {
    const home = tempHome();
    let node = await start(home);
    let last = 0n;
    for (let s = 0n; s < 3n; s++) {
      const r = await node.submit(transferTx(alice, s, bob.address, 2n), "commit");
      assert.equal(r.code, 0);
      last = r.height ?? 0n;
    }
    const before = node.status();
    assert.equal(before.latestHeight, last);
    await node.close();

    node = await start(home);
    try {
      const after = node.status();
      assert.deepEqual(after, before);
      const r = await node.submit(transferTx(alice, 3n, bob.address, 2n), "commit");
      assert.equal(r.code, 0, r.log);
      const next = last + 1n;
      assert.equal(r.height, next);
      assert.equal((await node.block(next))?.header.lastBlockHash, before.latestBlockHash);
      assert.equal((await node.block(next))?.header.appHash, before.latestAppHash);
      assert.ok(((await node.block(next))?.header.timeMs ?? 0n) > before.latestBlockTimeMs);
    } finally {
      await node.close();
    }
  });

  it("refuses a home whose blocks belong to another chain", async () => {
    const home = tempHome();
    const node = await start(home);
    await node.submit(transferTx(alice, 0n, bob.address, 1n), "commit");
    await node.close();
    await assert.rejects(start(home, { genesis: { ...genesis, chainId: "another" } }), (e) =>
      NodeErrors.invalidGenesis.is(e),
    );
  });

  it("prunes old blocks with keepRecent", async () => {
    const node = await start(tempHome(), { keepRecent: 2 });
    try {
      for (let s = 0n; s < 5n; s++) await node.submit(transferTx(alice, s, bob.address, 1n), "commit");
      const h = node.status().latestHeight;
      await until(() => node.blockStore.base() === h - 1n);
      assert.equal(await node.block(h - 2n), undefined);
      assert.ok(await node.block(h - 1n));
      assert.throws(
        () => node.subscribe({ fromHeight: 1n }, () => {}),
        (e) => NodeErrors.heightPruned.is(e),
      );
    } finally {
      await node.close();
    }
  });
});

describe("SoloEngine: work falling due", () => {
  /**
   * A module with end-of-block work due at `due` (undefined = none), like a
   * voting period ending: its endBlock does the work once the block time has
   * reached `due`, and records the block times it saw.
   */
  function dueModule() {
    const state = { due: undefined as bigint | undefined, ran: [] as bigint[], endBlocks: 0 };
    const module: Module<Record<string, never>> = {
      name: "duetest",
      messages: [],
      queries: [],
      genesis: { parse: () => ({}), init: () => {}, export: () => ({}) },
      invariants: [],
      endBlock(ctx) {
        state.endBlocks++;
        if (state.due !== undefined && ctx.block.timeMs >= state.due) {
          state.ran.push(ctx.block.timeMs);
          state.due = undefined;
        }
      },
      nextDueTimeMs: () => state.due,
    };
    return { state, module };
  }

  it("makes an empty block when work falls due by the engine clock, and none while nothing is due", async () => {
    const T0 = Date.parse("2025-06-01T00:00:00.000Z");
    let now = T0;
    const { state, module } = dueModule();
    const node = await start(tempHome(), {
      clock: () => now,
      modules: () => [authModule(), bankModule(), module],
    });
    try {
      assert.equal(node.status().latestHeight, 1n);
      // Nothing due: no block.
      await sleep(120);
      assert.equal(node.status().latestHeight, 1n, "no block while nothing is due");
      // Due later than the engine clock: still no block.
      state.due = BigInt(T0 + 5_000);
      await sleep(120);
      assert.equal(node.status().latestHeight, 1n, "no block before the due time");
      assert.deepEqual(state.ran, []);
      // The clock reaches the due time: one empty block, whose time is at or past it, does the work.
      now = T0 + 5_000;
      await until(() => node.status().latestHeight === 2n);
      const b = await node.block(2n);
      assert.equal(b?.txs.length, 0);
      assert.equal(b?.header.timeMs, BigInt(T0 + 5_000));
      assert.deepEqual(state.ran, [BigInt(T0 + 5_000)]);
      // The work is done (nothing due any more): the engine is idle again.
      now = T0 + 9_000;
      await sleep(120);
      assert.equal(node.status().latestHeight, 2n, "idle again once the work ran");
      // A due time already in the past counts as due now.
      state.due = 0n;
      await until(() => node.status().latestHeight === 3n);
      assert.equal((await node.block(3n))?.txs.length, 0);
      await sleep(120);
      assert.equal(node.status().latestHeight, 3n);
    } finally {
      await node.close();
    }
  });

  it("a failing nextDueTimeMs is only a warning: nothing is due, the node keeps running", async () => {
    const { module } = dueModule();
    const broken: Module<Record<string, never>> = {
      ...module,
      nextDueTimeMs: () => {
        throw new TypeError("broken");
      },
    };
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    const node = await start(tempHome(), { modules: () => [authModule(), bankModule(), broken] });
    try {
      await sleep(120);
      assert.equal(node.status().latestHeight, 1n);
      assert.ok(node.ready());
      const r = await node.submit(transferTx(alice, 0n, bob.address, 5n), "commit");
      assert.equal(r.code, 0, r.log);
      assert.ok(warnings.some((w) => /nextDueTimeMs failed: broken/.test(w)));
    } finally {
      process.off("warning", onWarning);
      await node.close();
    }
  });
});

describe("SoloEngine crash repair", () => {
  /**
   * An App whose commit fails once `armed` is set, as if the process died
   * between saving the block and committing state; with `tamper`, every
   * FinalizeBlock reports a wrong app hash.
   */
  function crashingApp(
    home: string,
    tamper = false,
  ): { opts: Partial<SoloEngineOptions>; store: () => LmdbCommitStore; arm: () => void } {
    let store: LmdbCommitStore | undefined;
    let armed = false;
    return {
      store: () => store as LmdbCommitStore,
      arm: () => {
        armed = true;
      },
      opts: {
        app: () => {
          store = new LmdbCommitStore(join(home, "state"), { noSync: true });
          const real = new UrbisApp({ store, modules: [authModule(), bankModule()], verifier: nativeEd25519Verifier });
          const app: App & { messageTypes(): string[] } = {
            info: () => real.info(),
            initChain: (r) => real.initChain(r),
            checkTx: (r) => real.checkTx(r),
            prepareProposal: (r) => real.prepareProposal(r),
            processProposal: (r) => real.processProposal(r),
            finalizeBlock: (r) => {
              const out = real.finalizeBlock(r);
              if (tamper) out.appHash = new Uint8Array(32).fill(9);
              return out;
            },
            commit: () => (armed ? Promise.reject(new Error("simulated crash")) : real.commit()),
            query: (r) => real.query(r),
            listSnapshots: () => real.listSnapshots(),
            offerSnapshot: (s, h) => real.offerSnapshot(s, h),
            loadSnapshotChunk: (h, f, c) => real.loadSnapshotChunk(h, f, c),
            applySnapshotChunk: (i, c, s) => real.applySnapshotChunk(i, c, s),
            messageTypes: () => real.messageTypes(),
          };
          return app;
        },
        onClose: async () => {
          await store?.close();
        },
      },
    };
  }

  function engine(home: string, extra: Partial<SoloEngineOptions>): SoloEngine {
    return new SoloEngine({
      home,
      genesis,
      app: () => {
        throw new Error("replaced");
      },
      blockIntervalMs: 20,
      verifierWorkers: 0,
      blockStore: { noSync: true },
      ...extra,
    });
  }

  it("replays the block saved before a crash and reaches the stored app hash", async () => {
    const home = tempHome();
    const halted: Error[] = [];
    const c = crashingApp(home);
    const node = engine(home, { ...c.opts, onFatal: (e) => halted.push(e) });
    await node.start();
    const r1 = await node.submit(transferTx(alice, 0n, bob.address, 1n), "commit");
    assert.equal(r1.code, 0);
    const h1 = r1.height ?? 0n;
    c.arm();
    const r2 = await node.submit(transferTx(alice, 1n, bob.address, 1n), "commit");
    assert.equal(r2.code, NodeErrors.notReady.code, "the waiter learns the node halted");
    assert.equal(halted.length, 1);
    assert.equal(node.ready(), false);
    const h2 = h1 + 1n;
    assert.equal(node.blockStore.height(), h2);
    assert.equal(c.store().lastVersion(), h1, "state was not committed");
    const stored = node.blockStore.results(h2)?.resultAppHash;
    await node.close();

    const again = await start(home);
    try {
      assert.equal(again.status().latestHeight, h2);
      assert.equal(again.status().latestAppHash, stored);
      const info = again.app.info();
      assert.equal(info.lastBlockHeight, h2);
      assert.equal(toHex(info.lastBlockAppHash), stored);
      // The replayed transaction counts: the next sequence is 2.
      assert.equal((await again.submit(transferTx(alice, 2n, bob.address, 1n), "commit")).code, 0);
    } finally {
      await again.close();
    }
  });

  it("halts loudly when the replay gives another app hash", async () => {
    const home = tempHome();
    const c = crashingApp(home);
    const node = engine(home, { ...c.opts, onFatal: () => {} });
    await node.start();
    await node.submit(transferTx(alice, 0n, bob.address, 1n), "commit");
    c.arm();
    await node.submit(transferTx(alice, 1n, bob.address, 1n), "commit");
    const h = node.blockStore.height();
    await node.close();
    const bad = crashingApp(home, true);
    const replay = engine(home, bad.opts);
    await assert.rejects(
      replay.start(),
      (e) => e instanceof InvariantViolation && e.message.includes(`replaying block ${h} gave app hash`),
    );
    assert.equal(replay.ready(), false);
  });
});

describe("SoloEngine stream", () => {
  it("formats cursors so string order is stream order", () => {
    const a = formatCursor(9n, 12);
    const b = formatCursor(10n, 0);
    assert.ok(a < b);
    assert.deepEqual(parseCursor(a), { height: 9n, index: 12 });
    assert.throws(
      () => parseCursor("9.12"),
      (e) => NodeErrors.invalidCursor.is(e),
    );
  });

  it("delivers past items from the store, then live ones, without gaps or duplicates", async () => {
    const node = await start(tempHome());
    try {
      for (let s = 0n; s < 3n; s++) await node.submit(transferTx(alice, s, bob.address, 1n), "commit");
      const seen: StreamItem[] = [];
      const unsub = node.subscribe({ fromHeight: 1n }, (i) => seen.push(i));
      assert.equal(seen.length, 0, "nothing is delivered before subscribe returns");
      for (let s = 3n; s < 6n; s++) await node.submit(transferTx(alice, s, bob.address, 1n), "commit");
      const top = node.status().latestHeight;
      await until(() => seen.some((i) => i.kind === "block" && i.height === top));
      await sleep(50);
      unsub();
      const cursors = seen.map((i) => i.cursor);
      assert.deepEqual([...cursors].sort(), cursors, "cursor order");
      assert.equal(new Set(cursors).size, cursors.length, "no duplicates");
      assert.deepEqual(
        seen.filter((i) => i.kind === "block").map((i) => i.height),
        Array.from({ length: Number(top) }, (_, i) => BigInt(i + 1)),
        "every block, no gaps",
      );
      assert.equal(seen.filter((i) => i.kind === "event" && i.event.type.includes("transfer")).length, 6);
      const ev = seen.find((i) => i.kind === "event");
      assert.ok(ev && ev.kind === "event" && ev.txHash !== undefined);

      // Resuming strictly after a cursor gives exactly the rest.
      const mid = seen[3] as StreamItem;
      const rest: StreamItem[] = [];
      const unsub2 = node.subscribe({ after: mid.cursor }, (i) => rest.push(i));
      await until(() => rest.length === seen.length - 4);
      await sleep(50);
      unsub2();
      assert.deepEqual(
        rest.map((i) => i.cursor),
        cursors.slice(4),
      );

      // Live only: nothing old.
      const live: StreamItem[] = [];
      const unsub3 = node.subscribe({}, (i) => live.push(i));
      await sleep(50);
      assert.equal(live.length, 0);
      await node.submit(transferTx(alice, 6n, bob.address, 1n), "commit");
      await until(() => live.length > 0);
      unsub3();
      assert.equal(live[0]?.kind, "block");
      assert.equal(live[0]?.height, top + 1n);
    } finally {
      await node.close();
    }
  });
});

describe("startSoloNode", () => {
  it("describes the registered messages and queries", async () => {
    const node = await start(tempHome());
    try {
      const d = node.describe();
      assert.ok(d.messages.includes("bank/send"));
      assert.ok(d.queries.includes("auth/account"));
      assert.equal(node.status().chainId, TEST_CHAIN_ID);
      assert.equal(node.status().engine, "solo");
      assert.equal(node.ready(), true);
    } finally {
      await node.close();
    }
    assert.equal(node.ready(), false);
  });
});
