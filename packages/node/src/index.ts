/** @urbis/node: engines, storage and the REST API of an Urbis node. */
export type { GenesisDoc } from "@urbis/state";
export * from "./api/index.js";
export * from "./cometbft/abci/index.js";
export * from "./cometbft/index.js";
export * from "./errors.js";
export * from "./fatal.js";
export * from "./modules.js";
export * from "./records/index.js";
export * from "./run.js";
export * from "./runtime-flags.js";
export * from "./service.js";
export * from "./snapshots/index.js";
export * from "./solo/index.js";
