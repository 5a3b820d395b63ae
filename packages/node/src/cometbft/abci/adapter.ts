/**
 * The thin translation between CometBFT's ABCI 2.0 messages (cosmjs-types)
 * and the App interface of @urbis/state: protobuf Timestamps become Unix
 * milliseconds, enums become the App's enums (whose numbers match ABCI's), and
 * our events, results and proofs become their ABCI shapes. No policy lives
 * here; whatever the app throws propagates to the server, which treats it as
 * fatal.
 */
import { fromUtf8 } from "@urbis/protocol";
import {
  type App,
  CheckTxType,
  type Event,
  type Snapshot,
  type TxResult,
  type ValidatorUpdate as UrbisValidatorUpdate,
} from "@urbis/state";
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import {
  CheckTxType as AbciCheckTxType,
  type Event as AbciEvent,
  type Snapshot as AbciSnapshot,
  type ValidatorUpdate as AbciValidatorUpdate,
  type ExecTxResult,
  type Request,
  type Response,
  type ResponseApplySnapshotChunk_Result,
  ResponseOfferSnapshot_Result,
  ResponseProcessProposal_ProposalStatus,
  type ResponseQuery,
  ResponseVerifyVoteExtension_VerifyStatus,
} from "cosmjs-types/tendermint/abci/types";
import { AbciErrors } from "./errors.js";

/** What Info reports as `data`. */
export const ABCI_INFO_DATA = "urbis";

/** The `type` of the proof op carrying our encoded Merkle proof in Query responses. */
export const PROOF_OP_TYPE = "urbis/smt";

/** The methods of an ABCI Request (its oneof field names). */
export type AbciMethod = keyof Request;

const METHODS: readonly AbciMethod[] = [
  "echo",
  "flush",
  "info",
  "initChain",
  "query",
  "checkTx",
  "commit",
  "listSnapshots",
  "offerSnapshot",
  "loadSnapshotChunk",
  "applySnapshotChunk",
  "prepareProposal",
  "processProposal",
  "extendVote",
  "verifyVoteExtension",
  "finalizeBlock",
];

/** The method a Request calls, or undefined when it sets none (an unknown or empty request). */
export function requestMethod(req: Request): AbciMethod | undefined {
  for (const m of METHODS) if (req[m] !== undefined) return m;
  return undefined;
}

/** A protobuf Timestamp as Unix milliseconds (floor); an absent one is the epoch. */
export function timestampToMs(ts: Timestamp | undefined): bigint {
  if (!ts) return 0n;
  // Protobuf normalises nanos to 0..999 999 999, so this is the floor even before 1970.
  return ts.seconds * 1000n + BigInt(Math.floor(ts.nanos / 1_000_000));
}

/** Unix milliseconds as a protobuf Timestamp. */
export function msToTimestamp(ms: bigint): Timestamp {
  const seconds = ms >= 0n ? ms / 1000n : -((-ms + 999n) / 1000n);
  return { seconds, nanos: Number(ms - seconds * 1000n) * 1_000_000 };
}

/** Our event as an ABCI event; every attribute is indexed. */
export function toAbciEvent(e: Event): AbciEvent {
  return { type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: true })) };
}

function toAbciValidator(v: UrbisValidatorUpdate): AbciValidatorUpdate {
  return { pubKey: { ed25519: v.publicKey }, power: v.power };
}

function toExecTxResult(r: TxResult): ExecTxResult {
  return {
    code: r.code,
    data: new Uint8Array(0),
    log: r.log,
    info: "",
    gasWanted: 0n,
    gasUsed: 0n,
    events: r.events.map(toAbciEvent),
    codespace: r.codespace,
  };
}

function fromAbciSnapshot(s: AbciSnapshot): Snapshot {
  return { height: s.height, format: s.format, chunks: s.chunks, hash: s.hash, metadata: s.metadata };
}

function toAbciSnapshot(s: Snapshot): AbciSnapshot {
  return { height: s.height, format: s.format, chunks: s.chunks, hash: s.hash, metadata: s.metadata };
}

