/**
 * The node under benchmark, in its own process so its memory can be read from
 * /proc. argv[2] is a JSON config: {home, sendersFile, extraAccounts, blockIntervalMs};
 * sendersFile holds a JSON array of the addresses to fund (the bench already derived them).
 * Prints "READY <url>" once serving; stops on SIGTERM.
 */
import { readFileSync } from "node:fs";
import { startNode } from "@urbis/node";
import { benchGenesis } from "./keys.js";

const cfg = JSON.parse(process.argv[2] as string) as {
  home: string;
  sendersFile: string;
  extraAccounts: number;
  blockIntervalMs: number;
};

const node = await startNode({
  dataDir: cfg.home,
  host: "127.0.0.1",
  port: 0,
  logs: false,
  blockIntervalMs: cfg.blockIntervalMs,
  rateLimitPerSecond: 1_000_000,
  genesis: benchGenesis(JSON.parse(readFileSync(cfg.sendersFile, "utf8")) as string[], cfg.extraAccounts),
  engine: {
    maxBlockTxs: 50_000,
    maxBlockBytes: 64 * 1024 * 1024,
    mempool: { maxTxs: 200_000, maxBytes: 256 * 1024 * 1024 },
  },
});
process.stdout.write(`READY ${node.url}\n`);
process.on("SIGTERM", () => {
  node.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
