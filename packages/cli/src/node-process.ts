/**
 * Running a node as its own `urbis start --json` process (what `urbis testnet`,
 * the network tests and the benchmark do), and finding free loopback ports for
 * a local network.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { NODE_RUNTIME_FLAGS } from "@urbis/node";
import { CliError, EXIT } from "./output.js";

/** The CLI launcher. */
const BIN = fileURLToPath(new URL("../bin/urbis.mjs", import.meta.url));

/** What `urbis start --json` prints once the node runs. */
export interface StartInfo {
  api: string;
  engine: "solo" | "cometbft";
  cometbftRpc?: string;
  cometbftPid?: number;
  pid: number;
}

/** A node process. `exited` resolves when it ends. */
export interface NodeChild {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Spawns `urbis start --home <home> --json`; its output is appended to
 * `<home>/urbis.log`. It runs with {@link NODE_RUNTIME_FLAGS}; `nodeArgs`
 * are more Node.js flags (e.g. --cpu-prof).
 */
export function spawnNode(home: string, nodeArgs: readonly string[] = []): NodeChild {
  const log = createWriteStream(join(home, "urbis.log"), { flags: "a" });
  const child = spawn(process.execPath, [...NODE_RUNTIME_FLAGS, ...nodeArgs, BIN, "start", "--home", home, "--json"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once("exit", (code, signal) => {
      log.end();
      r({ code, signal });
    }),
  );
  return { child, exited };
}

/**
 * Waits for a spawned node's start info (the indented JSON object `--json`
 * prints; request logs are one-line JSON and may share its chunk). Rejects if
 * the process ends first or after `timeoutMs`.
 */
export function startInfo(n: NodeChild, what: string, timeoutMs = 180_000): Promise<StartInfo> {
  return new Promise((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => {
      n.child.stdout?.off("data", onData);
      reject(new CliError(`${what} did not start within ${timeoutMs / 1000} s`, EXIT.failure));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      buf += d;
      const m = /^\{\n[\s\S]*?\n\}$/m.exec(buf);
      if (!m) return;
      clearTimeout(timer);
      n.child.stdout?.off("data", onData);
      resolve(JSON.parse(m[0]) as StartInfo);
    };
    n.child.stdout?.on("data", onData);
    void n.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new CliError(`${what} exited (code ${code}, signal ${signal}) before it started`, EXIT.failure));
    });
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/**
 * Lowest port the kernel hands out as the local end of outgoing connections
 * (Linux's ip_local_port_range; 32768 where it cannot be read).
 */
export function ephemeralPortsStart(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 1024 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/**
 * A base port whose `count` nodes' ports (base+10i, +1, +2, as `urbis testnet` lays them out) are all free.
 * The range lies below the ephemeral ports: a port found free there can be taken, before the node
 * binds it, by the local end of any outgoing connection (CometBFT's peer dials, its ABCI socket).
 */
export async function freeBasePort(count: number): Promise<number> {
  const low = 10_000;
  const slots = Math.max(1, Math.floor((ephemeralPortsStart() - low - 10 * count) / 10));
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = low + 10 * Math.floor(Math.random() * slots);
    let ok = true;
    for (let i = 0; i < count && ok; i++) {
      for (const d of [0, 1, 2]) if (!(await portFree(base + 10 * i + d))) ok = false;
    }
    if (ok) return base;
  }
  throw new CliError(`no free range of ports for ${count} nodes`, EXIT.failure);
}
