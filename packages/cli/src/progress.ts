/** A spinner on stderr for long work, shown only on a terminal and never in --json mode. */
const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Runs `work` while a spinner with `label` and elapsed seconds turns. */
export async function withProgress<T>(label: string, json: boolean, work: Promise<T>): Promise<T> {
  if (json || !process.stderr.isTTY) return work;
  const start = Date.now();
  let i = 0;
  const timer = setInterval(() => {
    const s = ((Date.now() - start) / 1000).toFixed(1);
    process.stderr.write(`\r${FRAMES[i++ % FRAMES.length]} ${label} ${s}s`);
  }, 100);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    process.stderr.write("\r\x1b[K");
  }
}
