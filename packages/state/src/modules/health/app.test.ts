/**
 * The health module through the real UrbisApp: a patient's registration,
 * records indexed once and linked, consents granted and revoked, reads logged
 * (break-glass flagged to the patient), the research registry — and every
 * refusal with its own code and no state change.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  accessRecordMsg,
  consentStatus,
  HealthErrors,
  type Msg,
  OrgErrors,
  publishResearchMsg,
  recordIdOf,
  revokeConsentMsg,
  sha256,
  toHex,
  utf8,
} from "@urbis/protocol";
import { MemoryStore } from "../../framework/store.js";
import { didModule } from "../did/module.js";
import { orgModule } from "../org/module.js";
import { healthModule } from "./module.js";
import { DAY, didOfKey, HealthChain, K, linkIdOf } from "./test-support.js";

const read = (
  recordId: string,
  readerDid: string,
  o: { purpose?: string; consentId?: bigint; reason?: string } = {},
): Msg =>
  accessRecordMsg.wrap({
    recordId: Uint8Array.from(Buffer.from(recordId, "hex")),
    readerDid,
    purpose: o.purpose ?? "TREAT",
    consentId: o.consentId,
    breakGlass: o.reason !== undefined,
    reason: o.reason,
  });

/** A chain where alice is a patient of the hospital, with one Observation indexed; DIDs for the readers. */
async function withPatient() {
  const c = new HealthChain();
  const alice = await c.createDid(K.alice);
  for (const k of [K.doctor, K.erDoctor, K.nurse, K.stranger, K.clinicAdmin]) await c.createDid(k);
  await c.ok(K.doctor, c.registerPatient(K.alice, linkIdOf("alice-salt", "1980-02-03|A-123")));
  const r = await c.ok(K.doctor, c.record(alice, "blob-1"));
  const recordId = c.eventOf(r, "health.record_registered").recordId as string;
  return { c, alice, recordId };
}

describe("health: patients", () => {
  it("a provider registers a co-signing patient; the salted link id finds them; nothing personal is stored", async () => {
    const { c, alice } = await withPatient();
    const p = c.query("health/patient", { did: alice });
    assert.equal(p.registeredBy, "hospital");
    const byLink = c.query("health/patient_by_link", { linkId: toHex(linkIdOf("alice-salt", "1980-02-03|A-123")) });
    assert.equal(byLink.did, alice);
    const state = c.stateButSequences().join("\n");
    assert.ok(!state.includes(toHex(utf8("A-123"))) && !state.includes(toHex(utf8("1980-02-03"))));
    assert.deepEqual(c.ask("health/patient", { did: didOfKey(K.bob) }).code, [
      "health",
      HealthErrors.unknownPatient.code,
    ]);
  });

  it("refuses bad registrations with their codes", async () => {
    const { c, alice } = await withPatient();
    const bob = await c.createDid(K.bob);
    const link = linkIdOf("bob-salt", "x");
    await c.refuses(HealthErrors.badPatientSignature, K.doctor, c.registerPatient(K.bob, link, K.stranger));
    await c.refuses(HealthErrors.patientExists, K.doctor, c.registerPatient(K.alice, link));
    await c.refuses(
      HealthErrors.linkExists,
      K.doctor,
      c.registerPatient(K.bob, linkIdOf("alice-salt", "1980-02-03|A-123")),
    );
    await c.refuses(HealthErrors.notPersonDid, K.doctor, c.registerPatient(K.hall, link));
    await c.refuses(OrgErrors.missingRole, K.nurse, c.registerPatient(K.bob, link));
    await c.ok(K.clinicAdmin, c.registerPatient(K.bob, link));
    assert.equal(c.query("health/patient", { did: bob }).registeredBy, "clinic");
    assert.notEqual(alice, bob);
  });
});

