/**
 * Test support for the health tests only (not exported from the package): a
 * real UrbisApp with the auth, DID, org and health modules, and a small city —
 * a hospital (providers, an emergency doctor), a clinic (a provider, a nurse
 * without roles), a university (researcher), city hall (regulator) — plus
 * patients who hold their own DIDs.
 */
import assert from "node:assert/strict";
import {
  createDidMessage,
  type DidKind,
  didOf,
  type ErrorDef,
  type GranteeKind,
  grantConsentMsg,
  type Msg,
  patientRegistrationBytes,
  registerPatientMsg,
  registerRecordMsg,
  sha256,
  signEd25519,
  utf8,
} from "@urbis/protocol";
import type { TxResult } from "../../app/types.js";
import { account, type Key, TestAppChain } from "../../testing/app-chain.js";
import { authModule } from "../auth/module.js";
import { didModule } from "../did/module.js";
import { orgModule } from "../org/module.js";
import { healthModule } from "./module.js";

/** 2025-01-01T00:00:00Z. */
export const T0 = 1_735_689_600_000n;
/** One day in ms. */
export const DAY = 86_400_000n;

/** Accounts of the test city. Patients' account keys are also their DIDs' keys. */
export const K = {
  hospitalAdmin: account(21),
  doctor: account(22),
  erDoctor: account(23),
  clinicAdmin: account(24),
  nurse: account(25),
  university: account(26),
  hall: account(27),
  alice: account(31),
  bob: account(32),
  stranger: account(33),
};

/** Organizations with their admins, members and role grants. */
const ORGS = [
  {
    id: "hospital",
    sector: "health",
    admins: [K.hospitalAdmin],
    members: [K.doctor, K.erDoctor],
    grants: [
      [K.hospitalAdmin, "health.provider"],
      [K.doctor, "health.provider"],
      [K.erDoctor, "health.emergency"],
    ],
  },
  {
    id: "clinic",
    sector: "health",
    admins: [K.clinicAdmin],
    members: [K.nurse],
    grants: [[K.clinicAdmin, "health.provider"]],
  },
  {
    id: "university",
    sector: "education",
    admins: [K.university],
    members: [],
    grants: [[K.university, "health.researcher"]],
  },
  { id: "city-hall", sector: "government", admins: [K.hall], members: [], grants: [[K.hall, "health.regulator"]] },
] as const;

/** The DID of a key. */
export const didOfKey = (k: Key): string => didOf(k.pk);

/** A salted link id for a patient's identifiers: what a facility computes with the salt the patient gave it. */
export const linkIdOf = (salt: string, identifiers: string): Uint8Array => sha256(utf8(`${salt}|${identifiers}`));

/** The health test chain. */
export class HealthChain extends TestAppChain {
  constructor() {
    super({
      chainId: "urbis-health-test",
      genesisTimeMs: T0,
      modules: (() => {
        const did = didModule();
        const org = orgModule();
        return [authModule(), did, org, healthModule({ dids: did.keeper, orgs: org.keeper })];
      })(),
      appState: {
        org: {
          organizations: ORGS.map((o) => ({
            id: o.id,
            name: o.id,
            sector: o.sector,
            admins: o.admins.map((k) => k.addr),
            members: o.members.map((k) => k.addr),
            delegations: [...new Set(o.grants.map(([, r]) => r))],
            grants: o.grants.map(([k, role]) => ({ member: k.addr, role })),
          })),
        },
      },
    });
  }

  /** Creates the DID of `k` (kind person unless told); returns it. */
  async createDid(k: Key, kind: DidKind = "person"): Promise<string> {
    await this.ok(k, createDidMessage({ kind, publicKey: k.pk }));
    return didOfKey(k);
  }

  /** A `health/register_patient` message for `patient`, co-signed by `signer` (default: the patient). */
  registerPatient(patient: Key, linkId: Uint8Array, signer: Key = patient, did = didOfKey(patient)): Msg {
    const credentialHash = sha256(utf8(`credential of ${did}`));
    const bytes = patientRegistrationBytes(this.chainId, did, linkId, credentialHash);
    return registerPatientMsg.wrap({
      patientDid: did,
      linkId,
      credentialHash,
      patientKey: signer.pk,
      patientSignature: signEd25519(bytes, signer.sk),
    });
  }

  /** A `health/register_record` message. */
  record(patientDid: string, content: string, fhirType = "Observation"): Msg {
    return registerRecordMsg.wrap({
      patientDid,
      fhirType,
      contentHash: sha256(utf8(content)),
      location: "https://records.hospital.example/blobs",
    });
  }

  /** A `health/grant_consent` message. */
  consent(
    patientDid: string,
    grantee: { kind: GranteeKind; id: string },
    o: { types?: string[]; purposes?: string[]; startMs?: bigint; endMs?: bigint } = {},
  ): Msg {
    return grantConsentMsg.wrap({
      patientDid,
      grantee,
      resourceTypes: o.types ?? ["Observation"],
      purposes: o.purposes ?? ["TREAT"],
      startMs: o.startMs ?? this.timeMs,
      endMs: o.endMs ?? this.timeMs + 30n * DAY,
    });
  }

  /** Attributes of the first event of type `type` in a result. */
  eventOf(r: TxResult, type: string): Record<string, string> {
    const e = r.events.find((x) => x.type === type);
    assert.ok(e, `no ${type} event`);
    return Object.fromEntries(e.attributes.map((a) => [a.key, a.value]));
  }

  /** Asserts one transaction of `k` fails with `def` and changes no state but `k`'s sequence. */
  async refuses(def: ErrorDef, k: Key, ...msgs: Msg[]): Promise<void> {
    const before = this.stateButSequences();
    const res = await this.block([this.tx(k, ...msgs)]);
    const r = res.txResults[0]!;
    assert.deepEqual([r.codespace, r.code], [def.codespace, def.code], `${def.codespace}.${def.name}: got ${r.log}`);
    assert.deepEqual(this.stateButSequences(), before, `state changed by refused ${def.name}`);
  }
}
