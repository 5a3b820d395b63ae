/**
 * Prometheus metrics of a node and its API, on a Registry of their own (not
 * prom-client's global one) so several servers in one process — tests, or a
 * node embedding two — never collide. Every name is documented in docs/metrics.md.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { NodeService } from "../service.js";

/**
 * An optional engine hook for commit timings. Nothing in NodeService reports
 * how long a commit took, so `urbis_commit_duration_seconds` is only observed
 * when the engine offers this; without it the histogram stays empty and
 * committed transactions are counted from the block stream instead.
 */
export interface CommitMetricsSource {
  /** Calls `listener` after each commit; returns an unsubscribe function. */
  onCommit(listener: (sample: CommitSample) => void): () => void;
}

/** One committed block, as an engine reports it. */
export interface CommitSample {
  height: bigint;
  txCount: number;
  /** Time from starting to finalize the block to its commit being durable, ms. */
  durationMs: number;
}

/** Options of {@link ApiMetrics}. */
export interface ApiMetricsOptions {
  node: NodeService;
  engineMetrics?: CommitMetricsSource;
  /** Also export Node.js process metrics (`process_*`, `nodejs_*`). Default true. */
  processMetrics?: boolean;
}

/** The node's and the API's metrics. */
export class ApiMetrics {
  /** Where every metric is registered; `/metrics` renders it. */
  readonly registry = new Registry();
  readonly requests: Counter<"route" | "status">;
  readonly requestDuration: Histogram<"route">;
  readonly streamsOpen: Gauge;
  private readonly txsCommitted: Counter;
  private readonly commitDuration: Histogram;
  private readonly node: NodeService;
  private unsubscribe: (() => void) | undefined;
  /** Count committed transactions from the block stream (no engine hook given). */
  private readonly fromStream: boolean;
  private closed = false;

  constructor(opts: ApiMetricsOptions) {
    this.node = opts.node;
    this.fromStream = opts.engineMetrics === undefined;
    const registers = [this.registry];
    const metrics = this;
    new Gauge({
      name: "urbis_block_height",
      help: "Height of the latest committed block.",
      registers,
      collect() {
        // Read at scrape time: a gauge mirroring status() can never be stale.
        const s = metrics.safeStatus();
        if (s) this.set(Number(s.latestHeight));
        metrics.ensureSubscribed();
      },
    });
    new Gauge({
      name: "urbis_mempool_size",
      help: "Transactions waiting in the mempool.",
      registers,
      collect() {
        const s = metrics.safeStatus();
        if (s) this.set(s.mempoolSize);
      },
    });
    new Gauge({
      name: "urbis_node_ready",
      help: "1 when the node is ready to serve (the /readyz answer), else 0.",
      registers,
      collect() {
        let ready = false;
        try {
          ready = metrics.node.ready();
        } catch {
          ready = false;
        }
        this.set(ready ? 1 : 0);
      },
    });
    this.txsCommitted = new Counter({
      name: "urbis_txs_committed_total",
      help: "Transactions committed in blocks since this process started serving (successful or not).",
      registers,
    });
    this.commitDuration = new Histogram({
      name: "urbis_commit_duration_seconds",
      help: "Time to finalize and durably commit a block, as reported by the engine.",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.requests = new Counter({
      name: "urbis_api_requests_total",
      help: "API requests answered, by route id and HTTP status.",
      labelNames: ["route", "status"] as const,
      registers,
    });
    this.requestDuration = new Histogram({
      name: "urbis_api_request_duration_seconds",
      help: "Time from receiving an API request to finishing its answer, by route id (streams: until closed).",
      labelNames: ["route"] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.streamsOpen = new Gauge({
      name: "urbis_api_streams_open",
      help: "Server-Sent Event streams currently open.",
      registers,
    });
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });

    if (opts.engineMetrics) {
      this.unsubscribe = opts.engineMetrics.onCommit((s) => {
        this.txsCommitted.inc(s.txCount);
        this.commitDuration.observe(s.durationMs / 1000);
      });
    } else {
      this.ensureSubscribed();
    }
  }

  /** Records one answered request. */
  observeRequest(route: string, status: number, seconds: number): void {
    this.requests.inc({ route, status: String(status) });
    this.requestDuration.observe({ route }, seconds);
  }

  /** Prometheus text of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** Content type of {@link render}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Stops following the node. */
  close(): void {
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private safeStatus() {
    try {
      return this.node.status();
    } catch {
      return undefined;
    }
  }

  /**
   * Counts committed transactions from the block stream, starting after the
   * current tip. Retried at every scrape until it succeeds, because a node that
   * is still starting may refuse subscriptions — and a retry on scrape needs no timer.
   */
  private ensureSubscribed(): void {
    if (!this.fromStream || this.unsubscribe || this.closed) return;
    try {
      const s = this.node.status();
      this.unsubscribe = this.node.subscribe({ fromHeight: s.latestHeight + 1n }, (item) => {
        if (item.kind === "block") this.txsCommitted.inc(item.txCount);
      });
    } catch {
      this.unsubscribe = undefined;
    }
  }
}
