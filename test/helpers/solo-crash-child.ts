/**
 * Child process of test/solo-crash.test.ts: runs a solo node on the home
 * directory given as argv[2] and generates its own load (signed bank
 * transfers from a few funded accounts), so the parent only has to watch
 * stdout and `kill -9` it.
 *
 * Protocol (one line each, on stdout):
 *   READY <height> <appHash> <replayedBlocks>   once started
 *   SAVED <height>                              block durable in the block store, state not yet committed
 *   COMMITTED <height> <resultAppHash>          after each block is durable (blocks AND state)
 * SIGTERM closes the node cleanly and exits 0.
 *
 * The node is wired like startSoloNode's, except that the App's commit first
 * announces SAVED and waits COMMIT_DELAY_MS (env, default 0): that widens the
 * crash window between saving a block and committing its state, so the
 * parent can kill the child inside it and exercise the replay at restart.
 */
import { join } from "node:path";
import { utf8 } from "@urbis/protocol";
import { type App, authModule, bankModule, UrbisApp } from "@urbis/state";
import { LmdbCommitStore } from "@urbis/store";
import { nativeEd25519Verifier } from "../../packages/node/src/crypto/ed25519.js";
import { SoloEngine } from "../../packages/node/src/solo/engine.js";
import { testAccounts, testGenesis, transferTx } from "./solo-chain.js";

/** Accounts sending transfers; the genesis funds them all. */
export const CRASH_ACCOUNTS = 6;
/** Transactions each account keeps in flight. */
const PIPELINE = 4;

const home = process.argv[2];
if (!home) {
  process.stderr.write("usage: solo-crash-child.ts <home>\n");
  process.exit(2);
}

const accounts = testAccounts(CRASH_ACCOUNTS, "crash");
const genesis = testGenesis({ accounts });

const commitDelayMs = Number(process.env.COMMIT_DELAY_MS ?? "0");
let store: LmdbCommitStore | undefined;
const node = new SoloEngine({
  home,
  genesis,
  blockIntervalMs: 25,
  verifierWorkers: 1,
  app: () => {
    store = new LmdbCommitStore(join(home, "state"));
    const real = new UrbisApp({ store, modules: [authModule(), bankModule()], verifier: nativeEd25519Verifier });
    let height = 0n;
    const app: App & { messageTypes(): string[]; queryPaths(): string[] } = {
      info: () => real.info(),
      initChain: (r) => real.initChain(r),
      checkTx: (r) => real.checkTx(r),
      prepareProposal: (r) => real.prepareProposal(r),
      processProposal: (r) => real.processProposal(r),
      finalizeBlock: (r) => {
        height = r.height;
        return real.finalizeBlock(r);
      },
      async commit() {
        // Replays at start also commit; announce only blocks this run produced.
        if (node.ready()) {
          process.stdout.write(`SAVED ${height}\n`);
          if (commitDelayMs > 0) await new Promise((r) => setTimeout(r, commitDelayMs));
        }
        return real.commit();
      },
      query: (r) => real.query(r),
      listSnapshots: () => real.listSnapshots(),
      offerSnapshot: (s, h) => real.offerSnapshot(s, h),
      loadSnapshotChunk: (h, f, c) => real.loadSnapshotChunk(h, f, c),
      applySnapshotChunk: (i, c, s) => real.applySnapshotChunk(i, c, s),
      messageTypes: () => real.messageTypes(),
      queryPaths: () => real.queryPaths(),
    };
    return app;
  },
  onClose: async () => {
    await store?.close();
  },
});
await node.start();
const st = node.status();
// Pipes are synchronous on Linux: once written, a line survives a kill -9 of this process.
process.stdout.write(`READY ${st.latestHeight} ${st.latestAppHash} ${node.replayedBlocks}\n`);
node.metrics.onBlock((b) => {
  process.stdout.write(`COMMITTED ${b.height} ${node.status().latestAppHash}\n`);
});

let stopping = false;
process.on("SIGTERM", () => {
  stopping = true;
  node.close().then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`close failed: ${e}\n`);
      process.exit(1);
    },
  );
});

/** The account's next sequence per committed state (the mempool did not survive the restart). */
function nextSequence(address: string): bigint {
  const r = node.query("/auth/account", utf8(JSON.stringify({ address })), 0n, false);
  if (r.code !== 0) return 0n; // nothing committed yet
  return BigInt((JSON.parse(new TextDecoder().decode(r.value)) as { sequence: string }).sequence);
}

async function sender(i: number): Promise<void> {
  const from = accounts[i];
  if (!from) return;
  let seq = nextSequence(from.address);
  while (!stopping) {
    const batch: Promise<{ code: number }>[] = [];
    for (let k = 0; k < PIPELINE; k++) {
      const to = accounts[(i + 1 + Math.floor(Math.random() * (CRASH_ACCOUNTS - 1))) % CRASH_ACCOUNTS];
      if (!to) continue;
      const tx = transferTx(from, seq + BigInt(k), to.address, BigInt(1 + Math.floor(Math.random() * 1000)));
      batch.push(node.submit(tx, k === PIPELINE - 1 ? "commit" : "check"));
    }
    const results = await Promise.all(batch).catch(() => undefined);
    if (stopping) return;
    if (!results || results.some((r) => r.code !== 0)) {
      // Out of step (e.g. an eviction): wait for the mempool to drain, then resync from state.
      await new Promise((r) => setTimeout(r, 100));
      seq = nextSequence(from.address);
    } else seq += BigInt(PIPELINE);
  }
}

await Promise.all(accounts.map((_, i) => sender(i)));
