/** `urbis start`: run a node from a home folder. */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type GenesisDoc, startNode } from "@urbis/node";
import type { Command } from "commander";
import { defaultHome, homePaths, readConfig } from "../home.js";
import { print } from "../output.js";
import { withProgress } from "../progress.js";
import { init } from "./init.js";

/** Registers `urbis start`. */
export function registerStart(program: Command): void {
  program
    .command("start")
    .description("run a node (the embedded solo engine) and its REST API")
    .option("--demo", "use (and create on first run) the demo city in ./.urbis/demo")
    .option("--host <host>", "API listen address (overrides config)")
    .option("--port <port>", "API port (overrides config; 0 = any free port)", (v) => Number.parseInt(v, 10))
    .option("--block-interval <ms>", "milliseconds between blocks (overrides config)", (v) => Number.parseInt(v, 10))
    .action(async (o) => {
      const g = program.opts();
      const home = o.demo && !g.home ? resolve(".urbis/demo") : (g.home ?? defaultHome());
      if (o.demo && !existsSync(homePaths(home).genesis)) {
        process.stderr.write(`creating the demo city in ${home} …\n`);
        await init({ home, demo: true });
      }
      const config = readConfig(home);
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
        }),
      );
      const info = { chainId: genesis.chainId, home, api: node.url, docs: `${node.url}/docs`, height: node.height() };
      if (g.json) print(info, true);
      else {
        process.stdout.write(
          `Urbis node running: chain ${info.chainId}, height ${info.height}\n` +
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
