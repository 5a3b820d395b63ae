/**
 * JSON forms of the health module's state, as its queries answer them:
 * bigints as decimal strings, hashes and ids as lowercase hex.
 */
import { toHex } from "../../bytes.js";
import { type BlockStampJson, blockStampToJson as stampJson } from "../did/types.js";
import type { AccessEntry, Consent, GranteeKind, HealthRecord, Patient, Research } from "./types.js";

/** A patient. */
export type PatientJson = {
  did: string;
  linkId: string;
  credentialHash: string;
  registeredBy: string;
  registered: BlockStampJson;
};

/** A patient as JSON. */
export function patientToJson(p: Patient): PatientJson {
  return {
    did: p.did,
    linkId: toHex(p.linkId),
    credentialHash: toHex(p.credentialHash),
    registeredBy: p.registeredBy,
    registered: stampJson(p.registered),
  };
}

/** An indexed record. */
export type HealthRecordJson = {
  id: string;
  patientDid: string;
  custodian: string;
  author: string;
  fhirType: string;
  contentHash: string;
  location: string;
  created: BlockStampJson;
  links: { org: string; author: string; at: BlockStampJson }[];
};

/** A record as JSON. */
export function healthRecordToJson(r: HealthRecord): HealthRecordJson {
  return {
    id: toHex(r.id),
    patientDid: r.patientDid,
    custodian: r.custodian,
    author: r.author,
    fhirType: r.fhirType,
    contentHash: toHex(r.contentHash),
    location: r.location,
    created: stampJson(r.created),
    links: r.links.map((l) => ({ org: l.org, author: l.author, at: stampJson(l.at) })),
  };
}

/** A consent. Whether it is active depends on the time: see {@link consentStatus}. */
export type ConsentJson = {
  id: string;
  patientDid: string;
  grantee: { kind: GranteeKind; id: string };
  resourceTypes: string[];
  purposes: string[];
  startMs: string;
  endMs: string;
  created: BlockStampJson;
  revoked?: BlockStampJson;
};

/** Where a consent stands at `nowMs` (Unix ms). */
export function consentStatus(c: ConsentJson, nowMs: bigint): "active" | "pending" | "expired" | "revoked" {
  if (c.revoked !== undefined) return "revoked";
  if (nowMs < BigInt(c.startMs)) return "pending";
  return nowMs >= BigInt(c.endMs) ? "expired" : "active";
}

/** A consent as JSON. */
export function consentToJson(c: Consent): ConsentJson {
  return {
    id: c.id.toString(),
    patientDid: c.patientDid,
    grantee: { kind: c.grantee.kind, id: c.grantee.id },
    resourceTypes: [...c.resourceTypes],
    purposes: [...c.purposes],
    startMs: c.startMs.toString(),
    endMs: c.endMs.toString(),
    created: stampJson(c.created),
    ...(c.revoked ? { revoked: stampJson(c.revoked) } : {}),
  };
}

/** One logged read. */
export type AccessEntryJson = {
  id: string;
  recordId: string;
  contentHash: string;
  patientDid: string;
  accessor: string;
  accessorDid: string;
  org?: string;
  purpose: string;
  consentId?: string;
  breakGlass: boolean;
  reason?: string;
  height: string;
  timeMs: string;
};

/** A logged read as JSON. */
export function accessEntryToJson(e: AccessEntry): AccessEntryJson {
  return {
    id: e.id.toString(),
    recordId: toHex(e.recordId),
    contentHash: toHex(e.contentHash),
    patientDid: e.patientDid,
    accessor: e.accessor,
    accessorDid: e.accessorDid,
    ...(e.org !== undefined ? { org: e.org } : {}),
    purpose: e.purpose,
    ...(e.consentId !== undefined ? { consentId: e.consentId.toString() } : {}),
    breakGlass: e.breakGlass,
    ...(e.reason !== undefined ? { reason: e.reason } : {}),
    height: e.at.height.toString(),
    timeMs: e.at.timeMs.toString(),
  };
}

/** A research publication. */
export type ResearchJson = {
  seq: string;
  kind: string;
  documentHash: string;
  title: string;
  uri?: string;
  issuer: string;
  org: string;
  published: BlockStampJson;
};

/** A publication as JSON. */
export function researchToJson(r: Research): ResearchJson {
  return {
    seq: r.seq.toString(),
    kind: r.kind,
    documentHash: toHex(r.documentHash),
    title: r.title,
    ...(r.uri !== undefined ? { uri: r.uri } : {}),
    issuer: r.issuer,
    org: r.org,
    published: stampJson(r.published),
  };
}