describe("health: records", () => {
  it("the same content is indexed once and linked for a second organization", async () => {
    const { c, alice, recordId } = await withPatient();
    assert.equal(recordId, toHex(recordIdOf(alice, sha256(utf8("blob-1")))));
    await c.refuses(HealthErrors.recordExists, K.hospitalAdmin, c.record(alice, "blob-1"));
    const linked = await c.ok(K.clinicAdmin, c.record(alice, "blob-1"));
    assert.equal(c.eventOf(linked, "health.record_linked").org, "clinic");
    const rec = c.query("health/record", { id: recordId });
    assert.equal(rec.custodian, "hospital");
    assert.deepEqual(
      rec.links.map((l: { org: string }) => l.org),
      ["clinic"],
    );
    assert.equal(c.query("health/records", { patientDid: alice }).records.length, 1);
    await c.refuses(HealthErrors.recordExists, K.clinicAdmin, c.record(alice, "blob-1"));
  });

  it("refuses records by non-providers, for unknown patients, of unknown types", async () => {
    const { c, alice } = await withPatient();
    await c.refuses(OrgErrors.missingRole, K.nurse, c.record(alice, "blob-2"));
    await c.refuses(HealthErrors.unknownPatient, K.doctor, c.record(didOfKey(K.bob), "blob-2"));
    await c.refuses(HealthErrors.invalidFhirType, K.doctor, c.record(alice, "blob-2", "HumanGenome"));
  });
});

