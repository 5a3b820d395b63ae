/**
 * Request and response types of the App interface. They mirror ABCI 2.0
 * (CometBFT v0.38) with domain types (bigint heights, Unix-ms times) so the
 * CometBFT adapter is a thin translation and the solo engine needs none.
 */
import type { Address } from "@urbis/protocol";
import type { Event } from "../framework/events.js";

/** Response to Info. */
export interface InfoResponse {
  /** Software version of the app. */
  version: string;
  appVersion: bigint;
  lastBlockHeight: bigint;
  lastBlockAppHash: Uint8Array;
}

/** A genesis document, as JSON. */
export interface GenesisDoc {
  chainId: string;
  /** RFC 3339 time of the genesis. */
  genesisTime: string;
  initialHeight: string;
  /** Per-module sections, by module name. */
  appState: Record<string, unknown>;
}

/** Request of InitChain. */
export interface InitChainRequest {
  chainId: string;
  timeMs: bigint;
  initialHeight: bigint;
  appState: Record<string, unknown>;
}

/** A change to the validator set (CometBFT's validator_updates). */
export interface ValidatorUpdate {
  /** Ed25519 public key. */
  publicKey: Uint8Array;
  /** Voting power; 0 removes the validator. */
  power: bigint;
}

/** Response of InitChain. */
export interface InitChainResponse {
  appHash: Uint8Array;
  validators: ValidatorUpdate[];
}

/** New transactions, or a re-check of those left in the mempool after a block. */
export enum CheckTxType {
  New = 0,
  Recheck = 1,
}

/** Request of CheckTx. */
export interface CheckTxRequest {
  tx: Uint8Array;
  type: CheckTxType;
  /**
   * Set by an engine that already verified this transaction's signature (e.g.
   * in a worker thread), so it is checked once and not again here.
   */
  signatureVerified?: boolean;
}

/** Outcome of one transaction (code 0 = success). */
export interface TxResult {
  code: number;
  codespace: string;
  log: string;
  events: Event[];
}

/** Response of CheckTx. */
export interface CheckTxResponse extends TxResult {
  /** Hex hash of the transaction, when it decoded. */
  hash?: string;
  sender?: Address;
  sequence?: bigint;
}

/** Request of PrepareProposal. */
export interface PrepareProposalRequest {
  txs: Uint8Array[];
  maxTxBytes: number;
  height: bigint;
  timeMs: bigint;
}

/** Request of ProcessProposal. */
export interface ProcessProposalRequest {
  txs: Uint8Array[];
  height: bigint;
  timeMs: bigint;
}

/** Request of FinalizeBlock. */
export interface FinalizeBlockRequest {
  txs: Uint8Array[];
  height: bigint;
  timeMs: bigint;
  /** Block hash, if the engine has one. */
  hash?: Uint8Array;
}

/** Response of FinalizeBlock. */
export interface FinalizeBlockResponse {
  txResults: TxResult[];
  /** Block-level events (end-block hooks). */
  events: Event[];
  validatorUpdates: ValidatorUpdate[];
  appHash: Uint8Array;
}

/** Response of Commit. */
export interface CommitResponse {
  /** Blocks below this height may be pruned by the engine (0 = keep all). */
  retainHeight: bigint;
}

/** Request of Query. */
export interface QueryRequest {
  /** `/store` for a raw key (data = key bytes), or `/<module>/<query>` (data = JSON params). */
  path: string;
  data: Uint8Array;
  /** 0 = latest committed height. */
  height: bigint;
  prove: boolean;
}

/** Response of Query. */
export interface QueryResponse {
  code: number;
  codespace: string;
  log: string;
  key: Uint8Array;
  value: Uint8Array;
  /** Encoded proof (see @urbis/protocol proof codec), when asked for. */
  proof?: Uint8Array;
  height: bigint;
}

/** A state snapshot an app offers for state sync (ABCI Snapshot). */
export interface Snapshot {
  height: bigint;
  /** Snapshot format version; an app refuses formats it does not know. */
  format: number;
  chunks: number;
  /** Hash that identifies the snapshot (covers its chunk hashes). */
  hash: Uint8Array;
  /** Format-specific metadata (for Urbis: the per-chunk hashes). */
  metadata: Uint8Array;
}

/** Answer to OfferSnapshot; numbers match ABCI's ResponseOfferSnapshot.Result. */
export enum OfferSnapshotResult {
  Accept = 1,
  Abort = 2,
  Reject = 3,
  RejectFormat = 4,
  RejectSender = 5,
}

/** Answer to ApplySnapshotChunk; numbers match ABCI's ResponseApplySnapshotChunk.Result. */
export enum ApplyChunkResult {
  Accept = 1,
  Abort = 2,
  Retry = 3,
  RetrySnapshot = 4,
  RejectSnapshot = 5,
}

/** Response of ApplySnapshotChunk. */
export interface ApplyChunkResponse {
  result: ApplyChunkResult;
  /** Chunk indexes to fetch again. */
  refetchChunks: number[];
  /** Peers (as given in the request's sender) to stop asking. */
  rejectSenders: string[];
}

/** The application interface every engine drives; mirrors ABCI 2.0. */
export interface App {
  info(): InfoResponse;
  initChain(req: InitChainRequest): InitChainResponse;
  checkTx(req: CheckTxRequest): CheckTxResponse;
  prepareProposal(req: PrepareProposalRequest): Uint8Array[];
  processProposal(req: ProcessProposalRequest): boolean;
  finalizeBlock(req: FinalizeBlockRequest): FinalizeBlockResponse;
  commit(): Promise<CommitResponse>;
  query(req: QueryRequest): QueryResponse;
  /** Snapshots this node can serve, newest first. */
  listSnapshots(): Promise<Snapshot[]>;
  /** A peer offers a snapshot whose state must hash to `appHash` (from the light client). */
  offerSnapshot(snapshot: Snapshot, appHash: Uint8Array): Promise<OfferSnapshotResult>;
  /** One chunk of a local snapshot, or empty if there is none. */
  loadSnapshotChunk(height: bigint, format: number, chunk: number): Promise<Uint8Array>;
  /** Applies the next chunk of the accepted snapshot. */
  applySnapshotChunk(index: number, chunk: Uint8Array, sender: string): Promise<ApplyChunkResponse>;
}
