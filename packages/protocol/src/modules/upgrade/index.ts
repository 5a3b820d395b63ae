/** The upgrade module's wire side: message types, the plan codec, stateless rules and error codes. */
export * from "./errors.js";
export * from "./messages.js";
export * from "./types.js";