describe("health: consent and reads", () => {
  it("a consented organization reads; the patient sees who read what, when and why; revocation ends it", async () => {
    const { c, alice, recordId } = await withPatient();
    const nurse = didOfKey(K.nurse);
    await c.refuses(HealthErrors.noConsent, K.nurse, read(recordId, nurse));
    const g = await c.ok(K.alice, c.consent(alice, { kind: "org", id: "clinic" }));
    const consentId = BigInt(c.eventOf(g, "health.consent_granted").consentId as string);
    const a = await c.ok(K.nurse, read(recordId, nurse, { consentId }));
    assert.equal(c.eventOf(a, "health.accessed").readerDid, nurse);
    const log = c.query("health/access_log", { patientDid: alice }).entries;
    assert.equal(log.length, 1);
    assert.deepEqual(
      [log[0].accessorDid, log[0].org, log[0].purpose, log[0].consentId],
      [nurse, "clinic", "TREAT", "1"],
    );
    assert.equal(
      consentStatus(c.query("health/consents", { granteeKind: "org", grantee: "clinic" }).consents[0], c.timeMs),
      "active",
    );
    // Out of scope: another purpose, another type.
    await c.refuses(HealthErrors.consentScope, K.nurse, read(recordId, nurse, { consentId, purpose: "HRESCH" }));
    const imaging = c.eventOf(
      await c.ok(K.doctor, c.record(alice, "scan", "ImagingStudy")),
      "health.record_registered",
    );
    await c.refuses(HealthErrors.consentScope, K.nurse, read(imaging.recordId as string, nurse, { consentId }));
    // Someone else: a person outside the clinic, a reader DID the signer does not hold.
    await c.refuses(HealthErrors.notGrantee, K.stranger, read(recordId, didOfKey(K.stranger), { consentId }));
    await c.refuses(HealthErrors.notReader, K.stranger, read(recordId, nurse, { consentId }));
    // Only the patient revokes.
    await c.refuses(HealthErrors.notPatient, K.nurse, revokeConsentMsg.wrap({ consentId }));
    await c.ok(K.alice, revokeConsentMsg.wrap({ consentId }));
    await c.refuses(HealthErrors.consentRevoked, K.nurse, read(recordId, nurse, { consentId }));
    await c.refuses(HealthErrors.consentNotActive, K.alice, revokeConsentMsg.wrap({ consentId }));
    await c.refuses(HealthErrors.unknownConsent, K.nurse, read(recordId, nurse, { consentId: 99n }));
    // The patient reads their own records without a consent.
    await c.ok(K.alice, read(recordId, alice, { purpose: "PATRQT" }));
  });

  it("a person grantee reads within the period only", async () => {
    const { c, alice, recordId } = await withPatient();
    const stranger = didOfKey(K.stranger);
    const start = c.timeMs + DAY;
    const g = await c.ok(
      K.alice,
      c.consent(alice, { kind: "person", id: stranger }, { startMs: start, endMs: start + DAY }),
    );
    const consentId = BigInt(c.eventOf(g, "health.consent_granted").consentId as string);
    await c.refuses(HealthErrors.consentNotStarted, K.stranger, read(recordId, stranger, { consentId }));
    await c.block([], DAY);
    await c.ok(K.stranger, read(recordId, stranger, { consentId }));
    await c.block([], DAY);
    await c.refuses(HealthErrors.consentExpired, K.stranger, read(recordId, stranger, { consentId }));
    assert.equal(consentStatus(c.query("health/consent", { id: String(consentId) }), c.timeMs), "expired");
  });

  it("refuses bad consents with their codes", async () => {
    const { c, alice } = await withPatient();
    await c.refuses(HealthErrors.notPatient, K.doctor, c.consent(alice, { kind: "org", id: "clinic" }));
    await c.refuses(HealthErrors.invalidGrantee, K.alice, c.consent(alice, { kind: "org", id: "no-such-org" }));
    await c.refuses(HealthErrors.invalidGrantee, K.alice, c.consent(alice, { kind: "person", id: alice }));
    await c.refuses(
      HealthErrors.invalidPurpose,
      K.alice,
      c.consent(alice, { kind: "org", id: "clinic" }, { purposes: ["GOSSIP"] }),
    );
    await c.refuses(
      HealthErrors.tooManyEntries,
      K.alice,
      c.consent(alice, { kind: "org", id: "clinic" }, { purposes: ["TREAT", "TREAT"] }),
    );
    await c.refuses(
      HealthErrors.invalidPeriod,
      K.alice,
      c.consent(alice, { kind: "org", id: "clinic" }, { startMs: 0n, endMs: 1n }),
    );
    await c.refuses(HealthErrors.unknownPatient, K.bob, c.consent(didOfKey(K.bob), { kind: "org", id: "clinic" }));
  });

  it("break-glass needs the emergency role, ETREAT and a reason code, and alerts the patient", async () => {
    const { c, alice, recordId } = await withPatient();
    const er = didOfKey(K.erDoctor);
    await c.refuses(
      HealthErrors.notEmergencyRole,
      K.nurse,
      read(recordId, didOfKey(K.nurse), { purpose: "ETREAT", reason: "unconscious" }),
    );
    await c.refuses(
      HealthErrors.notEmergencyRole,
      K.erDoctor,
      read(recordId, er, { purpose: "TREAT", reason: "unconscious" }),
    );
    await c.refuses(
      HealthErrors.invalidReason,
      K.erDoctor,
      read(recordId, er, { purpose: "ETREAT", reason: "curious" }),
    );
    const r = await c.ok(K.erDoctor, read(recordId, er, { purpose: "ETREAT", reason: "unconscious" }));
    const alert = c.eventOf(r, "health.break_glass");
    assert.deepEqual([alert.patientDid, alert.readerDid, alert.reason], [alice, er, "unconscious"]);
    const alerts = c.query("health/alerts", { patientDid: alice }).entries;
    assert.deepEqual([alerts.length, alerts[0].breakGlass, alerts[0].org], [1, true, "hospital"]);
    await c.refuses(
      HealthErrors.unknownRecord,
      K.erDoctor,
      read("00".repeat(32), er, { purpose: "ETREAT", reason: "unconscious" }),
    );
  });
});

