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
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COMETBFT_VERSION, ensureCometbft } from "@urbis/node";
import { createNetwork, type NetworkNode } from "../packages/cli/src/testnet.js";
import { type BenchAccount, benchAccount, signedTransfer } from "./keys.js";

const BIN = new URL("../packages/cli/bin/urbis.mjs", import.meta.url).pathname;
const CHAIN_ID = "urbis-bench-4v";
const VALIDATORS = 4;
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

/** Everything this phase started, so it can be stopped whatever happens. */
class Cleanup {
  readonly nodes: RunningNode[] = [];
  /** Children spawned but not (yet) known as running nodes. */
  readonly children = new Set<ChildProcess>();
  dir: string | undefined;
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
    for (const n of this.nodes) {
      killQuietly(n.child.pid, "SIGKILL");
      killQuietly(n.cometPid, "SIGKILL");
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Graceful stop: SIGTERM every `urbis start` (which stops its CometBFT), SIGKILL what is left after 20 s. */
  async stop(): Promise<void> {
    const all = [...this.nodes];
    await Promise.all(
      all.map(async (n) => {
        n.child.kill("SIGTERM");
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([n.exited, new Promise((r) => (timer = setTimeout(r, 20_000)))]);
        clearTimeout(timer);
        killQuietly(n.child.pid, "SIGKILL");
        await n.exited;
        // urbis stops its CometBFT on SIGTERM; after a SIGKILL it could not.
        for (let i = 0; i < 50 && n.cometPid !== undefined && alive(n.cometPid); i++) {
          await new Promise((r) => setTimeout(r, 100));
        }
        killQuietly(n.cometPid, "SIGKILL");
      }),
    );
    for (const c of this.children) {
      if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    }
    this.nodes.length = 0;
    this.children.clear();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    process.off("exit", this.onExit);
    process.off("SIGINT", this.onSignal);
    process.off("SIGTERM", this.onSignal);
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/** A base port with `count` nodes' worth of free ports (p2p, RPC, API; stride 10). */
async function freeBasePort(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + 10 * Math.floor(Math.random() * 3000);
    let ok = true;
    for (let i = 0; i < count && ok; i++) {
      for (const d of [0, 1, 2]) if (!(await portFree(base + 10 * i + d))) ok = false;
    }
    if (ok) return base;
  }
  throw new Error("no free port range");
}

/** Runs `urbis start --home <node> --json` and waits for its JSON line. */
async function startNode(node: NetworkNode, cleanup: Cleanup): Promise<RunningNode> {
  const log = createWriteStream(join(node.home, "urbis.log"), { flags: "a" });
  const child = spawn(process.execPath, [BIN, "start", "--home", node.home, "--json"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanup.children.add(child);
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const info = await new Promise<{ api: string; cometbftRpc: string; cometbftPid?: number }>((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => reject(new Error(`${node.name} did not start within 180 s`)), 180_000);
    const onData = (d: Buffer) => {
      buf += d;
      log.write(d);
      const start = buf.indexOf("{\n");
      if (start < 0) return;
      try {
        const parsed = JSON.parse(buf.slice(start, buf.lastIndexOf("}") + 1)) as {
          api: string;
          cometbftRpc: string;
          cometbftPid?: number;
        };
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.stdout?.pipe(log, { end: false });
        resolve(parsed);
      } catch {
        // not complete yet
      }
    };
    child.stdout?.on("data", onData);
    void exited.then(() => {
      clearTimeout(timer);
      let tail = "";
      try {
        tail = readFileSync(join(node.home, "urbis.log"), "utf8").slice(-2000);
      } catch {
        // no log
      }
      reject(new Error(`${node.name} exited before starting:\n${tail}`));
    });
  });
  const running: RunningNode = {
    node,
    child,
    cometPid: info.cometbftPid,
    api: info.api,
    rpc: info.cometbftRpc,
    exited,
  };
  cleanup.nodes.push(running);
  cleanup.children.delete(child);
  return running;
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

  constructor(private readonly nodes: RunningNode[]) {}

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

  /** Waits until `count` transactions are committed, or nothing new for `idleMs`. */
  async waitFor(count: number, idleMs: number, timeoutMs: number): Promise<boolean> {
    const end = performance.now() + timeoutMs;
    let last = this.committed;
    let lastChange = performance.now();
    while (performance.now() < end) {
      await this.fetching;
      if (this.fetchError) throw this.fetchError;
      if (this.committed >= count) return true;
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
    // A full mempool refuses before CometBFT caches the transaction, so it may be offered again.
    return { accepted: false, retry: r.error?.name === "mempool_full" || r.status === 429, why };
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
 * Offers every transfer as fast as the nodes take them: batches of 100,
 * round-robin over the nodes, two requests in flight per node. Transfers a
 * full mempool refused are offered again after a pause.
 */
async function saturate(nodes: RunningNode[], watcher: BlockWatcher, subs: Submission[], log: (s: string) => void) {
  const refusals = new Map<string, number>();
  const queue = [...subs];
  const attempts = new Map<Submission, number>();
  let accepted = 0;
  let rr = 0;
  let waitingRetry = 0;
  const t0 = performance.now();
  const cpu0 = cpuSnapshot(nodes);
  let cpuMid: ReturnType<typeof cpuSnapshot> | undefined;
  const worker = async () => {
    for (;;) {
      const batch = queue.splice(0, 100);
      if (batch.length === 0) {
        if (waitingRetry === 0) return;
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      const node = nodes[rr++ % nodes.length] as RunningNode;
      const outcome = await submitBatch(node.api, batch);
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
    await Promise.all(Array.from({ length: 2 * nodes.length }, worker));
    const submitSeconds = (performance.now() - t0) / 1000;
    cpuMid = cpuSnapshot(nodes);
    log(`    all offered in ${submitSeconds.toFixed(1)} s (${accepted} accepted); waiting for the commits …`);
    await watcher.waitFor(accepted, 30_000, 300_000);
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
  const before = watcher.committed;
  await watcher.waitFor(before + accepted, 30_000, 120_000);
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
  const satCount = o.quick ? 3000 : 20_000;
  const latencySeconds = o.latencySeconds ?? (o.quick ? 5 : 10);
  // Senders of the latency run are funded in genesis too, so their number bounds its offered rate.
  const latPool = o.quick ? 3000 : 20_000;
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

    const watcher = new BlockWatcher(nodes);
    await watcher.start();

    log(`  saturation: ${satCount} pre-signed transfers through ${nodes.length} APIs …`);
    const saturation = await saturate(nodes, watcher, satSubs, log);
    log(
      `    ${saturation.committed} committed (${saturation.failed} failed) in ${saturation.seconds.toFixed(1)} s: ` +
        `${saturation.tps.toFixed(0)}/s (steady ${saturation.steadyTps.toFixed(0)}/s, ${saturation.blocks} blocks, ` +
        `largest ${saturation.maxBlockTxs}); refusals ${JSON.stringify(saturation.refusals)}`,
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
