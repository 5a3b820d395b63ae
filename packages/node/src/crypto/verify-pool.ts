/**
 * A pool of worker threads that verify transaction signatures off the main
 * thread, so the event loop keeps serving the API while every core checks
 * signatures. Submissions arriving in the same event-loop turn are batched
 * into one message per worker (one copy, one transfer), which is what makes
 * the hop cheaper than verifying inline.
 *
 * The engine verifies a transaction here once, then calls CheckTx with
 * `signatureVerified: true`; the App remembers the hash until FinalizeBlock,
 * so each signature is checked exactly once on its way into a block.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { decodeTx, UrbisError, verifyTxSignature } from "@urbis/protocol";
import { nativeEd25519Verifier } from "./ed25519.js";

/** null when the signature is good, else the registered error it failed with. */
export type VerifyOutcome = null | { code: number; codespace: string; log: string };

/** A batch sent to a worker: transaction bytes back to back, with their lengths. */
export interface VerifyRequest {
  id: number;
  buf: ArrayBuffer;
  lens: number[];
}

/** A worker's answer to a {@link VerifyRequest}, one outcome per transaction. */
export interface VerifyReply {
  id: number;
  outcomes: VerifyOutcome[];
}

/** Options of {@link SignatureVerifierPool}. */
export interface VerifierPoolOptions {
  /** Worker threads; 0 verifies inline on the calling thread. Default: the number of cores, at most 8. */
  size?: number;
  /** Most transactions per message to a worker. */
  maxBatch?: number;
}

interface Pending {
  tx: Uint8Array;
  resolve: (o: VerifyOutcome) => void;
}

interface Slot {
  worker: Worker;
  /** Batches sent and not answered, by request id. */
  inflight: Map<number, Pending[]>;
  load: number;
  /** Set once the worker has loaded its code; a worker that dies before is not respawned. */
  ready: boolean;
}

/** Checks one transaction on this thread, the same way the worker does. */
export function verifyInline(tx: Uint8Array): VerifyOutcome {
  try {
    verifyTxSignature(decodeTx(tx), nativeEd25519Verifier);
    return null;
  } catch (e) {
    if (e instanceof UrbisError) return { code: e.code, codespace: e.codespace, log: e.message };
    throw e;
  }
}

/**
 * How to start a worker. Compiled JS runs the worker file directly. Under a
 * TypeScript loader (tests, `node --import tsx`) the worker is a .ts file:
 * inheriting `--import tsx` works only when the parent itself was started
 * with it (Node 20 cannot register loader hooks from a worker's own
 * execArgv), so the worker is a small script that loads the .ts file through
 * tsx's `tsImport`, which works either way.
 */
