/**
 * Types, store keys and rules of the health module. Nothing here is personal:
 * patients appear as their pseudonymous DID and a salted link identifier;
 * records as content hashes of encrypted blobs held off chain; reasons as
 * codes, never as free text.
 */

import { addressCodec } from "../../address.js";
import { concatBytes, utf8 } from "../../bytes.js";
import {
  bool,
  type Codec,
  fixedBytes,
  type Infer,
  mapped,
  option,
  string,
  struct,
  u8,
  u64,
  vec,
} from "../../codec/index.js";
import { CodecErrors } from "../../core-errors.js";
import { sha256 } from "../../crypto.js";
import { blockStampCodec, didStringCodec, validateUrbisDid } from "../did/types.js";
import { orgIdCodec, validateOrgId } from "../org/types.js";
import { HealthErrors } from "./errors.js";

/**
 * FHIR R5 resource types a record (and a consent's scope) may name: the
 * clinical and document resources of a patient's chart.
 */
export const FHIR_RESOURCE_TYPES = [
  "AllergyIntolerance",
  "CarePlan",
  "Composition",
  "Condition",
  "DiagnosticReport",
  "DocumentReference",
  "Encounter",
  "FamilyMemberHistory",
  "ImagingStudy",
  "Immunization",
  "MedicationRequest",
  "MedicationStatement",
  "Observation",
  "Procedure",
  "Specimen",
] as const;
/** One of {@link FHIR_RESOURCE_TYPES}. */
export type FhirResourceType = (typeof FHIR_RESOURCE_TYPES)[number];

/**
 * Purposes of use (HL7 v3 ActReason codes, as FHIR R5 Consent uses them):
 * treatment, emergency treatment, care management, research, patient request,
 * healthcare operations, public health.
 */
export const PURPOSES = ["TREAT", "ETREAT", "CAREMGT", "HRESCH", "PATRQT", "HOPERAT", "PUBHLTH"] as const;
/** One of {@link PURPOSES}. */
export type Purpose = (typeof PURPOSES)[number];

/** Why an emergency reader broke the glass: codes only, so no clinical detail reaches the chain. */
export const BREAK_GLASS_REASONS = [
  "unconscious",
  "life_threatening",
  "no_capacity",
  "guardian_unreachable",
  "other_emergency",
] as const;
/** One of {@link BREAK_GLASS_REASONS}. */
export type BreakGlassReason = (typeof BREAK_GLASS_REASONS)[number];

/** Kinds of research publication; drug approvals need the `health.regulator` role. */
export const RESEARCH_KINDS = ["study", "trial_result", "drug_approval"] as const;
/** One of {@link RESEARCH_KINDS}. */
export type ResearchKind = (typeof RESEARCH_KINDS)[number];

/** Who a consent is granted to: an organization (any member reads) or one person's DID. */
export const GRANTEE_KINDS = ["org", "person"] as const;
/** One of {@link GRANTEE_KINDS}. */
export type GranteeKind = (typeof GRANTEE_KINDS)[number];

/** Role of registering patients and indexing records. */
export const PROVIDER_ROLE = "health.provider";
/** Role that may break the glass. */
export const EMERGENCY_ROLE = "health.emergency";
/** Role that may publish studies and trial results (besides providers). */
export const RESEARCHER_ROLE = "health.researcher";
/** Role that may publish drug approvals. */
export const REGULATOR_ROLE = "health.regulator";

/** Most resource types a consent lists. */
export const MAX_CONSENT_TYPES = 32;
/** Longest title of a publication, in UTF-8 bytes. */
export const MAX_RESEARCH_TITLE_BYTES = 256;
/** Longest record location or publication URI, in UTF-8 bytes. */
export const MAX_LOCATION_BYTES = 256;

/** Domain of the message a patient signs to agree to be registered. */
export const PATIENT_CONSENT_DOMAIN = "urbis/health/patient-registration/v1";
/** Domain of record ids. */
export const RECORD_ID_DOMAIN = "urbis/health/record/v1";

