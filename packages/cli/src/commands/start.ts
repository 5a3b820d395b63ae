/** `urbis start`: run a node from a home folder. */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type GenesisDoc, type StartNodeOptions, startNode } from "@urbis/node";
import type { Command } from "commander";
import { defaultHome, homePaths, type NodeConfig, readConfig } from "../home.js";
import { CliError, EXIT, print } from "../output.js";
import { withProgress } from "../progress.js";
import { init } from "./init.js";

/** Registers `urbis start`. */
export function registerStart(program: Command): void {
  program
    .command("start")
    .description("run a node (the embedded solo engine, or the app behind CometBFT) and its REST API")
    .option(
      "--demo",
      "use (and create on first run) the demo city in ./.urbis/demo (./.urbis/demo-cometbft with --engine cometbft)",
    )
    .option("--engine <engine>", "consensus engine: solo or cometbft (overrides config)")
    .option("--host <host>", "API listen address (overrides config)")
    .option("--port <port>", "API port (overrides config; 0 = any free port)", (v) => Number.parseInt(v, 10))
    .option("--block-interval <ms>", "milliseconds between blocks (overrides config)", (v) => Number.parseInt(v, 10))
    .action(async (o) => {
      const g = program.opts();
      if (o.engine !== undefined && o.engine !== "solo" && o.engine !== "cometbft") {
        throw new CliError(`--engine must be solo or cometbft, not ${o.engine}`, EXIT.usage);
      }
      const demoDir = o.engine === "cometbft" ? ".urbis/demo-cometbft" : ".urbis/demo";
      const home = o.demo && !g.home ? resolve(demoDir) : (g.home ?? defaultHome());
      if (o.demo && !existsSync(homePaths(home).genesis)) {
        process.stderr.write(`creating the demo city in ${home} …\n`);
        await init({ home, demo: true, engine: o.engine ?? "solo" });
      }
      const config = readConfig(home);
      const engine = o.engine ?? config.engine ?? "solo";
      const genesis = JSON.parse(readFileSync(homePaths(home).genesis, "utf8")) as GenesisDoc;
      const node = await withProgress(
        "opening the node (replaying any unapplied block)",
        Boolean(g.json),
        startNode({
          dataDir: homePaths(home).data,
          genesis,
          host: o.host ?? config.api.host,
          port: o.port ?? config.api.port,
          blockIntervalMs: o.blockInterval ?? config.blockIntervalMs,
          keepRecent: config.keepRecent,
          ...(engine === "cometbft" ? { cometbft: cometOptions(home, config) } : {}),
        }),
      );
      const info = {
        chainId: genesis.chainId,
        home,
        engine: node.engine,
        api: node.url,
        docs: `${node.url}/docs`,
        ...(node.rpcUrl ? { cometbftRpc: node.rpcUrl } : {}),
        ...(node.cometPid !== undefined ? { cometbftPid: node.cometPid } : {}),
        height: node.height(),
        pid: process.pid,
      };
      if (g.json) print(info, true);
      else {
        process.stdout.write(
          `Urbis node running: chain ${info.chainId}, height ${info.height}\n` +
            `Engine ${info.engine}${node.rpcUrl ? ` (CometBFT RPC ${node.rpcUrl})` : ""}\n` +
            `API  ${info.api}\nDocs ${info.docs}\nHome ${home}\nPress Ctrl-C to stop.\n`,
        );
      }
      await new Promise<void>((done) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          process.stderr.write("stopping …\n");
          node.close().then(done, (e) => {
            process.stderr.write(`error while stopping: ${e}\n`);
            process.exitCode = 1;
            done();
          });
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
    });
}

/** The CometBFT options of a home whose config selects (or is asked for) that engine. */
function cometOptions(home: string, config: NodeConfig): NonNullable<StartNodeOptions["cometbft"]> {
  const c = config.cometbft;
  if (!c) {
    throw new CliError(
      `${home} has no CometBFT settings: create it with 'urbis init --engine cometbft' or 'urbis testnet'`,
      EXIT.usage,
    );
  }
  return {
    cometHome: homePaths(home).cometbft,
    snapshotInterval: c.snapshotInterval ?? 0,
    ...(c.snapshotKeep !== undefined ? { snapshotKeep: c.snapshotKeep } : {}),
    comet: {
      moniker: c.moniker,
      rpcPort: c.rpcPort,
      p2pPort: c.p2pPort,
      persistentPeers: c.persistentPeers,
      timeoutCommitMs: c.timeoutCommitMs,
      ...(c.stateSync
        ? {
            stateSync: {
              rpcServers: c.stateSync.rpcServers,
              trustHeight: BigInt(c.stateSync.trustHeight),
              trustHash: c.stateSync.trustHash,
            },
          }
        : {}),
    },
  };
}
