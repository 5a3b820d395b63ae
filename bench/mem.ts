/**
 * Memory probe of the bench node (not part of `npm run bench`): spawns
 * node-process.ts with N funded accounts, samples /proc/<pid>/status every
 * 100 ms while genesis is applied and afterwards, then offers 10,000 transfers
 * (one per sender) and samples again. Prints peak VmHWM and the largest
 * RssAnon (JS heap and malloc) and RssFile (mapped LMDB pages) seen.
 * With --restart the node is killed (SIGKILL) once genesis is done and started
 * again on its store before the load, so that the figures after the load are
 * those of a node that did not itself apply the genesis (no garbage of it).
 *
 *   [MEM_TRACE=1] [URBIS_BENCH_NODE_ARGS=…] node --import tsx bench/mem.ts [accounts=1000000] [transfers=10000] [--restart]
 */
import { benchAccount, signedTransfer } from "./keys.js";
import { memoryOf, type ProcMemory, spawnNode } from "./node-proc.js";

const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const restart = process.argv.includes("--restart");
const total = Number(positional[0] ?? 1_000_000);
const transfers = Number(positional[1] ?? 10_000);
const senders = Array.from({ length: transfers }, (_, i) => benchAccount(i));
const t0 = performance.now();
/** MEM_TRACE=1 prints a sample every second, and the node's own output (e.g. --trace-gc). */
const trace = process.env.MEM_TRACE === "1";
let pid: number | undefined;
function sample(): ProcMemory | undefined {
  try {
    return pid === undefined ? undefined : memoryOf(pid);
  } catch {
    return undefined; // the process has exited
  }
}
const max = { rssMiB: 0, peakMiB: 0, anonMiB: 0, fileMiB: 0 };
let ticks = 0;
const timer = setInterval(() => {
  const s = sample();
  if (!s) return;
  for (const k of Object.keys(max) as (keyof ProcMemory)[]) max[k] = Math.max(max[k], s[k]);
  if (trace && ++ticks % 10 === 0) {
    console.log(
      `  ${((performance.now() - t0) / 1000).toFixed(0)} s: RssAnon ${s.anonMiB} MiB, RssFile ${s.fileMiB} MiB`,
    );
  }
}, 100);
const node = await spawnNode(
  senders.map((a) => a.address),
  total - transfers,
  {
    onSpawn: (child) => {
      pid = child.pid;
    },
    ...(trace ? { onLine: (l: string) => console.log(l) } : {}),
  },
);
const fmt = (s: ProcMemory | undefined) =>
  s ? `VmRSS ${s.rssMiB} MiB, VmHWM ${s.peakMiB} MiB, RssAnon ${s.anonMiB} MiB, RssFile ${s.fileMiB} MiB` : "?";
console.log(`ready after ${((performance.now() - t0) / 1000).toFixed(1)} s: ${fmt(sample())}`);
console.log(`  largest seen so far: RssAnon ${max.anonMiB} MiB, RssFile ${max.fileMiB} MiB`);
if (restart) {
  await node.restart();
  for (const k of Object.keys(max) as (keyof ProcMemory)[]) max[k] = 0; // from here on, the new process
  console.log(`killed and restarted on its store: ${fmt(sample())}`);
}
const url = node.url;

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
  `largest seen: RssAnon ${max.anonMiB} MiB, RssFile ${max.fileMiB} MiB, VmRSS ${max.rssMiB} MiB; VmHWM ${max.peakMiB} MiB`,
);
await node.stop();
