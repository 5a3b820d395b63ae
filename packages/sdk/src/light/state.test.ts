import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  bytesToBase64,
  type ErrorDef,
  encodeProof,
  hashBit,
  keyHash,
  leafHash,
  proofRoot,
  type StateAnswerJson,
  type StateProof,
  toHex,
  utf8,
  valueHash,
} from "@urbis/protocol";
import { SdkErrors } from "../errors.js";
import { LightErrors } from "./errors.js";
import { CHAIN_ID, signHeader, syntheticHeader, testSigners } from "./fixtures/index.js";
import { verifyStateAnswerWithHeader } from "./state.js";
import { verifyCometHeader } from "./verify.js";

const fails = (def: ErrorDef, f: () => unknown) =>
  assert.throws(f, (e: unknown) => {
    assert.ok(def.is(e), `expected ${def.codespace}.${def.name}, got ${e}`);
    return true;
  });

// A two-leaf state tree whose keys part at the first bit: the root is one internal node.
const k1 = utf8("bank/balance/alice");
const v1 = utf8("100ucity");
const bit = hashBit(keyHash(k1), 0);
let n = 0;
while (hashBit(keyHash(utf8(`other/${n}`)), 0) === bit) n++;
const k2 = utf8(`other/${n}`);
const v2 = utf8("x");
let m = 0;
while (hashBit(keyHash(utf8(`absent/${m}`)), 0) !== bit) m++;
const k3 = utf8(`absent/${m}`); // shares k1's half of the tree, holds no value

const leaf1 = { kind: "leaf" as const, keyHash: keyHash(k1), valueHash: valueHash(v1) };
const proof1: StateProof = { siblings: [leafHash(keyHash(k2), valueHash(v2))], terminal: leaf1 };
const root = proofRoot(keyHash(k1), proof1);

const VERSION = 41n;
const signers = testSigners([10n, 10n, 10n, 10n], "state");
const trustedValidators = signers.map((s) => s.validator);

function verifiedHeader(appHash: Uint8Array, height = VERSION + 1n) {
  const sh = signHeader(syntheticHeader(signers, { height, appHash }), signers);
  return verifyCometHeader(sh, { chainId: CHAIN_ID, trustedValidators });
}

function answer(key: Uint8Array, value: Uint8Array, changes: Partial<StateAnswerJson> = {}): StateAnswerJson {
  return {
    key: toHex(key),
    height: VERSION.toString(),
    value: bytesToBase64(value),
    proof: bytesToBase64(encodeProof(proof1)),
    appHash: toHex(root),
    ...changes,
  };
}

describe("verifyStateAnswerWithHeader", () => {
  const header = verifiedHeader(root);

  it("accepts a value whose proof leads to the verified header's app hash", () => {
    const v = verifyStateAnswerWithHeader(toHex(k1), answer(k1, v1), header);
    assert.deepEqual(v.value, v1);
    assert.equal(v.anchored, true);
    assert.equal(v.appHash, toHex(root));
    assert.equal(v.height, VERSION.toString());
    // The node's hex may be upper-case, or missing.
    verifyStateAnswerWithHeader(toHex(k1), answer(k1, v1, { appHash: toHex(root).toUpperCase() }), header);
    const { appHash: _, ...bare } = answer(k1, v1);
    verifyStateAnswerWithHeader(toHex(k1), bare, header);
  });

  it("accepts a proof that a key has no value", () => {
    const v = verifyStateAnswerWithHeader(toHex(k3), answer(k3, new Uint8Array(0)), header);
    assert.equal(v.value, undefined);
  });

  it("a state version other than the header's height - 1: light.state_height_mismatch", () => {
    for (const height of [VERSION + 1n, VERSION - 1n]) {
      fails(LightErrors.stateHeightMismatch, () =>
        verifyStateAnswerWithHeader(toHex(k1), answer(k1, v1, { height: height.toString() }), header),
      );
    }
    fails(LightErrors.stateHeightMismatch, () =>
      verifyStateAnswerWithHeader(toHex(k1), answer(k1, v1), verifiedHeader(root, VERSION)),
    );
  });

  it("a node reporting another app hash: light.app_hash_mismatch", () => {
    fails(LightErrors.appHashMismatch, () =>
      verifyStateAnswerWithHeader(toHex(k1), answer(k1, v1, { appHash: "00".repeat(32) }), header),
    );
    fails(LightErrors.appHashMismatch, () =>
      verifyStateAnswerWithHeader(toHex(k1), answer(k1, v1, { appHash: "not hex" }), header),
    );
  });

  it("a tampered value, or a proof of another state: sdk.proof_invalid", () => {
    fails(SdkErrors.proofInvalid, () =>
      verifyStateAnswerWithHeader(toHex(k1), answer(k1, utf8("1000000ucity")), header),
    );
    fails(SdkErrors.proofInvalid, () => verifyStateAnswerWithHeader(toHex(k2), answer(k2, v1), header));
    const other = verifiedHeader(new Uint8Array(32).fill(7));
    const { appHash: _, ...bare } = answer(k1, v1);
    fails(SdkErrors.proofInvalid, () => verifyStateAnswerWithHeader(toHex(k1), bare, other));
  });

  it("a node cannot swap the header's app hash for its own: the commit no longer signs it", () => {
    const sh = signHeader(syntheticHeader(signers, { height: VERSION + 1n, appHash: new Uint8Array(32) }), signers);
    sh.header = { ...sh.header, appHash: root };
    fails(LightErrors.headerHashMismatch, () => verifyCometHeader(sh, { chainId: CHAIN_ID, trustedValidators }));
  });
});
