/**
 * `npm run bench`: solo-node throughput, latency and memory through the REST
 * API, then a 4-validator CometBFT network's throughput and finality (see
 * cometbft.ts), beside this machine's Ed25519 verification ceiling. Appends a
 * dated section to bench/RESULTS.md. Options: --quick (smaller run),
 * --skip-memory, --skip-cometbft (no 4-validator phase), --cometbft-only (the
 * ceiling and the 4-validator phase only), --timeout-commit=<ms> (CometBFT's
 * timeout_commit, default 1000), --cometbft-flood (saturate the 4 validators
 * open-loop instead of with a window), --saturation-only (the ceiling and the
 * solo saturation run only, printed, for profiling), --no-record (print, do
 * not append).
 */
import { sign } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { ed25519Backend, NODE_RUNTIME_FLAGS, nativeVerifyRaw } from "@urbis/node";
import { txSignHash } from "@urbis/protocol";
import { type CometbftResult, runCometbftPhase } from "./cometbft.js";
import { type BenchAccount, benchAccount, signedTransfer } from "./keys.js";
import { memoryOf, spawnNode } from "./node-proc.js";

const args = new Set(process.argv.slice(2));
const QUICK = args.has("--quick");
const SKIP_COMETBFT = args.has("--skip-cometbft");
const COMETBFT_ONLY = args.has("--cometbft-only");
const SATURATION_ONLY = args.has("--saturation-only");
const NO_RECORD = args.has("--no-record") || SATURATION_ONLY;
const COMETBFT_FLOOD = args.has("--cometbft-flood");
const TIMEOUT_COMMIT_MS = Number(
  process.argv.find((a) => a.startsWith("--timeout-commit="))?.slice("--timeout-commit=".length) ?? 1000,
);
if (SKIP_COMETBFT && COMETBFT_ONLY) throw new Error("--skip-cometbft and --cometbft-only exclude each other");
if (!Number.isInteger(TIMEOUT_COMMIT_MS) || TIMEOUT_COMMIT_MS < 0)
  throw new Error("--timeout-commit=<ms> needs an integer");

/** CPU seconds (user + system, every thread) a process has used so far. */
function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / 100; // clock ticks: USER_HZ is 100 on Linux
}

/** Ed25519 verifications per second on one core, the ceiling of signature checking: the node's library, or OpenSSL. */
function verifyCeiling(backend: "default" | "openssl" = "default"): number {
  const acc = benchAccount(0);
  const body = {
    chainId: "urbis-bench",
    signer: acc.address,
    publicKey: acc.publicKey,
    sequence: 0n,
    messages: [],
    memo: "",
    expiresAtHeight: undefined,
  };
  const msg = txSignHash(body);
  const signature = new Uint8Array(sign(null, msg, acc.key));
  let n = 0;
  const end = performance.now() + 2000;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) nativeVerifyRaw(signature, msg, acc.publicKey, backend);
    n += 100;
  }
  return Math.round(n / 2);
}

/** Counts committed transactions from the blocks of the SSE stream. */
class CommitWatcher {
  committed = 0;
  lastCommitAt = 0;
  private readonly abort = new AbortController();
  constructor(private readonly url: string) {}

  async start(): Promise<void> {
    const res = await fetch(`${this.url}/v1/stream?kinds=block`, { signal: this.abort.signal });
    if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
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
            const msg = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const data = msg
              .split("\n")
              .filter((l) => l.startsWith("data:"))
              .map((l) => l.slice(5).trim())
              .join("\n");
            if (data) this.onBlock(JSON.parse(data) as { kind: string; txCount: number });
            i = buf.indexOf("\n\n");
          }
        }
      } catch {
        // aborted
      }
    })();
  }

  private onBlock(item: { kind: string; txCount: number }): void {
    if (item.kind !== "block") return;
    this.committed += item.txCount;
    this.lastCommitAt = performance.now();
  }

  async waitFor(count: number, timeoutMs: number): Promise<boolean> {
    const end = performance.now() + timeoutMs;
    while (this.committed < count && performance.now() < end) await new Promise((r) => setTimeout(r, 50));
    return this.committed >= count;
  }

  stop(): void {
    this.abort.abort();
  }
}

