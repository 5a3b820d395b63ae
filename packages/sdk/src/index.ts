/** @urbis/sdk: browser-safe keys, transactions, typed client and proof verification. */
export * from "@urbis/protocol";
export * from "./client/index.js";
export * from "./did/index.js";
export * from "./errors.js";
export * from "./keys.js";
export * from "./keystore.js";
export * from "./light/index.js";
export * from "./proofs.js";
export * from "./records/index.js";
export * from "./tx-builder.js";
export * from "./vc/index.js";
