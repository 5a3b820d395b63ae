/**
 * In-process engine benchmark (no HTTP): submits pre-signed transfers straight
 * to a solo engine and prints check throughput and per-block commit times.
 * Useful with --cpu-prof to see where the state machine spends its time:
 * `node --cpu-prof --import tsx bench/engine-prof.ts`.
 */
import { startSoloNode } from "@urbis/node";
import { benchAccount, benchGenesis, signedTransfer } from "./keys.js";

const N = 5000;
const accts = Array.from({ length: N }, (_, i) => benchAccount(i));
const node = await startSoloNode({
  home: `/tmp/eprof-${Date.now()}`,
  blockIntervalMs: 1000,
  maxBlockTxs: 50000,
  mempool: { maxTxs: 100000, maxBytes: 1 << 28 },
  genesis: benchGenesis(
    accts.map((a) => a.address),
    0,
  ),
});
const txs: Uint8Array[] = [];
for (let s = 0; s < 2; s++)
  for (let i = 0; i < N; i++)
    txs.push(signedTransfer("urbis-bench", accts[i]!, accts[(i + 1) % N]!.address, BigInt(s)));
node.metrics.onBlock((b) => console.log("block", b.height, "txs", b.txs, "commitMs", b.commitMs.toFixed(0)));
const t0 = performance.now();
const rs = await Promise.all(txs.map((t) => node.submit(t, "check")));
const t1 = performance.now();
console.log(
  "checked",
  rs.filter((r) => r.code === 0).length,
  "in",
  (t1 - t0).toFixed(0),
  "ms =",
  Math.round(txs.length / ((t1 - t0) / 1000)),
  "tx/s",
);
await Promise.all(txs.map((t) => node.submit(t, "commit")));
console.log("committed all in", (performance.now() - t0).toFixed(0), "ms");
await node.close();
