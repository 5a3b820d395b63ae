/**
 * Verifiable credentials in the SDK: issue W3C VC Data Model 2.0 credentials
 * signed with an issuer's did:urbis key (Data Integrity, eddsa-jcs-2022), and
 * verify them against the chain: the issuer's key through the did:urbis
 * resolver, its trust for the credential's types and the status bits through
 * Merkle-proven state reads. The checks themselves are the protocol's
 * `verifyCredentialWith`, the same code the node's `POST /v1/vc/verify` runs.
 * Browser-safe.
 */
import {
  BITSTRING_STATUS_LIST_ENTRY,
  type BitstringStatusListEntry,
  CREDENTIALS_V2_CONTEXT,
  type CredentialLookups,
  type CredentialVerification,
  type DidDocumentJson,
  decode,
  GENERIC_CREDENTIAL_TYPE,
  getStatusBit,
  INITIAL_KEY_FRAGMENT,
  type JsonObject,
  type JsonValue,
  STATUS_PURPOSES,
  type StateAnswerJson,
  type StatusPurpose,
  signCredential,
  statusListCodec,
  statusListKey,
  statusListUrl,
  toHex,
  trustedIssuerKey,
  type UnsignedCredential,
  type VerifiableCredential,
  verifyCredentialWith,
} from "@urbis/protocol";
import { Resolver } from "did-resolver";
import type { UrbisClient } from "../client/client.js";
import type { CallOptions } from "../client/http.js";
import { getUrbisResolver } from "../did/resolver.js";
import { SdkErrors } from "../errors.js";
import { type VerifiedState, verifyStateAnswer } from "../proofs.js";

/** What a credential says, before the issuer, the base context and the proof are added. */
export interface CredentialClaims {
  /** Optional credential id (a URL; never personal data). */
  id?: string;
  /** Types beyond `VerifiableCredential`, e.g. `["PatientCredential"]`. */
  type: string[];
  /** The claims about the subject (`id` is usually the subject's DID). */
  credentialSubject: JsonObject | JsonObject[];
  /** ISO date-time with a zone; default: the time of issuance. */
  validFrom?: string;
  validUntil?: string;
  credentialStatus?: BitstringStatusListEntry[];
  /** Extra JSON-LD contexts after the VC v2 one. */
  extraContexts?: JsonValue[];
  /** Further top-level properties (e.g. `name`, `description`). */
  [extra: string]: JsonValue | undefined;
}

/** Options of {@link issueCredential}. */
export interface IssueCredentialOptions {
  issuerDid: string;
  /** Ed25519 secret key of an assertionMethod key of the issuer DID. */
  secretKey: Uint8Array;
  /** Fragment of that key in the DID document (default `key-1`). */
  keyFragment?: string;
  credential: CredentialClaims;
  /** Issuance time (default now), used for `validFrom` when absent and `proof.created`. */
  now?: Date;
}

const isoSeconds = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

/**
 * A signed VC Data Model 2.0 credential: `@context` (VC v2 first), `type`
 * (`VerifiableCredential` first), `issuer`, `validFrom`, the claims and status
 * entries, and an eddsa-jcs-2022 Data Integrity proof by
 * `<issuerDid>#<keyFragment>`. Nothing is sent to the chain.
 */
export function issueCredential(opts: IssueCredentialOptions): VerifiableCredential {
  if (opts.secretKey.length !== 32) throw SdkErrors.invalidKey.create("an Ed25519 secret key is 32 bytes");
  const now = opts.now ?? new Date();
  const { id, type, credentialSubject, validFrom, validUntil, credentialStatus, extraContexts, ...rest } =
    opts.credential;
  const credential: UnsignedCredential = {
    "@context": [CREDENTIALS_V2_CONTEXT, ...(extraContexts ?? [])],
    ...(id === undefined ? {} : { id }),
    type: [GENERIC_CREDENTIAL_TYPE, ...type.filter((t) => t !== GENERIC_CREDENTIAL_TYPE)],
    issuer: opts.issuerDid,
    validFrom: validFrom ?? isoSeconds(now),
    ...(validUntil === undefined ? {} : { validUntil }),
    credentialSubject,
    ...(credentialStatus === undefined ? {} : { credentialStatus }),
  };
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) credential[k] = v;
  return signCredential(credential, {
    secretKey: opts.secretKey,
    verificationMethod: `${opts.issuerDid}#${opts.keyFragment ?? INITIAL_KEY_FRAGMENT}`,
    created: isoSeconds(now),
  });
}

