/**
 * Health keeper: patients, the record index, consents, the access log with
 * break-glass alerts, and the research registry.
 *
 * Identity is by key, as in the DID module: the patient acts with an
 * authentication key of their DID, a reader names the DID whose key signs.
 * Roles (provider, emergency, researcher, regulator) come from the org module.
 * Every mutator checks all its rules before its first write, so a refusal
 * leaves the store untouched.
 */
import {
  type AccessEntry,
  type AccessRecordMsg,
  type Address,
  accessEntryCodec,
  type BlockStamp,
  type Consent,
  consentCodec,
  decode,
  EMERGENCY_ROLE,
  encode,
  fromUtf8,
  type GrantConsentMsg,
  HealthErrors,
  type HealthRecord,
  healthRecordCodec,
  type Patient,
  PROVIDER_ROLE,
  type PublishResearchMsg,
  patientCodec,
  patientRegistrationBytes,
  prefixEnd,
  REGULATOR_ROLE,
  RESEARCHER_ROLE,
  type RegisterPatientMsg,
  type RegisterRecordMsg,
  type Research,
  readBe64,
  recordIdOf,
  researchCodec,
  toHex,
  u64,
  utf8,
  verifyEd25519,
} from "@urbis/protocol";
import type { BlockInfo } from "../../framework/context.js";
import type { KVRead, KVStore } from "../../framework/store.js";
import type { DidView } from "../did/keeper.js";
import type { OrgView } from "../org/view.js";
import {
  accessKey,
  alertKey,
  alertsPrefix,
  consentKey,
  counterKey,
  granteeConsentKey,
  HEALTH_RESEARCH_SEQ_PREFIX,
  type HealthCounter,
  linkKey,
  patientAccessKey,
  patientAccessPrefix,
  patientConsentKey,
  patientKey,
  patientRecordKey,
  patientRecordsPrefix,
  recordKey,
  researchKey,
  researchSeqKey,
} from "./keys.js";

/** Most organizations linked to one record besides its custodian. */
export const MAX_RECORD_LINKS = 64;

/** What other modules and the node may read of the health module. */
export interface HealthView {
  patient(store: KVRead, did: string): Patient | undefined;
  patientByLink(store: KVRead, linkId: Uint8Array): Patient | undefined;
  record(store: KVRead, id: Uint8Array): HealthRecord | undefined;
  /** A patient's record ids after `after` (exclusive), in id order. */
  recordIds(store: KVRead, patientDid: string, after?: Uint8Array, limit?: number): Uint8Array[];
  consent(store: KVRead, id: bigint): Consent | undefined;
  /** Consent ids of a patient, or granted to a grantee, after `after`, ascending. */
  consentIds(store: KVRead, prefix: Uint8Array, after?: bigint, limit?: number): bigint[];
  access(store: KVRead, id: bigint): AccessEntry | undefined;
  /** A patient's access log (ids after `after`, ascending). */
  accessIds(store: KVRead, patientDid: string, after?: bigint, limit?: number): bigint[];
  /** Ids of a patient's break-glass reads after `after`, ascending. */
  alertIds(store: KVRead, patientDid: string, after?: bigint, limit?: number): bigint[];
  research(store: KVRead, documentHash: Uint8Array): Research | undefined;
  /** Publications in publication order, after sequence number `after`. */
  researchList(store: KVRead, after?: bigint, limit?: number): Research[];
  /** The next id a counter hands out. */
  nextId(store: KVRead, c: HealthCounter): bigint;
}

/** Who sent a message: account, key (absent when governance runs it) and block. */
export interface HealthActor {
  store: KVStore;
  block: BlockInfo;
  signer: Address;
  signerKey?: Uint8Array;
}

/** What a record registration did: created the record, or linked another organization to it. */
export interface RecordRegistration {
  record: HealthRecord;
  linked: boolean;
  org: string;
}

const stamp = (b: BlockInfo): BlockStamp => ({ height: b.height, timeMs: b.timeMs });
const EMPTY = new Uint8Array(0);

