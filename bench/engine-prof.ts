import { startSoloNode } from "@urbis/node";
import { benchAccount, signedTransfer } from "./keys.js";

const N = 5000;
const accts = Array.from({ length: N }, (_, i) => benchAccount(i));
const treasury = accts[0]!.address;
const node = await startSoloNode({
  home: `/tmp/eprof-${Date.now()}`,
  blockIntervalMs: 1000,
  maxBlockTxs: 50000,
  mempool: { maxTxs: 100000, maxBytes: 1 << 28 },
  genesis: {
    chainId: "urbis-bench",
    genesisTime: new Date().toISOString(),
    initialHeight: "1",
    appState: {
      auth: { params: { maxTxsPerWindow: "100000", windowBlocks: "1" } },
      bank: {
        params: { assetCreators: [treasury] },
        assets: [{ denom: "ucity", name: "Urbis City Credit", symbol: "UCC", decimals: 6, issuer: treasury }],
        balances: accts.map((a) => ({ address: a.address, coins: [{ denom: "ucity", amount: "1000000000" }] })),
      },
    },
  },
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
await new Promise((r) => setTimeout(r, 4000));
console.log("committed all in", (performance.now() - t0).toFixed(0), "ms");
await node.close();
