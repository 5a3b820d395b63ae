/**
 * The VC module's messages and queries as the App runs them: the trusted
 * issuer registry (governance only), status lists owned by issuer DIDs, the
 * one-way revocation bit, and every refusal with its code and an untouched store.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addTrustedIssuerMsg,
  createStatusListMsg,
  DidErrors,
  deactivateDidMessage,
  decodeStatusList,
  didOf,
  getStatusBit,
  MIN_STATUS_LIST_BITS,
  removeTrustedIssuerMsg,
  setStatusMsg,
  VcErrors,
} from "@urbis/protocol";
import { AppErrors } from "../../app/errors.js";
import type { Event } from "../../framework/events.js";
import { ANYONE, GOVERNANCE } from "../../framework/module.js";
import { setupVc, type TestPair, testPair } from "./testing.js";

const [HOSPITAL, CLINIC, MALLORY] = [1, 2, 3].map(testPair) as [TestPair, TestPair, TestPair];
const attrs = (e: Event | undefined) => Object.fromEntries((e?.attributes ?? []).map((a) => [a.key, a.value]));
const trust = (credentialType: string, issuerDid: string) => addTrustedIssuerMsg.wrap({ credentialType, issuerDid });
const newList = (issuerDid: string, listId: string, purpose = 0, length = MIN_STATUS_LIST_BITS) =>
  createStatusListMsg.wrap({ issuerDid, listId, purpose, length });
const set = (listId: string, index: number, value: boolean) => setStatusMsg.wrap({ listId, index, value });

describe("trusted issuer registry", () => {
  it("is changed by governance only; status lists by anyone whose key the issuer DID holds", () => {
    const { mod } = setupVc();
    const perms = Object.fromEntries(mod.messages.map((h) => [h.msg.type, h.permission]));
    assert.deepEqual(perms, {
      "vc/add_trusted_issuer": GOVERNANCE,
      "vc/remove_trusted_issuer": GOVERNANCE,
      "vc/create_status_list": ANYONE,
      "vc/set_status": ANYONE,
    });
  });

  it("adds, lists and removes a trust entry per credential type", () => {
    const t = setupVc();
    const hospital = t.createDid(HOSPITAL.publicKey);
    const ev = t.run(undefined, trust("PatientCredential", hospital));
    assert.deepEqual(attrs(ev[0]), { credentialType: "PatientCredential", issuerDid: hospital });
    assert.ok(t.keeper.isTrusted(t.store, "PatientCredential", hospital));
    assert.equal(t.keeper.isTrusted(t.store, "PrescriptionCredential", hospital), false);
    assert.deepEqual(t.query("vc/trusted_issuer", { credentialType: "PatientCredential", issuerDid: hospital }), {
      credentialType: "PatientCredential",
      issuerDid: hospital,
      trusted: true,
    });
    assert.deepEqual(t.query("vc/trusted_issuers", {}), {
      issuers: [
        { credentialType: "PatientCredential", issuerDid: hospital, height: "1", timeMs: t.block().timeMs.toString() },
      ],
    });
    t.check();
    t.refuses(VcErrors.alreadyTrusted, () => t.run(undefined, trust("PatientCredential", hospital)));
    t.run(undefined, removeTrustedIssuerMsg.wrap({ credentialType: "PatientCredential", issuerDid: hospital }));
    assert.equal(t.keeper.isTrusted(t.store, "PatientCredential", hospital), false);
    t.refuses(VcErrors.notTrusted, () =>
      t.run(undefined, removeTrustedIssuerMsg.wrap({ credentialType: "PatientCredential", issuerDid: hospital })),
    );
  });

  it("refuses bad types, unknown and deactivated DIDs", () => {
    const t = setupVc();
    const hospital = t.createDid(HOSPITAL.publicKey);
    for (const bad of ["", "VerifiableCredential", "Patient/Credential", "1Credential", "x".repeat(65)]) {
      t.refuses(VcErrors.invalidCredentialType, () => t.run(undefined, trust(bad, hospital)));
    }
    t.refuses(DidErrors.invalidDid, () => t.run(undefined, trust("PatientCredential", "did:example:123")));
    t.refuses(DidErrors.notFound, () => t.run(undefined, trust("PatientCredential", didOf(CLINIC.publicKey))));
    t.run(HOSPITAL.publicKey, deactivateDidMessage(hospital));
    t.refuses(DidErrors.deactivated, () => t.run(undefined, trust("PatientCredential", hospital)));
  });
});

describe("status lists", () => {
  it("the issuer creates a list and sets bits; queries answer the bit and the W3C encodedList", () => {
    const t = setupVc();
    const hospital = t.createDid(HOSPITAL.publicKey);
    const ev = t.run(HOSPITAL.publicKey, newList(hospital, "rev-1"));
    assert.deepEqual(attrs(ev[0]), { listId: "rev-1", issuerDid: hospital, purpose: "revocation", length: "131072" });
    t.next();
    assert.deepEqual(attrs(t.run(HOSPITAL.publicKey, set("rev-1", 7, true))[0]), {
      listId: "rev-1",
      index: "7",
      value: "true",
      changed: "true",
    });
    t.run(HOSPITAL.publicKey, set("rev-1", 131_071, true));
    assert.equal(attrs(t.run(HOSPITAL.publicKey, set("rev-1", 7, true))[0]).changed, "false");
    assert.deepEqual(t.query("vc/status", { listId: "rev-1", index: "7" }), {
      listId: "rev-1",
      index: 7,
      issuerDid: hospital,
      purpose: "revocation",
      length: 131072,
      value: true,
    });
    assert.equal((t.query("vc/status", { listId: "rev-1", index: "8" }) as { value: boolean }).value, false);
    const answer = t.query("vc/status_list", { listId: "rev-1" }) as {
      credential: { type: string[]; credentialSubject: { encodedList: string; statusPurpose: string } };
    };
    assert.deepEqual(answer.credential.type, ["VerifiableCredential", "BitstringStatusListCredential"]);
    assert.equal(answer.credential.credentialSubject.statusPurpose, "revocation");
    const bits = decodeStatusList(answer.credential.credentialSubject.encodedList);
    assert.equal(bits.length, 131072 / 8);
    // W3C order: index 7 is the lowest bit of byte 0, the last index the lowest bit of the last byte.
    assert.equal(bits[0], 0b0000_0001);
    assert.equal(bits[bits.length - 1], 0b0000_0001);
    assert.ok(getStatusBit(bits, 7) && getStatusBit(bits, 131_071) && !getStatusBit(bits, 6));
    t.check();
  });

  it("revocation is final; suspension can be lifted", () => {
    const t = setupVc();
    const hospital = t.createDid(HOSPITAL.publicKey);
    t.run(HOSPITAL.publicKey, newList(hospital, "rev"));
    t.run(HOSPITAL.publicKey, newList(hospital, "sus", 1));
    t.run(HOSPITAL.publicKey, set("rev", 3, true));
    t.refuses(VcErrors.revocationFinal, () => t.run(HOSPITAL.publicKey, set("rev", 3, false)));
    t.run(HOSPITAL.publicKey, set("sus", 3, true));
    assert.equal(t.keeper.statusList(t.store, "sus")?.bits[0], 0b0001_0000);
    t.run(HOSPITAL.publicKey, set("sus", 3, false));
    assert.equal(t.keeper.statusList(t.store, "sus")?.bits[0], 0);
    t.check();
  });

  it("only the issuer DID's authentication keys may create or change its lists", () => {
    const t = setupVc();
    const hospital = t.createDid(HOSPITAL.publicKey);
    t.createDid(MALLORY.publicKey);
    t.refuses(VcErrors.notIssuer, () => t.run(MALLORY.publicKey, newList(hospital, "rev")));
    t.refuses(VcErrors.notIssuer, () => t.run(undefined, newList(hospital, "rev")));
    t.run(HOSPITAL.publicKey, newList(hospital, "rev"));
    t.refuses(VcErrors.notIssuer, () => t.run(MALLORY.publicKey, set("rev", 1, true)));
    t.refuses(VcErrors.listExists, () => t.run(HOSPITAL.publicKey, newList(hospital, "rev", 1)));
    t.run(HOSPITAL.publicKey, deactivateDidMessage(hospital));
    t.refuses(VcErrors.notIssuer, () => t.run(HOSPITAL.publicKey, set("rev", 1, true)));
  });

  it("refuses bad ids, purposes, lengths and indexes", () => {
    const t = setupVc();
    const hospital = t.createDid(HOSPITAL.publicKey);
    t.refuses(VcErrors.invalidListId, () => t.run(HOSPITAL.publicKey, newList(hospital, "a/b")));
    t.refuses(VcErrors.invalidListId, () => t.run(HOSPITAL.publicKey, newList(hospital, "")));
    t.refuses(VcErrors.invalidStatusPurpose, () => t.run(HOSPITAL.publicKey, newList(hospital, "x", 2)));
    for (const length of [0, 8, MIN_STATUS_LIST_BITS - 8, MIN_STATUS_LIST_BITS + 1, 1_048_584]) {
      t.refuses(VcErrors.invalidListLength, () => t.run(HOSPITAL.publicKey, newList(hospital, "x", 0, length)));
    }
    t.refuses(VcErrors.unknownStatusList, () => t.run(HOSPITAL.publicKey, set("nope", 0, true)));
    t.run(HOSPITAL.publicKey, newList(hospital, "rev"));
    t.refuses(VcErrors.indexOutOfRange, () => t.run(HOSPITAL.publicKey, set("rev", MIN_STATUS_LIST_BITS, true)));
    assert.throws(
      () => t.query("vc/status", { listId: "rev", index: String(MIN_STATUS_LIST_BITS) }),
      (e) => VcErrors.indexOutOfRange.is(e),
    );
    assert.throws(
      () => t.query("vc/status_list", { listId: "nope" }),
      (e) => VcErrors.unknownStatusList.is(e),
    );
  });
});

describe("vc genesis", () => {
  it("export reads back to the same state", () => {
    const t = setupVc();
    const hospital = t.createDid(HOSPITAL.publicKey);
    t.run(undefined, trust("PatientCredential", hospital));
    t.run(HOSPITAL.publicKey, newList(hospital, "rev"));
    t.run(HOSPITAL.publicKey, set("rev", 42, true));
    const didJson = t.did.genesis.export({ block: t.block(), store: t.store, emit: () => {} });
    const vcJson = t.mod.genesis.export({ block: t.block(), store: t.store, emit: () => {} });
    const u = setupVc(JSON.parse(JSON.stringify(vcJson)), JSON.parse(JSON.stringify(didJson)));
    assert.deepEqual([...u.store.iterate()], [...t.store.iterate()]);
    u.check();
  });

  it("a hand-written section trusts issuers and refuses unknown fields and duplicates", () => {
    const t = setupVc();
    const hospital = t.createDid(HOSPITAL.publicKey);
    const didJson = JSON.parse(
      JSON.stringify(t.did.genesis.export({ block: t.block(), store: t.store, emit: () => {} })),
    );
    const u = setupVc({ trustedIssuers: [{ credentialType: "PatientCredential", issuerDid: hospital }] }, didJson);
    assert.ok(u.keeper.isTrusted(u.store, "PatientCredential", hospital));
    const entry = { credentialType: "PatientCredential", issuerDid: hospital };
    for (const bad of [
      { trustedIssuers: [entry, entry] },
      { trustedIssuers: [{ ...entry, extra: 1 }] },
      { trusted: [] },
      { statusLists: [{ listId: "a", issuerDid: hospital, purpose: "other", length: MIN_STATUS_LIST_BITS }] },
      { statusLists: [{ listId: "a", issuerDid: hospital, purpose: "revocation", length: 8 }] },
      {
        statusLists: [
          { listId: "a", issuerDid: hospital, purpose: "revocation", length: MIN_STATUS_LIST_BITS, bits: "AAAA" },
        ],
      },
    ]) {
      assert.throws(
        () => t.mod.genesis.parse(bad),
        (e) => AppErrors.invalidGenesis.is(e),
        JSON.stringify(bad),
      );
    }
  });
});
