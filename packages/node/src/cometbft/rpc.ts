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

/** Client of one CometBFT node's RPC. */
export class CometRpc {
  private id = 0;

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

  broadcastTxSync(tx: Uint8Array): Promise<RpcBroadcast> {
    return this.call("broadcast_tx_sync", { tx: Buffer.from(tx).toString("base64") });
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
