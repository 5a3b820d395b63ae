/** The encrypted record store's shared definitions: errors and signed requests. Browser-safe. */
export * from "./errors.js";
export * from "./request.js";
