/**
 * Store keys of the health module. Ids of DIDs (base58) and organizations
 * ([a-z0-9-]) contain no `/`, so `<did>/` prefixes never overlap.
 *
 * - `health/patient/<did>` → Patient; `health/link/<linkId>` → DID (unique link ids)
 * - `health/record/<id>` → HealthRecord; `health/precord/<did>/<id>` → empty (a patient's records)
 * - `health/consent/<id u64>` → Consent; `health/pconsent/<did>/<id>` and
 *   `health/gconsent/<kind>/<grantee>/<id>` → empty (by patient, by grantee)
 * - `health/access/<id u64>` → AccessEntry; `health/paccess/<did>/<id>` → empty (a patient's log)
 * - `health/alert/<did>/<access id>` → empty (break-glass reads, for the patient)
 * - `health/research/<documentHash>` → Research; `health/rseq/<seq u64>` → documentHash
 * - `health/next/<consent|access|research>` → u64, the next id (absent = 1)
 */
import { be64, concatBytes, type GranteeKind, utf8 } from "@urbis/protocol";

const p = (s: string) => utf8(`health/${s}`);
const SLASH = utf8("/");

export const HEALTH_PATIENT_PREFIX = p("patient/");
export const HEALTH_LINK_PREFIX = p("link/");
export const HEALTH_RECORD_PREFIX = p("record/");
export const HEALTH_PATIENT_RECORD_PREFIX = p("precord/");
export const HEALTH_CONSENT_PREFIX = p("consent/");
export const HEALTH_PATIENT_CONSENT_PREFIX = p("pconsent/");
export const HEALTH_GRANTEE_CONSENT_PREFIX = p("gconsent/");
export const HEALTH_ACCESS_PREFIX = p("access/");
export const HEALTH_PATIENT_ACCESS_PREFIX = p("paccess/");
export const HEALTH_ALERT_PREFIX = p("alert/");
export const HEALTH_RESEARCH_PREFIX = p("research/");
export const HEALTH_RESEARCH_SEQ_PREFIX = p("rseq/");

/** Counters of the module. */
export type HealthCounter = "consent" | "access" | "research";
/** Key of a counter. */
export const counterKey = (c: HealthCounter): Uint8Array => p(`next/${c}`);

/** `health/patient/<did>`. */
export const patientKey = (did: string): Uint8Array => concatBytes(HEALTH_PATIENT_PREFIX, utf8(did));
/** `health/link/<linkId>`. */
export const linkKey = (linkId: Uint8Array): Uint8Array => concatBytes(HEALTH_LINK_PREFIX, linkId);
/** `health/record/<id>`. */
export const recordKey = (id: Uint8Array): Uint8Array => concatBytes(HEALTH_RECORD_PREFIX, id);
/** `health/precord/<did>/`: prefix of a patient's records. */
export const patientRecordsPrefix = (did: string): Uint8Array =>
  concatBytes(HEALTH_PATIENT_RECORD_PREFIX, utf8(did), SLASH);
/** `health/precord/<did>/<id>`. */
export const patientRecordKey = (did: string, id: Uint8Array): Uint8Array => concatBytes(patientRecordsPrefix(did), id);
/** `health/consent/<id>`. */
export const consentKey = (id: bigint): Uint8Array => concatBytes(HEALTH_CONSENT_PREFIX, be64(id));
/** `health/pconsent/<did>/`. */
export const patientConsentsPrefix = (did: string): Uint8Array =>
  concatBytes(HEALTH_PATIENT_CONSENT_PREFIX, utf8(did), SLASH);
/** `health/pconsent/<did>/<id>`. */
export const patientConsentKey = (did: string, id: bigint): Uint8Array =>
  concatBytes(patientConsentsPrefix(did), be64(id));
/** `health/gconsent/<kind>/<grantee>/`. */
export const granteeConsentsPrefix = (kind: GranteeKind, id: string): Uint8Array =>
  concatBytes(HEALTH_GRANTEE_CONSENT_PREFIX, utf8(`${kind}/${id}/`));
/** `health/gconsent/<kind>/<grantee>/<id>`. */
export const granteeConsentKey = (kind: GranteeKind, grantee: string, id: bigint): Uint8Array =>
  concatBytes(granteeConsentsPrefix(kind, grantee), be64(id));
/** `health/access/<id>`. */
export const accessKey = (id: bigint): Uint8Array => concatBytes(HEALTH_ACCESS_PREFIX, be64(id));
/** `health/paccess/<did>/`. */
export const patientAccessPrefix = (did: string): Uint8Array =>
  concatBytes(HEALTH_PATIENT_ACCESS_PREFIX, utf8(did), SLASH);
/** `health/paccess/<did>/<id>`. */
export const patientAccessKey = (did: string, id: bigint): Uint8Array =>
  concatBytes(patientAccessPrefix(did), be64(id));
/** `health/alert/<did>/`. */
export const alertsPrefix = (did: string): Uint8Array => concatBytes(HEALTH_ALERT_PREFIX, utf8(did), SLASH);
/** `health/alert/<did>/<access id>`. */
export const alertKey = (did: string, accessId: bigint): Uint8Array => concatBytes(alertsPrefix(did), be64(accessId));
/** `health/research/<documentHash>`. */
export const researchKey = (hash: Uint8Array): Uint8Array => concatBytes(HEALTH_RESEARCH_PREFIX, hash);
/** `health/rseq/<seq>`. */
export const researchSeqKey = (seq: bigint): Uint8Array => concatBytes(HEALTH_RESEARCH_SEQ_PREFIX, be64(seq));
