/**
 * What an engine offers the API server, CLI and tests. Both engines (solo and
 * CometBFT) implement it, so the API works unchanged against either.
 */
import { type Event, type Permission, permissionLabel, type TxResult } from "@urbis/state";

/** How long `submit` waits. */
export type SubmitWait = "check" | "commit";

/** Outcome of submitting a transaction. */
export interface SubmitResult {
  hash: string;
  /** 0 when accepted (check) or committed successfully (commit). */
  code: number;
  codespace: string;
  log: string;
  /** True when this exact transaction was submitted before; the other fields describe that first submission. */
  duplicate: boolean;
  /** Set once committed. */
  height?: bigint;
  /** Index in its block, once committed. */
  index?: number;
  events?: Event[];
}

/** Header of a committed block. */
export interface BlockHeader {
  chainId: string;
  height: bigint;
  /** Unix milliseconds. */
  timeMs: bigint;
  /** Hex hash of the previous block's header (empty at the first block). */
  lastBlockHash: string;
  /** Hex app hash after the previous block, as in CometBFT headers. */
  appHash: string;
  /** Hex SHA-256 over the concatenated transaction hashes. */
  dataHash: string;
}

/** A committed block with its outcome. */
export interface BlockRecord {
  hash: string;
  header: BlockHeader;
  /** Canonical transaction bytes in block order. */
  txs: Uint8Array[];
  txHashes: string[];
  results: TxResult[];
  /** Block-level events. */
  events: Event[];
  /** Hex app hash after this block (the next header's appHash). */
  resultAppHash: string;
}

/** A committed transaction with its result. */
export interface TxRecord {
  hash: string;
  height: bigint;
  index: number;
  tx: Uint8Array;
  result: TxResult;
  timeMs: bigint;
}

/** One item of the live stream. `cursor` orders items totally: resume strictly after it. */
export type StreamItem =
  | { kind: "block"; cursor: string; height: bigint; hash: string; txCount: number; timeMs: bigint }
  | {
      kind: "event";
      cursor: string;
      height: bigint;
      /** Hash of the transaction that emitted it; absent for block-level events. */
      txHash?: string;
      event: Event;
    };

/** Node status. */
export interface NodeStatus {
  chainId: string;
  engine: "solo" | "cometbft";
  latestHeight: bigint;
  latestBlockHash: string;
  latestAppHash: string;
  latestBlockTimeMs: bigint;
  mempoolSize: number;
  catchingUp: boolean;
}

/** Result of a state query. */
export interface QueryResult {
  code: number;
  codespace: string;
  log: string;
  height: bigint;
  key: Uint8Array;
  value: Uint8Array;
  proof?: Uint8Array;
}

/** Who may send one registered message type. */
export interface MessagePermission {
  type: string;
  /** `anyone`, `member`, `governance` or `role:<name>` (see `permissionLabel`). */
  permission: string;
}

/** What a node runs: its registered message types (sorted), query paths (sorted) and message permissions (by type). */
export interface NodeDescription {
  messages: string[];
  queries: string[];
  permissions: MessagePermission[];
}

/** The discovery methods an App may offer (UrbisApp has all three). */
export interface DescribableApp {
  messageTypes?(): string[];
  queryPaths?(): string[];
  messagePermissions?(): readonly { type: string; permission: Permission }[];
}

/**
 * The description of `app` (empty lists for what it does not offer, or when
 * there is no app yet), shared by both engines so they describe a node alike.
 */
export function describeApp(app: DescribableApp | undefined): NodeDescription {
  const permissions = (app?.messagePermissions?.() ?? [])
    .map((p) => ({ type: p.type, permission: permissionLabel(p.permission) }))
    // Sorted here rather than trusted: the answer must not depend on an App's registration order.
    .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  return { messages: app?.messageTypes?.() ?? [], queries: app?.queryPaths?.() ?? [], permissions };
}

/** The engine-independent face of a running node. */
export interface NodeService {
  status(): NodeStatus;
  /** Storage open and (for CometBFT) caught up. */
  ready(): boolean;
  /**
   * Checks a transaction and, with wait "commit", waits for its block. CheckTx
   * runs in the order of submit() calls, even when signatures are verified in
   * parallel, so a client may send a signer's sequences back to back.
   */
  submit(tx: Uint8Array, wait: SubmitWait, timeoutMs?: number): Promise<SubmitResult>;
  /** A committed block, or undefined if not (or no longer) stored. */
  block(height: bigint): Promise<BlockRecord | undefined>;
  /** A committed transaction by hex hash, or undefined. */
  tx(hash: string): Promise<TxRecord | undefined>;
  /** ABCI-style query: `/store` (raw key) or `/<module>/<query>` (JSON params in data). */
  query(path: string, data: Uint8Array, height: bigint, prove: boolean): QueryResult;
  /**
   * Delivers stream items after `after` (a cursor) or from `fromHeight`, then
   * live ones, in cursor order without gaps or duplicates. Returns an unsubscribe function.
   */
  subscribe(opts: { after?: string; fromHeight?: bigint }, onItem: (item: StreamItem) => void): () => void;
  /** Registered message types, query paths and message permissions, for discovery. */
  describe(): NodeDescription;
  close(): Promise<void>;
}

/** The submit outcome of a transaction found committed (a resubmission of it). */
export function committedSubmitResult(rec: TxRecord, duplicate: boolean): SubmitResult {
  return {
    hash: rec.hash,
    code: rec.result.code,
    codespace: rec.result.codespace,
    log: rec.result.log,
    duplicate,
    height: rec.height,
    index: rec.index,
    events: rec.result.events,
  };
}
