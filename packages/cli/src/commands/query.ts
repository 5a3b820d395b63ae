/** `urbis query`: read state, blocks and transactions; proofs are verified locally. */
import type { Command } from "commander";
import { connect } from "../client.js";
import { defaultHome } from "../home.js";
import { CliError, EXIT, print } from "../output.js";
import { resolveAddress } from "./tx.js";

/** Registers `urbis query` and returns it, so other command files can add their module's queries. */
export function registerQuery(program: Command): Command {
  const q = program.command("query").alias("q").description("query the chain");
  const g = () => program.opts();
  const home = () => g().home ?? defaultHome();
  const client = () => connect(g().node, home());

  q.command("account <addressOrKey>")
    .description("sequence and balances of an account")
    .action(async (a: string) => print(await client().account(resolveAddress(home(), a)), g().json));

  q.command("balance <addressOrKey> <denom>")
    .description("one balance of an account")
    .action(async (a: string, denom: string) =>
      print(await client().moduleQuery("bank", "balance", { address: resolveAddress(home(), a), denom }), g().json),
    );

  q.command("supply <denom>")
    .description("total supply of a denom")
    .action(async (denom: string) => print(await client().moduleQuery("bank", "supply", { denom }), g().json));

  q.command("assets")
    .description("every asset with its issuer and supply")
    .action(async () => print(await client().moduleQuery("bank", "assets", {}), g().json));

  q.command("validators")
    .description(
      "the validator set as the app holds it, with total power; CometBFT signs with a change made in block H " +
        "from block H+2 (each validator's effectiveHeight)",
    )
    .action(async () => print(await client().moduleQuery("validator", "validators", {}), g().json));

  q.command("module <path> [params...]")
    .description("any module query, e.g. 'urbis query module bank/balance address=urbis1… denom=ucity'")
    .action(async (path: string, params: string[]) => {
      const [mod, name] = path.split("/");
      if (!mod || !name) throw new CliError("path must look like <module>/<query>", EXIT.usage);
      const p: Record<string, string> = {};
      for (const kv of params) {
        const i = kv.indexOf("=");
        if (i < 1) throw new CliError(`parameter ${kv} must look like key=value`, EXIT.usage);
        p[kv.slice(0, i)] = kv.slice(i + 1);
      }
      print(await client().moduleQuery(mod, name, p), g().json);
    });

  q.command("block [height]")
    .description("a block (the latest without a height)")
    .action(async (h?: string) => print(await client().block(h), g().json));

  q.command("tx <hash>")
    .description("a committed transaction with its result and events")
    .action(async (hash: string) => print(await client().tx(hash), g().json));

  q.command("state <keyHex>")
    .description("a raw state value with its Merkle proof, verified here against the app hash")
    .option("--height <h>", "height (default: latest)")
    .action(async (keyHex: string, o) => print(await client().verifiedState(keyHex, o.height), g().json));
  return q;
}
