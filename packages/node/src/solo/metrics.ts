/**
 * Engine metrics. The engine updates a plain {@link EngineMetrics} object
 * (no dependency, cheap, readable by tests). The API's metrics (api/metrics.ts)
 * take it as their `engineMetrics` source (`onCommit`) for the commit-duration
 * histogram and committed-transaction counter, and publish height and mempool
 * size from NodeService; {@link registerEngineMetrics} adds the engine-only
 * series on top, so prom-client stays out of the engine's hot path.
 */
import { Counter, Gauge, type Registry } from "prom-client";

/** What one committed block contributed, passed to block listeners. */
export interface BlockMetrics {
  height: bigint;
  txs: number;
  /** Committed transactions whose result code is not 0. */
  failedTxs: number;
  /** FinalizeBlock + durable block save + state commit + Recheck, in milliseconds. */
  commitMs: number;
}

/** Counters and gauges the engine maintains. */
export class EngineMetrics {
  /** Last committed height. */
  height = 0n;
  /** Blocks committed by this process. */
  blocks = 0;
  /** Transactions committed (successful or not) by this process. */
  txsCommitted = 0;
  /** Committed transactions whose result was an error. */
  txsFailed = 0;
  /** Submissions refused before the mempool (bad signature, CheckTx failure, full mempool). */
  txsRejected = 0;
  /** Transactions dropped from the mempool by Recheck. */
  txsEvicted = 0;
  /** Current mempool size, in transactions and bytes. */
  mempoolSize = 0;
  mempoolBytes = 0;
  /** Duration of the last block's commit pipeline, ms. */
  lastCommitMs = 0;
  private readonly listeners = new Set<(b: BlockMetrics) => void>();

  /** Calls `fn` after every committed block; returns a function that removes it. */
  onBlock(fn: (b: BlockMetrics) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * The API's `CommitMetricsSource`: calls `listener` after each commit with
   * the block's height, transaction count and commit duration.
   */
  onCommit(listener: (sample: { height: bigint; txCount: number; durationMs: number }) => void): () => void {
    return this.onBlock((b) => listener({ height: b.height, txCount: b.txs, durationMs: b.commitMs }));
  }

  /** Records a committed block (called by the engine). */
  recordBlock(b: BlockMetrics): void {
    this.height = b.height;
    this.blocks++;
    this.txsCommitted += b.txs;
    this.txsFailed += b.failedTxs;
    this.lastCommitMs = b.commitMs;
    for (const fn of this.listeners) {
      try {
        fn(b);
      } catch {
        // A metrics consumer must never stop block production.
      }
    }
  }
}

/**
 * Registers the engine-only Prometheus series into `registry` (height,
 * mempool size, committed transactions and commit duration are the API's:
 * see api/metrics.ts). Everything is read from `metrics` at scrape time, so
 * registering late loses nothing.
 */
export function registerEngineMetrics(metrics: EngineMetrics, registry: Registry, prefix = "urbis_"): void {
  new Gauge({
    name: `${prefix}mempool_bytes`,
    help: "Bytes of transactions waiting in the mempool.",
    registers: [registry],
    collect() {
      this.set(metrics.mempoolBytes);
    },
  });
  new Gauge({
    name: `${prefix}last_commit_duration_seconds`,
    help: "Duration of the last block's FinalizeBlock, durable save, state commit and Recheck.",
    registers: [registry],
    collect() {
      this.set(metrics.lastCommitMs / 1000);
    },
  });
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name: `${prefix}${name}`,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  counter("blocks_total", "Blocks committed by this process.", () => metrics.blocks);
  counter("txs_failed_total", "Committed transactions whose result was an error.", () => metrics.txsFailed);
  counter("txs_rejected_total", "Submissions refused before entering the mempool.", () => metrics.txsRejected);
  counter("txs_evicted_total", "Transactions dropped from the mempool by Recheck.", () => metrics.txsEvicted);
}
