/**
 * Verifiable Credentials Data Model 2.0 credentials secured with a Data
 * Integrity proof of cryptosuite `eddsa-jcs-2022` (JCS canonicalization,
 * SHA-256, Ed25519), and their verification against chain state. One core,
 * used by the node's `POST /v1/vc/verify` and by the SDK: what differs is only
 * how chain state is read, which the caller injects as {@link CredentialLookups}.
 * Browser-safe.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { base58 } from "@scure/base";
import canonicalize from "canonicalize";
import { concatBytes, utf8 } from "../../bytes.js";
import type { DidDocumentJson } from "../did/document.js";
import { multibaseToEd25519 } from "../did/multikey.js";
import { isDid, parseDidUrl } from "../did/types.js";
import { VcErrors } from "./errors.js";
import { GENERIC_CREDENTIAL_TYPE, listIdOfStatusListUrl, type StatusPurpose, statusListUrl } from "./types.js";

/** The base context of VC Data Model 2.0, first in every credential. */
export const CREDENTIALS_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2";
/** The Data Integrity proof type. */
export const DATA_INTEGRITY_PROOF = "DataIntegrityProof";
/** The cryptosuite this chain signs and checks. */
export const EDDSA_JCS_2022 = "eddsa-jcs-2022";
/** Type of a credentialStatus entry pointing into a Bitstring Status List. */
export const BITSTRING_STATUS_LIST_ENTRY = "BitstringStatusListEntry";

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [k: string]: JsonValue };

/** A credentialStatus entry pointing to an on-chain list. */
export type BitstringStatusListEntry = {
  id?: string;
  type: typeof BITSTRING_STATUS_LIST_ENTRY;
  statusPurpose: StatusPurpose;
  /** Decimal index of the credential's bit. */
  statusListIndex: string;
  /** `urn:urbis:vc:status-list:<listId>`. */
  statusListCredential: string;
};

/** A Data Integrity proof of cryptosuite eddsa-jcs-2022. */
export interface DataIntegrityProof {
  type: typeof DATA_INTEGRITY_PROOF;
  cryptosuite: typeof EDDSA_JCS_2022;
  created?: string;
  /** `did:urbis:…#key-1`. */
  verificationMethod: string;
  proofPurpose: "assertionMethod";
  /** Present when the signer copied the document's contexts into the proof (the cryptosuite's rule). */
  "@context"?: JsonValue;
  /** Multibase base58btc (`z…`) of the 64-byte Ed25519 signature. */
  proofValue: string;
}

/** A credential as handed to {@link signCredential}: everything but the proof. */
export type UnsignedCredential = JsonObject & {
  "@context": JsonValue[];
  type: string[];
  issuer: string | JsonObject;
};

/** A signed credential. */
export type VerifiableCredential = UnsignedCredential & { proof: DataIntegrityProof & JsonObject };

/** A status entry as checked: the list, the index and the purpose it claims. */
export interface ParsedStatusEntry {
  listId: string;
  index: number;
  purpose: StatusPurpose;
}

/** What the structure check extracts from a credential. */
export interface ParsedCredential {
  issuerDid: string;
  /** Types other than `VerifiableCredential`. */
  types: string[];
  validFromMs?: number;
  validUntilMs?: number;
  status: ParsedStatusEntry[];
  proof: DataIntegrityProof;
  /** The DID and fragment of `proof.verificationMethod`. */
  method: { did: string; fragment: string };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const malformed = (why: string) => VcErrors.malformedCredential.create(why);

const DATE_TIME_STAMP =
  /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})$/;

