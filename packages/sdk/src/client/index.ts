/**
 * The typed REST client of an Urbis node, generated from @urbis/protocol's
 * route table. Browser-safe: fetch, URL, AbortController and TextDecoder only.
 */
export * from "./client.js";
export * from "./errors.js";
export * from "./http.js";
export * from "./sse.js";