/** Ids stored as the last 8 bytes of index keys under `prefix`, after `after`, ascending. */
function idsUnder(store: KVRead, prefix: Uint8Array, after: bigint | undefined, limit: number): bigint[] {
  const out: bigint[] = [];
  const start = after === undefined ? prefix : keyAfter(prefix, after);
  for (const [k] of store.iterate(start, prefixEnd(prefix))) {
    if (out.length >= limit) break;
    out.push(readBe64(k, k.length - 8));
  }
  return out;
}

function keyAfter(prefix: Uint8Array, id: bigint): Uint8Array {
  const k = new Uint8Array(prefix.length + 8);
  k.set(prefix);
  new DataView(k.buffer).setBigUint64(prefix.length, id + 1n);
  return k;
}

/** The health module's keeper. */
export class HealthKeeper implements HealthView {
  constructor(
    private readonly dids: DidView,
    private readonly orgs: OrgView,
  ) {}

  // ---- reads

  patient(store: KVRead, did: string): Patient | undefined {
    const v = store.get(patientKey(did));
    return v && decode(patientCodec, v);
  }

  patientByLink(store: KVRead, linkId: Uint8Array): Patient | undefined {
    const did = store.get(linkKey(linkId));
    return did && this.patient(store, fromUtf8(did));
  }

  record(store: KVRead, id: Uint8Array): HealthRecord | undefined {
    const v = store.get(recordKey(id));
    return v && decode(healthRecordCodec, v);
  }

  recordIds(store: KVRead, patientDid: string, after?: Uint8Array, limit = Number.MAX_SAFE_INTEGER): Uint8Array[] {
    const prefix = patientRecordsPrefix(patientDid);
    const start = after === undefined ? prefix : prefixEnd(patientRecordKey(patientDid, after));
    const out: Uint8Array[] = [];
    for (const [k] of store.iterate(start, prefixEnd(prefix))) {
      if (out.length >= limit) break;
      out.push(k.slice(prefix.length));
    }
    return out;
  }

  consent(store: KVRead, id: bigint): Consent | undefined {
    const v = store.get(consentKey(id));
    return v && decode(consentCodec, v);
  }

  consentIds(store: KVRead, prefix: Uint8Array, after?: bigint, limit = Number.MAX_SAFE_INTEGER): bigint[] {
    return idsUnder(store, prefix, after, limit);
  }

  access(store: KVRead, id: bigint): AccessEntry | undefined {
    const v = store.get(accessKey(id));
    return v && decode(accessEntryCodec, v);
  }

  accessIds(store: KVRead, patientDid: string, after?: bigint, limit = Number.MAX_SAFE_INTEGER): bigint[] {
    return idsUnder(store, patientAccessPrefix(patientDid), after, limit);
  }

  alertIds(store: KVRead, patientDid: string, after?: bigint, limit = Number.MAX_SAFE_INTEGER): bigint[] {
    return idsUnder(store, alertsPrefix(patientDid), after, limit);
  }

  research(store: KVRead, documentHash: Uint8Array): Research | undefined {
    const v = store.get(researchKey(documentHash));
    return v && decode(researchCodec, v);
  }

  researchList(store: KVRead, after?: bigint, limit = Number.MAX_SAFE_INTEGER): Research[] {
    const out: Research[] = [];
    const start = after === undefined ? HEALTH_RESEARCH_SEQ_PREFIX : keyAfter(HEALTH_RESEARCH_SEQ_PREFIX, after);
    for (const [, hash] of store.iterate(start, prefixEnd(HEALTH_RESEARCH_SEQ_PREFIX))) {
      if (out.length >= limit) break;
      const r = this.research(store, hash);
      if (r) out.push(r);
    }
    return out;
  }

  nextId(store: KVRead, c: HealthCounter): bigint {
    const v = store.get(counterKey(c));
    return v ? decode(u64, v) : 1n;
  }

  // ---- rules shared by the mutators

  /** The active organization of `signer`, or `health.no_organization`. */
  private activeOrgOf(store: KVRead, signer: Address): string {
    const id = this.orgs.orgOf(store, signer);
    if (id === undefined || this.orgs.organization(store, id)?.status !== "active") {
      throw HealthErrors.noOrganization.create(`${signer} belongs to no active organization`);
    }
    return id;
  }

