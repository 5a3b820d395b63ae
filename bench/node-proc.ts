/**
 * The solo node under benchmark as a child process (bench/node-process.ts),
 * shared by run.ts and mem.ts so both measure the same node: same Node flags,
 * same genesis, same /proc readings.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { NODE_RUNTIME_FLAGS } from "@urbis/node";

/**
 * Node flags of the node process: the ones every node runs with, then
 * URBIS_BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p").
 */
export const NODE_ARGS: readonly string[] = [
  ...NODE_RUNTIME_FLAGS,
  ...(process.env.URBIS_BENCH_NODE_ARGS ?? "").split(" ").filter((a) => a !== ""),
];

/** A running bench node. */
export interface NodeProc {
  url: string;
  child: ChildProcess;
  home: string;
  stop(): Promise<void>;
  /**
   * Kills the node with SIGKILL and starts it again on the same home (it resumes
   * from its store; `url` and `child` are then the new process's).
   */
  restart(): Promise<void>;
}

/** Hooks of {@link spawnNode}. */
export interface SpawnHooks {
  /** Called with the process as soon as it exists (e.g. to sample its memory during genesis). */
  onSpawn?: (child: ChildProcess) => void;
  /** Sees the node's stdout lines other than READY. */
  onLine?: (line: string) => void;
}

/**
 * Starts a node whose genesis funds `senders` plus `extraAccounts` keyless
 * accounts; resolves once it serves.
 */
export async function spawnNode(
  senders: readonly string[],
  extraAccounts: number,
  hooks: SpawnHooks = {},
): Promise<NodeProc> {
  const home = mkdtempSync(join(tmpdir(), "urbis-bench-"));
  const sendersFile = join(home, "senders.json");
  writeFileSync(sendersFile, JSON.stringify(senders));
  const cfg = JSON.stringify({ home: join(home, "node"), sendersFile, extraAccounts, blockIntervalMs: 1000 });
  const launch = async () => {
    const child = spawn(
      process.execPath,
      [...NODE_ARGS, "--import", "tsx", new URL("./node-process.ts", import.meta.url).pathname, cfg],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    hooks.onSpawn?.(child);
    const url = await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      rl.on("line", (l) => {
        if (l.startsWith("READY ")) resolve(l.slice(6).trim());
        else hooks.onLine?.(l);
      });
      child.once("exit", (c) => reject(new Error(`bench node exited with ${c} before it was ready`)));
    });
    return { child, url };
  };
  const first = await launch();
  const node: NodeProc = {
    ...first,
    home,
    async stop() {
      const done = new Promise((r) => node.child.once("exit", r));
      node.child.kill("SIGTERM");
      await done;
      rmSync(home, { recursive: true, force: true });
    },
    async restart() {
      const done = new Promise((r) => node.child.once("exit", r));
      node.child.kill("SIGKILL");
      await done;
      Object.assign(node, await launch());
    },
  };
  return node;
}

/** Resident memory of a process, in MiB. */
export interface ProcMemory {
  rssMiB: number;
  /** Peak resident size so far (VmHWM). */
  peakMiB: number;
  /** Anonymous pages: JS heap, native allocations. */
  anonMiB: number;
  /** File pages: LMDB's memory maps, which the kernel can drop and read back. */
  fileMiB: number;
}

/** Resident memory of process `pid` now (from /proc/<pid>/status). */
export function memoryOf(pid: number): ProcMemory {
  const s = readFileSync(`/proc/${pid}/status`, "utf8");
  const mib = (k: string) => Math.round(Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0) / 1024);
  return { rssMiB: mib("VmRSS"), peakMiB: mib("VmHWM"), anonMiB: mib("RssAnon"), fileMiB: mib("RssFile") };
}