/** Refusals seen by the load generator, by error, so a run shows what went wrong. */
const refusals = new Map<string, number>();

/**
 * The JSON body submitting `txs` in one request. Built before the clock
 * starts, as the transactions are signed before it: a wallet or gateway
 * submitting for many citizens has its bytes ready, and building them here
 * would bill the node's run for this process's CPU on the same two cores.
 */
function batchBody(txs: Uint8Array[]): string {
  return JSON.stringify({ txs: txs.map((t) => Buffer.from(t).toString("base64")), wait: "check" });
}

async function submitBatch(url: string, txs: Uint8Array[], body = batchBody(txs)): Promise<number> {
  const res = await fetch(`${url}/v1/txs/batch`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  const answer = (await res.json()) as {
    results?: { status: number; error?: { codespace: string; name: string } }[];
    error?: { codespace: string; name: string };
  };
  if (!answer.results) {
    const k = `HTTP ${res.status} ${answer.error?.codespace}.${answer.error?.name}`;
    refusals.set(k, (refusals.get(k) ?? 0) + txs.length);
    return 0;
  }
  let ok = 0;
  for (const r of answer.results) {
    if (r.status < 300) ok++;
    else {
      const k = `${r.status} ${r.error?.codespace}.${r.error?.name}`;
      refusals.set(k, (refusals.get(k) ?? 0) + 1);
    }
  }
  return ok;
}

/** Pre-signs `perSender` transfers per sender, ordered by sequence then sender. */
function presign(accounts: BenchAccount[], perSender: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let s = 0; s < perSender; s++) {
    for (let i = 0; i < accounts.length; i++) {
      const to = (accounts[(i + 1) % accounts.length] as BenchAccount).address;
      out.push(signedTransfer("urbis-bench", accounts[i] as BenchAccount, to, BigInt(s)));
    }
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Offers all transactions as fast as the node takes them; returns committed transfers per second. */
async function saturate(senders: number, perSender: number) {
  const accounts = Array.from({ length: senders }, (_, i) => benchAccount(i));
  const txs = presign(accounts, perSender);
  const batches: { txs: Uint8Array[]; body: string }[] = [];
  for (let i = 0; i < txs.length; i += 100) {
    const chunk = txs.slice(i, i + 100);
    batches.push({ txs: chunk, body: batchBody(chunk) });
  }
  const node = await spawnNode(
    accounts.map((a) => a.address),
    0,
  );
  const watcher = new CommitWatcher(node.url);
  await watcher.start();
  const cpu0 = cpuSecondsOf(node.child.pid as number);
  const gen0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  let accepted = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++] as { txs: Uint8Array[]; body: string };
      const n = await submitBatch(node.url, batch.txs, batch.body); // not `accepted += await …`: that reads `accepted` before awaiting
      accepted += n;
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const submitSeconds = (performance.now() - t0) / 1000;
  await watcher.waitFor(accepted, 120_000);
  const seconds = (watcher.lastCommitAt - t0) / 1000;
  const nodeCpuSeconds = cpuSecondsOf(node.child.pid as number) - cpu0;
  const gen = process.cpuUsage(gen0);
  const mem = memoryOf(node.child.pid as number);
  watcher.stop();
  await node.stop();
  return {
    offered: txs.length,
    accepted,
    committed: watcher.committed,
    seconds,
    submitSeconds,
    tps: watcher.committed / seconds,
    /** Node process CPU (all threads) per committed transfer, in µs. */
    cpuPerTxUs: (nodeCpuSeconds * 1e6) / Math.max(1, watcher.committed),
    /** The load generator's (this process's) CPU per committed transfer, in µs. */
    generatorCpuPerTxUs: (gen.user + gen.system) / Math.max(1, watcher.committed),
    mem,
  };
}

/**
 * Offers `rate` transfers per second for `seconds`, in batches of 100 sent
 * with `wait: "commit"`, and returns submit-to-commit latency percentiles:
 * a batch's latency is what its client waits from sending it until the answer
 * that all of its transfers are committed (each transfer of it counts once).
 */
async function offered(rate: number, seconds: number, extraAccounts = 0, restartAfterGenesis = false) {
  // One transfer per sender: with many requests in flight over several connections, two transfers
  // of one sender could reach the node out of order, which would measure the client, not the node.
  const accounts = Array.from({ length: rate * seconds }, (_, i) => benchAccount(i));
  const txs = presign(accounts, 1);
  const batch = 100;
  const bodies: string[] = [];
  for (let i = 0; i < txs.length; i += batch) {
    const chunk = txs.slice(i, i + batch).map((t) => Buffer.from(t).toString("base64"));
    bodies.push(JSON.stringify({ txs: chunk, wait: "commit", timeoutMs: 60_000 }));
  }
  const node = await spawnNode(
    accounts.map((a) => a.address),
    extraAccounts,
  );
  const afterGenesis = memoryOf(node.child.pid as number);
  // A node restarted on its store: what a city node runs as, without the garbage of applying a genesis.
  if (restartAfterGenesis) await node.restart();
  const lat: number[] = [];
  let committed = 0;
  const send = async (body: string, size: number): Promise<void> => {
    const at = performance.now();
    const res = await fetch(`${node.url}/v1/txs/batch`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const answer = (await res.json()) as {
      results?: { status: number; code?: number; error?: { codespace: string; name: string } }[];
      error?: { codespace: string; name: string };
    };
    const took = performance.now() - at;
    if (!answer.results) {
      const k = `HTTP ${res.status} ${answer.error?.codespace}.${answer.error?.name}`;
      refusals.set(k, (refusals.get(k) ?? 0) + size);
      return;
    }
    for (const r of answer.results) {
      if (r.status < 300 && (r.code ?? 0) === 0) {
        committed++;
        lat.push(took);
      } else {
        const k = `${r.status} ${r.error?.codespace}.${r.error?.name} code ${r.code ?? "-"}`;
        refusals.set(k, (refusals.get(k) ?? 0) + 1);
      }
    }
  };
  const intervalMs = (1000 * batch) / rate;
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let b = 0; b < bodies.length; b++) {
    const wait = t0 + b * intervalMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(send(bodies[b] as string, Math.min(batch, txs.length - b * batch)));
  }
  const offerSeconds = (performance.now() - t0) / 1000;
  await Promise.all(inflight);
  lat.sort((a, b) => a - b);
  const mem = memoryOf(node.child.pid as number);
  await node.stop();
  return {
    offered: txs.length,
    offeredRate: Math.round(txs.length / offerSeconds),
    committed,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    afterGenesis,
    mem,
  };
}

const started = new Date();
console.log("Ed25519 ceiling …");
const ceiling = verifyCeiling();
const opensslCeiling = verifyCeiling("openssl");
console.log(`  ${ceiling} verifications/s on one core (${ed25519Backend}); OpenSSL ${opensslCeiling}/s`);

let sat: Awaited<ReturnType<typeof saturate>> | undefined;
let lat: Awaited<ReturnType<typeof offered>> | undefined;
let halfLat: Awaited<ReturnType<typeof offered>> | undefined;
let mem: Awaited<ReturnType<typeof offered>> | undefined;
if (!COMETBFT_ONLY) {
  const satSenders = QUICK ? 2000 : 20_000;
  const satPer = QUICK ? 2 : 5;
  console.log(`saturation: ${satSenders * satPer} transfers …`);
  sat = await saturate(satSenders, satPer);
  console.log("  ", sat, "refusals:", Object.fromEntries(refusals));
  refusals.clear();
  if (SATURATION_ONLY) process.exit(0);
  const rate = 5000;
  const rateSeconds = QUICK ? 4 : 10;
  console.log(`offered ${rate}/s for ${rateSeconds}s …`);
  lat = await offered(rate, rateSeconds);
  console.log("  ", lat, "refusals:", Object.fromEntries(refusals));
  refusals.clear();
  // The same at half the saturated rate: what a node not at its limit answers.
  const half = Math.max(100, Math.round(sat.tps / 200) * 100);
  console.log(`offered ${half}/s (half the saturated rate) for ${rateSeconds}s …`);
  halfLat = await offered(half, rateSeconds);
  console.log("  ", halfLat, "refusals:", Object.fromEntries(refusals));
  refusals.clear();
  if (!args.has("--skip-memory")) {
    const total = QUICK ? 100_000 : 1_000_000;
    console.log(`memory: ${total} funded accounts, kill -9 and restart, then 2000/s for 5s …`);
    mem = await offered(2000, 5, total - 10_000, true);
    console.log("  ", mem);
  }
}

let comet: CometbftResult | undefined;
if (!SKIP_COMETBFT) {
  console.log(`4 validators on CometBFT, timeout_commit ${TIMEOUT_COMMIT_MS} ms …`);
  comet = await runCometbftPhase({
    quick: QUICK,
    timeoutCommitMs: TIMEOUT_COMMIT_MS,
    ...(COMETBFT_FLOOD ? { windowSeconds: Number.POSITIVE_INFINITY } : {}),
  });
}

const cpu = cpus()[0]?.model ?? "unknown CPU";
const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "n/a");
const flags = process.argv.slice(2).filter((a) => a !== "--no-record");
const soloRows =
  sat && lat
    ? `| Ed25519 verifications/s, one core: ${ed25519Backend} (the node's) / OpenSSL (one cached key) | ${fmt(ceiling)} / ${fmt(opensslCeiling)} | ceiling |
| committed transfers/s, saturated (${fmt(sat.offered)} offered, ${fmt(sat.committed)} committed in ${sat.seconds.toFixed(1)} s) | **${fmt(sat.tps)}** | ≥ 8,000 |
| submit→commit latency at ${fmt(lat.offeredRate)}/s offered (${fmt(lat.committed)} committed): p50 / p99 | ${fmt(lat.p50)} ms / **${fmt(lat.p99)} ms** | p99 < 2,000 ms |
${halfLat ? `| submit→commit latency at ${fmt(halfLat.offeredRate)}/s offered, half the saturated rate (${fmt(halfLat.committed)} committed): p50 / p99 | ${fmt(halfLat.p50)} ms / ${fmt(halfLat.p99)} ms | |\n` : ""}| CPU per committed transfer while saturated: node (all threads: API, state machine, storage, signature workers) / load generator | ${fmt(sat.cpuPerTxUs)} µs / ${fmt(sat.generatorCpuPerTxUs)} µs | |
| node RSS after saturation run: current (anonymous + file pages) / peak | ${sat.mem.rssMiB} (${sat.mem.anonMiB} + ${sat.mem.fileMiB}) / ${sat.mem.peakMiB} MiB | |
${
  mem
    ? `| node RSS with ${fmt(QUICK ? 100_000 : 1_000_000)} funded accounts, the process that applied the genesis: when ready (anonymous + file pages) / peak | ${mem.afterGenesis.rssMiB} (${mem.afterGenesis.anonMiB} + ${mem.afterGenesis.fileMiB}) / ${mem.afterGenesis.peakMiB} MiB | |
