export * from "./address.js";
export * from "./api/index.js";
export * from "./bytes.js";
export * from "./codec/index.js";
export * from "./core-errors.js";
export * from "./crypto.js";
export * from "./errors.js";
export * from "./modules/auth/index.js";
export * from "./modules/bank/index.js";
export * from "./modules/did/index.js";
export * from "./modules/gov/index.js";
export * from "./modules/org/index.js";
export * from "./modules/upgrade/index.js";
export * from "./modules/validator/index.js";
export * from "./proof.js";
export * from "./proof-errors.js";
// --- records (issue 5): encrypted record store errors and signed requests ---
export * from "./records/index.js";
export * from "./tx.js";
// --- end records ---