function workerSource(): { source: string | URL; eval: boolean } {
  const isTs = import.meta.url.endsWith(".ts");
  const url = new URL(isTs ? "./verify-worker.ts" : "./verify-worker.js", import.meta.url);
  if (!isTs) return { source: url, eval: false };
  const api = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(import.meta.url)}))`;
  return { source: boot, eval: true };
}

/** Verifies transaction signatures on a pool of worker threads. */
export class SignatureVerifierPool {
  private readonly slots: Slot[] = [];
  private readonly maxBatch: number;
  private queue: Pending[] = [];
  private flushScheduled = false;
  private nextId = 1;
  private closed = false;
  /** Transactions verified, and batches sent, since start (for metrics and tests). */
  readonly stats = { txs: 0, batches: 0 };

  constructor(opts: VerifierPoolOptions = {}) {
    const size = opts.size ?? Math.min(8, Math.max(1, availableParallelism()));
    this.maxBatch = opts.maxBatch ?? 256;
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** Number of worker threads (0 = inline). */
  get size(): number {
    return this.slots.length;
  }

  private spawn(): Slot {
    const src = workerSource();
    // An explicit empty execArgv: the worker needs none of the parent's flags (and `-e` would break it).
    const worker = new Worker(src.source, { eval: src.eval, execArgv: [] });
    const slot: Slot = { worker, inflight: new Map(), load: 0, ready: false };
    worker.on("message", (reply: VerifyReply | "ready") => {
      if (reply === "ready") {
        slot.ready = true;
        return;
      }
      const batch = slot.inflight.get(reply.id);
      if (!batch) return;
      slot.inflight.delete(reply.id);
      slot.load -= batch.length;
      if (slot.load === 0) worker.unref();
      batch.forEach((p, i) => {
        const o = reply.outcomes[i];
        // code -1: the worker hit something unexpected; decide here, where a bug surfaces as a real exception.
        p.resolve(o === undefined || (o !== null && o.code === -1) ? verifyInline(p.tx) : o);
      });
    });
    worker.on("error", (err) => this.replace(slot, err));
    worker.on("exit", (code) => {
      if (!this.closed) this.replace(slot, new Error(`verifier worker exited with code ${code}`));
    });
    // Idle workers must not keep the process alive; busy ones must (see send()).
    worker.unref();
    return slot;
  }

  /** A dead worker's batches are verified inline and a fresh worker takes its place. */
  private replace(slot: Slot, err: unknown): void {
    const idx = this.slots.indexOf(slot);
    if (idx < 0) return;
    process.emitWarning(`signature worker failed, replacing it: ${err instanceof Error ? err.message : String(err)}`);
    for (const batch of slot.inflight.values()) for (const p of batch) p.resolve(verifyInline(p.tx));
    slot.inflight.clear();
    void slot.worker.terminate();
    // A worker that could not even load would fail again: verify inline from now on rather than loop.
    if (this.closed || !slot.ready) this.slots.splice(idx, 1);
    else this.slots[idx] = this.spawn();
  }

  /** Verifies the signature of `tx` (and that it decodes); null means good. */
  verify(tx: Uint8Array): Promise<VerifyOutcome> {
    if (this.slots.length === 0 || this.closed) {
      try {
        return Promise.resolve(verifyInline(tx));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    this.stats.txs++;
    return new Promise((resolve) => {
      this.queue.push({ tx, resolve });
      if (this.queue.length >= this.maxBatch * this.slots.length) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.queue.length === 0) return;
    const queue = this.queue;
    this.queue = [];
    if (this.slots.length === 0) {
      for (const p of queue) p.resolve(verifyInline(p.tx));
      return;
    }
    // Spread the turn's submissions evenly over the workers, least loaded first.
    const per = Math.min(this.maxBatch, Math.ceil(queue.length / this.slots.length));
    for (let i = 0; i < queue.length; i += per) {
      const slot = this.slots.reduce((a, b) => (b.load < a.load ? b : a));
      this.send(slot, queue.slice(i, i + per));
    }
  }

  private send(slot: Slot, batch: Pending[]): void {
    let total = 0;
    for (const p of batch) total += p.tx.length;
    const buf = new ArrayBuffer(total);
    const view = new Uint8Array(buf);
    let off = 0;
    for (const p of batch) {
      view.set(p.tx, off);
      off += p.tx.length;
    }
    const id = this.nextId++;
    slot.inflight.set(id, batch);
    if (slot.load === 0) slot.worker.ref();
    slot.load += batch.length;
    this.stats.batches++;
    const req: VerifyRequest = { id, buf, lens: batch.map((p) => p.tx.length) };
    slot.worker.postMessage(req, [buf]);
  }

  /** Stops the workers; verifications still queued or in flight finish inline. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const queue = this.queue;
    this.queue = [];
    for (const p of queue) p.resolve(verifyInline(p.tx));
    const slots = this.slots.splice(0);
    for (const s of slots) {
      for (const batch of s.inflight.values()) for (const p of batch) p.resolve(verifyInline(p.tx));
      s.inflight.clear();
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
