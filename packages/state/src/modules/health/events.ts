/**
 * Events of the health module. Attributes carry pseudonymous ids and codes
 * only (DIDs, record ids, org ids, purposes): never a name, a diagnosis or
 * free text. A patient's wallet subscribes to `health.break_glass` events
 * with its DID to be told of emergency reads as they happen.
 */
import type { AccessEntry, Consent, Patient, Research } from "@urbis/protocol";
import { toHex } from "@urbis/protocol";
import { type Event, event } from "../../framework/events.js";
import type { RecordRegistration } from "./keeper.js";

/** Event types the health module emits. */
export const HEALTH_EVENTS = {
  patientRegistered: "health.patient_registered",
  recordRegistered: "health.record_registered",
  recordLinked: "health.record_linked",
  consentGranted: "health.consent_granted",
  consentRevoked: "health.consent_revoked",
  accessed: "health.accessed",
  breakGlass: "health.break_glass",
  researchPublished: "health.research_published",
} as const;

/** `health.patient_registered` {patientDid, org}. */
export function patientRegisteredEvent(p: Patient): Event {
  return event(HEALTH_EVENTS.patientRegistered, { patientDid: p.did, org: p.registeredBy });
}

/** `health.record_registered` or `health.record_linked` {recordId, patientDid, org, fhirType}. */
export function recordEvent(r: RecordRegistration): Event {
  return event(r.linked ? HEALTH_EVENTS.recordLinked : HEALTH_EVENTS.recordRegistered, {
    recordId: toHex(r.record.id),
    patientDid: r.record.patientDid,
    org: r.org,
    fhirType: r.record.fhirType,
  });
}

/** `health.consent_granted` {consentId, patientDid, granteeKind, grantee}. */
export function consentGrantedEvent(c: Consent): Event {
  return event(HEALTH_EVENTS.consentGranted, {
    consentId: c.id,
    patientDid: c.patientDid,
    granteeKind: c.grantee.kind,
    grantee: c.grantee.id,
  });
}

/** `health.consent_revoked` {consentId, patientDid}. */
export function consentRevokedEvent(c: Consent): Event {
  return event(HEALTH_EVENTS.consentRevoked, { consentId: c.id, patientDid: c.patientDid });
}

/** `health.accessed` (and, for an emergency read, `health.break_glass` too) {accessId, recordId, patientDid, readerDid, org?, purpose, reason?}. */
export function accessEvents(e: AccessEntry): Event[] {
  const attrs = {
    accessId: e.id,
    recordId: toHex(e.recordId),
    patientDid: e.patientDid,
    readerDid: e.accessorDid,
    org: e.org,
    purpose: e.purpose,
    consentId: e.consentId,
  };
  const out = [event(HEALTH_EVENTS.accessed, attrs)];
  if (e.breakGlass) out.push(event(HEALTH_EVENTS.breakGlass, { ...attrs, reason: e.reason }));
  return out;
}

/** `health.research_published` {documentHash, kind, org, seq}. */
export function researchPublishedEvent(r: Research): Event {
  return event(HEALTH_EVENTS.researchPublished, {
    documentHash: toHex(r.documentHash),
    kind: r.kind,
    org: r.org,
    seq: r.seq,
  });
}
