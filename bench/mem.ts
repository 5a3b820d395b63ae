/**
 * Memory probe of the bench node (not part of `npm run bench`): spawns
 * node-process.ts with N funded accounts, samples /proc/<pid>/status every
 * 100 ms while genesis is applied and afterwards, then offers 10,000 transfers
 * (one per sender) and samples again. Prints peak VmHWM and the largest
 * RssAnon (JS heap and malloc) and RssFile (mapped LMDB pages) seen.
 *
 *   [MEM_TRACE=1] [URBIS_BENCH_NODE_ARGS=…] node --import tsx bench/mem.ts [accounts=1000000] [transfers=10000]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { benchAccount, signedTransfer } from "./keys.js";

const total = Number(process.argv[2] ?? 1_000_000);
const transfers = Number(process.argv[3] ?? 10_000);
const senders = Array.from({ length: transfers }, (_, i) => benchAccount(i));
const home = mkdtempSync(join(tmpdir(), "urbis-mem-"));
const sendersFile = join(home, "senders.json");
writeFileSync(sendersFile, JSON.stringify(senders.map((a) => a.address)));
const cfg = JSON.stringify({
  home: join(home, "node"),
  sendersFile,
  extraAccounts: total - transfers,
  blockIntervalMs: 1000,
});
const t0 = performance.now();
/** Node flags for the node process, as in run.ts. */
const NODE_ARGS = (process.env.URBIS_BENCH_NODE_ARGS ?? "").split(" ").filter((a) => a !== "");
const child = spawn(
  process.execPath,
  [...NODE_ARGS, "--import", "tsx", new URL("./node-process.ts", import.meta.url).pathname, cfg],
  {
    stdio: ["ignore", "pipe", "inherit"],
  },
);
const pid = child.pid as number;

interface Sample {
  rss: number;
  hwm: number;
  anon: number;
  file: number;
}
function sample(): Sample | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (k: string) => Math.round(Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0) / 1024);
    return { rss: kb("VmRSS"), hwm: kb("VmHWM"), anon: kb("RssAnon"), file: kb("RssFile") };
  } catch {
    return undefined;
  }
}
const max = { rss: 0, hwm: 0, anon: 0, file: 0 };
/** MEM_TRACE=1 prints a sample every second. */
const trace = process.env.MEM_TRACE === "1";
let ticks = 0;
const timer = setInterval(() => {
  const s = sample();
  if (!s) return;
  for (const k of Object.keys(max) as (keyof Sample)[]) max[k] = Math.max(max[k], s[k]);
  if (trace && ++ticks % 10 === 0) {
    console.log(`  ${((performance.now() - t0) / 1000).toFixed(0)} s: RssAnon ${s.anon} MiB, RssFile ${s.file} MiB`);
  }
}, 100);

const url = await new Promise<string>((resolve, reject) => {
  const rl = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  rl.on("line", (l) => {
    if (l.startsWith("READY ")) resolve(l.slice(6).trim());
    else if (trace) console.log(l); // e.g. --trace-gc
  });
  child.once("exit", (c) => reject(new Error(`node exited with ${c} before it was ready`)));
});
const fmt = (s: Sample | undefined) =>
  s ? `VmRSS ${s.rss} MiB, VmHWM ${s.hwm} MiB, RssAnon ${s.anon} MiB, RssFile ${s.file} MiB` : "?";
console.log(`ready after ${((performance.now() - t0) / 1000).toFixed(1)} s: ${fmt(sample())}`);
console.log(`  largest seen so far: RssAnon ${max.anon} MiB, RssFile ${max.file} MiB`);

if (transfers > 0) {
  const txs = senders.map((a, i) =>
    signedTransfer("urbis-bench", a, (senders[(i + 1) % senders.length] as typeof a).address, 0n),
  );
  let accepted = 0;
  for (let i = 0; i < txs.length; i += 100) {
    const res = await fetch(`${url}/v1/txs/batch`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ txs: txs.slice(i, i + 100).map((t) => Buffer.from(t).toString("base64")), wait: "check" }),
    });
    const body = (await res.json()) as { results?: { status: number }[] };
    accepted += body.results?.filter((r) => r.status < 300).length ?? 0;
    await new Promise((r) => setTimeout(r, 50)); // ~2,000/s, as the bench's memory phase
  }
  // Let the last blocks commit.
  await new Promise((r) => setTimeout(r, 4000));
  console.log(`${accepted} transfers accepted; after load: ${fmt(sample())}`);
}
clearInterval(timer);
console.log(
  `largest seen: RssAnon ${max.anon} MiB, RssFile ${max.file} MiB, VmRSS ${max.rss} MiB; VmHWM ${max.hwm} MiB`,
);
const done = new Promise((r) => child.once("exit", r));
child.kill("SIGTERM");
await done;
rmSync(home, { recursive: true, force: true });
