/**
 * A real local CometBFT network for tests: `createNetwork` from the CLI, then
 * one `urbis start` process per node (each with its own CometBFT child), on
 * loopback ports. Nodes can be killed with SIGKILL (both processes) and
 * restarted.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findCometbft } from "@urbis/node";
import { sendMsg } from "@urbis/protocol";
import { buildTx, type KeyPair, UrbisClient } from "@urbis/sdk";
import { demoKey } from "../../packages/cli/src/demo.js";
import type { GovernanceSpec } from "../../packages/cli/src/genesis.js";
import { freeBasePort, spawnNode, startInfo } from "../../packages/cli/src/node-process.js";
import { addNode, createNetwork, type Network, type NetworkNode, readNetwork } from "../../packages/cli/src/testnet.js";

const _BIN = new URL("../../packages/cli/bin/urbis.mjs", import.meta.url).pathname;

/** Resolves when `cond` returns a truthy value; rejects after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  cond: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ""}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One running node process. */
export interface NodeProc {
  node: NetworkNode;
  child: ChildProcess;
  cometPid: number;
  client: UrbisClient;
  exited: Promise<number | null>;
}

/** Starts `urbis start` for a node and waits for its API. */
export async function startNodeProc(node: NetworkNode): Promise<NodeProc> {
  const n = spawnNode(node.home);
  const exited = n.exited.then((e) => e.code);
  const info = await startInfo(n, node.name, 120_000).catch((e: unknown) => {
    n.child.kill("SIGKILL");
    throw new Error(`${(e as Error).message}; see ${node.home}/urbis.log`);
  });
  return {
    node,
    child: n.child,
    cometPid: info.cometbftPid as number,
    client: new UrbisClient({ baseUrl: info.api }),
    exited,
  };
}

/** A test network. */
export class TestNetwork {
  readonly procs = new Map<string, NodeProc>();

  private constructor(readonly net: Network) {}

  /**
   * Creates and starts a network of `validators` validators; `governance`
   * overrides the genesis governance parameters (e.g. a voting period of seconds).
   */
  static async start(
    validators: number,
    o: { timeoutCommitMs?: number; snapshotInterval?: number; governance?: GovernanceSpec } = {},
  ) {
    if (!findCometbft())
      throw new Error("cometbft is not installed: run `node --import tsx scripts/ensure-cometbft.ts`");
    const dir = mkdtempSync(join(tmpdir(), "urbis-net-"));
    const net = await createNetwork({
      dir,
      validators,
      basePort: await freeBasePort(validators + 2),
      timeoutCommitMs: o.timeoutCommitMs ?? 300,
      snapshotInterval: o.snapshotInterval ?? 20,
      snapshotKeep: 5,
      ...(o.governance ? { governance: o.governance } : {}),
    });
    const t = new TestNetwork(net);
    const started = await Promise.allSettled(net.nodes.map((n) => t.startNode(n.name)));
    const failed = started.find((s) => s.status === "rejected");
    if (failed) {
      // The caller never gets `t` to stop: stop the nodes that did start, or they keep the test process alive.
      await t.stop();
      throw failed.reason;
    }
    return t;
  }

  node(name: string): NetworkNode {
    const n = (readNetwork(this.net.dir) as Network).nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  get names(): string[] {
    return (readNetwork(this.net.dir) as Network).nodes.map((n) => n.name);
  }

  proc(name: string): NodeProc {
    const p = this.procs.get(name);
    if (!p) throw new Error(`${name} is not running`);
    return p;
  }

  async startNode(name: string): Promise<NodeProc> {
    const p = await startNodeProc(this.node(name));
    this.procs.set(name, p);
    return p;
  }

  /** SIGKILLs a node's Urbis process and its CometBFT process. */
  async kill9(name: string): Promise<void> {
    const p = this.proc(name);
    this.procs.delete(name);
    try {
      process.kill(p.cometPid, "SIGKILL");
    } catch {
      // already gone
    }
    p.child.kill("SIGKILL");
    await p.exited;
  }

  /** Adds a full node (optionally joining by state sync) and starts it. */
  async addNode(o: { stateSync?: { trustHeight: bigint; trustHash: string } } = {}): Promise<NodeProc> {
    const n = await addNode(this.net.dir, { ...o, timeoutCommitMs: 300 });
    return this.startNode(n.name);
  }

  /** CometBFT JSON-RPC of a node. */
  async rpc<T>(name: string, method: string, params: Record<string, unknown> = {}): Promise<T> {
    const n = this.node(name);
    const r = await fetch(`http://127.0.0.1:${n.rpcPort}`, {
      method: "POST",
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      signal: AbortSignal.timeout(5000),
    });
    const j = (await r.json()) as { result?: T; error?: unknown };
    if (j.error) throw new Error(`${method}: ${JSON.stringify(j.error)}`);
    return j.result as T;
  }

  async height(name: string): Promise<bigint> {
    return BigInt((await this.proc(name).client.status()).latestHeight);
  }

  async stop(): Promise<void> {
    for (const [name, p] of this.procs) {
      p.child.kill("SIGTERM");
      const t = setTimeout(() => {
        p.child.kill("SIGKILL");
        try {
          process.kill(p.cometPid, "SIGKILL");
        } catch {
          // gone
        }
      }, 15_000);
      await p.exited;
      clearTimeout(t);
      this.procs.delete(name);
    }
  }
}

/** Signs transfers from demo accounts with locally tracked sequences (fresh chains start at 0). */
export class Wallets {
  private readonly seq = new Map<string, bigint>();

  constructor(readonly chainId: string) {}

  key(name: string): KeyPair {
    return demoKey(name);
  }

  next(name: string): bigint {
    const s = this.seq.get(name) ?? 0n;
    this.seq.set(name, s + 1n);
    return s;
  }

  transfer(from: string, to: string, amount: bigint): { bytes: Uint8Array; hash: string } {
    const k = demoKey(from);
    return buildTx(k, {
      chainId: this.chainId,
      sequence: this.next(from),
      messages: [sendMsg.wrap({ to: demoKey(to).address, denom: "ucity", amount })],
    });
  }
}
