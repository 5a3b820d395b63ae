/**
 * The REST API, defined once: wire types, API errors, the route table and the
 * OpenAPI document built from it. Browser-safe.
 */

/** TypeBox's schema types, so consumers can name route types without depending on TypeBox themselves. */
export type { Static, TSchema } from "@sinclair/typebox";
export * from "./encoding.js";
export * from "./errors.js";
export * from "./openapi.js";
export * from "./records-routes.js";
export * from "./routes.js";
export * from "./vc-wire.js";
export * from "./wire.js";
