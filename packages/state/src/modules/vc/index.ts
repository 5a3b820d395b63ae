/** The VC module's state side: keys, keeper, handlers, queries, genesis, invariants and events. */

export * from "./events.js";
export * from "./genesis.js";
export * from "./handlers.js";
export * from "./invariants.js";
export * from "./keeper.js";
export * from "./keys.js";
export * from "./module.js";
export * from "./queries.js";
