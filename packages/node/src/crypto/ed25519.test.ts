import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { addressOf, encodeTx, publicKeyOf, sha256, signEd25519, signTx, utf8, verifyEd25519 } from "@urbis/protocol";
import { ed25519Backend, isRejectedPublicKey, nativeEd25519Verifier, nativeVerifyRaw } from "./ed25519.js";
import { SignatureVerifierPool } from "./verify-pool.js";

const P = (1n << 255n) - 19n;
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

function le(n: bigint, len = 32): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

function flip(b: Uint8Array, i: number, bit = 1): Uint8Array {
  const c = b.slice();
  c[i] = (c[i] as number) ^ bit;
  return c;
}

/** Every verdict must be the same as the protocol's pure-JS strict verifier. */
function agree(sig: Uint8Array, msg: Uint8Array, pk: Uint8Array, expected?: boolean): void {
  const noble = verifyEd25519(sig, msg, pk);
  assert.equal(nativeEd25519Verifier(sig, msg, pk), noble);
  if (expected !== undefined) assert.equal(noble, expected);
  // Neither native library may accept what strict noble refuses (a native "valid" is final).
  if (!noble) {
    assert.equal(nativeVerifyRaw(sig, msg, pk), false);
    assert.equal(nativeVerifyRaw(sig, msg, pk, "openssl"), false);
  }
}

function leToBigint(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i] as number);
  return n;
}

describe("native Ed25519 verifier", () => {
  it("uses libsodium here (the prebuilt addon loads on this platform)", () => {
    assert.equal(ed25519Backend, "libsodium");
  });

  it("both native libraries accept honest signatures", () => {
    const sk = sha256(utf8("both"));
    const msg = utf8("pay 1");
    const sig = signEd25519(msg, sk);
    assert.equal(nativeVerifyRaw(sig, msg, publicKeyOf(sk)), true);
    assert.equal(nativeVerifyRaw(sig, msg, publicKeyOf(sk), "openssl"), true);
  });

  it("agrees with noble on a signature whose R carries a torsion component", () => {
    // R = [r]B + T with T of order 8: the cofactored equation (the protocol's) holds, the
    // cofactorless one (libsodium's, OpenSSL's) does not, so the verdict comes from noble.
    const sk = sha256(utf8("torsion"));
    const { scalar, pointBytes } = ed25519.utils.getExtendedPublicKey(sk);
    const msg = utf8("pay 2");
    const Y8 = 2707385501144840649318225287225658788936804267575313519463743609750303402022n;
    const T = ed25519.Point.fromBytes(le(Y8));
    assert.equal(T.isSmallOrder(), true);
    const r = 987654321n;
    const R = ed25519.Point.BASE.multiply(r).add(T).toBytes();
    const k = leToBigint(sha512(new Uint8Array([...R, ...pointBytes, ...msg]))) % L;
    const S = (r + k * scalar) % L;
    const sig = new Uint8Array([...R, ...le(S)]);
    agree(sig, msg, pointBytes, true);
    assert.equal(nativeVerifyRaw(sig, msg, pointBytes), false);
    assert.equal(nativeVerifyRaw(sig, msg, pointBytes, "openssl"), false);
  });

  it("agrees with noble on valid and tampered signatures", () => {
    for (let i = 0; i < 40; i++) {
      const sk = sha256(utf8(`key ${i}`));
      const pk = publicKeyOf(sk);
      const msg = sha256(utf8(`message ${i}`));
      const sig = signEd25519(msg, sk);
      agree(sig, msg, pk, true);
      assert.equal(nativeVerifyRaw(sig, msg, pk), true);
      agree(flip(sig, i % 64), msg, pk, false);
      agree(sig, flip(msg, i % 32), pk, false);
      agree(sig, msg, flip(pk, i % 32), false);
      agree(sig, msg, publicKeyOf(sha256(utf8(`other ${i}`))), false);
    }
  });

  it("agrees with noble on malformed inputs", () => {
    const sk = sha256(utf8("k"));
    const pk = publicKeyOf(sk);
    const msg = utf8("m");
    const sig = signEd25519(msg, sk);
    agree(sig.subarray(0, 63), msg, pk, false);
    agree(sig, msg, pk.subarray(0, 31), false);
    agree(new Uint8Array(64), msg, pk, false);
    agree(sig, msg, new Uint8Array(32).fill(0xff), false);
  });

  it("rejects non-canonical S (s + L) like strict noble", () => {
    const sk = sha256(utf8("malleable"));
    const pk = publicKeyOf(sk);
    const msg = utf8("pay 10");
    const sig = signEd25519(msg, sk);
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i] as number);
    const mall = sig.slice();
    mall.set(le(s + L), 32);
    agree(mall, msg, pk, false);
  });

  it("refuses every small-order and non-canonical public key, as strict noble does", () => {
    const Y8 = 2707385501144840649318225287225658788936804267575313519463743609750303402022n;
    for (const y of [0n, 1n, P - 1n, Y8, P - Y8]) {
      for (const sign of [0, 0x80]) {
        const enc = le(y);
        enc[31] = (enc[31] as number) | sign;
        assert.equal(isRejectedPublicKey(enc), true, `y=${y} sign=${sign}`);
        let decodable = true;
        try {
          assert.equal(ed25519.Point.fromBytes(enc).isSmallOrder(), true);
        } catch {
          decodable = false; // x = 0 with the sign bit set: not even a valid encoding
        }
        assert.ok(decodable || sign === 0x80);
      }
    }
    // y >= p is never canonical.
    assert.equal(isRejectedPublicKey(le(P)), true);
    assert.equal(isRejectedPublicKey(le(P + 1n)), true);
    // An ordinary key is not refused.
    assert.equal(isRejectedPublicKey(publicKeyOf(sha256(utf8("ordinary")))), false);
  });

  it("agrees with noble on a small-order key with a forged signature", () => {
    // A = identity (y = 1): with R = [s]B, OpenSSL's cofactorless check alone would accept.
    const identity = le(1n);
    const s = 12345n;
    const R = ed25519.Point.BASE.multiply(s).toBytes();
    const sig = new Uint8Array(64);
    sig.set(R);
    sig.set(le(s), 32);
    agree(sig, utf8("anything"), identity, false);
    assert.equal(nativeVerifyRaw(sig, utf8("anything"), identity), false);
  });
});

