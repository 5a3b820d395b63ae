/**
 * The 4-validator phase of `npm run bench`: a local CometBFT network made by
 * `createNetwork` (one Urbis home per validator, each run as `urbis start`
 * with its own CometBFT child), its genesis funding the bench senders. Load
 * goes through all four nodes' REST APIs round-robin (`POST /v1/txs/batch`,
 * `wait: "check"`); commits are counted from the blocks themselves (the SSE
 * stream of every node says when a height is committed there, CometBFT's RPC
 * gives the block's transactions and their result codes).
 *
 * Every sender sends one transfer (sequence 0): CometBFT's gossip delivers a
 * sender's transactions to the other validators in no guaranteed order across
 * nodes, and a sequence gap would measure the client, not the chain.
 *
 * Saturation is closed-loop by default (a few seconds of commits outstanding,
 * see `windowSeconds`), then a latency run offers a fixed rate below it. All
 * processes are stopped and the network folder removed at the end, also on
 * failure or Ctrl-C (URBIS_BENCH_KEEP=1 keeps the folder, with the nodes' logs,
 * after a normal stop). URBIS_BENCH_NODE_ARGS passes Node flags to the
 * validators (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
import type { ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COMETBFT_VERSION, ensureCometbft } from "@urbis/node";
import { freeBasePort, type StartInfo, spawnNode, startInfo } from "../packages/cli/src/node-process.js";
import { createNetwork, type NetworkNode } from "../packages/cli/src/testnet.js";
import { type BenchAccount, benchAccount, signedTransfer } from "./keys.js";

const CHAIN_ID = "urbis-bench-4v";
const VALIDATORS = 4;
/** Extra Node.js flags for the validators' `urbis start` processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof". */
const NODE_ARGS = (process.env.URBIS_BENCH_NODE_ARGS ?? "").split(" ").filter((a) => a !== "");
/** Fewest transfers the closed-loop saturation keeps outstanding (offered, not yet committed). */
const MIN_WINDOW = 500;
/** Offers of one transfer the saturation run makes before it gives up on it. */
const MAX_ATTEMPTS = 50;
/** First bench account index of this phase (the solo phases use 0…). */
const FIRST_ACCOUNT = 1_000_000;

/** Options of {@link runCometbftPhase}. */
export interface CometbftPhaseOptions {
  quick: boolean;
  /** CometBFT's timeout_commit. Default 1000 ms (CometBFT v0.38's own default, "1s"). */
  timeoutCommitMs?: number;
  /** Offered rate of the latency run as a share of the measured saturated rate. Default 0.65. */
  latencyShare?: number;
  /** Seconds of the latency run. Default 10 (5 with quick). */
  latencySeconds?: number;
  /** Batch requests in flight per node while saturating. Default 2. */
  inflightPerNode?: number;
  /**
   * Saturation is closed-loop: at most this many seconds of the recently committed rate (and at
   * least {@link MIN_WINDOW} transfers) are offered but not yet committed, so the mempools stay a
   * few blocks deep and the offered load follows what the chain commits. Default 3. `Infinity`
   * floods instead: every transfer offered as fast as the nodes' CheckTx takes it (on a small
   * machine the mempools then grow to thousands, proposals carry all of them, and rounds time out).
   */
  windowSeconds?: number;
  log?: (line: string) => void;
}

/** CPU time of one group of processes over a window, as a share of one core. */
export interface CpuShare {
  urbis: number;
  cometbft: number;
  loadGenerator: number;
  /** Per node: [urbis, cometbft]. */
  perNode: [number, number][];
  seconds: number;
}

/** What the phase measured. */
export interface CometbftResult {
  validators: number;
  cometbftVersion: string;
  timeoutCommitMs: number;
  saturation: {
    offered: number;
    accepted: number;
    committed: number;
    failed: number;
    seconds: number;
    tps: number;
    /** Committed per second between the first and the last block that held bench transfers. */
    steadyTps: number;
    blocks: number;
    maxBlockTxs: number;
    refusals: Record<string, number>;
    cpu: CpuShare;
    inflightPerNode: number;
    /** See {@link CometbftPhaseOptions.windowSeconds}. */
    windowSeconds: number;
    /** Rounds node 0's CometBFT moved past during the run because no proposal came in time (timeout_propose). */
    proposeTimeouts: number;
  };
  latency: {
    targetRate: number;
    offered: number;
    offeredRate: number;
    accepted: number;
    committed: number;
    /** Submit → committed on the node the transfer was submitted to. */
    p50: number;
    p99: number;
    /** Submit → committed on the first node that committed it. */
    anyP50: number;
    anyP99: number;
    refusals: Record<string, number>;
  };
}