/** InitChain's app_state_bytes (the genesis `app_state` JSON) as the App's appState; empty bytes are `{}`. */
export function parseAppState(bytes: Uint8Array): Record<string, unknown> {
  if (bytes.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromUtf8(bytes));
  } catch (e) {
    throw AbciErrors.invalidAppState.create(
      `app_state_bytes are not JSON: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw AbciErrors.invalidAppState.create("app_state_bytes must hold a JSON object of module sections");
  }
  return parsed as Record<string, unknown>;
}

/**
 * Answers one ABCI request by calling the app. Synchronous app methods give a
 * Response directly (no extra tick); Commit and the snapshot methods give a
 * promise. Throws `abci.unknown_request` for a request with no known method,
 * and rethrows whatever the app throws.
 */
export function handleRequest(app: App, req: Request): Response | Promise<Response> {
  if (req.echo) return { echo: { message: req.echo.message } };
  if (req.flush) return { flush: {} };
  if (req.info) {
    const r = app.info();
    return {
      info: {
        data: ABCI_INFO_DATA,
        version: r.version,
        appVersion: r.appVersion,
        lastBlockHeight: r.lastBlockHeight,
        lastBlockAppHash: r.lastBlockAppHash,
      },
    };
  }
  if (req.initChain) {
    const q = req.initChain;
    const r = app.initChain({
      chainId: q.chainId,
      timeMs: timestampToMs(q.time),
      initialHeight: q.initialHeight,
      appState: parseAppState(q.appStateBytes),
    });
    return { initChain: { validators: r.validators.map(toAbciValidator), appHash: r.appHash } };
  }
  if (req.checkTx) {
    const type = req.checkTx.type === AbciCheckTxType.RECHECK ? CheckTxType.Recheck : CheckTxType.New;
    const r = app.checkTx({ tx: req.checkTx.tx, type });
    return { checkTx: toExecTxResult(r) };
  }
  if (req.prepareProposal) {
    const q = req.prepareProposal;
    const txs = app.prepareProposal({
      txs: q.txs,
      maxTxBytes: Number(q.maxTxBytes),
      height: q.height,
      timeMs: timestampToMs(q.time),
    });
    return { prepareProposal: { txs } };
  }
  if (req.processProposal) {
    const q = req.processProposal;
    const ok = app.processProposal({ txs: q.txs, height: q.height, timeMs: timestampToMs(q.time) });
    return {
      processProposal: {
        status: ok ? ResponseProcessProposal_ProposalStatus.ACCEPT : ResponseProcessProposal_ProposalStatus.REJECT,
      },
    };
  }
  if (req.finalizeBlock) {
    const q = req.finalizeBlock;
    const r = app.finalizeBlock(
      q.hash.length > 0
        ? { txs: q.txs, height: q.height, timeMs: timestampToMs(q.time), hash: q.hash }
        : { txs: q.txs, height: q.height, timeMs: timestampToMs(q.time) },
    );
    return {
      finalizeBlock: {
        events: r.events.map(toAbciEvent),
        txResults: r.txResults.map(toExecTxResult),
        validatorUpdates: r.validatorUpdates.map(toAbciValidator),
        appHash: r.appHash,
      },
    };
  }
  if (req.commit) {
    return app.commit().then((r) => ({ commit: { retainHeight: r.retainHeight } }));
  }
  if (req.query) {
    const q = req.query;
    const r = app.query({ path: q.path, data: q.data, height: q.height, prove: q.prove });
    const query: ResponseQuery = {
      code: r.code,
      log: r.log,
      info: "",
      index: 0n,
      key: r.key,
      value: r.value,
      height: r.height,
      codespace: r.codespace,
    };
    if (r.proof) query.proofOps = { ops: [{ type: PROOF_OP_TYPE, key: r.key, data: r.proof }] };
    return { query };
  }
  if (req.listSnapshots) {
    return app.listSnapshots().then((s) => ({ listSnapshots: { snapshots: s.map(toAbciSnapshot) } }));
  }
  if (req.offerSnapshot) {
    const q = req.offerSnapshot;
    // A request without a snapshot offers nothing to accept.
    if (!q.snapshot) return { offerSnapshot: { result: ResponseOfferSnapshot_Result.REJECT } };
    return app
      .offerSnapshot(fromAbciSnapshot(q.snapshot), q.appHash)
      .then((result) => ({ offerSnapshot: { result: result as number as ResponseOfferSnapshot_Result } }));
  }
  if (req.loadSnapshotChunk) {
    const q = req.loadSnapshotChunk;
    return app.loadSnapshotChunk(q.height, q.format, q.chunk).then((chunk) => ({ loadSnapshotChunk: { chunk } }));
  }
  if (req.applySnapshotChunk) {
    const q = req.applySnapshotChunk;
    return app.applySnapshotChunk(q.index, q.chunk, q.sender).then((r) => ({
      applySnapshotChunk: {
        result: r.result as number as ResponseApplySnapshotChunk_Result,
        refetchChunks: r.refetchChunks,
        rejectSenders: r.rejectSenders,
      },
    }));
  }
  if (req.extendVote) return { extendVote: { voteExtension: new Uint8Array(0) } };
  if (req.verifyVoteExtension) {
    return { verifyVoteExtension: { status: ResponseVerifyVoteExtension_VerifyStatus.ACCEPT } };
  }
  throw AbciErrors.unknownRequest.create("the request sets no ABCI method");
}