describe("SignatureVerifierPool", () => {
  it("verifies batches on worker threads with the same verdicts as inline", async () => {
    const pool = new SignatureVerifierPool({ size: 2, maxBatch: 8 });
    try {
      assert.equal(pool.size, 2);
      const txs: Uint8Array[] = [];
      const expected: (number | null)[] = [];
      for (let i = 0; i < 40; i++) {
        const sk = sha256(utf8(`pool ${i}`));
        const pk = publicKeyOf(sk);
        const tx = encodeTx(
          signTx(
            {
              chainId: "c",
              signer: addressOf(pk),
              publicKey: pk,
              sequence: BigInt(i),
              messages: [],
              memo: "",
              expiresAtHeight: undefined,
            },
            sk,
          ),
        );
        if (i % 3 === 1) {
          txs.push(flip(tx, tx.length - 1)); // signature byte
          expected.push(4); // tx.bad_signature
        } else if (i % 3 === 2) {
          txs.push(tx.subarray(0, 10));
          expected.push(1); // tx.malformed
        } else {
          txs.push(tx);
          expected.push(null);
        }
      }
      const got = await Promise.all(txs.map((t) => pool.verify(t)));
      assert.deepEqual(
        got.map((o) => (o === null ? null : o.code)),
        expected,
      );
      for (const o of got) if (o) assert.equal(o.codespace, "tx");
      assert.ok(pool.stats.batches >= 2, "more than one batch for 40 transactions of at most 8");
    } finally {
      await pool.close();
    }
  });

  it("verifies inline with size 0", async () => {
    const pool = new SignatureVerifierPool({ size: 0 });
    const out = await pool.verify(new Uint8Array([1, 2, 3]));
    assert.equal(out?.code, 1);
    await pool.close();
  });
});