  private requirePatient(store: KVRead, did: string): Patient {
    const p = this.patient(store, did);
    if (!p) throw HealthErrors.unknownPatient.create(`${did} is not a registered patient`, { patientDid: did });
    return p;
  }

  /** Fails with `health.not_patient` unless `key` is an active authentication key of `patientDid`. */
  private requirePatientKey(store: KVRead, patientDid: string, key: Uint8Array | undefined): void {
    if (!key || !this.dids.isActiveAuthenticationKey(store, patientDid, key)) {
      throw HealthErrors.notPatient.create(`the transaction is not signed with a key of ${patientDid}`);
    }
  }

  private take(store: KVStore, c: HealthCounter): bigint {
    const id = this.nextId(store, c);
    store.set(counterKey(c), encode(u64, id + 1n));
    return id;
  }

  // ---- mutators

  /** `health/register_patient`: the provider's organization registers a co-signing patient. */
  registerPatient(a: HealthActor, m: RegisterPatientMsg): Patient {
    const { store, block } = a;
    const org = this.activeOrgOf(store, a.signer);
    const doc = this.dids.get(store, m.patientDid);
    if (!doc || doc.deactivated || doc.kind !== 0) {
      throw HealthErrors.notPersonDid.create(`${m.patientDid} is not an active person DID`, {
        patientDid: m.patientDid,
      });
    }
    const signed = patientRegistrationBytes(block.chainId, m.patientDid, m.linkId, m.credentialHash);
    if (
      !this.dids.isActiveAuthenticationKey(store, m.patientDid, m.patientKey) ||
      !verifyEd25519(m.patientSignature, signed, m.patientKey)
    ) {
      throw HealthErrors.badPatientSignature.create(`the patient's signature does not verify for ${m.patientDid}`);
    }
    if (this.patient(store, m.patientDid)) {
      throw HealthErrors.patientExists.create(`${m.patientDid} is already a registered patient`);
    }
    if (store.get(linkKey(m.linkId))) throw HealthErrors.linkExists.create("this link id is already registered");
    const p: Patient = {
      did: m.patientDid,
      linkId: m.linkId,
      credentialHash: m.credentialHash,
      registeredBy: org,
      registered: stamp(block),
    };
    store.set(patientKey(p.did), encode(patientCodec, p));
    store.set(linkKey(p.linkId), utf8(p.did));
    return p;
  }

  /** `health/register_record`: indexes content held by the signer's organization, or links to the same content. */
  registerRecord(a: HealthActor, m: RegisterRecordMsg): RecordRegistration {
    const { store, block } = a;
    const org = this.activeOrgOf(store, a.signer);
    this.requirePatient(store, m.patientDid);
    const id = recordIdOf(m.patientDid, m.contentHash);
    const existing = this.record(store, id);
    if (existing) {
      if (existing.custodian === org || existing.links.some((l) => l.org === org)) {
        throw HealthErrors.recordExists.create(`${org} already indexed record ${toHex(id)}`, { recordId: toHex(id) });
      }
      if (existing.links.length >= MAX_RECORD_LINKS) {
        throw HealthErrors.tooManyEntries.create(`record ${toHex(id)} already has ${MAX_RECORD_LINKS} links`);
      }
      const record = { ...existing, links: [...existing.links, { org, author: a.signer, at: stamp(block) }] };
      store.set(recordKey(id), encode(healthRecordCodec, record));
      return { record, linked: true, org };
    }
    const record: HealthRecord = {
      id,
      patientDid: m.patientDid,
      custodian: org,
      author: a.signer,
      fhirType: m.fhirType,
      contentHash: m.contentHash,
      location: m.location,
      created: stamp(block),
      links: [],
    };
    store.set(recordKey(id), encode(healthRecordCodec, record));
    store.set(patientRecordKey(m.patientDid, id), EMPTY);
    return { record, linked: false, org };
  }

