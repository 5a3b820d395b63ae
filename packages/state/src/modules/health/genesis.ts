/**
 * Health genesis. The section is optional (absent = empty) and holds the
 * module's whole state in the JSON forms its queries answer (so an export
 * re-imports as is):
 *
 * ```json
 * { "patients": [PatientJson], "records": [HealthRecordJson], "consents": [ConsentJson],
 *   "accessLog": [AccessEntryJson], "research": [ResearchJson],
 *   "next": { "consent": "1", "access": "1", "research": "1" } }
 * ```
 *
 * Import checks what the messages would have: well-formed values, record ids
 * that match their content, references to known patients and records, unique
 * link ids and document hashes, and counters above every id handed out.
 * Indexes and alerts are rebuilt, not imported.
 */
import {
  type AccessEntry,
  accessEntryToJson,
  type BlockStamp,
  BREAK_GLASS_REASONS,
  bytesEqual,
  type Consent,
  consentToJson,
  fromHex,
  fromUtf8,
  GRANTEE_KINDS,
  type GranteeKind,
  type HealthRecord,
  healthRecordToJson,
  MAX_U64,
  type Patient,
  patientToJson,
  prefixEnd,
  RESEARCH_KINDS,
  type Research,
  type ResearchKind,
  readBe64,
  recordIdOf,
  researchToJson,
  toHex,
  UrbisError,
  validateConsentLists,
  validateFhirType,
  validateGrantee,
  validateOrgId,
  validatePurpose,
  validateUrbisDid,
} from "@urbis/protocol";
import { AppErrors } from "../../app/errors.js";
import { JsonReader } from "../../framework/json.js";
import type { GenesisHandler, Json } from "../../framework/module.js";
import type { HealthKeeper, HealthState } from "./keeper.js";
import { HEALTH_ACCESS_PREFIX, HEALTH_CONSENT_PREFIX, HEALTH_PATIENT_PREFIX, HEALTH_RECORD_PREFIX } from "./keys.js";

/** Parsed health genesis: the whole module state. */
export type HealthGenesis = HealthState;

const root = new JsonReader(AppErrors.invalidGenesis, "health");

/** Runs a protocol validator, turning its error into `app.invalid_genesis` at `j`'s path. */
function check(j: JsonReader, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof UrbisError) j.fail(e.message);
    throw e;
  }
}

const hash = (j: JsonReader, v: unknown) => fromHex(j.string(v, /^[0-9a-f]{64}$/));
const u64 = (j: JsonReader, v: unknown) => j.uint(v, MAX_U64);
const did = (j: JsonReader, v: unknown) => {
  const s = j.string(v);
  check(j, () => validateUrbisDid(s));
  return s;
};
const org = (j: JsonReader, v: unknown) => {
  const s = j.string(v);
  check(j, () => validateOrgId(s));
  return s;
};
const stamp = (j: JsonReader, v: unknown): BlockStamp => {
  const o = j.object(v);
  return { height: u64(j.at("height"), o.height), timeMs: u64(j.at("timeMs"), o.timeMs) };
};
const oneOf = <T extends string>(j: JsonReader, v: unknown, names: readonly T[]): T => {
  const s = j.string(v) as T;
  if (!names.includes(s)) j.fail(`must be one of ${names.join(", ")}`);
  return s;
};
const list = <T>(j: JsonReader, v: unknown, read: (j: JsonReader, v: unknown) => T): T[] =>
  v === undefined ? [] : j.array(v).map((x, i) => read(j.at(String(i)), x));

function readPatient(j: JsonReader, v: unknown): Patient {
  const o = j.object(v);
  return {
    did: did(j.at("did"), o.did),
    linkId: hash(j.at("linkId"), o.linkId),
    credentialHash: hash(j.at("credentialHash"), o.credentialHash),
    registeredBy: org(j.at("registeredBy"), o.registeredBy),
    registered: stamp(j.at("registered"), o.registered),
  };
}

