import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import fc from "fast-check";
import {
  buildDidDocument,
  buildDidResolutionResult,
  didVersionExistedAt,
  formatDidTime,
  parseDidTime,
  parseDidVersionSelector,
} from "./document.js";
import { DidErrors } from "./errors.js";
import { ed25519ToMultibase, x25519ToMultibase } from "./multikey.js";
import { type DidRecord, didOf } from "./types.js";

const key = (n: number) => ed25519.getPublicKey(new Uint8Array(32).fill(n));
const xkey = (n: number) => x25519.getPublicKey(new Uint8Array(32).fill(n));
const DID = didOf(key(1));
const CONTROLLER = didOf(key(9));
const T0 = 1_735_689_600_000n; // 2025-01-01T00:00:00Z

function record(over: Partial<DidRecord> = {}): DidRecord {
  return {
    id: DID,
    kind: 0,
    controllers: [],
    verificationMethods: [{ fragment: "key-1", publicKey: key(1) }],
    authentication: ["key-1"],
    assertionMethod: ["key-1"],
    keyAgreement: [],
    services: [],
    version: 1,
    created: { height: 3n, timeMs: T0 + 123n },
    updated: { height: 3n, timeMs: T0 + 123n },
    deactivated: false,
    ...over,
  };
}

describe("DID document", () => {
  it("a new DID: one Multikey method in authentication and assertionMethod", () => {
    assert.deepEqual(buildDidResolutionResult(record()), {
      "@context": "https://w3id.org/did-resolution/v1",
      didDocument: {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        id: DID,
        verificationMethod: [
          { id: `${DID}#key-1`, type: "Multikey", controller: DID, publicKeyMultibase: ed25519ToMultibase(key(1)) },
        ],
        authentication: [`${DID}#key-1`],
        assertionMethod: [`${DID}#key-1`],
      },
      didResolutionMetadata: { contentType: "application/did+ld+json" },
      didDocumentMetadata: { created: "2025-01-01T00:00:00Z", versionId: "1", kind: "person" },
    });
  });

  it("controllers, key agreement and services; an older version names the next one", () => {
    const r = record({
      kind: 2,
      controllers: [CONTROLLER],
      verificationMethods: [
        { fragment: "key-1", publicKey: key(1) },
        { fragment: "key-2", publicKey: key(2) },
      ],
      authentication: ["key-2"],
      assertionMethod: [],
      keyAgreement: [{ fragment: "enc-1", publicKey: xkey(1) }],
      services: [{ fragment: "api", type: "DeviceEndpoint", endpoint: "https://iot.example.org/d/1" }],
      version: 2,
      updated: { height: 8n, timeMs: T0 + 65_999n },
    });
    const next = record({ version: 3, updated: { height: 10n, timeMs: T0 + 3_600_000n } });
    const res = buildDidResolutionResult(r, next);
    assert.deepEqual(res.didDocument, {
      "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
      id: DID,
      controller: [CONTROLLER],
      verificationMethod: [
        { id: `${DID}#key-1`, type: "Multikey", controller: DID, publicKeyMultibase: ed25519ToMultibase(key(1)) },
        { id: `${DID}#key-2`, type: "Multikey", controller: DID, publicKeyMultibase: ed25519ToMultibase(key(2)) },
      ],
      authentication: [`${DID}#key-2`],
      keyAgreement: [
        { id: `${DID}#enc-1`, type: "Multikey", controller: DID, publicKeyMultibase: x25519ToMultibase(xkey(1)) },
      ],
      service: [{ id: `${DID}#api`, type: "DeviceEndpoint", serviceEndpoint: "https://iot.example.org/d/1" }],
    });
    assert.deepEqual(res.didDocumentMetadata, {
      created: "2025-01-01T00:00:00Z",
      updated: "2025-01-01T00:01:05Z",
      versionId: "2",
      nextVersionId: "3",
      nextUpdate: "2025-01-01T01:00:00Z",
      kind: "device",
    });
  });

  it("a deactivated version is a bare document flagged in the metadata", () => {
    const res = buildDidResolutionResult(
      record({ version: 4, deactivated: true, updated: { height: 20n, timeMs: T0 + 86_400_000n } }),
    );
    assert.deepEqual(res.didDocument, {
      "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
      id: DID,
    });
    assert.equal(res.didDocumentMetadata.deactivated, true);
    assert.equal(res.didDocumentMetadata.updated, "2025-01-02T00:00:00Z");
    assert.equal(buildDidDocument(record()).verificationMethod?.length, 1);
    assert.equal("deactivated" in buildDidResolutionResult(record()).didDocumentMetadata, false);
  });

  it("refuses an unknown kind code", () => {
    assert.throws(
      () => buildDidResolutionResult(record({ kind: 5 })),
      (e) => DidErrors.invalidKind.is(e),
    );
  });
});