| node RSS with those accounts, restarted on its store: after load (anonymous + file pages) / peak | ${mem.mem.rssMiB} (${mem.mem.anonMiB} + ${mem.mem.fileMiB}) / **${mem.mem.peakMiB} MiB** | < 1,024 MiB |
| latency at ${fmt(mem.offeredRate)}/s offered with those accounts (restarted node): p50 / p99 | ${fmt(mem.p50)} ms / ${fmt(mem.p99)} ms | |
`
    : ""
}`
    : `| Ed25519 verifications/s, one core: ${ed25519Backend} (the node's) / OpenSSL (one cached key) | ${fmt(ceiling)} / ${fmt(opensslCeiling)} | ceiling |
`;
const cometRows = comet
  ? `| 4 validators: committed transfers/s, saturated (${fmt(comet.saturation.offered)} offered, ${fmt(comet.saturation.committed)} committed with code 0 in ${comet.saturation.seconds.toFixed(1)} s; ${comet.saturation.blocks} blocks, largest ${fmt(comet.saturation.maxBlockTxs)}; ${comet.saturation.proposeTimeouts} propose timeouts) | **${fmt(comet.saturation.tps)}** | ≥ 2,000 |
| 4 validators: finality, submit → committed on the node it was submitted to, at ${fmt(comet.latency.offeredRate)}/s offered (${fmt(comet.latency.committed)} committed): p50 / p99 (first node to commit: ${fmt(comet.latency.anyP50)} / ${fmt(comet.latency.anyP99)} ms) | **${fmt(comet.latency.p50)} ms** / ${fmt(comet.latency.p99)} ms | p50 ≤ 1,500 ms |
| 4 validators: CPU while saturating, in cores: 4 urbis / 4 cometbft / load generator | ${comet.saturation.cpu.urbis.toFixed(2)} / ${comet.saturation.cpu.cometbft.toFixed(2)} / ${comet.saturation.cpu.loadGenerator.toFixed(2)} | |
`
  : "";
