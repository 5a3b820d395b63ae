import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { concatBytes, fromHex, toHex, utf8 } from "./bytes.js";
import { sha256 } from "./crypto.js";
import {
  decodeProof,
  EMPTY_ROOT,
  encodeProof,
  hashBit,
  internalHash,
  keyHash,
  leafHash,
  proofRoot,
  type StateProof,
  valueHash,
  verifyProof,
  verifyProofOrThrow,
} from "./proof.js";
import { ProofErrors } from "./proof-errors.js";

// A deliberately naive reference tree, straight from the rules in proof.ts.
type E = { key: Uint8Array; value: Uint8Array; kh: Uint8Array; vh: Uint8Array };
const entry = (key: Uint8Array, value: Uint8Array): E => ({ key, value, kh: sha256(key), vh: sha256(value) });
const split = (es: E[], d: number, bit: number) => es.filter((e) => hashBit(e.kh, d) === bit);

function naiveRoot(es: E[], d = 0): Uint8Array {
  if (es.length === 0) return EMPTY_ROOT;
  if (es.length === 1) return leafHash((es[0] as E).kh, (es[0] as E).vh);
  return internalHash(naiveRoot(split(es, d, 0), d + 1), naiveRoot(split(es, d, 1), d + 1));
}

function naiveProve(es: E[], key: Uint8Array): StateProof {
  const kh = sha256(key);
  const siblings: Uint8Array[] = [];
  let cur = es;
  for (let d = 0; ; d++) {
    const only = cur[0];
    if (cur.length === 0) return { siblings, terminal: { kind: "empty" } };
    if (cur.length === 1 && only) return { siblings, terminal: { kind: "leaf", keyHash: only.kh, valueHash: only.vh } };
    const b = hashBit(kh, d);
    siblings.push(naiveRoot(split(cur, d, 1 - b), d + 1));
    cur = split(cur, d, b);
  }
}

/** Distinct keys with values. */
const kvSet = fc
  .uniqueArray(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 12 }), fc.uint8Array({ maxLength: 16 })), {
    minLength: 0,
    maxLength: 40,
    selector: ([k]) => toHex(k),
  })
  .map((kvs) => kvs.map(([k, v]) => entry(k, v)));

describe("hashing rules", () => {
  it("empty root is 32 zero bytes", () => {
    assert.deepEqual(EMPTY_ROOT, new Uint8Array(32));
  });
  it("leaf and internal hashes are domain-separated SHA-256", () => {
    const a = sha256(utf8("a"));
    const b = sha256(utf8("b"));
    assert.deepEqual(leafHash(a, b), sha256(concatBytes(new Uint8Array([0]), a, b)));
    assert.deepEqual(internalHash(a, b), sha256(concatBytes(new Uint8Array([1]), a, b)));
    assert.notDeepEqual(leafHash(a, b), internalHash(a, b));
    assert.deepEqual(keyHash(utf8("k")), sha256(utf8("k")));
    assert.deepEqual(valueHash(utf8("v")), sha256(utf8("v")));
    assert.throws(() => internalHash(a, new Uint8Array(31)), TypeError);
  });
  it("bits are read most significant first", () => {
    const h = new Uint8Array(32);
    h[0] = 0b1000_0001;
    h[31] = 1;
    assert.equal(hashBit(h, 0), 1);
    assert.equal(hashBit(h, 1), 0);
    assert.equal(hashBit(h, 7), 1);
    assert.equal(hashBit(h, 255), 1);
    assert.equal(hashBit(h, 254), 0);
  });
});

