/** The verifiable credentials module's wire side: trust registry and status list types, messages, the credential proof suite and verification core, and error codes. */
export * from "./credential.js";
export * from "./errors.js";
export * from "./messages.js";
export * from "./types.js";