// ------------------------------------------------------------------ processes

interface RunningNode {
  node: NetworkNode;
  child: ChildProcess;
  cometPid: number | undefined;
  api: string;
  rpc: string;
  exited: Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killQuietly(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * The processes whose command line names `dir` (this run's own temporary
 * folder): a CometBFT whose `urbis start` was killed before it could stop it.
 */
function processesUnder(dir: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (
        readFileSync(`/proc/${entry}/cmdline`, "utf8")
          .split("\0")
          .some((a) => a.startsWith(`${dir}/`))
      ) {
        out.push(Number(entry));
      }
    } catch {
      // gone
    }
  }
  return out;
}

/** Everything this phase started, so it can be stopped whatever happens. */
class Cleanup {
  /** Every `urbis start` spawned. */
  readonly children = new Set<ChildProcess>();
  /** The CometBFT process ids they reported. */
  readonly cometPids = new Set<number>();
  dir: string | undefined;
  /** Set when a validator exits while it should be running. */
  died: string | undefined;
  private stopping = false;
  private readonly onExit = () => this.killNow();
  private readonly onSignal = (sig: NodeJS.Signals) => {
    this.killNow();
    process.exit(sig === "SIGINT" ? 130 : 143);
  };

  constructor() {
    process.on("exit", this.onExit);
    process.once("SIGINT", this.onSignal);
    process.once("SIGTERM", this.onSignal);
  }

  /** Synchronous last resort (process exit, Ctrl-C): SIGKILL everything, remove the folder. */
  killNow(): void {
    for (const c of this.children) killQuietly(c.pid, "SIGKILL");
    for (const pid of this.cometPids) killQuietly(pid, "SIGKILL");
    if (this.dir) {
      for (const pid of processesUnder(this.dir)) killQuietly(pid, "SIGKILL");
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /**
   * Graceful stop: SIGTERM every `urbis start` (which stops its CometBFT), SIGKILL one still
   * running after 20 s, then any CometBFT left over; removes the folder.
   */
  /** Throws if a validator died: the run would measure a smaller network than it claims. */
  check(): void {
    if (this.died) throw new Error(this.died);
    if (this.stopping) throw new Error("the network is stopping");
  }

  /** Records an unexpected exit of a validator's `urbis start`. */
  exitedEarly(what: string): void {
    if (!this.stopping) this.died ??= what;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.children].map(async (c) => {
        if (c.exitCode !== null || c.signalCode !== null) return;
        const exited = new Promise((r) => c.once("exit", r));
        c.kill("SIGTERM");
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 20_000)))]);
        clearTimeout(timer);
        if (c.exitCode === null && c.signalCode === null) {
          c.kill("SIGKILL");
          await exited;
        }
      }),
    );
    const leftovers = () => [...this.cometPids, ...(this.dir ? processesUnder(this.dir) : [])].filter(alive);
    for (let i = 0; i < 50 && leftovers().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    for (const pid of leftovers()) killQuietly(pid, "SIGKILL");
    this.children.clear();
    this.cometPids.clear();
    if (this.dir && process.env.URBIS_BENCH_KEEP) console.log(`  kept ${this.dir} (URBIS_BENCH_KEEP)`);
    else if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    process.off("exit", this.onExit);
    process.off("SIGINT", this.onSignal);
    process.off("SIGTERM", this.onSignal);
  }
}

