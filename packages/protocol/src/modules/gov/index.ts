/** The governance module's wire side: message types, state codecs, the tally, stateless rules and error codes. */
export * from "./errors.js";
export * from "./messages.js";
export * from "./tally.js";
export * from "./types.js";
