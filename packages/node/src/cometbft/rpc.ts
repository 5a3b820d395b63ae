/**
 * A small JSON-RPC client for CometBFT's RPC (HTTP POST, JSON-RPC 2.0). It keeps
 * the raw JSON, which the engine maps to Urbis' records itself; the SDK's light
 * client reads the same JSON. (`@cosmjs/tendermint-rpc` drops fields Urbis needs,
 * such as block_results' app_hash, so it serves only the interop test.)
 */
import { NodeErrors } from "../errors.js";

/** `result` of `/status`. */
export interface RpcStatus {
  node_info: { id: string; network: string; version: string; moniker: string };
  sync_info: {
    latest_block_hash: string;
    latest_app_hash: string;
    latest_block_height: string;
    latest_block_time: string;
    catching_up: boolean;
  };
  validator_info: { address: string; voting_power: string };
}

/** An ABCI event as CometBFT's RPC gives it. */
export interface RpcEvent {
  type: string;
  attributes?: { key: string; value: string; index?: boolean }[];
}

/** An ExecTxResult / CheckTx result as CometBFT's RPC gives it. */
export interface RpcTxResult {
  code: number;
  codespace?: string;
  log?: string;
  data?: string | null;
  events?: RpcEvent[];
}

/** Header of `/block`. */
export interface RpcHeader {
  chain_id: string;
  height: string;
  time: string;
  last_block_id: { hash: string };
  data_hash: string;
  app_hash: string;
  validators_hash: string;
  proposer_address: string;
}

/** `result` of `/block`. */
export interface RpcBlock {
  block_id: { hash: string };
  block: { header: RpcHeader; data: { txs: string[] | null } };
}

/** `result` of `/block_results`. */
export interface RpcBlockResults {
  height: string;
  txs_results: RpcTxResult[] | null;
  finalize_block_events: RpcEvent[] | null;
  app_hash: string;
}

/** `result` of `/tx`. */
export interface RpcTx {
  hash: string;
  height: string;
  index: number;
  tx: string;
  tx_result: RpcTxResult;
}

/** `result` of `/broadcast_tx_sync`. */
export interface RpcBroadcast extends RpcTxResult {
  hash: string;
}

/** A JSON-RPC error of CometBFT (e.g. "tx already exists in cache"). */
export class CometRpcError extends Error {
  constructor(
    readonly method: string,
    readonly rpcCode: number,
    readonly data: string,
  ) {
    super(`cometbft ${method}: ${data} (${rpcCode})`);
  }
}

interface QueuedBroadcast {
  tx: Uint8Array;
  resolve: (r: RpcBroadcast) => void;
  reject: (e: unknown) => void;
}

/** Most transactions in one JSON-RPC batch of broadcasts (the config raises CometBFT's max_request_batch_size to match). */
const MAX_BROADCAST_BATCH = 200;

/** Client of one CometBFT node's RPC. */
export class CometRpc {
  private id = 0;
  private queued: QueuedBroadcast[] = [];
  private flushScheduled = false;
  /** A batch is on its way: the next waits for it, so CometBFT sees transactions in call order. */
  private sending = false;

