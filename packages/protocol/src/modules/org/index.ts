/** The organization module's wire side: message types, state codecs, stateless rules and error codes. */
export * from "./errors.js";
export * from "./messages.js";
export * from "./types.js";