/** A byte-coded enum over a fixed list of names. */
function enumCodec<T extends string>(names: readonly T[], what: string): Codec<T> {
  return mapped(
    u8,
    (n) => {
      const s = names[n];
      if (s === undefined) throw CodecErrors.outOfRange.create(`unknown ${what} ${n}`);
      return s;
    },
    (s) => names.indexOf(s),
  );
}

/** A purpose on the wire: its code as text, checked by the validators (so a wrong one gets `health.invalid_purpose`). */
export const purposeCodec: Codec<string> = string(16);
/** A resource type on the wire (its name, checked by the validators). */
export const fhirTypeCodec: Codec<string> = string(40);
/** A grantee kind: 0 org, 1 person. */
export const granteeKindCodec: Codec<GranteeKind> = enumCodec(GRANTEE_KINDS, "grantee kind");
/** A research kind: 0 study, 1 trial_result, 2 drug_approval. */
export const researchKindCodec: Codec<ResearchKind> = enumCodec(RESEARCH_KINDS, "research kind");

/** A consent's grantee. */
export const granteeCodec = struct({ kind: granteeKindCodec, id: string(128) });
/** A consent's grantee. */
export type Grantee = Infer<typeof granteeCodec>;

/** A registered patient (stored under `health/patient/<did>`). */
export const patientCodec = struct({
  did: didStringCodec,
  /** Salted identifier: sha256 of a secret salt the patient holds and their identifiers; unique. */
  linkId: fixedBytes(32),
  /** sha256 of the patient credential the provider issued off chain. */
  credentialHash: fixedBytes(32),
  /** The organization whose provider registered the patient. */
  registeredBy: orgIdCodec,
  registered: blockStampCodec,
});
/** A registered patient. */
export type Patient = Infer<typeof patientCodec>;

/** Another organization that indexed the same content for the same patient. */
export const recordLinkCodec = struct({ org: orgIdCodec, author: addressCodec, at: blockStampCodec });
/** A record link. */
export type RecordLink = Infer<typeof recordLinkCodec>;

/** An indexed record (stored under `health/record/<id>`). */
export const healthRecordCodec = struct({
  id: fixedBytes(32),
  patientDid: didStringCodec,
  /** The organization holding the encrypted content. */
  custodian: orgIdCodec,
  author: addressCodec,
  fhirType: fhirTypeCodec,
  /** sha256 of the encrypted blob. */
  contentHash: fixedBytes(32),
  /** Where the blob is held: a node's record store URL or name. */
  location: string(MAX_LOCATION_BYTES),
  created: blockStampCodec,
  links: vec(recordLinkCodec, 64),
});
/** An indexed record. */
export type HealthRecord = Infer<typeof healthRecordCodec>;

/** A consent, after FHIR R5 Consent (stored under `health/consent/<id>`). */
export const consentCodec = struct({
  id: u64,
  patientDid: didStringCodec,
  grantee: granteeCodec,
  resourceTypes: vec(fhirTypeCodec, MAX_CONSENT_TYPES),
  purposes: vec(purposeCodec, PURPOSES.length),
  startMs: u64,
  endMs: u64,
  created: blockStampCodec,
  revoked: option(blockStampCodec),
});
/** A consent. */
export type Consent = Infer<typeof consentCodec>;

/** One logged read (stored under `health/access/<id>`). */
export const accessEntryCodec = struct({
  id: u64,
  recordId: fixedBytes(32),
  contentHash: fixedBytes(32),
  patientDid: didStringCodec,
  accessor: addressCodec,
  accessorDid: didStringCodec,
  org: option(orgIdCodec),
  purpose: purposeCodec,
  consentId: option(u64),
  breakGlass: bool,
  reason: option(string(32)),
  at: blockStampCodec,
});
/** One logged read. */
export type AccessEntry = Infer<typeof accessEntryCodec>;