  /** `url` like http://127.0.0.1:26657. */
  constructor(
    readonly url: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Calls `method`; CometRpcError on a JSON-RPC error, `node.engine_rpc` when unreachable. */
  async call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: ++this.id, method, params }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw NodeErrors.engineRpc.create(`cometbft RPC ${method} at ${this.url} failed: ${(e as Error).message}`);
    }
    const body = (await res.json().catch(() => undefined)) as
      | { result?: T; error?: { code: number; message: string; data?: string } }
      | undefined;
    if (!body) throw NodeErrors.engineRpc.create(`cometbft RPC ${method} answered HTTP ${res.status} without JSON`);
    if (body.error) throw new CometRpcError(method, body.error.code, body.error.data ?? body.error.message);
    return body.result as T;
  }

  status(): Promise<RpcStatus> {
    return this.call("status");
  }

  /**
   * CometBFT's `broadcast_tx_sync` (CheckTx, then gossip), in call order: a
   * client may send one account's sequences back to back. Broadcasts queued
   * while a batch is on its way go out together as the next JSON-RPC batch,
   * which CometBFT runs in order — one HTTP request for many transactions.
   */
  broadcastTxSync(tx: Uint8Array): Promise<RpcBroadcast> {
    return new Promise((resolve, reject) => {
      this.queued.push({ tx, resolve, reject });
      if (!this.flushScheduled && !this.sending) {
        this.flushScheduled = true;
        setImmediate(() => this.flushBroadcasts());
      }
    });
  }

  private flushBroadcasts(): void {
    this.flushScheduled = false;
    if (this.sending || this.queued.length === 0) return;
    const batch = this.queued.splice(0, MAX_BROADCAST_BATCH);
    this.sending = true;
    const first = ++this.id;
    this.id += batch.length - 1;
    const body = batch.map((b, i) => ({
      jsonrpc: "2.0",
      id: first + i,
      method: "broadcast_tx_sync",
      params: { tx: Buffer.from(b.tx).toString("base64") },
    }));
    void (async () => {
      try {
        await this.sendBroadcasts(batch, first, body);
      } finally {
        this.sending = false;
        if (this.queued.length > 0) this.flushBroadcasts();
      }
    })();
  }

  private async sendBroadcasts(batch: QueuedBroadcast[], first: number, body: unknown[]): Promise<void> {
    let answers: { id: number; result?: RpcBroadcast; error?: { code: number; message: string; data?: string } }[];
    try {
      const res = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const parsed = (await res.json()) as unknown;
      // A batch of one may come back as a single object.
      answers = (Array.isArray(parsed) ? parsed : [parsed]) as typeof answers;
    } catch (e) {
      const err = NodeErrors.engineRpc.create(
        `cometbft RPC broadcast_tx_sync at ${this.url} failed: ${(e as Error).message}`,
      );
      for (const b of batch) b.reject(err);
      return;
    }
    const whole = answers[0];
    if (batch.length > 1 && answers.length === 1 && whole?.error) {
      // CometBFT refused the batch as a whole (e.g. larger than its max_request_batch_size).
      const err = NodeErrors.engineRpc.create(
        `cometbft refused a batch of ${batch.length} broadcasts: ${whole.error.data ?? whole.error.message}`,
      );
      for (const b of batch) b.reject(err);
      return;
    }
    const byId = new Map(answers.map((a) => [a.id, a]));
    batch.forEach((b, i) => {
      const a = byId.get(first + i);
      if (!a) b.reject(NodeErrors.engineRpc.create("cometbft RPC broadcast_tx_sync: no answer in the batch"));
      else if (a.error) b.reject(new CometRpcError("broadcast_tx_sync", a.error.code, a.error.data ?? a.error.message));
      else b.resolve(a.result as RpcBroadcast);
    });
  }

  block(height: bigint): Promise<RpcBlock> {
    return this.call("block", { height: height.toString() });
  }

  blockResults(height: bigint): Promise<RpcBlockResults> {
    return this.call("block_results", { height: height.toString() });
  }

  /** `hash`: hex. */
  tx(hash: string): Promise<RpcTx> {
    return this.call("tx", { hash: Buffer.from(hash, "hex").toString("base64"), prove: false });
  }

  netInfo(): Promise<{ n_peers: string; peers: { node_info: { id: string; moniker: string } }[] }> {
    return this.call("net_info");
  }

  validators(height?: bigint): Promise<{
    block_height: string;
    validators: { address: string; pub_key: { type: string; value: string }; voting_power: string }[];
    total: string;
  }> {
    return this.call("validators", { ...(height !== undefined ? { height: height.toString() } : {}), per_page: "100" });
  }

  commit(height?: bigint): Promise<unknown> {
    return this.call("commit", height !== undefined ? { height: height.toString() } : {});
  }
}