const offering = comet
  ? Number.isFinite(comet.saturation.windowSeconds)
    ? `closed loop: at most ${comet.saturation.windowSeconds} s of the recent commit rate (≥ 500 transfers) offered and not yet committed`
    : "open loop: all offered as fast as CheckTx takes them"
  : "";
const setup = [
  sat
    ? `Solo node in its own process (Node flags ${NODE_RUNTIME_FLAGS.join(" ")}) with LMDB storage (block store flushed to disk before each state commit), 1 s between blocks, at most 50,000 transfers per block and 200,000 in the mempool (defaults 5,000 and 10,000), load from a second process over loopback HTTP (\`POST /v1/txs/batch\`, 100 pre-signed transfers per request; saturation: 4 requests in flight, \`wait: "check"\`, commits counted from the block stream; latency: one request every 100/rate s, \`wait: "commit"\`, a transfer's latency is its request's time to the answer that the whole batch is committed).`
    : "",
  comet
    ? `4 validators: ${comet.validators} \`urbis start\` processes, each with its CometBFT v${comet.cometbftVersion} child, all on this machine over loopback; timeout_commit ${comet.timeoutCommitMs} ms${comet.timeoutCommitMs === 1000 ? " (CometBFT's default)" : ""}, timeout_propose 3 s, mempool 20,000 per node. One pre-signed transfer per sender (sequence 0), offered round-robin through the 4 APIs (\`POST /v1/txs/batch\`, \`wait: "check"\`, 100 per request, ${comet.saturation.inflightPerNode} in flight per node; ${offering}; refusals for a full mempool or a failed broadcast offered again). Commits counted from the blocks' results (code 0). Latency run at ~65 % of the saturated rate.`
    : "",
]
  .filter((x) => x)
  .join(" ");
const section = `
## ${started.toISOString().slice(0, 16).replace("T", " ")} UTC — \`npm run bench${flags.length > 0 ? ` -- ${flags.join(" ")}` : ""}\`

Machine: ${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. ${setup}

| measure | result | target |
|---|---|---|
${soloRows}${cometRows}`;
if (NO_RECORD) console.log("(--no-record: bench/RESULTS.md left unchanged)");
else appendFileSync(new URL("./RESULTS.md", import.meta.url), section);
console.log(section);
