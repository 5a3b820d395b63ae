/**
 * A demo city node started the way a user starts one — `urbis init --demo`
 * into a fresh home, then `urbis start` as a child process — for the CLI
 * tests that drive the real `urbis` binary against it.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeBasePort } from "../../packages/cli/src/node-process.js";

/** The CLI's entry point, run with tsx. */
export const CLI_MAIN = new URL("../../packages/cli/src/main.ts", import.meta.url).pathname;

/**
 * A TCP port free on 127.0.0.1 at the time of the call, below the ephemeral range
 * (see freeBasePort); the next two ports are free too.
 */
export function freePort(): Promise<number> {
  return freeBasePort(1);
}

/** A running demo node and its home. */
export interface CliDemoNode {
  home: string;
  node: ChildProcess;
  /** The environment the CLI runs with: this home and the demo passphrase. */
  env(): NodeJS.ProcessEnv;
}

/** Makes a demo home (`urbis init --demo`, blocks every 100 ms) and starts its node; resolves once the API listens. */
export async function startCliDemoNode(prefix: string): Promise<CliDemoNode> {
  const home = mkdtempSync(join(tmpdir(), prefix));
  const env = () => ({ ...process.env, URBIS_HOME: home, URBIS_PASSPHRASE: "demo" });
  const init = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      CLI_MAIN,
      "init",
      "--demo",
      "--port",
      String(await freePort()),
      "--block-interval",
      "100",
      "--json",
    ],
    { env: env(), encoding: "utf8" },
  );
  if (init.status !== 0) throw new Error(`urbis init failed: ${init.stderr}`);
  const node = spawn(process.execPath, ["--import", "tsx", CLI_MAIN, "start", "--json"], {
    env: env(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    let buf = "";
    node.stdout?.on("data", (d) => {
      buf += d;
      if (/"api":\s*"http/.test(buf)) resolve();
    });
    node.once("exit", (c) => reject(new Error(`node exited ${c}`)));
  });
  return { home, node, env };
}

/** Stops the node (SIGTERM, waiting for it to exit) and deletes its home. */
export async function stopCliDemoNode(n: CliDemoNode | undefined): Promise<void> {
  if (!n) return;
  if (n.node.exitCode === null) {
    const exited = new Promise((r) => n.node.once("exit", r));
    n.node.kill("SIGTERM");
    await exited;
  }
  rmSync(n.home, { recursive: true, force: true });
}