/** Unix ms of an XML Schema dateTimeStamp (a time with a zone), or undefined. */
export function parseDateTimeStamp(v: unknown): number | undefined {
  if (typeof v !== "string" || !DATE_TIME_STAMP.test(v)) return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

const DECIMAL_INDEX = /^(?:0|[1-9][0-9]{0,9})$/;

function parseStatusEntry(v: unknown): ParsedStatusEntry {
  if (!isObject(v)) throw malformed("a credentialStatus entry is not an object");
  if (v.type !== BITSTRING_STATUS_LIST_ENTRY)
    throw malformed(`credentialStatus type must be ${BITSTRING_STATUS_LIST_ENTRY}`);
  const purpose = v.statusPurpose;
  if (purpose !== "revocation" && purpose !== "suspension") {
    throw malformed("credentialStatus statusPurpose must be revocation or suspension");
  }
  if (typeof v.statusListIndex !== "string" || !DECIMAL_INDEX.test(v.statusListIndex)) {
    throw malformed("credentialStatus statusListIndex must be a decimal string");
  }
  const listId = typeof v.statusListCredential === "string" ? listIdOfStatusListUrl(v.statusListCredential) : undefined;
  if (listId === undefined) {
    throw malformed(`credentialStatus statusListCredential must be ${statusListUrl("<listId>")}`);
  }
  return { listId, index: Number(v.statusListIndex), purpose };
}

/**
 * Checks the shape of a secured credential: the v2 context first, `type`
 * including `VerifiableCredential`, a `did:urbis` issuer (string or object
 * with `id`), a credentialSubject, well-formed validity times, status entries
 * pointing to on-chain lists, and exactly one eddsa-jcs-2022 Data Integrity
 * proof for assertion by a key of the issuer. Fails with `vc.malformed_credential`.
 */
export function parseCredential(vc: unknown): ParsedCredential {
  if (!isObject(vc)) throw malformed("a credential is a JSON object");
  const ctx = vc["@context"];
  if (!Array.isArray(ctx) || ctx[0] !== CREDENTIALS_V2_CONTEXT) {
    throw malformed(`@context must be an array starting with ${CREDENTIALS_V2_CONTEXT}`);
  }
  if (!ctx.every((c) => typeof c === "string" || isObject(c))) throw malformed("@context entries are URLs or objects");
  const type = typeof vc.type === "string" ? [vc.type] : vc.type;
  if (!Array.isArray(type) || !type.every((t): t is string => typeof t === "string")) {
    throw malformed("type must be a string or an array of strings");
  }
  if (!type.includes(GENERIC_CREDENTIAL_TYPE)) throw malformed(`type must include ${GENERIC_CREDENTIAL_TYPE}`);
  const issuer = isObject(vc.issuer) ? vc.issuer.id : vc.issuer;
  if (typeof issuer !== "string" || !isDid(issuer))
    throw malformed("issuer must be a did:urbis DID (or an object with it as id)");
  const subject = vc.credentialSubject;
  const subjects = Array.isArray(subject) ? subject : [subject];
  if (subjects.length === 0 || !subjects.every(isObject)) throw malformed("credentialSubject must be an object");

  const out: Omit<ParsedCredential, "proof" | "method"> = {
    issuerDid: issuer,
    types: type.filter((t) => t !== GENERIC_CREDENTIAL_TYPE),
    status: [],
  };
  if (vc.validFrom !== undefined) {
    const ms = parseDateTimeStamp(vc.validFrom);
    if (ms === undefined) throw malformed("validFrom must be a date-time with a time zone");
    out.validFromMs = ms;
  }
  if (vc.validUntil !== undefined) {
    const ms = parseDateTimeStamp(vc.validUntil);
    if (ms === undefined) throw malformed("validUntil must be a date-time with a time zone");
    out.validUntilMs = ms;
  }
  if (vc.credentialStatus !== undefined) {
    const entries = Array.isArray(vc.credentialStatus) ? vc.credentialStatus : [vc.credentialStatus];
    out.status = entries.map(parseStatusEntry);
  }

  const proof = vc.proof;
  if (!isObject(proof)) throw malformed("proof must be one object (a single Data Integrity proof)");
  if (proof.type !== DATA_INTEGRITY_PROOF || proof.cryptosuite !== EDDSA_JCS_2022) {
    throw malformed(`proof must be a ${DATA_INTEGRITY_PROOF} of cryptosuite ${EDDSA_JCS_2022}`);
  }
  if (proof.proofPurpose !== "assertionMethod") throw malformed("proof.proofPurpose must be assertionMethod");
  if (typeof proof.proofValue !== "string" || !proof.proofValue.startsWith("z")) {
    throw malformed("proof.proofValue must be multibase base58btc");
  }
  if (proof.created !== undefined && parseDateTimeStamp(proof.created) === undefined) {
    throw malformed("proof.created must be a date-time with a time zone");
  }
  let method: { did: string; fragment: string };
  try {
    const u = parseDidUrl(typeof proof.verificationMethod === "string" ? proof.verificationMethod : "");
    if (u.fragment === undefined) throw malformed("no fragment");
    method = { did: u.did, fragment: u.fragment };
  } catch {
    throw malformed("proof.verificationMethod must be a did:urbis DID URL naming a key (did:urbis:…#key-1)");
  }
  return { ...out, proof: proof as unknown as DataIntegrityProof, method };
}

function jcs(v: unknown): Uint8Array {
  const s = canonicalize(v);
  if (s === undefined) throw malformed("the credential cannot be canonicalized (JCS)");
  return utf8(s);
}

/**
 * SHA-256 of a credential's JCS form (proof included): what the chain stores
 * to name a credential issued off chain (e.g. a patient's `credentialHash`)
 * without holding its claims. Fails with `vc.malformed_credential` for a
 * value JCS cannot canonicalize.
 */
export function credentialDigest(vc: unknown): Uint8Array {
  return sha256(jcs(vc));
}

/** The eddsa-jcs-2022 hash data: SHA-256(JCS(proof options)) ‖ SHA-256(JCS(document without proof)). */
function hashData(document: Record<string, unknown>, proofOptions: Record<string, unknown>): Uint8Array {
  return concatBytes(sha256(jcs(proofOptions)), sha256(jcs(document)));
}

/** Options of {@link signCredential}. */
export interface SignCredentialOptions {
  /** The issuer's Ed25519 secret key (32 bytes). */
  secretKey: Uint8Array;
  /** The DID URL of its assertion key, e.g. `did:urbis:…#key-1`. */
  verificationMethod: string;
  /** `proof.created`; left out when undefined. */
  created?: string;
}

/**
 * Adds an eddsa-jcs-2022 Data Integrity proof to `credential` (which must not
 * carry one), following the cryptosuite's create-proof steps: the proof
 * options take the document's `@context`, both are JCS-canonicalized and
 * hashed, and the Ed25519 signature of the two hashes becomes `proofValue`.
 */
export function signCredential(credential: UnsignedCredential, opts: SignCredentialOptions): VerifiableCredential {
  if ("proof" in credential) throw malformed("the credential already carries a proof");
  const proofOptions: JsonObject = {
    type: DATA_INTEGRITY_PROOF,
    cryptosuite: EDDSA_JCS_2022,
    ...(opts.created === undefined ? {} : { created: opts.created }),
    verificationMethod: opts.verificationMethod,
    proofPurpose: "assertionMethod",
    "@context": credential["@context"],
  };
  const signature = ed25519.sign(hashData(credential, proofOptions), opts.secretKey);
  const proof = { ...proofOptions, proofValue: `z${base58.encode(signature)}` } as DataIntegrityProof & JsonObject;
  return { ...credential, proof };
}

/**
 * Whether the proof of a structurally checked credential verifies with
 * `publicKey`, following the cryptosuite's verify-proof steps (a proof
 * `@context` must be a prefix of the document's, and replaces it).
 */
export function checkProofSignature(
  vc: Record<string, unknown>,
  proof: DataIntegrityProof,
  publicKey: Uint8Array,
): boolean {
  const { proof: _, ...document } = vc;
  const { proofValue, ...proofOptions } = proof as unknown as Record<string, unknown> & { proofValue: string };
  const pctx = proofOptions["@context"];
  if (pctx !== undefined) {
    const p = Array.isArray(pctx) ? pctx : [pctx];
    const d = Array.isArray(document["@context"]) ? document["@context"] : [document["@context"]];
    if (!p.every((c, i) => JSON.stringify(c) === JSON.stringify(d[i]))) return false;
    document["@context"] = pctx;
  }
  let signature: Uint8Array;
  try {
    signature = base58.decode(proofValue.slice(1));
  } catch {
    return false;
  }
  if (signature.length !== 64) return false;
  try {
    return ed25519.verify(signature, hashData(document, proofOptions), publicKey, { zip215: false });
  } catch {
    return false;
  }
}

/** The Ed25519 key of `<did>#<fragment>` when the document lists it for assertion, else undefined. */
export function assertionKeyOf(doc: DidDocumentJson, did: string, fragment: string): Uint8Array | undefined {
  const id = `${did}#${fragment}`;
  if (doc.id !== did || !(doc.assertionMethod ?? []).includes(id)) return undefined;
  const vm = (doc.verificationMethod ?? []).find((m) => m.id === id);
  return vm ? multibaseToEd25519(vm.publicKeyMultibase) : undefined;
}

/** One bit of an on-chain status list, with what the list is. */
export interface StatusBitAnswer {
  issuerDid: string;
  purpose: StatusPurpose;
  length: number;
  /** The bit at the asked index (false when the index is past the end). */
  value: boolean;
}

/** How the verifier reads chain state; the node reads its own, the SDK reads through the API. */
export interface CredentialLookups {
  /** The issuer DID's current document, or undefined when it is not registered or is deactivated. */
  didDocument(did: string): Promise<DidDocumentJson | undefined>;
  /** Whether governance trusts `issuerDid` for `credentialType`. */
  isTrustedIssuer(credentialType: string, issuerDid: string): Promise<boolean>;
  /** Bit `index` of list `listId`, or undefined when there is no such list. */
  statusBit(listId: string, index: number): Promise<StatusBitAnswer | undefined>;
}

/** Options of {@link verifyCredentialWith}. */
export interface VerifyCredentialOptions {
  /** Unix ms the validity period is checked at (the caller's clock, or the chain's latest block time). */
  atMs: number;
}

/** A credential that verified. */
export interface CredentialVerification {
  verified: true;
  issuer: string;
  /** Its types other than `VerifiableCredential`, each trusted for the issuer. */
  types: string[];
  verificationMethod: string;
  /** Each status entry, all found clear. */
  status: { listId: string; index: number; purpose: StatusPurpose }[];
}

/**
 * Verifies a credential against chain state, failing with the first problem
 * found, in this order: structure (`vc.malformed_credential`), the issuer's
 * key (`vc.unknown_issuer_key`), the signature over the whole credential
 * (`vc.invalid_proof`), trust of the issuer for every type it claims
 * (`vc.untrusted_issuer`), the validity period (`vc.not_yet_valid`,
 * `vc.expired`), and each status entry (`vc.status_mismatch`, `vc.revoked`,
 * `vc.suspended`). A credential with no type beyond `VerifiableCredential`
 * claims nothing the registry could vouch for and is untrusted.
 */
export async function verifyCredentialWith(
  vc: unknown,
  lookups: CredentialLookups,
  opts: VerifyCredentialOptions,
): Promise<CredentialVerification> {
  const c = parseCredential(vc);
  if (c.method.did !== c.issuerDid) {
    throw VcErrors.unknownIssuerKey.create(
      `the proof is made with a key of ${c.method.did}, not of the issuer ${c.issuerDid}`,
    );
  }
  const doc = await lookups.didDocument(c.issuerDid);
  const key = doc ? assertionKeyOf(doc, c.issuerDid, c.method.fragment) : undefined;
  if (key === undefined) {
    throw VcErrors.unknownIssuerKey.create(`${c.proof.verificationMethod} is not an assertion key of an active DID`, {
      verificationMethod: c.proof.verificationMethod,
    });
  }
  if (!checkProofSignature(vc as Record<string, unknown>, c.proof, key)) {
    throw VcErrors.invalidProof.create("the proof's signature does not verify over this credential");
  }
  if (c.types.length === 0) {
    throw VcErrors.untrustedIssuer.create(
      "the credential has no type beyond VerifiableCredential to trust its issuer for",
    );
  }
  for (const t of c.types) {
    if (!(await lookups.isTrustedIssuer(t, c.issuerDid))) {
      throw VcErrors.untrustedIssuer.create(`${c.issuerDid} is not a trusted issuer of ${t}`, {
        issuer: c.issuerDid,
        credentialType: t,
      });
    }
  }
  if (c.validFromMs !== undefined && opts.atMs < c.validFromMs) {
    throw VcErrors.notYetValid.create(`the credential is valid from ${String((vc as JsonObject).validFrom)}`);
  }
  if (c.validUntilMs !== undefined && opts.atMs > c.validUntilMs) {
    throw VcErrors.expired.create(`the credential was valid until ${String((vc as JsonObject).validUntil)}`);
  }
  for (const s of c.status) {
    const bit = await lookups.statusBit(s.listId, s.index);
    if (bit === undefined)
      throw VcErrors.statusMismatch.create(`no status list ${s.listId} is on chain`, { listId: s.listId });
    if (bit.issuerDid !== c.issuerDid || bit.purpose !== s.purpose || s.index >= bit.length) {
      throw VcErrors.statusMismatch.create(
        `status list ${s.listId} is a ${bit.purpose} list of ${bit.issuerDid} with ${bit.length} entries`,
        { listId: s.listId },
      );
    }
    if (bit.value) {
      const def = s.purpose === "revocation" ? VcErrors.revoked : VcErrors.suspended;
      throw def.create(
        `status list ${s.listId} marks index ${s.index} ${s.purpose === "revocation" ? "revoked" : "suspended"}`,
        {
          listId: s.listId,
          index: s.index,
        },
      );
    }
  }
  return {
    verified: true,
    issuer: c.issuerDid,
    types: c.types,
    verificationMethod: c.proof.verificationMethod,
    status: c.status.map((s) => ({ listId: s.listId, index: s.index, purpose: s.purpose })),
  };
}
