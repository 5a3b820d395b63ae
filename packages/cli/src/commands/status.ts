/** `urbis status`. */
import type { Command } from "commander";
import { connect } from "../client.js";
import { defaultHome } from "../home.js";
import { print } from "../output.js";

/** Registers `urbis status`. */
export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("the node's chain, height, app hash and mempool")
    .action(async () => {
      const g = program.opts();
      print(await connect(g.node, g.home ?? defaultHome()).status(), g.json);
    });
}
