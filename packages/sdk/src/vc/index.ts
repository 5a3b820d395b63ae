/** Verifiable credentials in the SDK: issuance and chain-backed verification (the proof suite and checks come from @urbis/protocol). */
export * from "./credentials.js";
