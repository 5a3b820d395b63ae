/** Starts a whole node: an engine (solo or CometBFT) plus the REST API in front of it. */

import { join } from "node:path";
import type { GenesisDoc } from "@urbis/state";
import { createApiServer } from "./api/server.js";
import { type StartCometNodeOptions, startCometNode } from "./cometbft/index.js";
import { exitOnHalt } from "./fatal.js";
import { FileBlobStore, nodeAccessLookup, RecordStoreService } from "./records/index.js";
import type { NodeService } from "./service.js";
import { type EngineMetrics, registerEngineMetrics, type StartSoloNodeOptions, startSoloNode } from "./solo/index.js";

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
  /** Passed through to the solo engine (block size, mempool, workers, …). */
  engine?: Partial<StartSoloNodeOptions>;
  /** Run behind CometBFT instead of the solo engine. */
  cometbft?: Omit<StartCometNodeOptions, "home" | "genesis" | "keepRecent">;
}

/** A running node. */
export interface RunningNode {
  /** Base URL of the API, e.g. http://127.0.0.1:8680. */
  url: string;
  /** Which engine runs. */
  engine: "solo" | "cometbft";
  /** CometBFT's RPC URL (cometbft engine only). */
  rpcUrl?: string;
  /** CometBFT's process id (cometbft engine only). */
  cometPid?: number;
  /** Last committed height. */
  height(): bigint;
  /** Stops the API, then the engine, and closes the stores. */
  close(): Promise<void>;
}

/** Opens the node in `dataDir` (creating the chain from `genesis` on first run) and serves its API. */
export async function startNode(o: StartNodeOptions): Promise<RunningNode> {
  let node: NodeService;
  let metrics: EngineMetrics | undefined;
  let closeEngine: () => Promise<void>;
  let rpcUrl: string | undefined;
  let cometPid: number | undefined;
  if (o.cometbft) {
    const c = await startCometNode({
      ...o.cometbft,
      home: o.dataDir,
      genesis: o.genesis,
      ...(o.keepRecent !== undefined ? { keepRecent: o.keepRecent } : {}),
    });
    node = c.engine;
    rpcUrl = c.rpcUrl;
    cometPid = c.cometPid;
    closeEngine = () => c.close();
  } else {
    const engine = await startSoloNode({
      home: o.dataDir,
      genesis: o.genesis,
      ...(o.blockIntervalMs !== undefined ? { blockIntervalMs: o.blockIntervalMs } : {}),
      ...(o.keepRecent !== undefined ? { keepRecent: o.keepRecent } : {}),
      onFatal: exitOnHalt,
      ...o.engine,
    });
    node = engine;
    metrics = engine.metrics;
    closeEngine = () => engine.close();
  }
  let api: Awaited<ReturnType<typeof createApiServer>>;
  let url: string;
  try {
    // Encrypted record blobs live beside the chain data; reads are checked against the health module's queries.
    const records = new RecordStoreService({
      node,
      store: await FileBlobStore.open(join(o.dataDir, "records")),
      lookup: nodeAccessLookup(node),
    });
    api = await createApiServer({
      node,
      records,
      logger: o.logs ?? true,
      bodyLimit: 16 * 1024 * 1024,
      rateLimit: { perClientPerSecond: o.rateLimitPerSecond ?? 1000 },
      ...(metrics ? { engineMetrics: metrics } : {}),
    });
    if (metrics) registerEngineMetrics(metrics, api.metrics.registry);
    url = await api.listen({ host: o.host, port: o.port });
  } catch (e) {
    await closeEngine();
    throw e;
  }
  return {
    url,
    engine: o.cometbft ? "cometbft" : "solo",
    ...(rpcUrl ? { rpcUrl } : {}),
    ...(cometPid !== undefined ? { cometPid } : {}),
    height: () => node.status().latestHeight,
    async close() {
      await api.close();
      await closeEngine();
    },
  };
}
