import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { addressOf, decodeAddress, encodeAddress, isAddress } from "./address.js";
import { TxErrors } from "./core-errors.js";
import { publicKeyOf } from "./crypto.js";
import { decodeTx, encodeTx, MAX_TX_BYTES, signTx, type TxBody, txSignHash, verifyTxSignature } from "./tx.js";

const secret = new Uint8Array(32).map((_, i) => i + 1);
const pub = publicKeyOf(secret);

function body(over: Partial<TxBody> = {}): TxBody {
  return {
    chainId: "urbis-test",
    signer: addressOf(pub),
    publicKey: pub,
    sequence: 0n,
    messages: [{ type: "bank/send", value: new Uint8Array([1, 2, 3]) }],
    memo: "hello",
    expiresAtHeight: undefined,
    ...over,
  };
}

describe("transactions", () => {
  it("sign, encode, decode and verify", () => {
    const tx = signTx(body(), secret);
    const back = decodeTx(encodeTx(tx));
    assert.deepEqual(back, tx);
    verifyTxSignature(back);
  });

  it("any change to the body breaks the signature", () => {
    const tx = signTx(body(), secret);
    for (const over of [{ sequence: 1n }, { memo: "other" }, { chainId: "x" }, { expiresAtHeight: 5n }] as const) {
      const forged = { ...tx, body: { ...tx.body, ...over } };
      assert.throws(
        () => verifyTxSignature(forged),
        (e) => TxErrors.badSignature.is(e),
      );
    }
  });

  it("a key that does not derive the signer is refused", () => {
    const other = publicKeyOf(new Uint8Array(32).fill(9));
    const tx = signTx(body({ publicKey: other }), secret);
    assert.throws(
      () => verifyTxSignature(tx),
      (e) => TxErrors.signerMismatch.is(e),
    );
  });

  it("the signed hash is domain separated", () => {
    assert.equal(txSignHash(body()).length, 32);
    assert.notDeepEqual(txSignHash(body()), txSignHash(body({ chainId: "urbis-other" })));
  });

  it("truncated, padded and oversized bytes are tx.malformed / tx.too_large", () => {
    const b = encodeTx(signTx(body(), secret));
    for (let n = 0; n < b.length; n += 7) {
      assert.throws(
        () => decodeTx(b.subarray(0, n)),
        (e) => TxErrors.malformed.is(e),
      );
    }
    assert.throws(
      () => decodeTx(new Uint8Array([...b, 0])),
      (e) => TxErrors.malformed.is(e),
    );
    assert.throws(
      () => decodeTx(new Uint8Array(MAX_TX_BYTES + 1)),
      (e) => TxErrors.tooLarge.is(e),
    );
  });

  it("random bytes never crash the decoder with anything but a registered error", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
        try {
          decodeTx(b);
        } catch (e) {
          assert.ok(TxErrors.malformed.is(e), String(e));
        }
      }),
    );
  });
});

describe("addresses", () => {
  it("round-trip and reject bad input", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (raw) => {
        const a = encodeAddress(raw);
        assert.ok(a.startsWith("urbis1"));
        assert.deepEqual(decodeAddress(a), raw);
      }),
    );
    const good = addressOf(pub);
    assert.ok(isAddress(good));
    const flipped = good.slice(0, -1) + (good.endsWith("q") ? "p" : "q");
    for (const bad of [flipped, "cosmos1abc", "", "urbis1", good.toUpperCase().slice(1)]) {
      assert.equal(isAddress(bad), false, bad);
      assert.throws(
        () => decodeAddress(bad),
        (e) => TxErrors.invalidAddress.is(e),
      );
    }
  });
});
