/**
 * Micro-benchmark of the LMDB state store: loads N account keys in batches,
 * then commits blocks of random balance updates, printing throughput,
 * per-block times and memory.
 *
 *   node --import tsx bench/store-bench.ts [--keys 1000000] [--blocks 50]
 *     [--updates 20000] [--load-batch 50000 | --genesis] [--keep 10]
 *     [--prune-every N] [--no-sync | --fsync] [--dir PATH [--skip-load]]
 *
 * Keys look like bank balances: "bank/b/" + 20-byte address (27 bytes), with
 * 16-byte values. Addresses derive from the key index, so the script holds
 * no key list and its own memory stays small: RSS is the store's.
 *
 * --genesis loads all keys as one version, as the node's genesis does.
 * "commit" is the time until commit() resolves (the version is visible);
 * the store syncs it to disk in the background, and the final "drain" line
 * includes waiting for all of that (store.close()). "written" is what the
 * process dirtied in the page cache per block (/proc/self/io write_bytes:
 * with LMDB's write map, every page it copies or changes), which the disk
 * then has to absorb. "peak rss" is the kernel's high-water mark (VmHWM).
 */
import { hash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Write } from "@urbis/state";
import { open } from "@urbis/store";

const { values: args } = parseArgs({
  options: {
    keys: { type: "string", default: "1000000" },
    blocks: { type: "string", default: "50" },
    updates: { type: "string", default: "20000" },
    "load-batch": { type: "string", default: "50000" },
    genesis: { type: "boolean", default: false },
    keep: { type: "string", default: "10" },
    "prune-every": { type: "string" },
    "no-sync": { type: "boolean", default: false },
    fsync: { type: "boolean", default: false },
    dir: { type: "string" },
    "skip-load": { type: "boolean", default: false },
  },
});
const KEYS = Number(args.keys);
const BLOCKS = Number(args.blocks);
const UPDATES = Number(args.updates);
const LOAD_BATCH = args.genesis ? KEYS : Number(args["load-batch"]);
const KEEP = Number(args.keep);
const PRUNE_EVERY = args["prune-every"] === undefined ? undefined : Number(args["prune-every"]);

const PREFIX = Buffer.from("bank/b/");
function key(i: number): Uint8Array {
  const idx = Buffer.alloc(4);
  idx.writeUInt32BE(i);
  const k = new Uint8Array(PREFIX.length + 20);
  k.set(PREFIX);
  k.set(hash("sha256", idx, "buffer").subarray(0, 20), PREFIX.length);
  return k;
}
function value(n: number): Uint8Array {
  const v = new Uint8Array(16);
  new DataView(v.buffer).setBigUint64(0, BigInt(n), true);
  return v;
}
function sortWrites(ws: Write[]): Write[] {
  return ws.sort((a, b) => Buffer.compare(a[0], b[0]));
}

