/** The DID module's wire side: identifiers, message types, the stored record, the W3C document builder, Multikey encoding and error codes. */
export * from "./document.js";
export * from "./errors.js";
export * from "./messages.js";
export * from "./multikey.js";
export * from "./types.js";
