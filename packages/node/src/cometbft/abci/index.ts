/** The ABCI 2.0 socket server through which a CometBFT node drives the app. */
export {
  ABCI_INFO_DATA,
  type AbciMethod,
  handleRequest,
  msToTimestamp,
  PROOF_OP_TYPE,
  parseAppState,
  requestMethod,
  timestampToMs,
  toAbciEvent,
} from "./adapter.js";
export { AbciErrors } from "./errors.js";
export { SerialExecutor } from "./executor.js";
export {
  DEFAULT_MAX_FRAME_BYTES,
  encodeFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  encodeUvarint,
  FrameDecoder,
  type FrameDecoderOptions,
  MessageDecoder,
  requestDecoder,
  responseDecoder,
} from "./framing.js";
export { type AbciServer, type AbciServerOptions, parseAbciAddress, startAbciServer } from "./server.js";