/** Runs `urbis start --home <node> --json` and waits for its start info. */
async function startNode(node: NetworkNode, cleanup: Cleanup): Promise<RunningNode> {
  const n = spawnNode(node.home, NODE_ARGS);
  cleanup.children.add(n.child);
  const exited = n.exited.then(({ code, signal }) => {
    cleanup.exitedEarly(
      `${node.name} exited (code ${code}, signal ${signal}) during the run; see ${node.home}/urbis.log`,
    );
  });
  let info: StartInfo;
  try {
    info = await startInfo(n, node.name);
  } catch (e) {
    let tail = "";
    try {
      tail = readFileSync(join(node.home, "urbis.log"), "utf8").slice(-2000);
    } catch {
      // no log
    }
    throw new Error(`${(e as Error).message}:\n${tail}`);
  }
  if (info.cometbftPid !== undefined) cleanup.cometPids.add(info.cometbftPid);
  return {
    node,
    child: n.child,
    cometPid: info.cometbftPid,
    api: info.api,
    rpc: info.cometbftRpc as string,
    exited,
  };
}

async function waitUntil(what: string, cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await cond()) return;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function rpcCall<T>(url: string, method: string, params: Record<string, unknown>): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(30_000),
  });
  const j = (await res.json()) as { result?: T; error?: { data?: string; message: string } };
  if (j.error) throw new Error(`${method}: ${j.error.data ?? j.error.message}`);
  return j.result as T;
}

/** utime+stime of a process, in seconds (all its threads). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of stat; after "pid (comm) " the list starts at field 3.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function cpuSnapshot(nodes: RunningNode[]) {
  const u = process.cpuUsage();
  return {
    at: performance.now(),
    self: (u.user + u.system) / 1e6,
    nodes: nodes.map((n) => [cpuSeconds(n.child.pid), cpuSeconds(n.cometPid)] as [number, number]),
  };
}

function cpuShare(a: ReturnType<typeof cpuSnapshot>, b: ReturnType<typeof cpuSnapshot>): CpuShare {
  const seconds = (b.at - a.at) / 1000;
  const perNode = b.nodes.map(
    ([u, c], i) => [(u - (a.nodes[i]?.[0] ?? 0)) / seconds, (c - (a.nodes[i]?.[1] ?? 0)) / seconds] as [number, number],
  );
  return {
    urbis: perNode.reduce((s, [u]) => s + u, 0),
    cometbft: perNode.reduce((s, [, c]) => s + c, 0),
    loadGenerator: (b.self - a.self) / seconds,
    perNode,
    seconds,
  };
}

/** How often a node's CometBFT gave up waiting for a proposal (a sign of a stalled proposer). */
function proposeTimeouts(n: RunningNode): number {
  try {
    const log = readFileSync(join(n.node.home, "cometbft", "cometbft.log"), "utf8");
    return log.split("\n").filter((l) => l.includes("Timed out") && l.includes("step=RoundStepPropose")).length;
  } catch {
    return Number.NaN;
  }
}

// ------------------------------------------------------------------ watching commits

/**
 * Learns from every node's SSE stream when each height is committed there, and
 * reads each height once from CometBFT's RPC: the hashes of its transactions
 * and their result codes.
 */
class BlockWatcher {
  /** Per height: when each node's stream reported it committed (ms, performance.now). */
  readonly seen = new Map<number, number[]>();
  /** Per committed transaction: its height and whether its result code was 0. */
  readonly txs = new Map<string, { height: number; ok: boolean }>();
  ok = 0;
  failed = 0;
  readonly failures = new Map<string, number>();
  /** Heights with at least one transaction, and when they were first seen. */
  readonly filled: { height: number; at: number; txs: number }[] = [];
  private readonly aborts: AbortController[] = [];
  private fetching: Promise<void> = Promise.resolve();
  private fetchError: unknown;

  constructor(
    private readonly nodes: RunningNode[],
    /** Throws if the network is no longer whole. */
    readonly check: () => void,
  ) {}

  async start(): Promise<void> {
    await Promise.all(this.nodes.map((n, i) => this.follow(n, i)));
  }