// Deterministic PRNG (mulberry32) so runs are comparable.
let seed = 0x5eed;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
/** RSS split into anonymous memory (heap, malloc) and mapped file pages (LMDB's map), from /proc on Linux. */
function rssDetail(): string {
  try {
    const st = readFileSync("/proc/self/status", "utf8");
    const kb = (f: string) => Number(new RegExp(`${f}:\\s+(\\d+)`).exec(st)?.[1] ?? 0) * 1024;
    return ` (anon ${mib(kb("RssAnon"))}, file ${mib(kb("RssFile"))})`;
  } catch {
    return "";
  }
}
/** Bytes this process has dirtied for writing so far (Linux /proc/self/io), or 0 if unknown. */
function writtenBytes(): number {
  try {
    return Number(/write_bytes:\s+(\d+)/.exec(readFileSync("/proc/self/io", "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}
/** Peak RSS so far (Linux VmHWM), or the current RSS if unknown. */
function peakRss(): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0) * 1024;
  } catch {
    return process.memoryUsage().rss;
  }
}
/** Disk space used (allocated blocks: with LMDB's write map the data file is sparse). */
function dirSize(p: string): number {
  return readdirSync(p).reduce((s, f) => s + statSync(join(p, f)).blocks * 512, 0);
}
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] as number;

const dir = args.dir ?? mkdtempSync(join(tmpdir(), "urbis-store-bench-"));
const store = open(dir, {
  keepRecent: KEEP,
  noSync: args["no-sync"],
  fsync: args.fsync,
  ...(PRUNE_EVERY !== undefined && { pruneEvery: PRUNE_EVERY }),
});
seed += Number(store.lastVersion()); // a reused store gets fresh updates
console.log(
  `store bench: ${KEYS} keys (load batch ${LOAD_BATCH}), ${BLOCKS} blocks x ${UPDATES} updates, keepRecent=${KEEP}, pruneEvery=${PRUNE_EVERY ?? "default"}, ${args["no-sync"] ? "noSync" : args.fsync ? "fsync each commit" : "background sync"}, dir ${dir}`,
);

// Phase 1: create the accounts (--skip-load with --dir: reuse a loaded store, e.g. to profile updates alone).
let t0 = performance.now();
let loadStageMs = 0;
for (let start = 0; start < (args["skip-load"] ? 0 : KEYS); start += LOAD_BATCH) {
  const ws: Write[] = [];
  for (let i = start; i < Math.min(KEYS, start + LOAD_BATCH); i++) ws.push([key(i), value(1_000_000)]);
  sortWrites(ws);
  const a = performance.now();
  store.stage(ws);
  loadStageMs += performance.now() - a;
  await store.commit();
}
const loadMs = performance.now() - t0;
if (!args["skip-load"]) {
  console.log(
    `load: ${KEYS} keys in ${(loadMs / 1000).toFixed(1)} s (stage ${(loadStageMs / 1000).toFixed(1)} s) = ${Math.round(KEYS / (loadMs / 1000))} keys/s; ` +
      `rss ${mib(process.memoryUsage().rss)}${rssDetail()}, peak rss ${mib(peakRss())}, db ${mib(dirSize(dir))}`,
  );
}

// Phase 2: blocks of random updates (a transfer touches two balances, so 20,000 writes ≈ 10,000 transfers).
const stageMs: number[] = [];
const commitMs: number[] = [];
const writtenMb: number[] = [];
let maxRss = 0;
t0 = performance.now();
let written0 = writtenBytes();
for (let b = 1; b <= BLOCKS; b++) {
  const seen = new Set<number>();
  const ws: Write[] = [];
  while (ws.length < UPDATES) {
    const i = Math.floor(rand() * KEYS);
    if (seen.has(i)) continue;
    seen.add(i);
    ws.push([key(i), value(b * 1000 + ws.length)]);
  }
  sortWrites(ws);
  const a = performance.now();
  store.stage(ws);
  const c = performance.now();
  await store.commit();
  const d = performance.now();
  stageMs.push(c - a);
  commitMs.push(d - c);
  const w = writtenBytes();
  writtenMb.push((w - written0) / 2 ** 20);
  written0 = w;
  maxRss = Math.max(maxRss, process.memoryUsage().rss);
  if (BLOCKS <= 20 || b % 10 === 0 || b === 1) {
    console.log(
      `block ${b}: stage ${(c - a).toFixed(0)} ms, commit ${(d - c).toFixed(0)} ms, written ${writtenMb.at(-1)?.toFixed(0)} MB, rss ${mib(process.memoryUsage().rss)}${rssDetail()}`,
    );
  }
}
const updMs = performance.now() - t0;
if (BLOCKS > 0) {
  const total = stageMs.map((s, i) => s + (commitMs[i] as number));
  const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  console.log(
    `updates: ${BLOCKS * UPDATES} writes in ${(updMs / 1000).toFixed(1)} s = ${Math.round((BLOCKS * UPDATES) / (updMs / 1000))} keys/s (store only, incl. generating keys)`,
  );
  console.log(
    `per block of ${UPDATES}: stage avg ${avg(stageMs).toFixed(0)} ms, commit avg ${avg(commitMs).toFixed(0)} ms, ` +
      `total avg ${avg(total).toFixed(0)} / p50 ${pct(total, 0.5).toFixed(0)} / p95 ${pct(total, 0.95).toFixed(0)} / max ${Math.max(...total).toFixed(0)} ms; ` +
      `written avg ${avg(writtenMb).toFixed(0)} MB`,
  );
}
const mem = process.memoryUsage();
console.log(
  `memory: rss ${mib(mem.rss)}${rssDetail()}, max after a block ${mib(maxRss)}, peak ${mib(peakRss())}; heap used ${mib(mem.heapUsed)}, external ${mib(mem.external)}; db ${mib(dirSize(dir))}`,
);
// Closing waits for the background syncs (and prune transactions) still queued.
const c0 = performance.now();
await store.close();
const drainMs = performance.now() - c0;
console.log(
  `drain: close ${drainMs.toFixed(0)} ms; updates incl. drain ${Math.round((BLOCKS * UPDATES) / ((updMs + drainMs) / 1000))} keys/s`,
);
if (args.dir === undefined) rmSync(dir, { recursive: true, force: true });