describe("times", () => {
  it("format as UTC whole seconds, matching the platform's ISO format", () => {
    assert.equal(formatDidTime(0n), "1970-01-01T00:00:00Z");
    assert.equal(formatDidTime(951_782_400_999n), "2000-02-29T00:00:00Z");
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 253_402_300_799_999n }), (ms) => {
        const iso = new Date(Number(ms)).toISOString(); // 2025-01-01T00:00:00.123Z
        assert.equal(formatDidTime(ms), `${iso.slice(0, 19)}Z`);
        assert.equal(parseDidTime(iso), ms);
        assert.equal(parseDidTime(formatDidTime(ms)), ms - (ms % 1000n));
      }),
      { numRuns: 500 },
    );
  });

  it("parse only real UTC times from 1970 on", () => {
    assert.equal(parseDidTime("2024-02-29T23:59:59Z"), BigInt(Date.parse("2024-02-29T23:59:59Z")));
    assert.equal(parseDidTime("2025-01-01T00:00:00.5Z"), T0 + 500n);
    assert.equal(parseDidTime("2025-01-01T00:00:00.123456789Z"), T0 + 123n);
    for (const bad of [
      "",
      "2025-01-01",
      "2025-01-01T00:00:00",
      "2025-01-01T00:00:00+01:00",
      "2025-13-01T00:00:00Z",
      "2025-02-29T00:00:00Z",
      "1900-02-29T00:00:00Z",
      "1969-12-31T23:59:59Z",
      "2025-01-01T24:00:00Z",
      "2025-01-01T00:60:00Z",
      "2025-01-01T00:00:60Z",
      "2025-01-00T00:00:00Z",
      " 2025-01-01T00:00:00Z",
    ]) {
      assert.equal(parseDidTime(bad), undefined, bad);
    }
  });

  it("a version existed at a time when it was made in or before that second", () => {
    const r = record({ updated: { height: 1n, timeMs: T0 + 5_700n } });
    assert.ok(didVersionExistedAt(r, T0 + 5_000n), "the same second, as its own `updated` shows it");
    assert.ok(didVersionExistedAt(r, T0 + 6_000n));
    assert.equal(didVersionExistedAt(r, T0 + 4_999n), false);
  });
});

describe("resolution options", () => {
  it("parse versionId and versionTime", () => {
    assert.deepEqual(parseDidVersionSelector({}), {});
    assert.deepEqual(parseDidVersionSelector({ versionId: "", versionTime: "" }), {});
    assert.deepEqual(parseDidVersionSelector({ versionId: "7" }), { versionId: 7 });
    assert.deepEqual(parseDidVersionSelector({ versionId: "4294967295" }), { versionId: 4294967295 });
    assert.deepEqual(parseDidVersionSelector({ versionTime: "2025-01-01T00:00:00Z" }), { versionTimeMs: T0 });
  });

  it("refuse malformed values and both at once with did.invalid_resolution_option", () => {
    for (const o of [
      { versionId: "0" },
      { versionId: "01" },
      { versionId: "-1" },
      { versionId: "1.5" },
      { versionId: "4294967296" },
      { versionTime: "yesterday" },
      { versionId: "1", versionTime: "2025-01-01T00:00:00Z" },
    ]) {
      assert.throws(
        () => parseDidVersionSelector(o),
        (e) => DidErrors.invalidResolutionOption.is(e),
        JSON.stringify(o),
      );
    }
  });
});
