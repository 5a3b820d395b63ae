/** The node's REST API: a Fastify server built from @urbis/protocol's route table. */

export * from "./handlers.js";
export * from "./http-errors.js";
export * from "./metrics.js";
export * from "./rate-limit.js";
export * from "./server.js";
export * from "./sse.js";
export * from "./wire.js";
