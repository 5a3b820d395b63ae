import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, didOf, RecordErrors, toHex, utf8, x25519ToMultibase } from "@urbis/protocol";
import fc from "fast-check";
import sodium from "libsodium-wrappers";
import {
  contentHashOf,
  deriveContentKey,
  ENVELOPE_AAD,
  keyAgreementRecipients,
  openRecord,
  type RecordRecipient,
  sealRecord,
  unwrapKey,
  wrapKeyFor,
} from "./envelope.js";

function x25519Pair(seed: string): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const secretKey = sha256(utf8(`envelope-test/${seed}`));
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
}

const did = didOf(sha256(utf8("some ed25519 key")));
const alice = x25519Pair("alice");
const org = x25519Pair("org");
const mallory = x25519Pair("mallory");
const aliceR: RecordRecipient = { id: `${did}#enc-1`, publicKey: alice.publicKey };
const orgR: RecordRecipient = { id: `${did}#enc-org`, publicKey: org.publicKey };
const patientSecret = sha256(utf8("patient health secret"));

describe("record envelope", () => {
  it("follows the design byte for byte: HKDF key and nonce, 0x01 || nonce || XChaCha20-Poly1305 with the aad", async () => {
    const plaintext = utf8('{"resourceType":"Observation"}');
    const s = await sealRecord({ patientSecret, plaintext, recipients: [aliceR] });
    const digest = sha256(plaintext);
    const salt = utf8("urbis/health/v1");
    const key = hkdf(sha256, patientSecret, salt, concatBytes(utf8("content-key"), digest), 32);
    const nonce = hkdf(sha256, patientSecret, salt, concatBytes(utf8("nonce"), digest), 24);
    const expected = concatBytes(
      Uint8Array.of(1),
      nonce,
      xchacha20poly1305(key, nonce, utf8(ENVELOPE_AAD)).encrypt(plaintext),
    );
    assert.deepEqual(s.blob, expected);
    assert.equal(s.contentHash, toHex(sha256(expected)));
    assert.deepEqual(s.contentKey, key);
    // The sealed box is libsodium's own: libsodium opens it.
    await sodium.ready;
    const w = s.wrappedKeys[0];
    assert.ok(w);
    assert.equal(w.recipient, aliceR.id);
    assert.deepEqual(sodium.crypto_box_seal_open(w.sealed, alice.publicKey, alice.secretKey), key);
  });

  it("round-trips any plaintext for every recipient, convergently per patient", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        async (pt, secret) => {
          const s = await sealRecord({ patientSecret: secret, plaintext: pt, recipients: [aliceR, orgR] });
          const again = await sealRecord({ patientSecret: secret, plaintext: pt, recipients: [orgR] });
          assert.equal(again.contentHash, s.contentHash, "same patient and content: same blob");
          for (const [w, k] of [
            [s.wrappedKeys[0], alice.secretKey],
            [s.wrappedKeys[1], org.secretKey],
          ] as const) {
            assert.ok(w);
            const out = await openRecord({
              blob: s.blob,
              wrappedKey: w,
              recipientSecretKey: k,
              expectedHash: s.contentHash,
            });
            assert.deepEqual(out, pt);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("detects any altered byte of a blob by its hash", async () => {
    const s = await sealRecord({ patientSecret, plaintext: utf8("x".repeat(300)), recipients: [aliceR] });
    const w = s.wrappedKeys[0];
    assert.ok(w);
    await fc.assert(
      fc.asyncProperty(fc.nat(s.blob.length - 1), fc.integer({ min: 1, max: 255 }), async (i, flip) => {
        const bad = s.blob.slice();
        bad[i] = (bad[i] as number) ^ flip;
        await assert.rejects(
          openRecord({ blob: bad, wrappedKey: w, recipientSecretKey: alice.secretKey, expectedHash: s.contentHash }),
          (e) => RecordErrors.tampered.is(e),
        );
      }),
      { numRuns: 100 },
    );
    // Truncation and extension, too.
    for (const bad of [s.blob.subarray(0, s.blob.length - 1), concatBytes(s.blob, Uint8Array.of(0))]) {
      await assert.rejects(
        openRecord({ blob: bad, wrappedKey: w, recipientSecretKey: alice.secretKey, expectedHash: s.contentHash }),
        (e) => RecordErrors.tampered.is(e),
      );
    }
  });

  it("refuses a secret key the content key was not wrapped for, and a wrapped key of another blob", async () => {
    const s = await sealRecord({ patientSecret, plaintext: utf8("one"), recipients: [aliceR] });
    const other = await sealRecord({ patientSecret, plaintext: utf8("two"), recipients: [aliceR] });
    const w = s.wrappedKeys[0];
    const wOther = other.wrappedKeys[0];
    assert.ok(w && wOther);
    await assert.rejects(
      openRecord({ blob: s.blob, wrappedKey: w, recipientSecretKey: mallory.secretKey, expectedHash: s.contentHash }),
      (e) => RecordErrors.wrongKey.is(e),
    );
    await assert.rejects(
      openRecord({
        blob: s.blob,
        wrappedKey: wOther,
        recipientSecretKey: alice.secretKey,
        expectedHash: s.contentHash,
      }),
      (e) => RecordErrors.wrongKey.is(e),
    );
    await assert.rejects(unwrapKey({ recipient: w.recipient, sealed: w.sealed.subarray(1) }, alice.secretKey), (e) =>
      RecordErrors.invalidEnvelope.is(e),
    );
  });

  it("re-wraps the content key for a later recipient", async () => {
    const s = await sealRecord({ patientSecret, plaintext: utf8("lab result"), recipients: [aliceR] });
    const first = s.wrappedKeys[0];
    assert.ok(first);
    const key = await unwrapKey(first, alice.secretKey);
    const w = await wrapKeyFor(key, orgR);
    const w2 = await wrapKeyFor(key, orgR);
    assert.notDeepEqual(w.sealed, w2.sealed, "each wrap uses a fresh ephemeral key");
    const out = await openRecord({
      blob: s.blob,
      wrappedKey: w,
      recipientSecretKey: org.secretKey,
      expectedHash: s.contentHash,
    });
    assert.deepEqual(out, utf8("lab result"));
  });

  it("refuses bad recipients and a bad patient secret with typed errors", async () => {
    const key = deriveContentKey(patientSecret, utf8("a")).contentKey;
    for (const id of [did, "did:web:example.com#k", `${did}#bad fragment`]) {
      await assert.rejects(wrapKeyFor(key, { id, publicKey: alice.publicKey }), (e) =>
        RecordErrors.invalidRecipient.is(e),
      );
    }
    await assert.rejects(wrapKeyFor(key, { id: aliceR.id, publicKey: new Uint8Array(32) }), (e) =>
      RecordErrors.invalidRecipient.is(e),
    );
    await assert.rejects(sealRecord({ patientSecret, plaintext: utf8("a"), recipients: [aliceR, aliceR] }), (e) =>
      RecordErrors.invalidRecipient.is(e),
    );
    assert.throws(
      () => deriveContentKey(new Uint8Array(31), utf8("a")),
      (e) => RecordErrors.invalidEnvelope.is(e),
    );
    assert.equal(contentHashOf(new Uint8Array(0)), toHex(sha256(new Uint8Array(0))));
  });

  it("lists a DID document's key agreement keys as recipients", () => {
    const doc = {
      "@context": [],
      id: did,
      keyAgreement: [
        {
          id: `${did}#enc-1`,
          type: "Multikey" as const,
          controller: did,
          publicKeyMultibase: x25519ToMultibase(alice.publicKey),
        },
      ],
    };
    assert.deepEqual(keyAgreementRecipients(doc), [aliceR]);
    assert.deepEqual(keyAgreementRecipients({ "@context": [], id: did }), []);
  });
});
