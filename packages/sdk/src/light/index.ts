/**
 * Light-client verification: trust no single node. A CometBFT header is
 * accepted when validators the caller trusts signed its commit; a state
 * answer of version H is then checked against verified header H+1's app hash.
 * Browser-safe.
 */
export * from "./errors.js";
export * from "./hash.js";
export * from "./rpc.js";
export * from "./state.js";
export * from "./time.js";
export * from "./types.js";
export * from "./verify.js";