function readRecord(j: JsonReader, v: unknown): HealthRecord {
  const o = j.object(v);
  const r: HealthRecord = {
    id: hash(j.at("id"), o.id),
    patientDid: did(j.at("patientDid"), o.patientDid),
    custodian: org(j.at("custodian"), o.custodian),
    author: j.at("author").address(o.author),
    fhirType: j.at("fhirType").string(o.fhirType),
    contentHash: hash(j.at("contentHash"), o.contentHash),
    location: j.at("location").string(o.location),
    created: stamp(j.at("created"), o.created),
    links: list(j.at("links"), o.links, (lj, lv) => {
      const l = lj.object(lv);
      return { org: org(lj.at("org"), l.org), author: lj.at("author").address(l.author), at: stamp(lj.at("at"), l.at) };
    }),
  };
  check(j.at("fhirType"), () => validateFhirType(r.fhirType));
  if (!bytesEqual(r.id, recordIdOf(r.patientDid, r.contentHash))) j.at("id").fail("does not match patient and content");
  return r;
}

function readConsent(j: JsonReader, v: unknown): Consent {
  const o = j.object(v);
  const g = j.at("grantee").object(o.grantee);
  const c: Consent = {
    id: u64(j.at("id"), o.id),
    patientDid: did(j.at("patientDid"), o.patientDid),
    grantee: {
      kind: oneOf<GranteeKind>(j.at("grantee.kind"), g.kind, GRANTEE_KINDS),
      id: j.at("grantee.id").string(g.id),
    },
    resourceTypes: j
      .at("resourceTypes")
      .array(o.resourceTypes)
      .map((t) => j.at("resourceTypes").string(t)),
    purposes: j
      .at("purposes")
      .array(o.purposes)
      .map((t) => j.at("purposes").string(t)),
    startMs: u64(j.at("startMs"), o.startMs),
    endMs: u64(j.at("endMs"), o.endMs),
    created: stamp(j.at("created"), o.created),
    revoked: j.optional(o.revoked, (x) => stamp(j.at("revoked"), x)),
  };
  check(j, () => {
    validateGrantee(c.grantee);
    validateConsentLists(c.resourceTypes, c.purposes);
  });
  if (c.endMs <= c.startMs) j.at("endMs").fail("must be after startMs");
  return c;
}

function readAccess(j: JsonReader, v: unknown): AccessEntry {
  const o = j.object(v);
  const e: AccessEntry = {
    id: u64(j.at("id"), o.id),
    recordId: hash(j.at("recordId"), o.recordId),
    contentHash: hash(j.at("contentHash"), o.contentHash),
    patientDid: did(j.at("patientDid"), o.patientDid),
    accessor: j.at("accessor").address(o.accessor),
    accessorDid: did(j.at("accessorDid"), o.accessorDid),
    org: j.optional(o.org, (x) => org(j.at("org"), x)),
    purpose: j.at("purpose").string(o.purpose),
    consentId: j.optional(o.consentId, (x) => u64(j.at("consentId"), x)),
    breakGlass: o.breakGlass === true,
    reason: j.optional(o.reason, (x) => oneOf(j.at("reason"), x, BREAK_GLASS_REASONS)),
    at: { height: u64(j.at("height"), o.height), timeMs: u64(j.at("timeMs"), o.timeMs) },
  };
  check(j.at("purpose"), () => validatePurpose(e.purpose));
  if (e.breakGlass !== (e.reason !== undefined)) j.fail("a reason is given exactly for break-glass reads");
  return e;
}

function readResearch(j: JsonReader, v: unknown): Research {
  const o = j.object(v);
  return {
    seq: u64(j.at("seq"), o.seq),
    kind: oneOf<ResearchKind>(j.at("kind"), o.kind, RESEARCH_KINDS),
    documentHash: hash(j.at("documentHash"), o.documentHash),
    title: j.at("title").string(o.title),
    uri: j.optional(o.uri, (x) => j.at("uri").string(x)),
    issuer: j.at("issuer").address(o.issuer),
    org: org(j.at("org"), o.org),
    published: stamp(j.at("published"), o.published),
  };
}

/** Fails when two items share a key. */
function unique<T>(j: JsonReader, items: readonly T[], key: (t: T) => string, what: string): void {
  const seen = new Set<string>();
  for (const t of items) {
    const k = key(t);
    if (seen.has(k)) j.fail(`duplicate ${what} ${k}`);
    seen.add(k);
  }
}