  private async follow(node: RunningNode, index: number): Promise<void> {
    const abort = new AbortController();
    this.aborts.push(abort);
    const res = await fetch(`${node.api}/v1/stream?kinds=block`, { signal: abort.signal });
    if (!res.ok || !res.body) throw new Error(`${node.node.name}: stream answered ${res.status}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buf = "";
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buf += value;
          let i = buf.indexOf("\n\n");
          while (i >= 0) {
            const data = buf
              .slice(0, i)
              .split("\n")
              .filter((l) => l.startsWith("data:"))
              .map((l) => l.slice(5).trim())
              .join("\n");
            buf = buf.slice(i + 2);
            if (data) {
              const item = JSON.parse(data) as { kind: string; height: string; txCount: number };
              if (item.kind === "block") this.onBlock(node, index, Number(item.height), item.txCount);
            }
            i = buf.indexOf("\n\n");
          }
        }
      } catch {
        // aborted
      }
    })();
  }

  private onBlock(node: RunningNode, index: number, height: number, txCount: number): void {
    const now = performance.now();
    let times = this.seen.get(height);
    const first = !times;
    if (!times) {
      times = [];
      this.seen.set(height, times);
    }
    times[index] = now;
    if (!first || txCount === 0) return;
    this.filled.push({ height, at: now, txs: txCount });
    this.fetching = this.fetching.then(() =>
      this.read(node.rpc, height).catch((e) => {
        this.fetchError = e;
      }),
    );
  }

  private async read(rpc: string, height: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.readOnce(rpc, height);
      } catch (e) {
        if (attempt >= 10) throw e;
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  }

  private async readOnce(rpc: string, height: number): Promise<void> {
    const [b, r] = await Promise.all([
      rpcCall<{ block: { data: { txs: string[] | null } } }>(rpc, "block", { height: String(height) }),
      rpcCall<{ txs_results: { code: number; codespace?: string; log?: string }[] | null }>(rpc, "block_results", {
        height: String(height),
      }),
    ]);
    const txs = b.block.data.txs ?? [];
    const results = r.txs_results ?? [];
    txs.forEach((t, i) => {
      const hash = createHash("sha256").update(Buffer.from(t, "base64")).digest("hex");
      const code = results[i]?.code ?? -1;
      this.txs.set(hash, { height, ok: code === 0 });
      if (code === 0) this.ok++;
      else {
        this.failed++;
        const k = `code ${code} ${results[i]?.codespace ?? ""}: ${(results[i]?.log ?? "").slice(0, 80)}`;
        this.failures.set(k, (this.failures.get(k) ?? 0) + 1);
      }
    });
  }

  /** Committed (any code) so far, counting only blocks already read. */
  get committed(): number {
    return this.ok + this.failed;
  }

  /** Waits until every one of `subs` is committed, or nothing new is for `idleMs`. */
  async waitFor(subs: readonly Submission[], idleMs: number, timeoutMs: number): Promise<boolean> {
    const end = performance.now() + timeoutMs;
    let last = this.committed;
    let lastChange = performance.now();
    let from = 0;
    while (performance.now() < end) {
      await this.fetching;
      if (this.fetchError) throw this.fetchError;
      this.check();
      while (from < subs.length && this.txs.has((subs[from] as Submission).hash)) from++;
      if (from === subs.length) return true;
      if (this.committed !== last) {
        last = this.committed;
        lastChange = performance.now();
      } else if (performance.now() - lastChange > idleMs) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }

  stop(): void {
    for (const a of this.aborts) a.abort();
  }
}

// ------------------------------------------------------------------ load

interface Submission {
  tx: Uint8Array;
  hash: string;
}

function submission(tx: Uint8Array): Submission {
  return { tx, hash: createHash("sha256").update(tx).digest("hex") };
}

/** Outcome per transaction of one `POST /v1/txs/batch`. */
async function submitBatch(
  api: string,
  batch: Submission[],
): Promise<{ accepted: boolean; retry: boolean; why?: string }[]> {
  let res: Response;
  try {
    res = await fetch(`${api}/v1/txs/batch`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ txs: batch.map((s) => Buffer.from(s.tx).toString("base64")), wait: "check" }),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (e) {
    return batch.map(() => ({ accepted: false, retry: true, why: `fetch: ${(e as Error).message}` }));
  }
  const body = (await res.json().catch(() => ({}))) as {
    results?: { status: number; error?: { codespace: string; name: string } }[];
    error?: { codespace: string; name: string };
  };
  if (!body.results) {
    const why = `HTTP ${res.status} ${body.error?.codespace}.${body.error?.name}`;
    return batch.map(() => ({ accepted: false, retry: res.status === 429 || res.status >= 500, why }));
  }
  return body.results.map((r) => {
    if (r.status < 300) return { accepted: true, retry: false };
    const why = `${r.status} ${r.error?.codespace}.${r.error?.name}`;
    // A full mempool refuses before CometBFT caches the transaction, so it may be offered again; so
    // may one whose broadcast timed out (502 node.engine_rpc): if CometBFT took it after all, the
    // second offer is answered as a duplicate.
    return { accepted: false, retry: r.status === 429 || r.status >= 500, why };
  });
}

function count(map: Map<string, number>, key: string, n = 1): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Pre-signed transfers: sender i sends 1 ucity to sender i+1 at sequence 0. */
function presign(accounts: BenchAccount[]): Submission[] {
  return accounts.map((a, i) =>
    submission(signedTransfer(CHAIN_ID, a, (accounts[(i + 1) % accounts.length] as BenchAccount).address, 0n)),
  );
}

/**
 * Offers every transfer as fast as the chain commits them: batches of 100,
 * round-robin over the nodes, `inflightPerNode` requests in flight per node,
 * while fewer than the window (see {@link CometbftPhaseOptions.windowSeconds})
 * are offered and not yet committed. Transfers refused for a full mempool, a
 * rate limit or a failed broadcast are offered again after a pause.
 */
async function saturate(
  nodes: RunningNode[],
  watcher: BlockWatcher,
  subs: Submission[],
  inflightPerNode: number,
  windowSeconds: number,
  log: (s: string) => void,
) {
  const refusals = new Map<string, number>();
  const queue = [...subs];
  const attempts = new Map<Submission, number>();
  let accepted = 0;
  let rr = 0;
  let waitingRetry = 0;
  const t0 = performance.now();
  const cpu0 = cpuSnapshot(nodes);
  let cpuMid: ReturnType<typeof cpuSnapshot> | undefined;
  const committedBefore = watcher.committed;
  let inflight = 0;
  /** Transfers allowed outstanding: `windowSeconds` of the rate committed over the last 5 s. */
  const window = () => {
    if (!Number.isFinite(windowSeconds)) return Number.POSITIVE_INFINITY;
    const since = performance.now() - 5000;
    let recent = 0;
    for (let i = watcher.filled.length - 1; i >= 0 && (watcher.filled[i]?.at ?? 0) > since; i--) {
      recent += watcher.filled[i]?.txs ?? 0;
    }
    return Math.max(MIN_WINDOW, (windowSeconds * recent) / 5);
  };
  const worker = async () => {
    for (;;) {
      while (accepted + inflight - (watcher.committed - committedBefore) + 100 > window()) {
        watcher.check();
        if (performance.now() - (watcher.filled.at(-1)?.at ?? t0) > 120_000) {
          throw new Error("no transfer committed for 120 s while saturating");
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      const batch = queue.splice(0, 100);
      watcher.check();
      if (batch.length === 0) {
        if (waitingRetry === 0) return;
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      const node = nodes[rr++ % nodes.length] as RunningNode;
      inflight += batch.length;
      const outcome = await submitBatch(node.api, batch);
      inflight -= batch.length;
      const retry: Submission[] = [];
      outcome.forEach((o, i) => {
        if (o.accepted) accepted++;
        else {
          count(refusals, o.why ?? "?");
          const s = batch[i] as Submission;
          const n = (attempts.get(s) ?? 0) + 1;
          attempts.set(s, n);
          if (o.retry && n < MAX_ATTEMPTS) retry.push(s);
        }
      });
      if (retry.length > 0) {
        waitingRetry++;
        setTimeout(() => {
          queue.push(...retry);
          waitingRetry--;
        }, 250);
      }
    }
  };
  const progress = setInterval(() => {
    log(
      `    t=${((performance.now() - t0) / 1000).toFixed(0)}s accepted ${accepted}/${subs.length}, committed ${watcher.ok}`,
    );
  }, 10_000);
  try {
    await Promise.all(Array.from({ length: inflightPerNode * nodes.length }, worker));
    const submitSeconds = (performance.now() - t0) / 1000;
    cpuMid = cpuSnapshot(nodes);
    log(`    all offered in ${submitSeconds.toFixed(1)} s (${accepted} accepted); waiting for the commits …`);
    await watcher.waitFor(subs, 30_000, 300_000);
  } finally {
    clearInterval(progress);
  }
  const cpu1 = cpuSnapshot(nodes);
  const inWindow = watcher.filled;
  const first = inWindow[0];
  const last = inWindow[inWindow.length - 1];
  const seconds = ((last?.at ?? performance.now()) - t0) / 1000;
  // Steady rate: transfers in the blocks after the first filled one, over the time between the first and last.
  const steadyTxs = inWindow.slice(1).reduce((s, b) => s + b.txs, 0);
  const steadySeconds = first && last && last !== first ? (last.at - first.at) / 1000 : Number.NaN;
  return {
    offered: subs.length,
    accepted,
    committed: watcher.ok,
    failed: watcher.failed,
    seconds,
    tps: watcher.ok / seconds,
    steadyTps: steadyTxs / steadySeconds,
    blocks: inWindow.length,
    maxBlockTxs: Math.max(0, ...inWindow.map((b) => b.txs)),
    refusals: Object.fromEntries(refusals),
    // CPU while the load generator was offering (the part that shows the saturated split).
    cpu: cpuShare(cpu0, cpuMid ?? cpu1),
  };
}

/** Offers `rate` transfers per second, round-robin over the nodes; submit→commit latency. */
async function latencyRun(
  nodes: RunningNode[],
  watcher: BlockWatcher,
  subs: Submission[],
  rate: number,
  log: (s: string) => void,
) {
  const refusals = new Map<string, number>();
  // About 20 requests per second, so a batch's transfers wait little for their request.
  const batch = Math.max(5, Math.min(100, Math.round(rate / 20)));
  const intervalMs = (1000 * batch) / rate;
  const sent: { hash: string; at: number; node: number }[] = [];
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  let accepted = 0;
  for (let i = 0, k = 0; i < subs.length; i += batch, k++) {
    watcher.check();
    const wait = t0 + k * intervalMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const chunk = subs.slice(i, i + batch);
    const nodeIndex = k % nodes.length;
    const now = performance.now();
    for (const s of chunk) sent.push({ hash: s.hash, at: now, node: nodeIndex });
    inflight.push(
      submitBatch((nodes[nodeIndex] as RunningNode).api, chunk).then((outcome) => {
        for (const o of outcome) {
          if (o.accepted) accepted++;
          else count(refusals, o.why ?? "?");
        }
      }),
    );
  }
  await Promise.all(inflight);
  const offerSeconds = (performance.now() - t0) / 1000;
  log(`    offered ${subs.length} in ${offerSeconds.toFixed(1)} s; waiting for the commits …`);
  await watcher.waitFor(subs, 15_000, 120_000);
  const own: number[] = [];
  const any: number[] = [];
  let committed = 0;
  for (const s of sent) {
    const c = watcher.txs.get(s.hash);
    if (!c?.ok) continue;
    committed++;
    const times = watcher.seen.get(c.height) ?? [];
    const ownAt = times[s.node];
    if (ownAt !== undefined) own.push(ownAt - s.at);
    const firstAt = Math.min(...times.filter((t) => t !== undefined));
    if (Number.isFinite(firstAt)) any.push(firstAt - s.at);
  }
  own.sort((a, b) => a - b);
  any.sort((a, b) => a - b);
  return {
    targetRate: rate,
    offered: subs.length,
    offeredRate: Math.round(subs.length / offerSeconds),
    accepted,
    committed,
    p50: percentile(own, 50),
    p99: percentile(own, 99),
    anyP50: percentile(any, 50),
    anyP99: percentile(any, 99),
    refusals: Object.fromEntries(refusals),
  };
}

// ------------------------------------------------------------------ the phase

/** Builds and starts a 4-validator network, saturates it, measures latency below saturation, stops it. */
export async function runCometbftPhase(o: CometbftPhaseOptions): Promise<CometbftResult> {
  const log = o.log ?? ((s: string) => console.log(s));
  const timeoutCommitMs = o.timeoutCommitMs ?? 1000;
  const satCount = o.quick ? 4000 : 20_000;
  const latencySeconds = o.latencySeconds ?? (o.quick ? 5 : 10);
  // Senders of the latency run are funded in genesis too, so their number bounds its offered rate.
  const latPool = o.quick ? 3000 : 14_000;
  ensureCometbft();

  log(`  deriving ${satCount + latPool} sender keys …`);
  const accounts = Array.from({ length: satCount + latPool }, (_, i) => benchAccount(FIRST_ACCOUNT + i));
  const satSubs = presign(accounts.slice(0, satCount));
  const latAccounts = accounts.slice(satCount);

  const cleanup = new Cleanup();
  try {
    const dir = mkdtempSync(join(tmpdir(), "urbis-bench-net-"));
    cleanup.dir = dir;
    const net = await createNetwork({
      dir,
      validators: VALIDATORS,
      chainId: CHAIN_ID,
      basePort: await freeBasePort(VALIDATORS),
      timeoutCommitMs,
      snapshotInterval: 0,
      extraBalances: accounts.map((a) => ({ address: a.address, amount: 1_000_000n })),
    });
    log(`  starting ${VALIDATORS} validators (urbis + cometbft v${COMETBFT_VERSION} each) in ${dir} …`);
    const nodes = await Promise.all(net.nodes.map((n) => startNode(n, cleanup)));
    await waitUntil(
      "every node to be ready at height ≥ 2",
      async () => {
        for (const n of nodes) {
          if (!(await fetch(`${n.api}/readyz`)).ok) return false;
          const s = (await (await fetch(`${n.api}/v1/status`)).json()) as { latestHeight: string };
          if (Number(s.latestHeight) < 2) return false;
        }
        return true;
      },
      180_000,
    );

    const watcher = new BlockWatcher(nodes, () => cleanup.check());
    await watcher.start();

    log(`  saturation: ${satCount} pre-signed transfers through ${nodes.length} APIs …`);
    const inflight = o.inflightPerNode ?? 2;
    const windowSeconds = o.windowSeconds ?? 3;
    const timeoutsBefore = proposeTimeouts(nodes[0] as RunningNode);
    const saturation = {
      ...(await saturate(nodes, watcher, satSubs, inflight, windowSeconds, log)),
      windowSeconds,
      inflightPerNode: inflight,
      proposeTimeouts: proposeTimeouts(nodes[0] as RunningNode) - timeoutsBefore,
    };
    log(
      `    ${saturation.committed} committed (${saturation.failed} failed) in ${saturation.seconds.toFixed(1)} s: ` +
        `${saturation.tps.toFixed(0)}/s (steady ${saturation.steadyTps.toFixed(0)}/s, ${saturation.blocks} blocks, ` +
        `largest ${saturation.maxBlockTxs}; ${saturation.proposeTimeouts} propose timeouts); ` +
        `refusals ${JSON.stringify(saturation.refusals)}`,
    );
    if (watcher.failures.size > 0) log(`    failed results: ${JSON.stringify(Object.fromEntries(watcher.failures))}`);

    // Let the mempools drain and a couple of empty blocks pass before the latency run.
    await new Promise((r) => setTimeout(r, 2 * timeoutCommitMs + 1000));

    const share = o.latencyShare ?? 0.65;
    let rate = Number.isFinite(saturation.tps) ? Math.max(10, Math.round(share * saturation.tps)) : 10;
    if (rate * latencySeconds > latAccounts.length) rate = Math.floor(latAccounts.length / latencySeconds);
    const latSubs = presign(latAccounts.slice(0, rate * latencySeconds));
    log(`  latency: ${rate}/s (${Math.round(share * 100)}% of saturated) for ${latencySeconds} s …`);
    const latency = await latencyRun(nodes, watcher, latSubs, rate, log);
    log(
      `    ${latency.committed} committed at ${latency.offeredRate}/s offered: p50 ${latency.p50.toFixed(0)} ms, ` +
        `p99 ${latency.p99.toFixed(0)} ms (first node: ${latency.anyP50.toFixed(0)} / ${latency.anyP99.toFixed(0)} ms); ` +
        `refusals ${JSON.stringify(latency.refusals)}`,
    );
    watcher.stop();
    return {
      validators: VALIDATORS,
      cometbftVersion: COMETBFT_VERSION,
      timeoutCommitMs,
      saturation,
      latency,
    };
  } finally {
    log("  stopping the network …");
    await cleanup.stop();
  }
}
