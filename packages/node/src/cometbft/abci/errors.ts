/**
 * Error kinds of the ABCI socket server (codespace `abci`). They describe what
 * went wrong on the wire between CometBFT and the app; the server answers them
 * as a Response{exception} and, for broken framing, drops the connection.
 * Codes are permanent: new kinds get the next free code, retired ones are never reused.
 */
import { registerError } from "@urbis/protocol";

/** Errors of the ABCI server. */
export const AbciErrors = {
  /** A frame's length prefix is larger than the server accepts. */
  frameTooLarge: registerError(
    "abci",
    1,
    "frame_too_large",
    "An ABCI frame's length prefix exceeds the server's frame size limit.",
    413,
  ),
  /** The length prefix is not a valid unsigned varint (more than 10 bytes, or too large for a length). */
  invalidFrame: registerError("abci", 2, "invalid_frame", "An ABCI frame's varint length prefix is malformed.", 400),
  /** The frame's bytes are not a protobuf ABCI message. */
  undecodableMessage: registerError(
    "abci",
    3,
    "undecodable_message",
    "An ABCI frame does not hold a decodable protobuf Request or Response.",
    400,
  ),
  /** A Request with no method this server knows. */
  unknownRequest: registerError("abci", 4, "unknown_request", "The ABCI request names no method the app serves.", 400),
  /** InitChain's app_state_bytes are not a JSON object. */
  invalidAppState: registerError(
    "abci",
    5,
    "invalid_app_state",
    "InitChain's app_state_bytes are not the JSON object of a genesis app state.",
    400,
  ),
  /** A fatal error stopped the app; it answers no further request. */
  appHalted: registerError(
    "abci",
    6,
    "app_halted",
    "The app stopped after a fatal error and answers no further ABCI request.",
    503,
  ),
  /** The listen address is neither `unix://<path>` nor `tcp://<host>:<port>`. */
  invalidAddress: registerError(
    "abci",
    7,
    "invalid_address",
    "The ABCI listen address must be unix://<path> or tcp://<host>:<port>.",
    400,
  ),
  /** The server could not listen (address in use, no permission, …). */
  listenFailed: registerError("abci", 8, "listen_failed", "The ABCI server could not listen at its address.", 503),
};
