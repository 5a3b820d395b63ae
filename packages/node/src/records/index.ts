/** The node's encrypted record store: blob storage, on-chain access lookup and request logic. */
export * from "./lookup.js";
export * from "./service.js";
export * from "./store.js";
