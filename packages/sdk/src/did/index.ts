/** `did:urbis` in the SDK: the did-resolver driver (message builders and the document builder come from @urbis/protocol). */
export * from "./resolver.js";
