/**
 * The node under benchmark, in its own process so its memory can be read from
 * /proc. argv[2] is a JSON config: {home, senders, extraAccounts, blockIntervalMs}.
 * Prints "READY <url>" once serving; stops on SIGTERM.
 */
import { startNode } from "@urbis/node";
import { encodeAddress, sha256, utf8 } from "@urbis/protocol";
import { benchAccount } from "./keys.js";

const cfg = JSON.parse(process.argv[2] as string) as {
  home: string;
  senders: number;
  extraAccounts: number;
  blockIntervalMs: number;
};

const balances: { address: string; coins: { denom: string; amount: string }[] }[] = [];
for (let i = 0; i < cfg.senders; i++) {
  balances.push({ address: benchAccount(i).address, coins: [{ denom: "ucity", amount: "1000000000" }] });
}
// Funded accounts without keys: they only make the state as large as a real city's.
let seed = sha256(utf8("urbis-bench/extra"));
for (let i = 0; i < cfg.extraAccounts; i++) {
  seed = sha256(seed);
  balances.push({ address: encodeAddress(seed.subarray(0, 20)), coins: [{ denom: "ucity", amount: "1" }] });
}
const treasury = benchAccount(0).address;
const node = await startNode({
  dataDir: cfg.home,
  host: "127.0.0.1",
  port: 0,
  logs: false,
  blockIntervalMs: cfg.blockIntervalMs,
  rateLimitPerSecond: 1_000_000,
  genesis: {
    chainId: "urbis-bench",
    genesisTime: new Date().toISOString(),
    initialHeight: "1",
    appState: {
      auth: { params: { maxTxsPerWindow: "100000", windowBlocks: "1" } },
      bank: {
        params: { assetCreators: [treasury] },
        assets: [{ denom: "ucity", name: "Urbis City Credit", symbol: "UCC", decimals: 6, issuer: treasury }],
        balances,
      },
    },
  },
  engine: {
    maxBlockTxs: 50_000,
    maxBlockBytes: 64 * 1024 * 1024,
    mempool: { maxTxs: 200_000, maxBytes: 256 * 1024 * 1024 },
  },
});
balances.length = 0;
process.stdout.write(`READY ${node.url}\n`);
process.on("SIGTERM", () => {
  node.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
