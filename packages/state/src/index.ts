export * from "./app/app.js";
export * from "./app/errors.js";
export * from "./app/types.js";
export * from "./framework/context.js";
export * from "./framework/events.js";
export * from "./framework/json.js";
export * from "./framework/module.js";
export * from "./framework/store.js";
export * from "./modules/auth/keeper.js";
export * from "./modules/auth/keys.js";
export * from "./modules/auth/module.js";
export * from "./modules/bank/index.js";
export * from "./modules/did/index.js";
export * from "./modules/gov/index.js";
export * from "./modules/health/index.js";
export * from "./modules/org/index.js";
export * from "./modules/upgrade/index.js";
export * from "./modules/validator/index.js";
// --- vc (issue 5) ---
export * from "./modules/vc/index.js";
// --- end vc ---
