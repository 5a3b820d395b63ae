/** Starts a whole node: the solo engine plus the REST API in front of it. */
import type { GenesisDoc } from "@urbis/state";
import { createApiServer } from "./api/server.js";
import { registerEngineMetrics, type StartSoloNodeOptions, startSoloNode } from "./solo/index.js";

/** Options of {@link startNode}. */
export interface StartNodeOptions {
  /** Data directory (state and blocks). */
  dataDir: string;
  genesis: GenesisDoc;
  host: string;
  /** 0 picks a free port. */
  port: number;
  blockIntervalMs?: number;
  keepRecent?: number;
  /** Structured JSON request logs (pino). Default true. */
  logs?: boolean;
  /** Per-client request rate limit. Default 1000 requests/s. */
  rateLimitPerSecond?: number;
  /** Passed through to the engine (block size, mempool, workers, …). */
  engine?: Partial<StartSoloNodeOptions>;
}

/** A running node. */
export interface RunningNode {
  /** Base URL of the API, e.g. http://127.0.0.1:8680. */
  url: string;
  /** Last committed height. */
  height(): bigint;
  /** Stops the API, then the engine, and closes the stores. */
  close(): Promise<void>;
}

/** Opens the node in `dataDir` (creating the chain from `genesis` on first run) and serves its API. */
export async function startNode(o: StartNodeOptions): Promise<RunningNode> {
  const engine = await startSoloNode({
    home: o.dataDir,
    genesis: o.genesis,
    ...(o.blockIntervalMs !== undefined ? { blockIntervalMs: o.blockIntervalMs } : {}),
    ...(o.keepRecent !== undefined ? { keepRecent: o.keepRecent } : {}),
    ...o.engine,
  });
  let api: Awaited<ReturnType<typeof createApiServer>>;
  let url: string;
  try {
    api = await createApiServer({
      node: engine,
      logger: o.logs ?? true,
      bodyLimit: 16 * 1024 * 1024,
      rateLimit: { perClientPerSecond: o.rateLimitPerSecond ?? 1000 },
      engineMetrics: engine.metrics,
    });
    registerEngineMetrics(engine.metrics, api.metrics.registry);
    url = await api.listen({ host: o.host, port: o.port });
  } catch (e) {
    await engine.close();
    throw e;
  }
  return {
    url,
    height: () => engine.status().latestHeight,
    async close() {
      await api.close();
      await engine.close();
    },
  };
}