/** A credentialStatus entry pointing at bit `index` of on-chain list `listId`. */
export function statusEntry(listId: string, index: number, purpose: StatusPurpose): BitstringStatusListEntry {
  return {
    type: BITSTRING_STATUS_LIST_ENTRY,
    statusPurpose: purpose,
    statusListIndex: String(index),
    statusListCredential: statusListUrl(listId),
  };
}

/** Options of {@link verifyCredential} and {@link chainCredentialLookups}. */
export interface VerifyCredentialSdkOptions {
  /** The node to read the chain through; its answers are checked against Merkle proofs. */
  client: UrbisClient;
  /** Time the validity period is checked at (default: now). */
  at?: Date;
  /** Checks one proven state answer (default: against the app hash in the answer; pass a light-client check to trust no node). */
  verify?: (keyHex: string, answer: StateAnswerJson) => VerifiedState | Promise<VerifiedState>;
  call?: CallOptions;
}

/**
 * Chain reads for `verifyCredentialWith`: the issuer's DID document through
 * the did:urbis resolver, and trust entries and status lists as proven state.
 */
export function chainCredentialLookups(opts: VerifyCredentialSdkOptions): CredentialLookups {
  const verify = opts.verify ?? ((k: string, a: StateAnswerJson) => verifyStateAnswer(k, a));
  const call = opts.call ?? {};
  const resolver = new Resolver(
    getUrbisResolver(opts.client, { ...(opts.verify ? { verify: opts.verify } : {}), call }),
  );
  const proven = async (key: Uint8Array) => {
    const keyHex = toHex(key);
    return (await verify(keyHex, await opts.client.state(keyHex, { prove: true, ...call }))).value;
  };
  return {
    async didDocument(did) {
      const r = await resolver.resolve(did);
      if (r.didResolutionMetadata.error === "internalError") {
        throw SdkErrors.proofInvalid.create(`resolving ${did}: ${String(r.didResolutionMetadata.message)}`);
      }
      if (!r.didDocument || r.didDocumentMetadata.deactivated) return undefined;
      return r.didDocument as unknown as DidDocumentJson;
    },
    async isTrustedIssuer(credentialType, issuerDid) {
      return (await proven(trustedIssuerKey(credentialType, issuerDid))) !== undefined;
    },
    async statusBit(listId, index) {
      const raw = await proven(statusListKey(listId));
      if (raw === undefined) return undefined;
      const l = decode(statusListCodec, raw);
      const purpose = STATUS_PURPOSES[l.purpose];
      if (l.listId !== listId || purpose === undefined) {
        throw SdkErrors.proofInvalid.create(`the record proven for status list ${listId} is not that list`);
      }
      return { issuerDid: l.issuerDid, purpose, length: l.length, value: getStatusBit(l.bits, index) };
    },
  };
}

/**
 * Verifies a credential against the chain, without taking the node's word:
 * resolves `did:urbis` with proofs, checks trust and status bits from proven
 * state. Answers the verification summary, or fails with the registered
 * `vc.*` error of the first problem (`vc.malformed_credential`,
 * `vc.unknown_issuer_key`, `vc.invalid_proof`, `vc.untrusted_issuer`,
 * `vc.not_yet_valid`, `vc.expired`, `vc.status_mismatch`, `vc.revoked`,
 * `vc.suspended`), or an `sdk.*` error when the chain could not be read.
 */
export function verifyCredential(vc: unknown, opts: VerifyCredentialSdkOptions): Promise<CredentialVerification> {
  return verifyCredentialWith(vc, chainCredentialLookups(opts), { atMs: (opts.at ?? new Date()).getTime() });
}
