/**
 * Crash test of the solo engine: a real child process runs a node under its
 * own load and is killed with SIGKILL at random moments, again and again.
 * Every restart must resume at or above the last height the child reported
 * committed (it reports only once blocks and state are durable), and at the
 * end the whole block log, replayed into a fresh App over a fresh store, must
 * reproduce the stored app hash at every height.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { toHex } from "@urbis/protocol";
import { LmdbCommitStore, MemoryCommitStore } from "@urbis/store";
import { fastTxHash } from "../packages/node/src/crypto/hash.js";
import { BlockStore } from "../packages/node/src/storage/block-store.js";
import { blockHash, dataHash } from "../packages/node/src/storage/codecs.js";
import { testAccounts, testApp, testGenesis } from "./helpers/solo-chain.js";

const CHILD = fileURLToPath(new URL("./helpers/solo-crash-child.ts", import.meta.url));
const KILLS = 8;
/** The child's App pauses this long between the durable block save and the state commit (see the child). */
const COMMIT_DELAY_MS = 60;

const home = mkdtempSync(join(tmpdir(), "urbis-crash-"));
after(() => rmSync(home, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  ready: Promise<{ height: bigint; appHash: string; replayed: number }>;
  committed: { height: bigint; appHash: string }[];
  /** Heights announced SAVED (block durable, state not yet committed). */
  saved: bigint[];
  /** Resolves when the child has reported `n` commits in this run. */
  commits(n: number): Promise<void>;
  /** Resolves at the next SAVED line. */
  nextSaved(): Promise<bigint>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: string[];
}

function launch(): Run {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, home], {
    stdio: ["ignore", "pipe", "pipe"],
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    env: { ...process.env, COMMIT_DELAY_MS: String(COMMIT_DELAY_MS) },
  });
  const committed: Run["committed"] = [];
  const saved: bigint[] = [];
  let savedWaiter: ((h: bigint) => void) | undefined;
  const stderr: string[] = [];
  const waiting: { n: number; resolve: () => void }[] = [];
  let onReady: (r: { height: bigint; appHash: string; replayed: number }) => void = () => {};
  const ready = new Promise<{ height: bigint; appHash: string; replayed: number }>((r) => {
    onReady = r;
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    const [kind, a, b, c] = line.split(" ");
    if (kind === "READY") onReady({ height: BigInt(a as string), appHash: b ?? "", replayed: Number(c) });
    else if (kind === "SAVED") {
      const h = BigInt(a as string);
      saved.push(h);
      const w = savedWaiter;
      savedWaiter = undefined;
      w?.(h);
    } else if (kind === "COMMITTED") {
      committed.push({ height: BigInt(a as string), appHash: b ?? "" });
      for (const w of waiting.splice(0)) {
        if (committed.length >= w.n) w.resolve();
        else waiting.push(w);
      }
    }
  });
  child.stderr?.on("data", (d: Buffer) => stderr.push(d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    ready,
    committed,
    saved,
    stderr,
    exited,
    nextSaved: () =>
      new Promise<bigint>((resolve) => {
        savedWaiter = resolve;
      }),
    commits: (n) =>
      new Promise<void>((resolve) => {
        if (committed.length >= n) resolve();
        else waiting.push({ n, resolve });
      }),
  };
}