  /** `health/grant_consent`: the patient grants a consent. */
  grantConsent(a: HealthActor, m: GrantConsentMsg): Consent {
    const { store, block } = a;
    this.requirePatient(store, m.patientDid);
    this.requirePatientKey(store, m.patientDid, a.signerKey);
    if (m.endMs <= block.timeMs) throw HealthErrors.invalidPeriod.create("the consent would already have ended");
    const known =
      m.grantee.kind === "org"
        ? this.orgs.organization(store, m.grantee.id) !== undefined
        : this.dids.get(store, m.grantee.id)?.deactivated === false;
    if (!known) throw HealthErrors.invalidGrantee.create(`no ${m.grantee.kind} "${m.grantee.id}" is registered`);
    const c: Consent = {
      id: this.take(store, "consent"),
      patientDid: m.patientDid,
      grantee: m.grantee,
      resourceTypes: m.resourceTypes,
      purposes: m.purposes,
      startMs: m.startMs,
      endMs: m.endMs,
      created: stamp(block),
      revoked: undefined,
    };
    store.set(consentKey(c.id), encode(consentCodec, c));
    store.set(patientConsentKey(c.patientDid, c.id), EMPTY);
    store.set(granteeConsentKey(c.grantee.kind, c.grantee.id, c.id), EMPTY);
    return c;
  }

  /** `health/revoke_consent`: the patient ends an active consent now. */
  revokeConsent(a: HealthActor, id: bigint): Consent {
    const { store, block } = a;
    const c = this.consent(store, id);
    if (!c) throw HealthErrors.unknownConsent.create(`no consent ${id}`, { consentId: id.toString() });
    this.requirePatientKey(store, c.patientDid, a.signerKey);
    if (c.revoked !== undefined || c.endMs <= block.timeMs) {
      throw HealthErrors.consentNotActive.create(`consent ${id} is already revoked or expired`);
    }
    const revoked = { ...c, revoked: stamp(block) };
    store.set(consentKey(id), encode(consentCodec, revoked));
    return revoked;
  }

  /** Fails unless consent `id` lets `reader` (signing as `signer`) read `record` for `purpose` now. */
  private checkConsent(
    store: KVRead,
    block: BlockInfo,
    id: bigint,
    record: HealthRecord,
    readerDid: string,
    signer: Address,
    purpose: string,
  ): void {
    const c = this.consent(store, id);
    if (!c) throw HealthErrors.unknownConsent.create(`no consent ${id}`, { consentId: id.toString() });
    if (c.patientDid !== record.patientDid) {
      throw HealthErrors.consentScope.create(`consent ${id} is not the patient's of this record`);
    }
    if (c.revoked !== undefined) throw HealthErrors.consentRevoked.create(`consent ${id} was revoked`);
    if (block.timeMs < c.startMs) throw HealthErrors.consentNotStarted.create(`consent ${id} has not begun`);
    if (block.timeMs >= c.endMs) throw HealthErrors.consentExpired.create(`consent ${id} has expired`);
    const isGrantee =
      c.grantee.kind === "person"
        ? c.grantee.id === readerDid
        : this.orgs.orgOf(store, signer) === c.grantee.id &&
          this.orgs.organization(store, c.grantee.id)?.status === "active";
    if (!isGrantee) throw HealthErrors.notGrantee.create(`the reader is not the grantee of consent ${id}`);
    if (!c.resourceTypes.includes(record.fhirType) || !c.purposes.includes(purpose)) {
      throw HealthErrors.consentScope.create(`consent ${id} does not cover ${record.fhirType} for ${purpose}`);
    }
  }

