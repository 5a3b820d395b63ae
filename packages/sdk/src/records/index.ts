/** Encrypted health records: the envelope and the node's record store client. Browser-safe. */
export * from "./client.js";
export * from "./envelope.js";
