#!/usr/bin/env node
/** The `urbis` command line. */
import { Command, CommanderError, Option } from "commander";
import { registerDid } from "./commands/did.js";
import { registerGov } from "./commands/gov.js";
import { registerHealth } from "./commands/health.js";
import { registerInit } from "./commands/init-command.js";
import { registerKeys } from "./commands/keys.js";
import { registerOrg } from "./commands/org.js";
import { registerQuery } from "./commands/query.js";
import { registerStart } from "./commands/start.js";
import { registerStatus } from "./commands/status.js";
import { registerTestnet } from "./commands/testnet.js";
import { registerTx } from "./commands/tx.js";
import { EXIT, reportError } from "./output.js";

const program = new Command()
  .name("urbis")
  .description("Urbis: a permissioned blockchain run together by a city's agencies and partners")
  .version("0.1.0")
  .addOption(new Option("--home <dir>", "node home folder (config, genesis, keys, data)").env("URBIS_HOME"))
  .addOption(new Option("--node <url>", "API URL of the node to talk to").env("URBIS_NODE"))
  .option("--json", "machine-readable JSON output", false)
  .showHelpAfterError()
  .exitOverride();

registerInit(program);
registerStart(program);
registerKeys(program);
const tx = registerTx(program);
const query = registerQuery(program);
registerOrg(program, tx, query);
registerGov(program, tx, query);
registerDid(program, tx, query);
registerHealth(program, tx, query);
registerStatus(program);
registerTestnet(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    process.exitCode = reportError(e, Boolean(program.opts().json));
  }
}
