/**
 * Genesis written as the store's version 0 in batches: the batch size does
 * not change any app hash, and a node killed in the middle of InitChain or
 * between InitChain and block 1 restarts cleanly (InitChain again, then
 * block 1) to the same app hashes as a node that never stopped.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { EMPTY_ROOT, toHex } from "@urbis/protocol";
import { authModule, bankModule, type CommitStore, UrbisApp } from "@urbis/state";
import { LmdbCommitStore, MemoryCommitStore } from "@urbis/store";
import { testAccounts, testGenesis, transferTx } from "./helpers/solo-chain.js";

/** Accounts of the test genesis (each a balance and an auth entry or so: a few hundred writes). */
const GENESIS_ACCOUNTS = 120;
/** Genesis batch size of the crash child: many batches. */
const GENESIS_BATCH = 16;

const CHILD = fileURLToPath(new URL("./helpers/genesis-crash-child.ts", import.meta.url));
const accounts = testAccounts(GENESIS_ACCOUNTS, "genesis");
const genesis = testGenesis({ accounts });

function app(store: CommitStore, genesisBatchSize?: number): UrbisApp {
  return new UrbisApp({
    store,
    modules: [authModule(), bankModule()],
    ...(genesisBatchSize !== undefined && { genesisBatchSize }),
  });
}

/** InitChain, then block 1 with two transfers; the app hashes. */
async function run(a: UrbisApp): Promise<{ genesis: string; block1: string }> {
  const init = a.initChain({
    chainId: genesis.chainId,
    timeMs: BigInt(Date.parse(genesis.genesisTime)),
    initialHeight: 1n,
    appState: genesis.appState,
  });
  const txs = [
    transferTx(accounts[1]!, 0n, accounts[2]!.address, 5n),
    transferTx(accounts[3]!, 0n, accounts[1]!.address, 7n),
  ];
  const fin = a.finalizeBlock({ txs, height: 1n, timeMs: BigInt(Date.parse(genesis.genesisTime)) + 1000n });
  assert.deepEqual(
    fin.txResults.map((r) => r.code),
    [0, 0],
  );
  await a.commit();
  return { genesis: toHex(init.appHash), block1: toHex(fin.appHash) };
}

describe("genesis in batches", () => {
  it("gives the same app hashes for every batch size", async () => {
    const expected = await run(app(new MemoryCommitStore()));
    for (const size of [1, 5, GENESIS_BATCH, 1000]) {
      assert.deepEqual(await run(app(new MemoryCommitStore(), size)), expected, `batch size ${size}`);
    }
    const dir = mkdtempSync(join(tmpdir(), "urbis-genesis-"));
    try {
      const s = new LmdbCommitStore(dir);
      assert.deepEqual(await run(app(s, 7)), expected, "on LMDB");
      await s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const mode of ["mid", "after"] as const) {
    it(`a node killed ${mode === "mid" ? "in the middle of InitChain" : "between InitChain and block 1"} restarts cleanly`, {
      timeout: 60_000,
    }, async () => {
      const expected = await run(app(new MemoryCommitStore()));
      const dir = mkdtempSync(join(tmpdir(), "urbis-genesis-"));
      try {
        const out: string[] = [];
        const proc = spawn(
          process.execPath,
          ["--import", "tsx", CHILD, dir, mode, String(GENESIS_ACCOUNTS), String(GENESIS_BATCH)],
          {
            stdio: ["ignore", "pipe", "inherit"],
            cwd: fileURLToPath(new URL("..", import.meta.url)),
          },
        );
        proc.stdout.on("data", (d: Buffer) => out.push(d.toString()));
        const signal = await new Promise((r) => proc.once("exit", (_code, sig) => r(sig)));
        assert.equal(signal, "SIGKILL");
        const s = new LmdbCommitStore(dir);
        if (mode === "mid") {
          assert.equal(out.join(""), "", "killed before InitChain returned");
          assert.deepEqual(s.rootAt(0n), EMPTY_ROOT, "the unfinished genesis is gone");
        } else {
          assert.equal(out.join("").trim(), `INIT ${expected.genesis}`);
          assert.equal(toHex(s.rootAt(0n) as Uint8Array), expected.genesis, "the genesis state is durable");
        }
        // A restart: the App reports height 0, so the engine runs InitChain (again) and block 1.
        const restarted = app(s, 10);
        assert.equal(restarted.info().lastBlockHeight, 0n);
        assert.deepEqual(await run(restarted), expected);
        await s.close();
        const reopened = new LmdbCommitStore(dir);
        assert.equal(reopened.lastVersion(), 1n);
        assert.equal(toHex(reopened.rootAt(1n) as Uint8Array), expected.block1);
        await reopened.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
