/** The auth module's wire side: account and parameter codecs, its message and error codes. */
export * from "./errors.js";
export * from "./messages.js";
export * from "./types.js";
