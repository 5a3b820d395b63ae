/** @urbis/node: engines, storage and the REST API of an Urbis node. */
export type { GenesisDoc } from "@urbis/state";
export * from "./api/index.js";
export * from "./errors.js";
export * from "./run.js";
export * from "./service.js";
export * from "./solo/index.js";
