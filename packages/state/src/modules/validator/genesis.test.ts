import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  encodeAddress,
  GOVERNANCE_ADDRESS,
  MAX_TOTAL_VOTING_POWER,
  publicKeyOf,
  toHex,
  UrbisError,
  validatorKeyToBase64,
} from "@urbis/protocol";
import { MemoryStore } from "../../framework/store.js";
import { buildValidatorGenesis, parseValidatorGenesis } from "./genesis.js";
import { validatorModule } from "./module.js";

const SOMEONE = encodeAddress(new Uint8Array(20).fill(1));
const key = (n: number) => publicKeyOf(new Uint8Array(32).fill(n));
const b64 = (n: number) => validatorKeyToBase64(key(n));

const GOOD = {
  params: { maxChangeFraction: "1/4" },
  validators: [
    { name: "City Hall", publicKey: b64(1), power: "300" },
    { name: "Hospital", publicKey: b64(2), power: 100 },
  ],
};

function failure(json: unknown): string {
  try {
    parseValidatorGenesis(json);
  } catch (e) {
    if (e instanceof UrbisError) {
      assert.equal(e.id, "app.invalid_genesis", e.message);
      return e.message;
    }
    throw e;
  }
  return "ok";
}

const withValidators = (validators: unknown[]) => ({ params: {}, validators });

