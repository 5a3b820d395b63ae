import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { base58 } from "@scure/base";
import fc from "fast-check";
import { ed25519ToMultibase, multibaseToEd25519, multibaseToX25519, x25519ToMultibase } from "./multikey.js";

// Published did:key test vector (w3c-ccg did-method-key, ed25519-x25519.json): the
// key pair of the all-zero 32-byte seed and its X25519 key agreement key.
const ZERO_SEED = new Uint8Array(32);
const DID_KEY_ED25519 = "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";
const DID_KEY_X25519 = "z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW";

describe("multikey", () => {
  it("encodes the did:key vector's Ed25519 key as its published z6Mk… value", () => {
    const publicKey = ed25519.getPublicKey(ZERO_SEED);
    assert.equal(ed25519ToMultibase(publicKey), DID_KEY_ED25519);
    // The spec's layout, decoded by hand: multibase 'z', varint(0xed) = ed 01, then the key.
    const raw = base58.decode(DID_KEY_ED25519.slice(1));
    assert.deepEqual([...raw.subarray(0, 2)], [0xed, 0x01]);
    assert.deepEqual(raw.subarray(2), publicKey);
    assert.deepEqual(multibaseToEd25519(DID_KEY_ED25519), publicKey);
  });

  it("encodes the vector's X25519 key agreement key as its published z6LS… value", () => {
    const xKey = ed25519.utils.toMontgomery(ed25519.getPublicKey(ZERO_SEED));
    assert.equal(x25519ToMultibase(xKey), DID_KEY_X25519);
    const raw = base58.decode(DID_KEY_X25519.slice(1));
    assert.deepEqual([...raw.subarray(0, 2)], [0xec, 0x01]);
    assert.deepEqual(multibaseToX25519(DID_KEY_X25519), xKey);
  });

  it("round-trips any 32-byte key, and every Ed25519 key reads z6Mk…, every X25519 key z6LS…", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        const ed = ed25519.getPublicKey(seed);
        const x = x25519.getPublicKey(seed);
        const e = ed25519ToMultibase(ed);
        const m = x25519ToMultibase(x);
        assert.ok(e.startsWith("z6Mk"), e);
        assert.ok(m.startsWith("z6LS"), m);
        assert.deepEqual(multibaseToEd25519(e), ed);
        assert.deepEqual(multibaseToX25519(m), x);
        // Each decoder refuses the other's codec.
        assert.equal(multibaseToX25519(e), undefined);
        assert.equal(multibaseToEd25519(m), undefined);
      }),
      { numRuns: 100 },
    );
  });

  it("refuses malformed input", () => {
    const ok = multibaseToEd25519(DID_KEY_ED25519);
    assert.ok(ok);
    for (const bad of [
      "",
      "z",
      DID_KEY_ED25519.slice(1), // no multibase prefix
      `m${DID_KEY_ED25519.slice(1)}`, // another multibase
      `${DID_KEY_ED25519}1`, // one byte too long
      DID_KEY_ED25519.slice(0, -1), // too short
      "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooW0", // '0' is not base58
      `z${base58.encode(Uint8Array.of(0xed, 0x01, ...new Uint8Array(31)))}`,
    ]) {
      assert.equal(multibaseToEd25519(bad), undefined, bad);
    }
    assert.equal(multibaseToEd25519(42 as unknown as string), undefined);
    assert.throws(() => ed25519ToMultibase(new Uint8Array(31)), RangeError);
    assert.throws(() => x25519ToMultibase(new Uint8Array(33)), RangeError);
  });
});
