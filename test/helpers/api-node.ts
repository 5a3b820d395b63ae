/**
 * A real solo node (LMDB stores in a temp dir) behind the real API server on
 * 127.0.0.1:0, with an SDK client: the in-process fixture the API tests share.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ApiServer,
  createApiServer,
  FileBlobStore,
  nodeAccessLookup,
  RecordStoreService,
  type SoloEngine,
  startSoloNode,
} from "@urbis/node";
import { UrbisClient } from "@urbis/sdk";
import type { GenesisDoc } from "@urbis/state";

/** A running node, its server and a client. */
export interface ApiNode {
  dir: string;
  node: SoloEngine;
  api: ApiServer;
  url: string;
  client: UrbisClient;
}

/** Options of {@link startApiNode}. */
export interface ApiNodeOptions {
  /** Per-client requests per second (default 100,000: tests are not rate limited unless they ask). */
  perSecond?: number;
  bodyLimit?: number;
  blockIntervalMs?: number;
  verifierWorkers?: number;
  /** Temp folder name prefix. */
  prefix?: string;
  /** Serve the encrypted record store (files under the node's folder), checked against the chain's access log. */
  records?: boolean;
}

/** Starts a solo node on `genesis` and its API; a fatal engine error fails the test loudly. */
export async function startApiNode(genesis: GenesisDoc, o: ApiNodeOptions = {}): Promise<ApiNode> {
  const dir = mkdtempSync(join(tmpdir(), o.prefix ?? "urbis-api-"));
  const node = await startSoloNode({
    home: dir,
    genesis,
    blockIntervalMs: o.blockIntervalMs ?? 10,
    noSync: true,
    verifierWorkers: o.verifierWorkers ?? 0,
    onFatal: (e) => {
      throw e;
    },
  });
  const records = o.records
    ? new RecordStoreService({
        node,
        store: await FileBlobStore.open(join(dir, "records"), { noSync: true }),
        lookup: nodeAccessLookup(node),
      })
    : undefined;
  const api = await createApiServer({
    node,
    ...(records ? { records } : {}),
    logger: false,
    bodyLimit: o.bodyLimit ?? 256 * 1024,
    rateLimit: { perClientPerSecond: o.perSecond ?? 100_000 },
    stream: { heartbeatMs: 100, retryMs: 20 },
    engineMetrics: node.metrics,
    processMetrics: false,
  });
  const url = await api.listen({ host: "127.0.0.1", port: 0 });
  return { dir, node, api, url, client: new UrbisClient({ baseUrl: url, timeoutMs: 20_000 }) };
}

/** Stops the server, then the node, and deletes its folder. */
export async function stopApiNode(f: ApiNode | undefined): Promise<void> {
  if (!f) return;
  await f.api.close();
  await f.node.close();
  rmSync(f.dir, { recursive: true, force: true });
}