describe("docs/merkle.md test vector", () => {
  // Keep in sync with docs/merkle.md.
  const carol = entry(utf8("carol"), utf8("100"));
  const dave = entry(utf8("dave"), utf8("250"));
  const ROOT = "b631e8344e03845f54240d85582b990c4995a8ce91d76bbcba97837390c37f2c";
  const ZERO = "00".repeat(32);
  const DAVE_LEAF = "cfb9056ce18ce14d5eda0682382fa5b60113c19d854226d92b043ebf95d93c14";
  const NODE_01 = "0492b5b92a26bd93b125879669198e31f0ac9df902df390389cd933b28cdb3b6";
  const CAROL_PROOF =
    `03000000${ZERO}${ZERO}${DAVE_LEAF}01` +
    "4c26d9074c27d89ede59270c0ac14b71e071b15239519f75474b2f3ba63481f5" +
    "ad57366865126e55649ecb23ae1d48887544976efea46a48eb5d85a6eeb4d306";
  const ALICE_PROOF = `02000000${ZERO}${NODE_01}00`;

  it("has the documented intermediate hashes and root", () => {
    assert.equal(toHex(carol.kh), "4c26d9074c27d89ede59270c0ac14b71e071b15239519f75474b2f3ba63481f5");
    assert.equal(toHex(dave.kh), "61ea0803f8853523b777d414ace3130cd4d3f92de2cd7ff8695c337d79c2eeee");
    assert.equal(toHex(leafHash(dave.kh, dave.vh)), DAVE_LEAF);
    assert.equal(toHex(internalHash(leafHash(carol.kh, carol.vh), fromHex(DAVE_LEAF))), NODE_01);
    const root = internalHash(internalHash(EMPTY_ROOT, fromHex(NODE_01)), EMPTY_ROOT);
    assert.equal(toHex(root), ROOT);
    assert.equal(toHex(naiveRoot([carol, dave])), ROOT);
  });
  it("has the documented inclusion proof for carol", () => {
    const bytes = encodeProof(naiveProve([carol, dave], carol.key));
    assert.equal(toHex(bytes), CAROL_PROOF);
    assert.equal(verifyProof(fromHex(ROOT), utf8("carol"), utf8("100"), fromHex(CAROL_PROOF)), true);
    assert.equal(verifyProof(fromHex(ROOT), utf8("carol"), utf8("101"), fromHex(CAROL_PROOF)), false);
  });
  it("has the documented non-inclusion proof for alice", () => {
    assert.equal(toHex(encodeProof(naiveProve([carol, dave], utf8("alice")))), ALICE_PROOF);
    assert.equal(verifyProof(fromHex(ROOT), utf8("alice"), undefined, fromHex(ALICE_PROOF)), true);
    assert.equal(verifyProof(fromHex(ROOT), utf8("alice"), utf8("1"), fromHex(ALICE_PROOF)), false);
  });
});

describe("proof codec", () => {
  const hash = fc.uint8Array({ minLength: 32, maxLength: 32 });
  const proofArb: fc.Arbitrary<StateProof> = fc.record({
    siblings: fc.array(hash, { maxLength: 256 }),
    terminal: fc.oneof(
      fc.constant({ kind: "empty" as const }),
      fc.record({ kind: fc.constant("leaf" as const), keyHash: hash, valueHash: hash }),
    ),
  });

  it("round-trips and is canonical", () => {
    fc.assert(
      fc.property(proofArb, (p) => {
        const bytes = encodeProof(p);
        const back = decodeProof(bytes);
        // fast-check records have a null prototype; compare plain copies.
        assert.deepEqual(back, { siblings: [...p.siblings], terminal: { ...p.terminal } });
        assert.deepEqual(encodeProof(back), bytes);
      }),
    );
  });

  it("rejects malformed bytes with proof.malformed", () => {
    const good = encodeProof({ siblings: [new Uint8Array(32)], terminal: { kind: "empty" } });
    const cases: Uint8Array[] = [
      new Uint8Array(),
      good.subarray(0, good.length - 1), // truncated
      concatBytes(good, new Uint8Array([0])), // trailing
      concatBytes(good.subarray(0, good.length - 1), new Uint8Array([2])), // bad tag
      concatBytes(new Uint8Array([1, 1, 0, 0]), new Uint8Array(257 * 32), new Uint8Array([0])), // 257 siblings
      new Uint8Array([0, 0, 0, 0, 1, ...new Uint8Array(63)]), // leaf terminal one byte short
    ];
    for (const c of cases) {
      assert.throws(
        () => decodeProof(c),
        (e) => ProofErrors.malformed.is(e),
      );
      assert.equal(verifyProof(EMPTY_ROOT, utf8("k"), undefined, c), false);
      assert.throws(
        () => verifyProofOrThrow(EMPTY_ROOT, utf8("k"), undefined, c),
        (e) => ProofErrors.malformed.is(e),
      );
    }
    assert.throws(
      () => encodeProof({ siblings: [new Uint8Array(31)], terminal: { kind: "empty" } }),
      (e) => ProofErrors.malformed.is(e),
    );
  });
});

