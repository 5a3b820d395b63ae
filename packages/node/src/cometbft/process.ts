/**
 * The CometBFT child process of a node: started with the node's CometBFT
 * home, its output appended to `<home>/cometbft.log`, stopped with SIGTERM
 * (then SIGKILL). An unexpected exit is reported, so the node can stop loudly
 * instead of serving a dead chain.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { NodeErrors } from "../errors.js";
import { cometPaths } from "./config.js";
import { CometRpc } from "./rpc.js";

/** Options of {@link CometProcess.start}. */
export interface CometProcessOptions {
  binary: string;
  home: string;
  /** RPC URL of this node, e.g. http://127.0.0.1:26657. */
  rpcUrl: string;
  /** Called once if the process exits while it should be running. */
  onExit: (code: number | null, signal: NodeJS.Signals | null) => void;
  /** How long to wait for the RPC to answer. Default 60 s. */
  startTimeoutMs?: number;
}

/** A running CometBFT process. */
export class CometProcess {
  private stopping = false;
  private exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly log: WriteStream,
    onExit: CometProcessOptions["onExit"],
  ) {
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.log.end();
        if (!this.stopping) onExit(code, signal);
        resolve();
      });
    });
  }

  /** Process id (for fault tests). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Spawns `cometbft node` and waits until its RPC answers. */
  static async start(o: CometProcessOptions): Promise<CometProcess> {
    const log = createWriteStream(cometPaths(o.home).log, { flags: "a" });
    const child = spawn(o.binary, ["node", "--home", o.home], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    let early: Error | undefined;
    const p = new CometProcess(child, log, (code, signal) => {
      early = NodeErrors.engineUnavailable.create(
        `cometbft exited (code ${code}, signal ${signal}); see ${cometPaths(o.home).log}`,
      );
      o.onExit(code, signal);
    });
    const rpc = new CometRpc(o.rpcUrl, 2000);
    const deadline = Date.now() + (o.startTimeoutMs ?? 60_000);
    for (;;) {
      if (early) throw early;
      try {
        await rpc.status();
        return p;
      } catch {
        if (Date.now() > deadline) {
          await p.stop();
          throw NodeErrors.engineUnavailable.create(
            `cometbft RPC at ${o.rpcUrl} did not answer; see ${cometPaths(o.home).log}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** Stops the process: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Kills the process at once (used when the app halts). */
  kill(): void {
    this.stopping = true;
    this.child.kill("SIGKILL");
  }
}
