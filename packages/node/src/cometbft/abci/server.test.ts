import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fromUtf8, InvariantViolation, toHex, UrbisError, utf8, verifyProof } from "@urbis/protocol";
import { type App, authModule, balanceKey, bankModule, type CommitStore, UrbisApp } from "@urbis/state";
import { LmdbCommitStore, MemoryCommitStore } from "@urbis/store";
import {
  ResponseApplySnapshotChunk_Result,
  ResponseOfferSnapshot_Result,
  ResponseVerifyVoteExtension_VerifyStatus,
} from "cosmjs-types/tendermint/abci/types";
import { nativeEd25519Verifier } from "../../crypto/ed25519.js";
import { msToTimestamp, PROOF_OP_TYPE, timestampToMs } from "./adapter.js";
import {
  AbciConnection,
  AbciException,
  CometDriver,
  DRIVER_DENOM,
  type DriverAccount,
  driverAccount,
  driverGenesis,
  signedTransfer,
} from "./driver.js";
import { AbciErrors } from "./errors.js";
import { SerialExecutor } from "./executor.js";
import { encodeFrame, encodeUvarint } from "./framing.js";
import { type AbciServer, parseAbciAddress, startAbciServer } from "./server.js";

const accounts = [driverAccount(0), driverAccount(1), driverAccount(2)];
const [alice, bob, carol] = accounts as [DriverAccount, DriverAccount, DriverAccount];
const genesis = driverGenesis(accounts);
const CHAIN = genesis.chainId;

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "urbis-abci-"));
  dirs.push(d);
  return d;
}

function urbisApp(store: CommitStore = new MemoryCommitStore()): UrbisApp {
  return new UrbisApp({ store, modules: [authModule(), bankModule()], verifier: nativeEd25519Verifier });
}