describe("validator genesis", () => {
  it("parses a good section, stores the set and hands it to InitChain", () => {
    const g = parseValidatorGenesis(GOOD);
    assert.deepEqual(g.params, { maxChangeFraction: { numerator: 1n, denominator: 4n } });
    assert.deepEqual(
      g.validators.map((v) => [v.name, toHex(v.publicKey), v.power]),
      [
        ["City Hall", toHex(key(1)), 300n],
        ["Hospital", toHex(key(2)), 100n],
      ],
    );
    const mod = validatorModule();
    const store = new MemoryStore();
    const ctx = { block: { chainId: "t", height: 5n, timeMs: 0n }, store, emit: () => {} };
    mod.genesis.init(ctx, g);
    assert.equal(mod.keeper.totalPower(store), 400n);
    assert.equal(mod.keeper.validator(store, key(2))?.effectiveHeight, 5n);
    for (const inv of mod.invariants) assert.equal(inv.check(ctx), undefined, inv.name);
    const initial = mod.initialValidators!(ctx);
    assert.deepEqual(
      new Map(initial.map((u) => [toHex(u.publicKey), u.power])),
      new Map([
        [toHex(key(1)), 300n],
        [toHex(key(2)), 100n],
      ]),
    );
    assert.deepEqual(
      initial.map((u) => toHex(u.publicKey)),
      initial.map((u) => toHex(u.publicKey)).sort(),
    );
    // Export reads back to the same set and parameters.
    const exported = mod.genesis.export(ctx);
    assert.deepEqual(parseValidatorGenesis(exported), {
      ...g,
      validators: [...g.validators].sort((a, b) => (toHex(a.publicKey) < toHex(b.publicKey) ? -1 : 1)),
    });
  });

  it("defaults maxChangeFraction to 1/3, with or without a params object", () => {
    const third = { maxChangeFraction: { numerator: 1n, denominator: 3n } };
    assert.deepEqual(parseValidatorGenesis(withValidators(GOOD.validators)).params, third);
    assert.deepEqual(parseValidatorGenesis({ validators: GOOD.validators }).params, third);
  });

  it("refuses bad documents with app.invalid_genesis and a path", () => {
    const identity = new Uint8Array(32);
    identity[0] = 1;
    const notPoint = new Uint8Array(32).fill(0xff);
    const cases: [unknown, RegExp][] = [
      [undefined, /validator: the validator section is required/],
      [[], /validator: expected an object/],
      [{ ...GOOD, extra: 1 }, /unknown field "extra"/],
      [{ ...GOOD, params: [] }, /validator\.params: expected an object/],
      [{ ...GOOD, params: null }, /validator\.params: expected an object/],
      // The retired authority parameter is refused with the reason, whatever address it names.
      [{ ...GOOD, params: { authority: SOMEONE } }, /validator\.params\.authority: was removed: only governance/],
      [{ ...GOOD, params: { authority: GOVERNANCE_ADDRESS } }, /params\.authority: was removed/],
      [{ ...GOOD, params: { maxChangeFraction: "1/2" } }, /must be above 0 and at most 1\/3/],
      [{ ...GOOD, params: { maxChangeFraction: "0/3" } }, /is not a fraction/],
      [{ ...GOOD, params: { maxChangeFraction: "half" } }, /is not a fraction/],
      [{ ...GOOD, params: { maxChangeFraction: 0.25 } }, /maxChangeFraction: expected a string/],
      [{ ...GOOD, params: { other: 1 } }, /params: unknown field "other"/],
      [withValidators([]), /validator\.validators: at least one validator is required/],
      [{ params: {} }, /validator\.validators: expected an array/],
      [withValidators([{ name: "A", publicKey: b64(1), power: "0" }]), /validators\[0\]\.power: must be strictly/],
      [withValidators([{ name: "A", publicKey: b64(1), power: "-1" }]), /validators\[0\]\.power/],
      [withValidators([{ name: "A", publicKey: b64(1), power: "1.5" }]), /validators\[0\]\.power/],
      [withValidators([{ name: "A", publicKey: b64(1) }]), /validators\[0\]\.power/],
      [
        withValidators([{ name: "A", publicKey: b64(1), power: (MAX_TOTAL_VOTING_POWER + 1n).toString() }]),
        /validators\[0\]\.power: .* exceeds the maximum/,
      ],
      [
        withValidators([
          { name: "A", publicKey: b64(1), power: MAX_TOTAL_VOTING_POWER.toString() },
          { name: "B", publicKey: b64(2), power: "1" },
        ]),
        /validators\[1\]\.power: the total voting power would exceed/,
      ],
      [
        withValidators([
          { name: "A", publicKey: b64(1), power: "1" },
          { name: "B", publicKey: b64(1), power: "1" },
        ]),
        /validators\[1\]\.publicKey: duplicate validator key/,
      ],
      [withValidators([{ name: "A", publicKey: "AAAA", power: "1" }]), /32-byte Ed25519 public key/],
      [
        withValidators([{ name: "A", publicKey: validatorKeyToBase64(identity), power: "1" }]),
        /validators\[0\]\.publicKey: .* of large order/,
      ],
      [
        withValidators([{ name: "A", publicKey: validatorKeyToBase64(notPoint), power: "1" }]),
        /validators\[0\]\.publicKey/,
      ],
      [withValidators([{ name: "A", publicKey: b64(1).replace(/=$/, ""), power: "1" }]), /is not padded base64/],
      [withValidators([{ name: "A", publicKey: toHex(key(1)), power: "1" }]), /validators\[0\]\.publicKey/],
      [withValidators([{ name: " A", publicKey: b64(1), power: "1" }]), /validators\[0\]\.name: /],
      [withValidators([{ name: "", publicKey: b64(1), power: "1" }]), /validators\[0\]\.name: /],
      [withValidators([{ publicKey: b64(1), power: "1" }]), /validators\[0\]\.name: expected a string/],
      [withValidators([{ name: "A", publicKey: b64(1), power: "1", extra: true }]), /unknown field "extra"/],
      [withValidators(["x"]), /validators\[0\]: expected an object/],
    ];
    for (const [json, re] of cases) assert.match(failure(json), re, JSON.stringify(json));
  });

  it("builds a checked section from keys as bytes or base64", () => {
    const built = buildValidatorGenesis({
      validators: [
        { name: "City Hall", publicKey: key(1), power: 300n },
        { name: "Hospital", publicKey: b64(2), power: 100 },
      ],
    });
    assert.deepEqual(built, {
      params: { maxChangeFraction: "1/3" },
      validators: [
        { name: "City Hall", publicKey: b64(1), power: "300" },
        { name: "Hospital", publicKey: b64(2), power: "100" },
      ],
    });
    assert.equal(
      buildValidatorGenesis({ validators: [{ name: "A", publicKey: key(1), power: 9n }], maxChangeFraction: "1/5" })
        .params.maxChangeFraction,
      "1/5",
    );
    assert.throws(
      () =>
        buildValidatorGenesis({ validators: [{ name: "A", publicKey: key(1), power: 9n }], maxChangeFraction: "1/2" }),
      (e: unknown) => e instanceof UrbisError && e.id === "app.invalid_genesis",
    );
    assert.throws(
      () => buildValidatorGenesis({ validators: [] }),
      (e: unknown) => e instanceof UrbisError && e.id === "app.invalid_genesis",
    );
    assert.throws(
      () =>
        buildValidatorGenesis({
          validators: [{ name: "A", publicKey: key(1), power: 1.5 }],
        }),
      (e: unknown) => e instanceof UrbisError && e.id === "app.invalid_genesis",
    );
  });
});
