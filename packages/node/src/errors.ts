/**
 * Error kinds of the node itself (codespace `node`; the mempool's outcomes
 * reuse the protocol's `tx.mempool_full` and `tx.already_known`, which
 * clients already know). Codes are permanent: new kinds get the next free
 * code, retired ones are never reused. Other node components (the REST API,
 * codespace `api`) append their own tables below.
 */
import { registerError } from "@urbis/protocol";

/** Errors of the engine: lifecycle, waiting and streaming. */
export const NodeErrors = {
  /** The node is starting, stopping or stopped. */
  notReady: registerError("node", 1, "not_ready", "The node is not running (starting, stopped or halted).", 503),
  /** `submit` with wait `commit` gave up; the transaction may still be committed later. */
  commitTimeout: registerError(
    "node",
    2,
    "commit_timeout",
    "The transaction was accepted but not committed before the timeout; it may still be committed.",
    504,
  ),
  /** A stream cursor is not of the form `<20-digit height>.<10-digit index>`. */
  invalidCursor: registerError("node", 3, "invalid_cursor", "The stream cursor is malformed."),
  /** The stream was asked to start at a height the block store has pruned. */
  heightPruned: registerError("node", 4, "height_pruned", "The requested height was pruned from the block store.", 410),
  /** The genesis document cannot drive this engine. */
  invalidGenesis: registerError("node", 5, "invalid_genesis", "The genesis document is unusable by the node.", 400),
  /** The CometBFT binary is missing and cannot be installed, or CometBFT failed to start. */
  engineUnavailable: registerError(
    "node",
    6,
    "engine_unavailable",
    "The consensus engine (CometBFT) is not installed or did not start.",
    503,
  ),
  /** CometBFT's RPC answered with an error or not at all. */
  engineRpc: registerError("node", 7, "engine_rpc", "The consensus engine's RPC failed.", 502),
};