  /** `health/access`: authorizes and logs one read; a break-glass read also raises an alert for the patient. */
  logAccess(a: HealthActor, m: AccessRecordMsg): AccessEntry {
    const { store, block } = a;
    const record = this.record(store, m.recordId);
    if (!record) throw HealthErrors.unknownRecord.create(`no record ${toHex(m.recordId)}`);
    if (!a.signerKey || !this.dids.isActiveAuthenticationKey(store, m.readerDid, a.signerKey)) {
      throw HealthErrors.notReader.create(`the transaction is not signed with a key of ${m.readerDid}`);
    }
    if (m.breakGlass) {
      if (m.purpose !== "ETREAT" || !this.orgs.hasRole(store, a.signer, EMERGENCY_ROLE)) {
        throw HealthErrors.notEmergencyRole.create(`break-glass needs ${EMERGENCY_ROLE} and purpose ETREAT`);
      }
    } else if (m.consentId !== undefined) {
      this.checkConsent(store, block, m.consentId, record, m.readerDid, a.signer, m.purpose);
    } else if (m.readerDid !== record.patientDid) {
      throw HealthErrors.noConsent.create("a reader other than the patient needs a consent or break-glass");
    }
    const org = this.orgs.orgOf(store, a.signer);
    const entry: AccessEntry = {
      id: this.take(store, "access"),
      recordId: record.id,
      contentHash: record.contentHash,
      patientDid: record.patientDid,
      accessor: a.signer,
      accessorDid: m.readerDid,
      org,
      purpose: m.purpose,
      consentId: m.consentId,
      breakGlass: m.breakGlass,
      reason: m.reason,
      at: stamp(block),
    };
    store.set(accessKey(entry.id), encode(accessEntryCodec, entry));
    store.set(patientAccessKey(entry.patientDid, entry.id), EMPTY);
    if (entry.breakGlass) store.set(alertKey(entry.patientDid, entry.id), EMPTY);
    return entry;
  }

  /** `health/publish_research`: registers a publication by document hash. */
  publishResearch(a: HealthActor, m: PublishResearchMsg): Research {
    const { store, block } = a;
    const org = this.activeOrgOf(store, a.signer);
    const allowed =
      m.kind === "drug_approval"
        ? this.orgs.hasRole(store, a.signer, REGULATOR_ROLE)
        : this.orgs.hasRole(store, a.signer, RESEARCHER_ROLE) || this.orgs.hasRole(store, a.signer, PROVIDER_ROLE);
    if (!allowed) throw HealthErrors.notResearchPublisher.create(`${a.signer} may not publish a ${m.kind}`);
    if (this.research(store, m.documentHash)) {
      throw HealthErrors.researchExists.create(`document ${toHex(m.documentHash)} is already published`);
    }
    const r: Research = {
      seq: this.take(store, "research"),
      kind: m.kind,
      documentHash: m.documentHash,
      title: m.title,
      uri: m.uri,
      issuer: a.signer,
      org,
      published: stamp(block),
    };
    store.set(researchKey(r.documentHash), encode(researchCodec, r));
    store.set(researchSeqKey(r.seq), r.documentHash);
    return r;
  }

  // ---- genesis

  /** Writes exported state back with every index and counter (genesis import). */
  importState(store: KVStore, s: HealthState): void {
    for (const p of s.patients) {
      store.set(patientKey(p.did), encode(patientCodec, p));
      store.set(linkKey(p.linkId), utf8(p.did));
    }
    for (const r of s.records) {
      store.set(recordKey(r.id), encode(healthRecordCodec, r));
      store.set(patientRecordKey(r.patientDid, r.id), EMPTY);
    }
    for (const c of s.consents) {
      store.set(consentKey(c.id), encode(consentCodec, c));
      store.set(patientConsentKey(c.patientDid, c.id), EMPTY);
      store.set(granteeConsentKey(c.grantee.kind, c.grantee.id, c.id), EMPTY);
    }
    for (const e of s.accessLog) {
      store.set(accessKey(e.id), encode(accessEntryCodec, e));
      store.set(patientAccessKey(e.patientDid, e.id), EMPTY);
      if (e.breakGlass) store.set(alertKey(e.patientDid, e.id), EMPTY);
    }
    for (const r of s.research) {
      store.set(researchKey(r.documentHash), encode(researchCodec, r));
      store.set(researchSeqKey(r.seq), r.documentHash);
    }
    for (const [c, next] of Object.entries(s.next) as [HealthCounter, bigint][]) {
      if (next > 1n) store.set(counterKey(c), encode(u64, next));
    }
  }
}

/** The module's whole state, as genesis holds it. */
export interface HealthState {
  patients: Patient[];
  records: HealthRecord[];
  consents: Consent[];
  accessLog: AccessEntry[];
  research: Research[];
  next: Record<HealthCounter, bigint>;
}
