/**
 * Child process of test/genesis.test.ts: runs InitChain of the test chain on
 * the LMDB state store in argv[2] (argv[4] accounts, batches of argv[5]
 * writes), then kills itself with SIGKILL: in the middle of the genesis
 * (argv[3] = "mid", after a few batches reached the store) or after InitChain
 * returned, before block 1 (argv[3] = "after", once it printed `INIT <appHash>`).
 */
import { toHex } from "@urbis/protocol";
import { authModule, bankModule, UrbisApp } from "@urbis/state";
import { LmdbCommitStore } from "@urbis/store";
import { testAccounts, testGenesis } from "./solo-chain.js";

const [dir, mode, accounts, batch] = process.argv.slice(2) as [string, "mid" | "after", string, string];
const store = new LmdbCommitStore(dir);
if (mode === "mid") {
  const begin = store.beginGenesis.bind(store);
  store.beginGenesis = () => {
    const w = begin();
    let batches = 0;
    return {
      ...w,
      write(writes) {
        w.write(writes);
        if (++batches === 3) process.kill(process.pid, "SIGKILL");
      },
    };
  };
}
const app = new UrbisApp({ store, modules: [authModule(), bankModule()], genesisBatchSize: Number(batch) });
const g = testGenesis({ accounts: testAccounts(Number(accounts), "genesis") });
const r = app.initChain({
  chainId: g.chainId,
  timeMs: BigInt(Date.parse(g.genesisTime)),
  initialHeight: 1n,
  appState: g.appState,
});
process.stdout.write(`INIT ${toHex(r.appHash)}\n`, () => process.kill(process.pid, "SIGKILL"));
