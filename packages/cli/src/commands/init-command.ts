/** Registers `urbis init`. */
import type { Command } from "commander";
import { defaultHome } from "../home.js";
import { CliError, EXIT, print } from "../output.js";
import { init } from "./init.js";

/** Registers `urbis init`. */
export function registerInit(program: Command): void {
  program
    .command("init")
    .description("create a node home: config, genesis with the city currency, and keys")
    .option("--chain-id <id>", "chain id")
    .option(
      "--demo",
      "the demo city: eight founding organizations and well-known keys (passphrase 'demo') for the treasury, each organization's admin, alice and bob",
    )
    .option("--host <host>", "API listen address", "127.0.0.1")
    .option("--port <port>", "API port", (v) => Number.parseInt(v, 10), 8680)
    .option("--block-interval <ms>", "milliseconds between blocks", (v) => Number.parseInt(v, 10), 1000)
    .option("--supply <amount>", "initial city currency supply in base units, held by the treasury")
    .option("--denom <denom>", "base denom of the city currency", "ucity")
    .option("--currency-name <name>", "name of the city currency")
    .option("--symbol <symbol>", "symbol of the city currency")
    .option("--decimals <n>", "decimals of the city currency", (v) => Number.parseInt(v, 10))
    .option("--passphrase-file <file>", "file holding the passphrase for new keys")
    .option("--force", "overwrite an existing genesis")
    .option(
      "--engine <engine>",
      "consensus engine: solo (embedded) or cometbft (this node is the single validator)",
      "solo",
    )
    .option("--rpc-port <port>", "CometBFT RPC port (engine cometbft)", (v) => Number.parseInt(v, 10))
    .option("--p2p-port <port>", "CometBFT p2p port (engine cometbft)", (v) => Number.parseInt(v, 10))
    .option("--voting-period <seconds>", "governance voting period in seconds (default 3 days)", (v) => Number(v))
    .option("--deposit-period <seconds>", "governance deposit period in seconds (default 2 days)", (v) => Number(v))
    .option(
      "--min-approving-sectors <n>",
      "distinct sectors whose organizations must approve a proposal (default 3, fewer if fewer founding sectors)",
      (v) => Number(v),
    )
    .action(async (o) => {
      const g = program.opts();
      if (o.engine !== "solo" && o.engine !== "cometbft") {
        throw new CliError(`--engine must be solo or cometbft, not ${o.engine}`, EXIT.usage);
      }
      const r = await init({ ...o, home: g.home ?? defaultHome() });
      print(r, g.json);
    });
}
