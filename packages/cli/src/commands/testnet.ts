/** `urbis testnet`: create (or reopen) a local multi-validator CometBFT network and run it. */
import type { ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { spawnNode } from "../node-process.js";
import { print } from "../output.js";
import { createNetwork, type Network, type NetworkNode, readNetwork } from "../testnet.js";
import { governanceOverrides } from "./init.js";

interface Running {
  node: NetworkNode;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** Starts `urbis start --home <node home>` for one node; its output goes to `<home>/urbis.log`. */
function startNetworkNode(node: NetworkNode): Running {
  const n = spawnNode(node.home);
  return { node, child: n.child, exited: n.exited.then((e) => e.code) };
}

interface NodeStatusJson {
  latestHeight: string;
  latestAppHash: string;
  catchingUp: boolean;
}

async function statusOf(node: NetworkNode): Promise<NodeStatusJson | undefined> {
  try {
    const r = await fetch(`http://127.0.0.1:${node.apiPort}/v1/status`, { signal: AbortSignal.timeout(1500) });
    return r.ok ? ((await r.json()) as NodeStatusJson) : undefined;
  } catch {
    return undefined;
  }
}

function table(net: Network, statuses: (NodeStatusJson | undefined)[]): string {
  const rows = net.nodes.map((n, i) => {
    const s = statuses[i];
    const state = s
      ? `height ${s.latestHeight.padStart(6)}  app ${s.latestAppHash.slice(0, 12)}${s.catchingUp ? "  catching up" : ""}`
      : "starting…";
    return `  ${n.name.padEnd(18)} api :${n.apiPort}  rpc :${n.rpcPort}  ${state}`;
  });
  return `${net.chainId} — ${net.nodes.length} nodes (${net.dir})\n${rows.join("\n")}\n`;
}

/** Registers `urbis testnet`. */
export function registerTestnet(program: Command): void {
  program
    .command("testnet")
    .description(
      "create (or reopen) a local network of validators, one CometBFT and one Urbis process each, and run it",
    )
    .option("--validators <n>", "number of validators (new networks)", (v) => Number.parseInt(v, 10), 4)
    .option("--dir <dir>", "network folder", ".urbis/testnet")
    .option(
      "--base-port <port>",
      "first port; node i uses base+10i (p2p), +1 (RPC), +2 (API)",
      (v) => Number.parseInt(v, 10),
      26600,
    )
    .option("--timeout-commit <ms>", "CometBFT timeout_commit (new networks)", (v) => Number.parseInt(v, 10), 1000)
    .option("--voting-period <seconds>", "governance voting period in seconds (new networks; default 3 days)", (v) =>
      Number(v),
    )
    .option("--deposit-period <seconds>", "governance deposit period in seconds (new networks; default 2 days)", (v) =>
      Number(v),
    )
    .option("--no-start", "only create the network folder")
    .action(async (o) => {
      const json = Boolean(program.opts().json);
      const dir = resolve(o.dir);
      let net = readNetwork(dir);
      const created = !net;
      if (!net) {
        process.stderr.write(`creating a ${o.validators}-validator network in ${dir} …\n`);
        net = await createNetwork({
          dir,
          validators: o.validators,
          basePort: o.basePort,
          timeoutCommitMs: o.timeoutCommit,
          governance: governanceOverrides(o),
        });
      }
      if (!o.start) {
        print({ created, ...net }, json);
        return;
      }
      const running = net.nodes.map(startNetworkNode);
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        process.stderr.write("stopping the network …\n");
        for (const r of running) r.child.kill("SIGTERM");
        await Promise.all(running.map((r) => r.exited));
      };
      for (const r of running) {
        void r.exited.then((code) => {
          if (!stopping)
            process.stderr.write(`${r.node.name} exited with code ${code}; see ${join(r.node.home, "urbis.log")}\n`);
        });
      }
      const finished = new Promise<void>((done) => {
        const onSignal = () => {
          process.off("SIGINT", onSignal);
          process.off("SIGTERM", onSignal);
          void stop().then(done);
        };
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
      });
      let announced = false;
      const timer = setInterval(async () => {
        const statuses = await Promise.all((net as Network).nodes.map(statusOf));
        const up = statuses.every((s) => s !== undefined);
        if (json) {
          if (up && !announced) {
            announced = true;
            print({ created, ...net, running: true }, true);
          }
        } else if (process.stdout.isTTY) {
          process.stdout.write(`\x1b[2J\x1b[H${table(net as Network, statuses)}\nPress Ctrl-C to stop.\n`);
        } else if (up && !announced) {
          announced = true;
          process.stdout.write(`${table(net as Network, statuses)}\nPress Ctrl-C to stop.\n`);
        }
      }, 2000);
      await finished;
      clearInterval(timer);
    });
}