/** Fails the test (with the child's stderr) instead of hanging if `p` does not settle in time. */
async function within<T>(p: Promise<T>, ms: number, run: Run, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out; child stderr:\n${run.stderr.join("")}`)), ms);
  });
  const died = run.exited.then(({ code, signal }) => {
    throw new Error(`child exited (${code ?? signal}) while waiting for ${what}; stderr:\n${run.stderr.join("")}`);
  });
  try {
    return await Promise.race([p, timeout, died]);
  } finally {
    clearTimeout(timer);
  }
}

describe("solo engine under kill -9", () => {
  it("resumes at or above every reported commit and replays to identical app hashes", {
    timeout: 240_000,
  }, async () => {
    let lastReported: { height: bigint; appHash: string } | undefined;
    let lastSaved = 0n;
    let replays = 0;
    for (let round = 0; round <= KILLS; round++) {
      const run = launch();
      const ready = await within(run.ready, 60_000, run, "READY");
      if (lastReported) {
        assert.ok(
          ready.height >= lastReported.height,
          `round ${round}: restarted at ${ready.height}, but ${lastReported.height} was reported committed`,
        );
        if (ready.height === lastReported.height) assert.equal(ready.appHash, lastReported.appHash);
      }
      assert.ok(ready.height >= lastSaved, `round ${round}: block ${lastSaved} was saved durably but is gone`);
      replays += ready.replayed;
      if (round === KILLS) {
        // Last round: let it commit a little more, then stop it cleanly.
        await within(run.commits(2), 60_000, run, "final commits");
        run.child.kill("SIGTERM");
        const { code } = await run.exited;
        assert.equal(code, 0, `clean shutdown failed:\n${run.stderr.join("")}`);
      } else {
        // At least one new commit first, so every round makes progress.
        await within(run.commits(1 + Math.floor(Math.random() * 3)), 60_000, run, "commits");
        if (round % 2 === 0) {
          // Aim inside the crash window: the block is durable, its state not yet committed.
          await within(run.nextSaved(), 60_000, run, "a saved block");
        } else {
          // Anywhere: blocks come every ~25 ms plus the commit pause.
          await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 150)));
        }
        run.child.kill("SIGKILL");
        const { signal } = await run.exited;
        assert.equal(signal, "SIGKILL");
      }
      const last = run.committed.at(-1);
      if (last) lastReported = last;
      const s = run.saved.at(-1);
      if (s !== undefined && s > lastSaved) lastSaved = s;
    }
    // Kills aimed at the window land there unless the machine stalls for COMMIT_DELAY_MS.
    assert.ok(replays >= 1, "at least one restart repaired a block saved but not committed");
    assert.ok(lastReported && lastReported.height > 0n, "the child committed blocks");
    process.stdout.write(
      `# crash test: ${KILLS} kills, ${replays} block(s) replayed at restarts, final height ${lastReported?.height}\n`,
    );

    // Replay the whole block log into a fresh App over a fresh store.
    const blocks = BlockStore.open(join(home, "blocks"));
    const state = new LmdbCommitStore(join(home, "state"));
    try {
      const top = blocks.height();
      assert.ok(top >= (lastReported?.height ?? 0n));
      assert.equal(blocks.base(), 1n, "nothing pruned");
      const genesis = testGenesis({ accounts: testAccounts(6, "crash") });
      const app = testApp(new MemoryCommitStore());
      const init = app.initChain({
        chainId: genesis.chainId,
        timeMs: BigInt(Date.parse(genesis.genesisTime)),
        initialHeight: 1n,
        appState: genesis.appState,
      });
      let prevAppHash = toHex(init.appHash);
      let prevHash = "";
      let prevTime = 0n;
      let txs = 0;
      for (let h = 1n; h <= top; h++) {
        const b = blocks.block(h);
        assert.ok(b, `block ${h} is stored`);
        assert.equal(b.header.height, h);
        assert.equal(b.header.appHash, prevAppHash, `block ${h} names the app hash after ${h - 1n}`);
        assert.equal(b.header.lastBlockHash, prevHash, `block ${h} links to ${h - 1n}`);
        assert.ok(b.header.timeMs > prevTime, `block ${h} time increases`);
        assert.equal(b.hash, blockHash(b.header));
        assert.equal(b.header.dataHash, dataHash(b.txs.map(fastTxHash)));
        const fin = app.finalizeBlock({ txs: b.txs, height: h, timeMs: b.header.timeMs });
        assert.equal(toHex(fin.appHash), b.resultAppHash, `app hash at height ${h}`);
        assert.deepEqual(fin.txResults, b.results, `results at height ${h}`);
        assert.deepEqual(fin.events, b.events);
        await app.commit();
        prevAppHash = b.resultAppHash;
        prevHash = b.hash;
        prevTime = b.header.timeMs;
        txs += b.txs.length;
      }
      // The node's own state store agrees with the replay at the top.
      assert.equal(state.lastVersion(), top);
      assert.equal(toHex(state.rootAt(top) ?? new Uint8Array()), prevAppHash);
      assert.ok(txs > 0);
      // Every committed transfer either succeeded or failed deterministically; the chain did not stall on errors.
    } finally {
      await blocks.close();
      await state.close();
    }
  });
});