/** Parses and cross-checks the section. */
export function parseHealthGenesis(json: unknown): HealthGenesis {
  if (json === undefined) {
    return {
      patients: [],
      records: [],
      consents: [],
      accessLog: [],
      research: [],
      next: { consent: 1n, access: 1n, research: 1n },
    };
  }
  const o = root.object(json);
  const s: HealthState = {
    patients: list(root.at("patients"), o.patients, readPatient),
    records: list(root.at("records"), o.records, readRecord),
    consents: list(root.at("consents"), o.consents, readConsent),
    accessLog: list(root.at("accessLog"), o.accessLog, readAccess),
    research: list(root.at("research"), o.research, readResearch),
    next: { consent: 1n, access: 1n, research: 1n },
  };
  const next = o.next === undefined ? {} : root.at("next").object(o.next);
  for (const c of ["consent", "access", "research"] as const) {
    if (next[c] !== undefined) s.next[c] = u64(root.at(`next.${c}`), next[c]);
  }
  unique(root.at("patients"), s.patients, (p) => p.did, "patient");
  unique(root.at("patients"), s.patients, (p) => toHex(p.linkId), "link id");
  unique(root.at("records"), s.records, (r) => toHex(r.id), "record");
  unique(root.at("consents"), s.consents, (c) => c.id.toString(), "consent");
  unique(root.at("accessLog"), s.accessLog, (e) => e.id.toString(), "access entry");
  unique(root.at("research"), s.research, (r) => toHex(r.documentHash), "document");
  unique(root.at("research"), s.research, (r) => r.seq.toString(), "sequence number");
  const patients = new Set(s.patients.map((p) => p.did));
  const records = new Set(s.records.map((r) => toHex(r.id)));
  for (const r of s.records)
    if (!patients.has(r.patientDid)) root.at("records").fail(`unknown patient ${r.patientDid}`);
  for (const c of s.consents)
    if (!patients.has(c.patientDid)) root.at("consents").fail(`unknown patient ${c.patientDid}`);
  for (const e of s.accessLog) if (!records.has(toHex(e.recordId))) root.at("accessLog").fail(`unknown record`);
  const below = (ids: bigint[], next: bigint) => ids.every((x) => x < next);
  if (
    !below(
      s.consents.map((c) => c.id),
      s.next.consent,
    )
  )
    root.at("next.consent").fail("must exceed every consent id");
  if (
    !below(
      s.accessLog.map((e) => e.id),
      s.next.access,
    )
  )
    root.at("next.access").fail("must exceed every access id");
  if (
    !below(
      s.research.map((r) => r.seq),
      s.next.research,
    )
  )
    root.at("next.research").fail("must exceed every sequence number");
  return s;
}

/** The health module's genesis handler. */
export function healthGenesis(keeper: HealthKeeper): GenesisHandler<HealthGenesis> {
  return {
    parse: parseHealthGenesis,
    init(ctx, g) {
      keeper.importState(ctx.store, g);
    },
    export(ctx): Json {
      const { store } = ctx;
      const values = <T>(prefix: Uint8Array, read: (k: Uint8Array) => T | undefined): T[] => {
        const out: T[] = [];
        for (const [k] of store.iterate(prefix, prefixEnd(prefix))) {
          const v = read(k.slice(prefix.length));
          if (v !== undefined) out.push(v);
        }
        return out;
      };
      const patients = values(HEALTH_PATIENT_PREFIX, (k) => keeper.patient(store, fromUtf8(k)));
      const records = values(HEALTH_RECORD_PREFIX, (k) => keeper.record(store, k));
      const consents = values(HEALTH_CONSENT_PREFIX, (k) => keeper.consent(store, readBe64(k, 0)));
      const accessLog = values(HEALTH_ACCESS_PREFIX, (k) => keeper.access(store, readBe64(k, 0)));
      return {
        patients: patients.map(patientToJson),
        records: records.map(healthRecordToJson),
        consents: consents.map((c) => consentToJson(c)),
        accessLog: accessLog.map(accessEntryToJson),
        research: keeper.researchList(store).map(researchToJson),
        next: {
          consent: keeper.nextId(store, "consent").toString(),
          access: keeper.nextId(store, "access").toString(),
          research: keeper.nextId(store, "research").toString(),
        },
      };
    },
  };
}
