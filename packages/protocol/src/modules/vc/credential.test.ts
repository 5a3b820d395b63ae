/**
 * The credential core on its own: eddsa-jcs-2022 proofs (JCS makes key order
 * irrelevant; any changed byte breaks the signature), the order of checks in
 * `verifyCredentialWith` over in-memory chain answers, and the W3C status list
 * encoding (bit order, deterministic GZIP, round trip).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { publicKeyOf } from "../../crypto.js";
import type { DidDocumentJson } from "../did/document.js";
import { ed25519ToMultibase } from "../did/multikey.js";
import { didOf } from "../did/types.js";
import {
  type CredentialLookups,
  checkProofSignature,
  parseCredential,
  signCredential,
  type UnsignedCredential,
  verifyCredentialWith,
} from "./credential.js";
import { VcErrors } from "./errors.js";
import { decodeStatusList, encodeStatusList, getStatusBit, statusListUrl, withStatusBit } from "./types.js";

const secret = new Uint8Array(32).fill(7);
const pub = publicKeyOf(secret);
const DID = didOf(pub);
const doc: DidDocumentJson = {
  "@context": ["https://www.w3.org/ns/did/v1"],
  id: DID,
  verificationMethod: [
    { id: `${DID}#key-1`, type: "Multikey", controller: DID, publicKeyMultibase: ed25519ToMultibase(pub) },
  ],
  authentication: [`${DID}#key-1`],
  assertionMethod: [`${DID}#key-1`],
};
const unsigned: UnsignedCredential = {
  "@context": ["https://www.w3.org/ns/credentials/v2"],
  type: ["VerifiableCredential", "PatientCredential"],
  issuer: DID,
  validFrom: "2025-01-01T00:00:00Z",
  validUntil: "2026-01-01T00:00:00Z",
  credentialSubject: { id: "did:example:subject", n: 1.5 },
  credentialStatus: [
    {
      type: "BitstringStatusListEntry",
      statusPurpose: "revocation",
      statusListIndex: "9",
      statusListCredential: statusListUrl("rev"),
    },
  ],
};
const vc = signCredential(unsigned, {
  secretKey: secret,
  verificationMethod: `${DID}#key-1`,
  created: "2025-01-01T00:00:00Z",
});
const AT = Date.parse("2025-06-01T00:00:00Z");

function lookups(
  over: { trusted?: boolean; revoked?: boolean; doc?: DidDocumentJson | undefined } = {},
): CredentialLookups {
  return {
    didDocument: async () => ("doc" in over ? over.doc : doc),
    isTrustedIssuer: async (t, d) => (over.trusted ?? true) && t === "PatientCredential" && d === DID,
    statusBit: async (listId) =>
      listId === "rev"
        ? { issuerDid: DID, purpose: "revocation", length: 131072, value: over.revoked ?? false }
        : undefined,
  };
}

const rejects = (p: Promise<unknown>, def: { is(e: unknown): boolean; name: string }) =>
  assert.rejects(p, (e) => {
    assert.ok(def.is(e), `expected ${def.name}, got ${String(e)}`);
    return true;
  });

describe("eddsa-jcs-2022 proofs", () => {
  it("verify whatever the key order, and fail on any change", () => {
    const reordered = Object.fromEntries(Object.entries(vc).reverse());
    assert.ok(checkProofSignature(reordered, vc.proof, pub));
    assert.equal(checkProofSignature({ ...vc, validUntil: "2027-01-01T00:00:00Z" }, vc.proof, pub), false);
    assert.equal(checkProofSignature(vc, { ...vc.proof, created: "2025-01-02T00:00:00Z" }, pub), false);
    assert.equal(checkProofSignature(vc, vc.proof, publicKeyOf(new Uint8Array(32).fill(8))), false);
    assert.equal(checkProofSignature(vc, { ...vc.proof, proofValue: "z1" }, pub), false);
  });
});

describe("verifyCredentialWith", () => {
  it("answers the summary for a good credential", async () => {
    const r = await verifyCredentialWith(vc, lookups(), { atMs: AT });
    assert.deepEqual(r, {
      verified: true,
      issuer: DID,
      types: ["PatientCredential"],
      verificationMethod: `${DID}#key-1`,
      status: [{ listId: "rev", index: 9, purpose: "revocation" }],
    });
  });

  it("refuses each problem with its code", async () => {
    await rejects(verifyCredentialWith(null, lookups(), { atMs: AT }), VcErrors.malformedCredential);
    await rejects(
      verifyCredentialWith({ ...vc, type: ["PatientCredential"] }, lookups(), { atMs: AT }),
      VcErrors.malformedCredential,
    );
    await rejects(verifyCredentialWith(vc, lookups({ doc: undefined }), { atMs: AT }), VcErrors.unknownIssuerKey);
    await rejects(
      verifyCredentialWith(vc, lookups({ doc: { ...doc, assertionMethod: [] } }), { atMs: AT }),
      VcErrors.unknownIssuerKey,
    );
    await rejects(
      verifyCredentialWith({ ...vc, credentialSubject: { id: "x" } }, lookups(), { atMs: AT }),
      VcErrors.invalidProof,
    );
    await rejects(verifyCredentialWith(vc, lookups({ trusted: false }), { atMs: AT }), VcErrors.untrustedIssuer);
    await rejects(
      verifyCredentialWith(vc, lookups(), { atMs: Date.parse("2024-01-01T00:00:00Z") }),
      VcErrors.notYetValid,
    );
    await rejects(verifyCredentialWith(vc, lookups(), { atMs: Date.parse("2027-01-01T00:00:00Z") }), VcErrors.expired);
    await rejects(verifyCredentialWith(vc, lookups({ revoked: true }), { atMs: AT }), VcErrors.revoked);
  });

  it("refuses a status entry pointing to a list of another purpose", async () => {
    const s = signCredential(
      {
        ...unsigned,
        credentialStatus: [
          { ...(unsigned.credentialStatus as Record<string, string>[])[0], statusPurpose: "suspension" },
        ],
      } as UnsignedCredential,
      { secretKey: secret, verificationMethod: `${DID}#key-1` },
    );
    assert.equal(parseCredential(s).status[0]?.purpose, "suspension");
    await rejects(verifyCredentialWith(s, lookups(), { atMs: AT }), VcErrors.statusMismatch);
  });
});

describe("status list encoding", () => {
  it("orders bits from the high bit of byte 0 and round-trips deterministically", () => {
    let bits: Uint8Array = new Uint8Array(16384);
    bits = withStatusBit(bits, 0, true);
    bits = withStatusBit(bits, 131071, true);
    assert.equal(bits[0], 0x80);
    assert.equal(bits[16383], 0x01);
    assert.ok(getStatusBit(bits, 0) && getStatusBit(bits, 131071) && !getStatusBit(bits, 1));
    const enc = encodeStatusList(bits);
    assert.equal(enc, encodeStatusList(bits.slice()), "same bits, same string");
    assert.match(enc, /^u[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeStatusList(enc), bits);
    assert.throws(
      () => decodeStatusList("zabc"),
      (e) => VcErrors.malformedCredential.is(e),
    );
  });
});
