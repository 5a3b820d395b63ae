/**
 * Messages of the health module and their stateless checks. Who may send
 * each is declared by its handler (provider role, anyone, member); what the
 * signer's key must be (the patient's, the reader's) is checked against state.
 */
import { bool, bytes, fixedBytes, type Infer, option, string, struct, u64, vec } from "../../codec/index.js";
import { defineMessage, type MessageType } from "../../tx.js";
import { didStringCodec, validateUrbisDid } from "../did/types.js";
import { HealthErrors } from "./errors.js";
import {
  fhirTypeCodec,
  granteeCodec,
  MAX_CONSENT_TYPES,
  MAX_LOCATION_BYTES,
  MAX_RESEARCH_TITLE_BYTES,
  PURPOSES,
  purposeCodec,
  researchKindCodec,
  validateBreakGlassReason,
  validateConsentLists,
  validateFhirType,
  validateGrantee,
  validateHealthText,
  validatePurpose,
} from "./types.js";

/**
 * `health/register_patient` (role health.provider): registers a patient DID
 * with its salted link id and the hash of the patient credential the provider
 * issued. The patient co-signs ({@link patientRegistrationBytes}) with an
 * authentication key of their DID, so no provider can enrol someone unasked.
 */
export const registerPatientMsgCodec = struct({
  patientDid: didStringCodec,
  linkId: fixedBytes(32),
  credentialHash: fixedBytes(32),
  patientKey: bytes(64),
  patientSignature: bytes(128),
});
/** Value of a `health/register_patient` message. */
export type RegisterPatientMsg = Infer<typeof registerPatientMsgCodec>;
/** The `health/register_patient` message type. */
export const registerPatientMsg: MessageType<RegisterPatientMsg> = defineMessage(
  "health/register_patient",
  registerPatientMsgCodec,
);

/**
 * `health/register_record` (role health.provider): indexes an encrypted record
 * held by the signer's organization. The same content for the same patient
 * indexed by another organization is linked to the existing record.
 */
export const registerRecordMsgCodec = struct({
  patientDid: didStringCodec,
  fhirType: fhirTypeCodec,
  contentHash: fixedBytes(32),
  location: string(MAX_LOCATION_BYTES * 2),
});
/** Value of a `health/register_record` message. */
export type RegisterRecordMsg = Infer<typeof registerRecordMsgCodec>;
/** The `health/register_record` message type. */
export const registerRecordMsg: MessageType<RegisterRecordMsg> = defineMessage(
  "health/register_record",
  registerRecordMsgCodec,
);

/** `health/grant_consent` (the patient): lets a grantee read some resource types for some purposes in a period. */
export const grantConsentMsgCodec = struct({
  patientDid: didStringCodec,
  grantee: granteeCodec,
  resourceTypes: vec(fhirTypeCodec, MAX_CONSENT_TYPES * 2),
  purposes: vec(purposeCodec, PURPOSES.length * 2),
  startMs: u64,
  endMs: u64,
});
/** Value of a `health/grant_consent` message. */
export type GrantConsentMsg = Infer<typeof grantConsentMsgCodec>;
/** The `health/grant_consent` message type. */
export const grantConsentMsg: MessageType<GrantConsentMsg> = defineMessage(
  "health/grant_consent",
  grantConsentMsgCodec,
);

/** `health/revoke_consent` (the patient): ends a consent now. */
export const revokeConsentMsgCodec = struct({ consentId: u64 });
/** Value of a `health/revoke_consent` message. */
export type RevokeConsentMsg = Infer<typeof revokeConsentMsgCodec>;
/** The `health/revoke_consent` message type. */
export const revokeConsentMsg: MessageType<RevokeConsentMsg> = defineMessage(
  "health/revoke_consent",
  revokeConsentMsgCodec,
);

/**
 * `health/access`: logs a read of a record before it happens. Allowed for the
 * patient, for the grantee of an active consent covering the record, or — with
 * `breakGlass`, a reason code, the ETREAT purpose and the health.emergency
 * role — for an emergency reader, which raises an alert for the patient. The
 * record stores hand out a blob only against such a log entry.
 */
