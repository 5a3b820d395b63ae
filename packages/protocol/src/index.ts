export * from "./bytes.js";
export * from "./errors.js";
export * from "./core-errors.js";
export * from "./codec/index.js";
export * from "./crypto.js";
export * from "./address.js";
export * from "./tx.js";
export * from "./modules/auth/types.js";