/** A research publication (stored under `health/research/<documentHash>`). */
export const researchCodec = struct({
  seq: u64,
  kind: researchKindCodec,
  documentHash: fixedBytes(32),
  title: string(MAX_RESEARCH_TITLE_BYTES),
  uri: option(string(MAX_LOCATION_BYTES)),
  issuer: addressCodec,
  org: orgIdCodec,
  published: blockStampCodec,
});
/** A research publication. */
export type Research = Infer<typeof researchCodec>;

/** The id of the record of `contentHash` for `patientDid`: the same content for the same patient has one id. */
export function recordIdOf(patientDid: string, contentHash: Uint8Array): Uint8Array {
  return sha256(concatBytes(utf8(RECORD_ID_DOMAIN), utf8(patientDid), new Uint8Array([0]), contentHash));
}

/** The bytes a patient signs to agree to be registered with this link id and credential, on this chain. */
export function patientRegistrationBytes(
  chainId: string,
  patientDid: string,
  linkId: Uint8Array,
  credentialHash: Uint8Array,
): Uint8Array {
  const sep = new Uint8Array([0]);
  return sha256(
    concatBytes(utf8(PATIENT_CONSENT_DOMAIN), sep, utf8(chainId), sep, utf8(patientDid), sep, linkId, credentialHash),
  );
}

/** Checks a resource type name. */
export function validateFhirType(t: string): void {
  if (!(FHIR_RESOURCE_TYPES as readonly string[]).includes(t)) {
    throw HealthErrors.invalidFhirType.create(`unknown FHIR resource type "${t}"`, { fhirType: t });
  }
}

/** Checks a purpose code. */
export function validatePurpose(p: string): asserts p is Purpose {
  if (!(PURPOSES as readonly string[]).includes(p)) {
    throw HealthErrors.invalidPurpose.create(`unknown purpose of use "${p}"`, { purpose: p });
  }
}

/** Checks a grantee: an org id or a DID. */
export function validateGrantee(g: Grantee): void {
  try {
    if (g.kind === "org") validateOrgId(g.id);
    else validateUrbisDid(g.id);
  } catch {
    throw HealthErrors.invalidGrantee.create(
      `"${g.id}" is not a valid ${g.kind === "org" ? "organization id" : "DID"}`,
    );
  }
}

/** Checks a short printable text (title, location, URI). */
export function validateHealthText(what: string, s: string, maxBytes: number): void {
  if (s.length === 0 || utf8(s).length > maxBytes || /\p{Cc}/u.test(s)) {
    throw HealthErrors.invalidText.create(`${what} must be 1 to ${maxBytes} bytes of printable text`);
  }
}

/** Checks a break-glass reason code. */
export function validateBreakGlassReason(r: string): void {
  if (!(BREAK_GLASS_REASONS as readonly string[]).includes(r)) {
    throw HealthErrors.invalidReason.create(`unknown break-glass reason "${r}"`, { reason: r });
  }
}

/** Rejects empty lists, duplicates and over-long lists of a consent. */
export function validateConsentLists(resourceTypes: readonly string[], purposes: readonly string[]): void {
  if (resourceTypes.length === 0 || resourceTypes.length > MAX_CONSENT_TYPES) {
    throw HealthErrors.tooManyEntries.create(`a consent lists 1 to ${MAX_CONSENT_TYPES} resource types`);
  }
  if (purposes.length === 0) throw HealthErrors.tooManyEntries.create("a consent lists at least one purpose");
  if (new Set(resourceTypes).size !== resourceTypes.length || new Set(purposes).size !== purposes.length) {
    throw HealthErrors.tooManyEntries.create("a consent lists a resource type or purpose twice");
  }
  for (const t of resourceTypes) validateFhirType(t);
  for (const p of purposes) validatePurpose(p);
}