export const accessRecordMsgCodec = struct({
  recordId: fixedBytes(32),
  /** The reader: the transaction must be signed with one of its authentication keys. */
  readerDid: didStringCodec,
  purpose: purposeCodec,
  consentId: option(u64),
  breakGlass: bool,
  reason: option(string(64)),
});
/** Value of a `health/access` message. */
export type AccessRecordMsg = Infer<typeof accessRecordMsgCodec>;
/** The `health/access` message type. */
export const accessRecordMsg: MessageType<AccessRecordMsg> = defineMessage("health/access", accessRecordMsgCodec);

/** `health/publish_research` (member with a research or regulator role): registers a publication by hash. */
export const publishResearchMsgCodec = struct({
  kind: researchKindCodec,
  documentHash: fixedBytes(32),
  title: string(MAX_RESEARCH_TITLE_BYTES * 2),
  uri: option(string(MAX_LOCATION_BYTES * 2)),
});
/** Value of a `health/publish_research` message. */
export type PublishResearchMsg = Infer<typeof publishResearchMsgCodec>;
/** The `health/publish_research` message type. */
export const publishResearchMsg: MessageType<PublishResearchMsg> = defineMessage(
  "health/publish_research",
  publishResearchMsgCodec,
);

/** Every health message type, in code order. */
export const HEALTH_MESSAGES = [
  registerPatientMsg,
  registerRecordMsg,
  grantConsentMsg,
  revokeConsentMsg,
  accessRecordMsg,
  publishResearchMsg,
] as const;

/** Stateless checks of `health/register_patient`. */
export function validateRegisterPatientMsg(m: RegisterPatientMsg): void {
  validateUrbisDid(m.patientDid);
  if (m.patientKey.length !== 32 || m.patientSignature.length !== 64) {
    throw HealthErrors.badPatientSignature.create("the patient key must be 32 bytes and the signature 64");
  }
}

/** Stateless checks of `health/register_record`. */
export function validateRegisterRecordMsg(m: RegisterRecordMsg): void {
  validateUrbisDid(m.patientDid);
  validateFhirType(m.fhirType);
  validateHealthText("location", m.location, MAX_LOCATION_BYTES);
}

/** Stateless checks of `health/grant_consent` (the period against block time is checked in state). */
export function validateGrantConsentMsg(m: GrantConsentMsg): void {
  validateUrbisDid(m.patientDid);
  validateGrantee(m.grantee);
  if (m.grantee.kind === "person" && m.grantee.id === m.patientDid) {
    throw HealthErrors.invalidGrantee.create("a patient needs no consent to read their own records");
  }
  validateConsentLists(m.resourceTypes, m.purposes);
  if (m.endMs <= m.startMs) throw HealthErrors.invalidPeriod.create("the consent must end after it starts");
}

/** Stateless checks of `health/revoke_consent`: none beyond decoding. */
export function validateRevokeConsentMsg(_m: RevokeConsentMsg): void {}

/** Stateless checks of `health/access`: a valid reader DID and purpose; a reason exactly when breaking the glass. */
export function validateAccessRecordMsg(m: AccessRecordMsg): void {
  validateUrbisDid(m.readerDid);
  validatePurpose(m.purpose);
  if (m.breakGlass) {
    if (m.reason === undefined) throw HealthErrors.invalidReason.create("break-glass access needs a reason code");
    validateBreakGlassReason(m.reason);
    if (m.consentId !== undefined) {
      throw HealthErrors.invalidReason.create("break-glass access is for readers without a consent");
    }
  } else if (m.reason !== undefined) {
    throw HealthErrors.invalidReason.create("a reason is given only with break-glass access");
  }
}

/** Stateless checks of `health/publish_research`. */
export function validatePublishResearchMsg(m: PublishResearchMsg): void {
  validateHealthText("title", m.title, MAX_RESEARCH_TITLE_BYTES);
  if (m.uri !== undefined) validateHealthText("uri", m.uri, MAX_LOCATION_BYTES);
}
