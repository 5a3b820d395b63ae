/**
 * Wraps the App that CometBFT drives so the node sees each block as it is
 * committed: FinalizeBlock's outcome is held until Commit, then handed to the
 * engine (to answer waiting submitters and feed the live stream). It changes
 * nothing the app computes.
 */
import { sha256, toHex } from "@urbis/protocol";
import type {
  App,
  ApplyChunkResponse,
  CheckTxRequest,
  CheckTxResponse,
  CommitResponse,
  Event,
  FinalizeBlockRequest,
  FinalizeBlockResponse,
  InfoResponse,
  InitChainRequest,
  InitChainResponse,
  OfferSnapshotResult,
  PrepareProposalRequest,
  ProcessProposalRequest,
  QueryRequest,
  QueryResponse,
  Snapshot,
  TxResult,
} from "@urbis/state";

/** A block as the app saw it committed. */
export interface CommittedBlock {
  height: bigint;
  timeMs: bigint;
  /** Hex block hash (from FinalizeBlock's request). */
  hash: string;
  txs: Uint8Array[];
  txHashes: string[];
  results: TxResult[];
  events: Event[];
  /** Hex app hash after the block. */
  appHash: string;
}

/** An App that reports every committed block to `onCommit`. */
export class RecordingApp implements App {
  private pending: CommittedBlock | undefined;

  constructor(
    private readonly app: App,
    private readonly onCommit: (b: CommittedBlock) => void,
    private readonly onRestored: (height: bigint) => void = () => {},
  ) {}

  info(): InfoResponse {
    return this.app.info();
  }

  initChain(req: InitChainRequest): InitChainResponse {
    return this.app.initChain(req);
  }

  checkTx(req: CheckTxRequest): CheckTxResponse {
    return this.app.checkTx(req);
  }

  prepareProposal(req: PrepareProposalRequest): Uint8Array[] {
    return this.app.prepareProposal(req);
  }

  processProposal(req: ProcessProposalRequest): boolean {
    return this.app.processProposal(req);
  }

  finalizeBlock(req: FinalizeBlockRequest): FinalizeBlockResponse {
    const res = this.app.finalizeBlock(req);
    this.pending = {
      height: req.height,
      timeMs: req.timeMs,
      hash: req.hash ? toHex(req.hash) : "",
      txs: req.txs,
      txHashes: req.txs.map((t) => toHex(sha256(t))),
      results: res.txResults,
      events: res.events,
      appHash: toHex(res.appHash),
    };
    return res;
  }

  async commit(): Promise<CommitResponse> {
    const res = await this.app.commit();
    const b = this.pending;
    this.pending = undefined;
    if (b) this.onCommit(b);
    return res;
  }

  query(req: QueryRequest): QueryResponse {
    return this.app.query(req);
  }

  listSnapshots(): Promise<Snapshot[]> {
    return this.app.listSnapshots();
  }

  offerSnapshot(snapshot: Snapshot, appHash: Uint8Array): Promise<OfferSnapshotResult> {
    return this.app.offerSnapshot(snapshot, appHash);
  }

  loadSnapshotChunk(height: bigint, format: number, chunk: number): Promise<Uint8Array> {
    return this.app.loadSnapshotChunk(height, format, chunk);
  }

  async applySnapshotChunk(index: number, chunk: Uint8Array, sender: string): Promise<ApplyChunkResponse> {
    const r = await this.app.applySnapshotChunk(index, chunk, sender);
    const info = this.app.info();
    if (info.lastBlockHeight > 0n) this.onRestored(info.lastBlockHeight);
    return r;
  }
}