describe("verifyProof", () => {
  it("the empty tree proves every key absent", () => {
    const p: StateProof = { siblings: [], terminal: { kind: "empty" } };
    assert.equal(verifyProof(EMPTY_ROOT, utf8("x"), undefined, p), true);
    assert.equal(verifyProof(EMPTY_ROOT, utf8("x"), utf8(""), p), false);
    assert.deepEqual(proofRoot(sha256(utf8("x")), p), EMPTY_ROOT);
  });

  it("a single leaf is the root", () => {
    const e = entry(utf8("k"), utf8("v"));
    const root = naiveRoot([e]);
    assert.deepEqual(root, leafHash(e.kh, e.vh));
    const p = naiveProve([e], e.key);
    assert.equal(p.siblings.length, 0);
    assert.equal(verifyProof(root, e.key, e.value, p), true);
    // Any other key is absent: the leaf trivially shares the empty prefix.
    assert.equal(verifyProof(root, utf8("other"), undefined, naiveProve([e], utf8("other"))), true);
  });

  it("inclusion proofs verify, and fail for a wrong value, root or key", () => {
    fc.assert(
      fc.property(kvSet, fc.uint8Array({ minLength: 1, maxLength: 12 }), (es, otherKey) => {
        const root = naiveRoot(es);
        for (const e of es) {
          const p = naiveProve(es, e.key);
          assert.equal(verifyProof(root, e.key, e.value, p), true);
          assert.equal(verifyProof(root, e.key, e.value, encodeProof(p)), true);
          verifyProofOrThrow(root, e.key, e.value, p);
          assert.equal(verifyProof(root, e.key, concatBytes(e.value, new Uint8Array([1])), p), false);
          assert.equal(verifyProof(root, e.key, undefined, p), false);
          const badRoot = root.slice();
          badRoot[0] = (badRoot[0] as number) ^ 1;
          assert.equal(verifyProof(badRoot, e.key, e.value, p), false);
          if (!es.some((x) => toHex(x.key) === toHex(otherKey))) {
            assert.equal(verifyProof(root, otherKey, e.value, p), false);
          }
          assert.throws(
            () => verifyProofOrThrow(root, e.key, utf8("nope"), p),
            (err) => ProofErrors.mismatch.is(err),
          );
        }
      }),
      { numRuns: 60 },
    );
  });

  it("non-inclusion proofs verify for absent keys only", () => {
    fc.assert(
      fc.property(kvSet, fc.array(fc.uint8Array({ minLength: 1, maxLength: 12 }), { maxLength: 10 }), (es, probes) => {
        const root = naiveRoot(es);
        const present = new Set(es.map((e) => toHex(e.key)));
        for (const k of probes) {
          if (present.has(toHex(k))) continue;
          const p = naiveProve(es, k);
          assert.equal(verifyProof(root, k, undefined, p), true);
          assert.equal(verifyProof(root, k, utf8("x"), p), false);
          // The same proof does not show a present key absent.
          for (const e of es) assert.equal(verifyProof(root, e.key, undefined, p), false);
        }
        // A present key's own inclusion proof is no non-inclusion proof.
        for (const e of es) assert.equal(verifyProof(root, e.key, undefined, naiveProve(es, e.key)), false);
      }),
      { numRuns: 60 },
    );
  });

  it("rejects a leaf terminal that is off the key's path", () => {
    // Two keys whose hashes differ at bit 0: each is one child of the root.
    const carol = entry(utf8("carol"), utf8("1")); // 0…
    const bob = entry(utf8("bob"), utf8("2")); // 1…
    assert.notEqual(hashBit(carol.kh, 0), hashBit(bob.kh, 0));
    const root = naiveRoot([carol, bob]);
    const p = naiveProve([carol, bob], bob.key);
    // Claiming that "key1" (which starts with bit 1, like bob) is absent with bob's leaf is fine…
    const key1 = utf8("key1");
    assert.equal(hashBit(sha256(key1), 0), 1);
    assert.equal(verifyProof(root, key1, undefined, p), true);
    // …but a key on carol's side cannot use bob's leaf: it would fold to another root anyway,
    // and the verifier rejects it before hashing.
    const forged: StateProof = { siblings: p.siblings, terminal: p.terminal };
    assert.throws(
      () => verifyProofOrThrow(root, utf8("alice"), undefined, forged),
      (e) => ProofErrors.mismatch.is(e) && /off the key's path/.test((e as Error).message),
    );
  });

  it("rejects wrong-length inputs without throwing", () => {
    const e = entry(utf8("k"), utf8("v"));
    const p = naiveProve([e], e.key);
    assert.equal(verifyProof(new Uint8Array(31), e.key, e.value, p), false);
    assert.equal(
      verifyProof(EMPTY_ROOT, e.key, undefined, { siblings: [new Uint8Array(3)], terminal: { kind: "empty" } }),
      false,
    );
    assert.equal(
      verifyProof(EMPTY_ROOT, e.key, undefined, {
        siblings: new Array(257).fill(EMPTY_ROOT),
        terminal: { kind: "empty" },
      }),
      false,
    );
  });
});
