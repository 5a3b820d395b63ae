/**
 * The little of Digital Bazaar's untyped VC libraries that the interop test
 * uses (they ship JavaScript without declarations).
 */
declare module "@digitalbazaar/vc" {
  export interface LoadedDocument {
    contextUrl: string | null;
    documentUrl: string;
    document: unknown;
  }
  export type DocumentLoader = (url: string) => Promise<LoadedDocument>;
  export const defaultDocumentLoader: DocumentLoader;
  export function issue(o: {
    credential: object;
    suite: object;
    documentLoader: DocumentLoader;
  }): Promise<Record<string, unknown> & { proof: { cryptosuite: string } }>;
  export function verifyCredential(o: {
    credential: object;
    suite: object;
    documentLoader: DocumentLoader;
  }): Promise<{ verified: boolean; error?: unknown }>;
}
declare module "@digitalbazaar/data-integrity" {
  export class DataIntegrityProof {
    constructor(o: { cryptosuite: object; signer?: object });
  }
}
declare module "@digitalbazaar/eddsa-jcs-2022-cryptosuite" {
  export function createSignCryptosuite(): object;
  export function createVerifyCryptosuite(): object;
}
declare module "@digitalbazaar/ed25519-multikey" {
  export function from(o: {
    id: string;
    controller: string;
    publicKeyMultibase: string;
    secretKeyMultibase?: string;
  }): Promise<{ signer(): object }>;
}