interface Harness {
  server: AbciServer;
  driver: CometDriver;
  fatals: unknown[];
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

async function harness(app: App, opts: { maxFrameBytes?: number; tcp?: boolean } = {}): Promise<Harness> {
  const fatals: unknown[] = [];
  const logs: Record<string, unknown>[] = [];
  const server = await startAbciServer({
    address: opts.tcp ? "tcp://127.0.0.1:0" : `unix://${join(tempDir(), "app.sock")}`,
    app,
    onFatal: (e) => fatals.push(e),
    log: (o) => logs.push(o),
    ...(opts.maxFrameBytes !== undefined ? { maxFrameBytes: opts.maxFrameBytes } : {}),
  });
  const driver = await CometDriver.connect(server.address, genesis);
  return {
    server,
    driver,
    fatals,
    logs,
    async close() {
      await driver.close();
      await server.close();
    },
  };
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** An App that forwards to `inner`, recording each call and how many run at once. */
function probe(inner: App, slowCommitMs = 0) {
  const calls: string[] = [];
  let active = 0;
  let maxActive = 0;
  const wrap = <T>(name: string, f: () => T): T => {
    calls.push(name);
    active++;
    maxActive = Math.max(maxActive, active);
    try {
      const out = f();
      if (out instanceof Promise) {
        return out.finally(() => {
          active--;
        }) as T;
      }
      active--;
      return out;
    } catch (e) {
      active--;
      throw e;
    }
  };
  const app: App = {
    info: () => wrap("info", () => inner.info()),
    initChain: (r) => wrap("initChain", () => inner.initChain(r)),
    checkTx: (r) => wrap("checkTx", () => inner.checkTx(r)),
    prepareProposal: (r) => wrap("prepareProposal", () => inner.prepareProposal(r)),
    processProposal: (r) => wrap("processProposal", () => inner.processProposal(r)),
    finalizeBlock: (r) => wrap("finalizeBlock", () => inner.finalizeBlock(r)),
    commit: () =>
      wrap("commit", async () => {
        await new Promise((r) => setTimeout(r, slowCommitMs));
        return inner.commit();
      }),
    query: (r) => wrap("query", () => inner.query(r)),
    listSnapshots: () => wrap("listSnapshots", () => inner.listSnapshots()),
    offerSnapshot: (s, h) => wrap("offerSnapshot", () => inner.offerSnapshot(s, h)),
    loadSnapshotChunk: (h, f, c) => wrap("loadSnapshotChunk", () => inner.loadSnapshotChunk(h, f, c)),
    applySnapshotChunk: (i, c, s) => wrap("applySnapshotChunk", () => inner.applySnapshotChunk(i, c, s)),
  };
  return { app, calls, maxActive: () => maxActive };
}

describe("ABCI adapter helpers", () => {
  it("converts timestamps to Unix ms (floor) and back", () => {
    assert.equal(timestampToMs({ seconds: 1_700_000_000n, nanos: 999_999_999 }), 1_700_000_000_999n);
    assert.equal(timestampToMs({ seconds: -1n, nanos: 500_000_000 }), -500n);
    assert.equal(timestampToMs(undefined), 0n);
    for (const ms of [0n, 1n, 999n, 1_735_689_600_123n, -1n, -1001n]) {
      assert.equal(timestampToMs(msToTimestamp(ms)), ms);
      const ts = msToTimestamp(ms);
      assert.ok(ts.nanos >= 0 && ts.nanos < 1e9);
    }
  });

  it("parses ABCI addresses", () => {
    assert.deepEqual(parseAbciAddress("unix:///tmp/a.sock"), { kind: "unix", path: "/tmp/a.sock" });
    assert.deepEqual(parseAbciAddress("tcp://127.0.0.1:26658"), { kind: "tcp", host: "127.0.0.1", port: 26658 });
    assert.deepEqual(parseAbciAddress("tcp://[::1]:0"), { kind: "tcp", host: "::1", port: 0 });
    for (const bad of ["unix://", "http://x:1", "tcp://127.0.0.1", "tcp://h:99999", "127.0.0.1:26658"]) {
      assert.throws(
        () => parseAbciAddress(bad),
        (e) => AbciErrors.invalidAddress.is(e),
        bad,
      );
    }
  });
});

describe("serial executor", () => {
  it("runs tasks one at a time in order, sync and async, and survives failures", async () => {
    const ex = new SerialExecutor();
    const order: string[] = [];
    let active = 0;
    let max = 0;
    const task =
      (name: string, ms?: number, fail = false) =>
      async () => {
        active++;
        max = Math.max(max, active);
        order.push(`start ${name}`);
        if (ms !== undefined) await new Promise((r) => setTimeout(r, ms));
        active--;
        order.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      ex.run(task("a", 20)),
      ex.run(() => {
        order.push("sync b");
        return "b";
      }),
      ex.run(task("c", 5, true)),
      ex.run(task("d")),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ["fulfilled", "fulfilled", "rejected", "fulfilled"],
    );
    assert.deepEqual(order, ["start a", "end a", "sync b", "start c", "end c", "start d", "end d"]);
    assert.equal(max, 1);
    assert.equal(ex.pending, 0);
    await ex.idle();
  });

  it("never runs a task inside the caller's run()", async () => {
    const ex = new SerialExecutor();
    let ran = false;
    const p = ex.run(() => {
      ran = true;
    });
    assert.equal(ran, false);
    assert.equal(ex.pending, 1);
    await p;
    assert.equal(ran, true);
  });
});

describe("ABCI server with a real UrbisApp", () => {
  it("serves the handshake, blocks with a mempool and re-check, queries with proofs, and the rest", async () => {
    const h = await harness(urbisApp());
    const d = h.driver;
    try {
      assert.equal(h.server.connections(), 4);
      const hs = await d.handshake();
      assert.equal(hs.info.data, "urbis");
      assert.equal(hs.info.lastBlockHeight, 0n);
      assert.equal(hs.info.appVersion, 1n);
      assert.ok(hs.initChain);
      assert.equal(hs.initChain.appHash.length, 32);
      assert.deepEqual(hs.initChain.validators, []);

      const txs = [0n, 1n, 2n].map((seq) => signedTransfer(CHAIN, alice, seq, bob.address, 100n + seq));
      for (const r of await d.checkTxs(txs)) assert.equal(r.code, 0, r.log);
      const stale = signedTransfer(CHAIN, alice, 0n, carol.address, 5n); // sequence 0 is taken
      const refused = await d.checkTx(stale);
      assert.notEqual(refused.code, 0);
      assert.equal(refused.codespace.length > 0, true);
      assert.equal(refused.gasWanted, 0n);
      // Slip the refused transaction into the mempool anyway (as if gossiped before a conflicting block):
      // the proposal must leave it out and the re-check must drop it.
      d.mempool.push(stale);

      // Room for two transfers per block.
      d.maxTxBytes = BigInt(txs[0]!.length * 2 + 10);
      const b1 = await d.block();
      assert.equal(b1.height, 1n);
      assert.equal(b1.txs.length, 2);
      assert.deepEqual(
        b1.finalize.txResults.map((r) => r.code),
        [0, 0],
      );
      const events = b1.finalize.txResults.flatMap((r) => r.events);
      assert.ok(events.length > 0);
      assert.ok(events.every((e) => e.attributes.every((a) => a.index)));
      assert.ok(events.some((e) => e.attributes.some((a) => a.value === bob.address)));
      assert.equal(b1.finalize.appHash.length, 32);
      assert.deepEqual(b1.finalize.validatorUpdates, []);
      assert.deepEqual(b1.dropped, [stale]);
      assert.equal(d.mempool.length, 1); // the third transfer survived its re-check

      const b2 = await d.block();
      assert.equal(b2.txs.length, 1);
      assert.equal(b2.finalize.txResults[0]?.code, 0);
      assert.equal(d.mempool.length, 0);

      const info = (await d.query.call({ info: { version: "", blockVersion: 0n, p2pVersion: 0n, abciVersion: "" } }))
        .info!;
      assert.equal(info.lastBlockHeight, 2n);
      assert.equal(toHex(info.lastBlockAppHash), toHex(b2.finalize.appHash));

      const bal = await d.queryApp(
        "/bank/balance",
        utf8(JSON.stringify({ address: bob.address, denom: DRIVER_DENOM })),
      );
      assert.equal(bal.code, 0, bal.log);
      assert.equal(JSON.parse(fromUtf8(bal.value)).amount, String(1_000_000_000n + 100n + 101n + 102n));
      assert.equal(bal.height, 2n);

      const key = balanceKey(bob.address, DRIVER_DENOM);
      const proven = await d.queryApp("/store", key, { prove: true });
      assert.equal(proven.code, 0);
      assert.equal(toHex(proven.key), toHex(key));
      const op = proven.proofOps?.ops[0];
      assert.equal(op?.type, PROOF_OP_TYPE);
      assert.equal(toHex(op.key), toHex(key));
      assert.ok(verifyProof(b2.finalize.appHash, key, proven.value, op.data));
      const atOne = await d.queryApp("/store", key, { prove: true, height: 1n });
      assert.ok(verifyProof(b1.finalize.appHash, key, atOne.value, atOne.proofOps!.ops[0]!.data));
      const plain = await d.queryApp("/store", key);
      assert.equal(plain.proofOps, undefined);

      const unknown = await d.queryApp("/nope/nothing", new Uint8Array());
      assert.notEqual(unknown.code, 0);
      assert.equal(unknown.codespace, "app");

      // The rest of the method set.
      assert.equal((await d.consensus.call({ echo: { message: "ping" } })).echo?.message, "ping");
      const ext = await d.consensus.call({
        extendVote: {
          hash: new Uint8Array(32),
          height: 3n,
          time: msToTimestamp(0n),
          txs: [],
          proposedLastCommit: { round: 0, votes: [] },
          misbehavior: [],
          nextValidatorsHash: new Uint8Array(32),
          proposerAddress: new Uint8Array(20),
        },
      });
      assert.equal(ext.extendVote?.voteExtension.length, 0);
      const ver = await d.consensus.call({
        verifyVoteExtension: {
          hash: new Uint8Array(32),
          validatorAddress: new Uint8Array(20),
          height: 3n,
          voteExtension: new Uint8Array(),
        },
      });
      assert.equal(ver.verifyVoteExtension?.status, ResponseVerifyVoteExtension_VerifyStatus.ACCEPT);
      assert.deepEqual((await d.snapshot.call({ listSnapshots: {} })).listSnapshots?.snapshots, []);
      const offer = await d.snapshot.call({
        offerSnapshot: {
          snapshot: { height: 2n, format: 1, chunks: 1, hash: new Uint8Array(32), metadata: new Uint8Array() },
          appHash: b2.finalize.appHash,
        },
      });
      assert.equal(offer.offerSnapshot?.result, ResponseOfferSnapshot_Result.REJECT);
      const chunk = await d.snapshot.call({ loadSnapshotChunk: { height: 2n, format: 1, chunk: 0 } });
      assert.equal(chunk.loadSnapshotChunk?.chunk.length, 0);
      const apply = await d.snapshot.call({ applySnapshotChunk: { index: 0, chunk: new Uint8Array(), sender: "p" } });
      assert.equal(apply.applySnapshotChunk?.result, ResponseApplySnapshotChunk_Result.ABORT);
      assert.deepEqual(h.fatals, []);
    } finally {
      await h.close();
    }
  });

  it("survives crashes: re-runs InitChain before block 1, and replays a finalized but uncommitted block", async () => {
    const dir = tempDir();
    const open = async () => {
      const store = new LmdbCommitStore(join(dir, "state"), { noSync: true });
      const h = await harness(urbisApp(store));
      return {
        h,
        async crash() {
          await h.close();
          await store.close();
        },
      };
    };

    // Crash right after InitChain: nothing was committed, so the app asks for InitChain again.
    let node = await open();
    const first = await node.h.driver.handshake();
    await node.crash();
    node = await open();
    const again = await node.h.driver.handshake();
    assert.equal(again.info.lastBlockHeight, 0n);
    assert.ok(again.initChain);
    assert.equal(toHex(again.initChain.appHash), toHex(first.initChain!.appHash));

    let d = node.h.driver;
    await d.checkTx(signedTransfer(CHAIN, alice, 0n, bob.address, 7n));
    const b1 = await d.block();
    await d.checkTx(signedTransfer(CHAIN, bob, 0n, carol.address, 3n));
    const b2 = await d.block();
    assert.deepEqual([b1.finalize.txResults[0]?.code, b2.finalize.txResults[0]?.code], [0, 0]);

    // Block 3 is finalized, then the node dies before Commit.
    const tx3 = signedTransfer(CHAIN, carol, 0n, alice.address, 1n);
    await d.checkTx(tx3);
    const timeOf3 = d.timeMs;
    const f3 = await d.finalize([tx3]);
    assert.equal(f3.txResults[0]?.code, 0);
    await node.crash();

    node = await open();
    d = node.h.driver;
    const hs = await d.handshake();
    assert.equal(hs.initChain, undefined, "no InitChain on a chain with blocks");
    assert.equal(hs.info.lastBlockHeight, 2n);
    assert.equal(toHex(hs.info.lastBlockAppHash), toHex(b2.finalize.appHash));
    // CometBFT replays block 3 from its block store: same block, same results, same app hash.
    d.timeMs = timeOf3;
    const replayed = await d.finalize([tx3]);
    assert.equal(toHex(replayed.appHash), toHex(f3.appHash));
    assert.deepEqual(replayed.txResults, f3.txResults);
    await d.commit();
    const info = (await d.query.call({ info: { version: "", blockVersion: 0n, p2pVersion: 0n, abciVersion: "" } }))
      .info!;
    assert.equal(info.lastBlockHeight, 3n);
    assert.equal(toHex(info.lastBlockAppHash), toHex(f3.appHash));
    assert.deepEqual(node.h.fatals, []);
    await node.crash();
  });

  it("answers a 10 MB FinalizeBlock", async () => {
    const h = await harness(urbisApp());
    try {
      await h.driver.handshake();
      // 160 junk transactions of 64 KiB (each fails to decode) around two real transfers.
      const junk = Array.from({ length: 160 }, (_, i) => new Uint8Array(64 * 1024).fill(i + 1));
      const t0 = signedTransfer(CHAIN, alice, 0n, bob.address, 1n);
      const t1 = signedTransfer(CHAIN, alice, 1n, bob.address, 2n);
      const txs = [t0, ...junk.slice(0, 80), t1, ...junk.slice(80)];
      assert.ok(txs.reduce((n, t) => n + t.length, 0) > 10_000_000);
      const res = await h.driver.finalize(txs);
      assert.equal(res.txResults.length, 162);
      assert.equal(res.txResults[0]?.code, 0);
      assert.equal(res.txResults[81]?.code, 0);
      assert.ok(res.txResults.filter((r) => r.code !== 0).length === 160);
      await h.driver.commit();
      assert.deepEqual(h.fatals, []);
    } finally {
      await h.close();
    }
  });
});

describe("ABCI server ordering", () => {
  it("answers pipelined requests FIFO per connection and runs one app call at a time across connections", async () => {
    const p = probe(urbisApp(), 30);
    const h = await harness(p.app, { tcp: true });
    const d = h.driver;
    try {
      assert.match(h.server.address, /^tcp:\/\/127\.0\.0\.1:\d+$/);
      await d.handshake();
      const txs = Array.from({ length: 150 }, (_, i) => signedTransfer(CHAIN, alice, BigInt(i), bob.address, 1n));
      p.calls.length = 0;

      const resolved: string[] = [];
      const note = <T>(label: string, x: Promise<T>) =>
        x.then((v) => {
          resolved.push(label);
          return v;
        });
      // Consensus: a block (slow Commit), then Flush.
      const height = d.height + 1n;
      const fin = note("finalize", d.finalize([]));
      const commit = note("commit", d.consensus.call({ commit: {} }));
      const consensusFlush = note("consensus flush", d.consensus.flush());
      // Mempool: CheckTx interleaved with Echo, then Flush; query: queries and Echo, then Flush.
      const mem: Promise<unknown>[] = [];
      const echoes: Promise<void>[] = [];
      txs.forEach((tx, i) => {
        mem.push(note(`check ${i}`, d.mempoolConn.call({ checkTx: { tx, type: 0 } })));
        const message = `mempool ${i}`;
        echoes.push(d.mempoolConn.call({ echo: { message } }).then((r) => assert.equal(r.echo?.message, message)));
      });
      const memFlush = note("mempool flush", d.mempoolConn.flush());
      const queries: Promise<unknown>[] = [];
      for (let i = 0; i < 50; i++) {
        queries.push(d.queryApp("/auth/params", new Uint8Array()));
        const message = `query ${i}`;
        echoes.push(d.query.call({ echo: { message } }).then((r) => assert.equal(r.echo?.message, message)));
      }
      const queryFlush = note("query flush", d.query.flush());
      await Promise.all([fin, commit, consensusFlush, ...mem, memFlush, ...echoes, ...queries, queryFlush]);

      assert.equal(p.maxActive(), 1, "the app saw concurrent calls");
      assert.equal(resolved.indexOf("commit") < resolved.indexOf("consensus flush"), true);
      assert.equal(resolved.indexOf("finalize") < resolved.indexOf("commit"), true);
      for (let i = 0; i < txs.length; i++) {
        assert.ok(resolved.indexOf(`check ${i}`) < resolved.indexOf("mempool flush"));
        if (i > 0) assert.ok(resolved.indexOf(`check ${i - 1}`) < resolved.indexOf(`check ${i}`));
      }
      // Every CheckTx ran against the check state in the order sent: all 150 sequences accepted.
      for (const r of await Promise.all(mem)) assert.equal((r as { checkTx: { code: number } }).checkTx.code, 0);
      assert.equal(p.calls.filter((c) => c === "checkTx").length, 150);
      assert.equal(p.calls.filter((c) => c === "query").length, 50);
      assert.deepEqual(
        p.calls.filter((c) => c === "finalizeBlock" || c === "commit"),
        ["finalizeBlock", "commit"],
      );
      d.height = height;
      assert.deepEqual(h.fatals, []);
    } finally {
      await h.close();
    }
  });
});

describe("ABCI server failures", () => {
  it("answers an InvariantViolation with an exception, calls onFatal once, and halts the app", async () => {
    const inner = urbisApp();
    let infoCalls = 0;
    const broken: App = Object.assign(Object.create(inner) as App, {
      finalizeBlock: () => {
        throw new InvariantViolation("invariant bank/supply broken: test");
      },
      info: () => {
        infoCalls++;
        return inner.info();
      },
    });
    const h = await harness(broken);
    try {
      await h.driver.handshake();
      assert.equal(infoCalls, 1);
      const got = await h.driver.finalize([]).then(
        () => assert.fail("FinalizeBlock should fail"),
        (e: unknown) => e,
      );
      assert.ok(got instanceof AbciException);
      assert.equal(got.method, "finalizeBlock");
      assert.match(got.error, /InvariantViolation: invariant bank\/supply broken/);
      await until(() => h.fatals.length === 1, "onFatal");
      assert.ok(h.fatals[0] instanceof InvariantViolation);
      // Halted: later requests get an exception without reaching the app; onFatal is not called again.
      const later = await h.driver.query.send({
        info: { version: "", blockVersion: 0n, p2pVersion: 0n, abciVersion: "" },
      });
      assert.match(later.exception?.error ?? "", /abci\.app_halted/);
      assert.equal(infoCalls, 1);
      assert.equal((await h.driver.mempoolConn.call({ echo: { message: "still here" } })).echo?.message, "still here");
      await h.driver.mempoolConn.flush();
      assert.equal(h.fatals.length, 1);
      assert.ok(h.logs.some((l) => l.level === "fatal" && l.invariant === true));
    } finally {
      await h.close();
    }
  });

  it("treats an async failure (Commit rejecting) as fatal too", async () => {
    const inner = urbisApp();
    const broken: App = Object.assign(Object.create(inner) as App, {
      commit: async () => {
        throw new Error("disk on fire");
      },
    });
    const h = await harness(broken);
    try {
      await h.driver.handshake();
      await h.driver.finalize([]);
      await assert.rejects(h.driver.commit(), (e) => e instanceof AbciException && /disk on fire/.test(e.error));
      await until(() => h.fatals.length === 1, "onFatal");
    } finally {
      await h.close();
    }
  });

  it("closes only the connection that sends garbage, after answering what it owes, and keeps serving the rest", async () => {
    const h = await harness(urbisApp(), { maxFrameBytes: 1024 * 1024 });
    const d = h.driver;
    try {
      await d.handshake();
      const cases: [string, Uint8Array, (e: unknown) => boolean][] = [
        ["undecodable", encodeFrame(Uint8Array.of(0x07)), (e) => /abci\.undecodable_message/.test(String(e))],
        ["oversized", encodeUvarint(2 * 1024 * 1024), (e) => /abci\.frame_too_large/.test(String(e))],
        ["over-long varint", new Uint8Array(11).fill(0x80), (e) => /abci\.invalid_frame/.test(String(e))],
      ];
      for (const [name, garbage, matches] of cases) {
        const victim = await AbciConnection.open(h.server.address, name);
        await until(() => h.server.connections() === 5, "the new connection");
        // A request, then the garbage: the request is still answered, then the exception.
        const echo = victim.send({ echo: { message: "before" } });
        victim.writeRaw(garbage);
        assert.equal((await echo).echo?.message, "before");
        await victim.closed;
        const last = victim.received.at(-1);
        assert.ok(last?.exception, `${name}: an exception answer`);
        assert.ok(matches(last.exception.error), `${name}: ${last.exception.error}`);
        await until(() => h.server.connections() === 4, "the garbage connection to close");
        // The four real connections are untouched.
        assert.equal((await d.consensus.call({ echo: { message: name } })).echo?.message, name);
        const info = await d.query.call({ info: { version: "", blockVersion: 0n, p2pVersion: 0n, abciVersion: "" } });
        assert.equal(info.info?.data, "urbis");
      }
      await d.checkTx(signedTransfer(CHAIN, alice, 0n, bob.address, 1n));
      assert.equal((await d.block()).finalize.txResults[0]?.code, 0);
      assert.deepEqual(h.fatals, []);
      assert.ok(h.logs.some((l) => l.msg === "bad ABCI frame; closing the connection"));
    } finally {
      await h.close();
    }
  });

  it("answers a request with no method with an exception, without halting or closing", async () => {
    const h = await harness(urbisApp());
    try {
      h.driver.snapshot.writeRaw(encodeFrame(new Uint8Array(0)));
      await until(() => h.driver.snapshot.received.length === 1, "the exception");
      assert.match(h.driver.snapshot.received[0]?.exception?.error ?? "", /abci\.unknown_request/);
      assert.deepEqual((await h.driver.snapshot.call({ listSnapshots: {} })).listSnapshots?.snapshots, []);
      assert.equal(h.server.connections(), 4);
      assert.deepEqual(h.fatals, []);
    } finally {
      await h.close();
    }
  });

  it("fails InitChain (fatally) on app_state_bytes that are not a JSON object", async () => {
    const h = await harness(urbisApp());
    try {
      const res = await h.driver.consensus.send({
        initChain: {
          time: msToTimestamp(0n),
          chainId: CHAIN,
          validators: [],
          appStateBytes: utf8("[1,2]"),
          initialHeight: 1n,
        },
      });
      assert.match(res.exception?.error ?? "", /abci\.invalid_app_state/);
      await until(() => h.fatals.length === 1, "onFatal");
      assert.ok(h.fatals[0] instanceof UrbisError);
    } finally {
      await h.close();
    }
  });
});

describe("ABCI server lifecycle", () => {
  it("removes a stale unix socket file, refuses a live one, and cleans up on close", async () => {
    const dir = tempDir();
    const path = join(dir, "app.sock");
    // A process that dies while listening leaves its socket file behind.
    spawnSync(process.execPath, [
      "-e",
      `require("net").createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, "SIGKILL"))`,
    ]);
    assert.ok(existsSync(path), "the stale socket file exists");
    const logs: Record<string, unknown>[] = [];
    const server = await startAbciServer({
      address: `unix://${path}`,
      app: urbisApp(),
      onFatal: () => {},
      log: (o) => logs.push(o),
    });
    assert.ok(logs.some((l) => l.msg === "removed stale ABCI socket file"));
    await assert.rejects(startAbciServer({ address: `unix://${path}`, app: urbisApp(), onFatal: () => {} }), (e) =>
      AbciErrors.listenFailed.is(e),
    );
    const c = await AbciConnection.open(server.address);
    await until(() => server.connections() === 1, "the connection");
    await server.close();
    await c.closed;
    assert.equal(server.connections(), 0);
    assert.equal(existsSync(path), false);

    // A regular file at the path is not ours to delete.
    writeFileSync(path, "not a socket");
    await assert.rejects(startAbciServer({ address: `unix://${path}`, app: urbisApp(), onFatal: () => {} }), (e) =>
      AbciErrors.listenFailed.is(e),
    );
  });

  it("reports a busy TCP port as abci.listen_failed", async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", () => r()));
    const port = (busy.address() as { port: number }).port;
    try {
      await assert.rejects(
        startAbciServer({ address: `tcp://127.0.0.1:${port}`, app: urbisApp(), onFatal: () => {} }),
        (e) => AbciErrors.listenFailed.is(e),
      );
    } finally {
      busy.close();
    }
  });
});