describe("health: research registry", () => {
  it("researchers publish studies, regulators approve drugs, anyone queries", async () => {
    const c = new HealthChain();
    const pub = (kind: "study" | "trial_result" | "drug_approval", doc: string) =>
      publishResearchMsg.wrap({ kind, documentHash: sha256(utf8(doc)), title: `About ${doc}`, uri: undefined });
    await c.ok(K.university, pub("study", "s1"));
    await c.ok(K.doctor, pub("trial_result", "t1"));
    await c.refuses(HealthErrors.researchExists, K.university, pub("study", "s1"));
    await c.refuses(HealthErrors.notResearchPublisher, K.university, pub("drug_approval", "d1"));
    await c.refuses(HealthErrors.notResearchPublisher, K.nurse, pub("study", "s2"));
    await c.refuses(OrgErrors.notMember, K.stranger, pub("study", "s2"));
    await c.ok(K.hall, pub("drug_approval", "d1"));
    const list = c.query("health/research_list", { limit: "2" });
    assert.deepEqual(
      list.research.map((r: { kind: string }) => r.kind),
      ["study", "trial_result"],
    );
    assert.equal(list.next, "2");
    const rest = c.query("health/research_list", { after: list.next });
    assert.deepEqual([rest.research[0].kind, rest.research[0].org], ["drug_approval", "city-hall"]);
    assert.equal(c.query("health/research", { documentHash: toHex(sha256(utf8("d1"))) }).org, "city-hall");
  });
});

describe("health: genesis", () => {
  it("exports the whole state and imports it back to the same bytes", async () => {
    const { c, alice, recordId } = await withPatient();
    const g = await c.ok(K.alice, c.consent(alice, { kind: "org", id: "clinic" }));
    const consentId = BigInt(c.eventOf(g, "health.consent_granted").consentId as string);
    await c.ok(K.nurse, read(recordId, didOfKey(K.nurse), { consentId }));
    await c.ok(K.erDoctor, read(recordId, didOfKey(K.erDoctor), { purpose: "ETREAT", reason: "life_threatening" }));
    await c.ok(
      K.university,
      publishResearchMsg.wrap({
        kind: "study",
        documentHash: sha256(utf8("s")),
        title: "S",
        uri: "https://u.example/s",
      }),
    );
    const block = { chainId: c.chainId, height: c.height, timeMs: c.timeMs };
    const mod = () => healthModule({ dids: didModule().keeper, orgs: orgModule().keeper });
    const exported = mod().genesis.export({ block, store: c.store.latest() as never, emit: () => {} });
    const json = JSON.parse(JSON.stringify(exported));
    const m = mod();
    const fresh = new MemoryStore();
    m.genesis.init({ block, store: fresh, emit: () => {} }, m.genesis.parse(json));
    const health = (entries: Iterable<readonly [Uint8Array, Uint8Array]>) =>
      [...entries]
        .filter(([k]) => Buffer.from(k).toString().startsWith("health/"))
        .map(([k, v]) => `${toHex(k)}=${toHex(v)}`);
    assert.deepEqual(health(fresh.iterate()), health(c.store.latest().iterate()));
    assert.equal(m.invariants[0]!.check({ block, store: fresh, emit: () => {} }), undefined);
  });

  it("refuses an inconsistent genesis", () => {
    const parse = healthModule({ dids: didModule().keeper, orgs: orgModule().keeper }).genesis.parse;
    const patient = {
      did: didOfKey(K.alice),
      linkId: "11".repeat(32),
      credentialHash: "22".repeat(32),
      registeredBy: "hospital",
      registered: { height: "1", timeMs: "0" },
    };
    assert.throws(() => parse({ patients: [patient, patient] }), /duplicate patient/);
    assert.throws(() => parse({ patients: [{ ...patient, linkId: "zz" }] }), /linkId/);
    const record = {
      id: "00".repeat(32),
      patientDid: patient.did,
      custodian: "hospital",
      author: K.doctor.addr,
      fhirType: "Observation",
      contentHash: "33".repeat(32),
      location: "x",
      created: { height: "1", timeMs: "0" },
      links: [],
    };
    assert.throws(() => parse({ patients: [patient], records: [record] }), /does not match/);
    const study = {
      seq: "1",
      kind: "study",
      documentHash: "44".repeat(32),
      title: "S",
      issuer: K.doctor.addr,
      org: "hospital",
      published: { height: "1", timeMs: "0" },
    };
    assert.equal(parse({ research: [study], next: { research: "2" } }).research.length, 1);
    assert.throws(() => parse({ research: [study], next: { research: "1" } }), /must exceed/);
  });
});
