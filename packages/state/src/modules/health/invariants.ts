/**
 * Invariants of the health module: every stored value has its index entries,
 * no index entry is left without its value (counted per index), references
 * point at stored patients and records, and counters are above every id
 * handed out. A broken one means a keeper bug; the node halts rather than
 * commit it.
 */
import { fromUtf8, prefixEnd, readBe64, toHex } from "@urbis/protocol";
import type { Invariant } from "../../framework/module.js";
import type { KVRead } from "../../framework/store.js";
import type { HealthView } from "./keeper.js";
import {
  alertKey,
  granteeConsentKey,
  HEALTH_ACCESS_PREFIX,
  HEALTH_ALERT_PREFIX,
  HEALTH_CONSENT_PREFIX,
  HEALTH_GRANTEE_CONSENT_PREFIX,
  HEALTH_LINK_PREFIX,
  HEALTH_PATIENT_ACCESS_PREFIX,
  HEALTH_PATIENT_CONSENT_PREFIX,
  HEALTH_PATIENT_PREFIX,
  HEALTH_PATIENT_RECORD_PREFIX,
  HEALTH_RECORD_PREFIX,
  HEALTH_RESEARCH_PREFIX,
  HEALTH_RESEARCH_SEQ_PREFIX,
  linkKey,
  patientAccessKey,
  patientConsentKey,
  patientRecordKey,
  researchSeqKey,
} from "./keys.js";

const count = (store: KVRead, prefix: Uint8Array): number => {
  let n = 0;
  for (const _ of store.iterate(prefix, prefixEnd(prefix))) n++;
  return n;
};

/** The first problem found in the module's state, or undefined. */
export function checkHealthState(store: KVRead, keeper: HealthView): string | undefined {
  const suffixes = (prefix: Uint8Array) =>
    [...store.iterate(prefix, prefixEnd(prefix))].map(([k, v]) => [k.slice(prefix.length), v] as const);
  const patients = suffixes(HEALTH_PATIENT_PREFIX).map(([k]) => keeper.patient(store, fromUtf8(k)));
  for (const p of patients) {
    if (!p) return "a patient key holds no patient";
    if (!store.get(linkKey(p.linkId))) return `patient ${p.did} has no link index`;
  }
  if (count(store, HEALTH_LINK_PREFIX) !== patients.length) return "link index and patients differ in number";

  const records = suffixes(HEALTH_RECORD_PREFIX).map(([k]) => keeper.record(store, k));
  for (const r of records) {
    if (!r) return "a record key holds no record";
    if (!keeper.patient(store, r.patientDid)) return `record ${toHex(r.id)} names unknown patient ${r.patientDid}`;
    if (!store.get(patientRecordKey(r.patientDid, r.id))) return `record ${toHex(r.id)} is not indexed by patient`;
    const orgs = new Set([r.custodian, ...r.links.map((l) => l.org)]);
    if (orgs.size !== r.links.length + 1) return `record ${toHex(r.id)} links an organization twice`;
  }
  if (count(store, HEALTH_PATIENT_RECORD_PREFIX) !== records.length) return "patient record index and records differ";

  const consentNext = keeper.nextId(store, "consent");
  let consents = 0;
  for (const [k] of suffixes(HEALTH_CONSENT_PREFIX)) {
    const c = keeper.consent(store, readBe64(k, 0));
    if (!c) return "a consent key holds no consent";
    consents++;
    if (c.id >= consentNext) return `consent ${c.id} is not below the counter ${consentNext}`;
    if (!keeper.patient(store, c.patientDid)) return `consent ${c.id} names unknown patient`;
    if (
      !store.get(patientConsentKey(c.patientDid, c.id)) ||
      !store.get(granteeConsentKey(c.grantee.kind, c.grantee.id, c.id))
    ) {
      return `consent ${c.id} is missing an index entry`;
    }
  }
  if (count(store, HEALTH_PATIENT_CONSENT_PREFIX) !== consents) return "patient consent index and consents differ";
  if (count(store, HEALTH_GRANTEE_CONSENT_PREFIX) !== consents) return "grantee consent index and consents differ";

  const accessNext = keeper.nextId(store, "access");
  let accesses = 0;
  let alerts = 0;
  for (const [k] of suffixes(HEALTH_ACCESS_PREFIX)) {
    const e = keeper.access(store, readBe64(k, 0));
    if (!e) return "an access key holds no entry";
    accesses++;
    if (e.id >= accessNext) return `access ${e.id} is not below the counter ${accessNext}`;
    if (!keeper.record(store, e.recordId)) return `access ${e.id} names an unknown record`;
    if (!store.get(patientAccessKey(e.patientDid, e.id))) return `access ${e.id} is not in the patient's log`;
    if (e.breakGlass) {
      alerts++;
      if (!store.get(alertKey(e.patientDid, e.id))) return `break-glass access ${e.id} raised no alert`;
    }
  }
  if (count(store, HEALTH_PATIENT_ACCESS_PREFIX) !== accesses) return "patient access index and log differ";
  if (count(store, HEALTH_ALERT_PREFIX) !== alerts) return "alerts and break-glass reads differ";

  const researchNext = keeper.nextId(store, "research");
  let research = 0;
  for (const [k] of suffixes(HEALTH_RESEARCH_PREFIX)) {
    const r = keeper.research(store, k);
    if (!r) return "a research key holds no publication";
    research++;
    if (r.seq >= researchNext) return `publication ${r.seq} is not below the counter ${researchNext}`;
    const indexed = store.get(researchSeqKey(r.seq));
    if (!indexed || toHex(indexed) !== toHex(r.documentHash)) return `publication ${r.seq} is not indexed by sequence`;
  }
  if (count(store, HEALTH_RESEARCH_SEQ_PREFIX) !== research) return "research sequence index and publications differ";
  return undefined;
}

/** The health module's invariants. */
export function healthInvariants(keeper: HealthView): Invariant[] {
  return [{ name: "health/indexes", check: (ctx) => checkHealthState(ctx.store, keeper) }];
}
