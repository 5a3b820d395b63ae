import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { concatBytes, toHex, utf8 } from "../../bytes.js";
import { encode, MAX_U64 } from "../../codec/index.js";
import { publicKeyOf, sha256 } from "../../crypto.js";
import { registeredErrors } from "../../errors.js";
import { codeOf, rec, roundTripper } from "../../test-support.js";
import { ValidatorErrors } from "./errors.js";
import {
  addValidatorMsg,
  removeValidatorMsg,
  setValidatorPowerMsg,
  updateValidatorParamsMsg,
  VALIDATOR_MESSAGES,
  validateAddValidatorMsg,
  validateRemoveValidatorMsg,
  validateSetValidatorPowerMsg,
  validateUpdateValidatorParamsMsg,
} from "./messages.js";
import {
  cometAddress,
  DEFAULT_MAX_CHANGE_FRACTION,
  formatChangeFraction,
  isValidatorKey,
  isValidChangeFraction,
  MAX_TOTAL_VOTING_POWER,
  parseChangeFraction,
  validatorInfoCodec,
  validatorKeyFromBase64,
  validatorKeyToBase64,
  validatorParamsCodec,
  validatorToJson,
} from "./types.js";

/** A deterministic valid validator key. */
const key = (n: number) => publicKeyOf(new Uint8Array(32).fill(n));
const validKey = fc.integer({ min: 1, max: 255 }).map(key);
const anyKey = fc.uint8Array({ minLength: 0, maxLength: 64 });
const power = fc.bigInt({ min: 0n, max: MAX_U64 });

const roundTrips = roundTripper(100);

describe("validator message codecs", () => {
  it("round-trip every message type and the state types", () => {
    roundTrips(addValidatorMsg.codec, rec({ name: fc.string({ maxLength: 64 }), publicKey: anyKey, power }));
    roundTrips(removeValidatorMsg.codec, rec({ publicKey: anyKey }));
    roundTrips(setValidatorPowerMsg.codec, rec({ publicKey: anyKey, power }));
    roundTrips(
      validatorInfoCodec,
      rec({ name: fc.string({ maxLength: 64 }), publicKey: validKey, power, effectiveHeight: power }),
    );
    roundTrips(validatorParamsCodec, rec({ maxChangeFraction: rec({ numerator: power, denominator: power }) }));
    roundTrips(
      updateValidatorParamsMsg.codec,
      rec({ maxChangeFraction: rec({ numerator: power, denominator: power }) }),
    );
  });

  it("have the documented type strings", () => {
    assert.deepEqual(
      VALIDATOR_MESSAGES.map((t) => t.type),
      ["validator/add", "validator/remove", "validator/set_power", "validator/update_params"],
    );
  });

  it("lay validator/add out as string, length-prefixed key, little-endian u64", () => {
    const pk = key(9);
    const bytes = encode(addValidatorMsg.codec, { name: "Hospital", publicKey: pk, power: 258n });
    const expected = concatBytes(
      new Uint8Array([8, 0, 0, 0]),
      utf8("Hospital"),
      new Uint8Array([32, 0, 0, 0]),
      pk,
      new Uint8Array([2, 1, 0, 0, 0, 0, 0, 0]),
    );
    assert.equal(toHex(bytes), toHex(expected));
    assert.equal(
      toHex(encode(setValidatorPowerMsg.codec, { publicKey: pk, power: 1n })),
      toHex(concatBytes(new Uint8Array([32, 0, 0, 0]), pk, new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]))),
    );
  });

  it("refuse keys longer than 64 bytes on the wire and negative powers at encode", () => {
    const tooLong = concatBytes(new Uint8Array([65, 0, 0, 0]), new Uint8Array(65));
    assert.equal(
      codeOf(() => removeValidatorMsg.unwrap({ type: "validator/remove", value: tooLong })),
      "tx.malformed",
    );
    assert.equal(
      codeOf(() => setValidatorPowerMsg.wrap({ publicKey: key(1), power: -1n })),
      "codec.out_of_range",
    );
  });
});

describe("validator stateless validation", () => {
  it("accepts real Ed25519 keys", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (sk) => isValidatorKey(publicKeyOf(sk))),
      { numRuns: 50 },
    );
  });

  it("refuses keys of the wrong length, off the curve, non-canonical or of small order", () => {
    const identity = new Uint8Array(32);
    identity[0] = 1;
    const offCurve = new Uint8Array(32).fill(0xff); // y ≥ p: not canonical
    const notOnCurve = new Uint8Array(32);
    notOnCurve[0] = 2; // y = 2 has no x on the curve
    for (const [name, k] of [
      ["31 bytes", key(1).subarray(0, 31)],
      ["33 bytes", concatBytes(key(1), new Uint8Array(1))],
      ["empty", new Uint8Array(0)],
      ["identity", identity],
      ["y >= p", offCurve],
      ["no x for y", notOnCurve],
    ] as const) {
      assert.ok(!isValidatorKey(k), name);
      assert.equal(
        codeOf(() => validateRemoveValidatorMsg({ publicKey: k })),
        "validator.invalid_public_key",
        name,
      );
    }
  });

  it("checks powers and names", () => {
    const pk = key(3);
    assert.equal(
      codeOf(() => validateAddValidatorMsg({ name: "City Hall", publicKey: pk, power: 1n })),
      "ok",
    );
    assert.equal(
      codeOf(() => validateAddValidatorMsg({ name: "City Hall", publicKey: pk, power: MAX_TOTAL_VOTING_POWER })),
      "ok",
    );
    for (const p of [0n, -5n, MAX_TOTAL_VOTING_POWER + 1n, MAX_U64]) {
      assert.equal(
        codeOf(() => validateSetValidatorPowerMsg({ publicKey: pk, power: p })),
        "validator.invalid_power",
        String(p),
      );
    }
    for (const name of ["", " padded", "tab\there", "x".repeat(65)]) {
      assert.equal(
        codeOf(() => validateAddValidatorMsg({ name, publicKey: pk, power: 1n })),
        "validator.invalid_name",
        name,
      );
    }
    assert.equal(MAX_TOTAL_VOTING_POWER, 1152921504606846975n);
  });

  it("derives the CometBFT address and base64 forms", () => {
    const pk = key(4);
    assert.equal(cometAddress(pk), toHex(sha256(pk).subarray(0, 20)).toUpperCase());
    assert.match(cometAddress(pk), /^[0-9A-F]{40}$/);
    const b64 = validatorKeyToBase64(pk);
    assert.deepEqual(validatorKeyFromBase64(b64), pk);
    assert.equal(validatorKeyFromBase64(b64.replace(/=$/, "")), undefined);
    assert.equal(validatorKeyFromBase64("not base64!"), undefined);
    assert.deepEqual(validatorToJson({ name: "A", publicKey: pk, power: 10n, effectiveHeight: 3n }), {
      name: "A",
      publicKey: b64,
      address: cometAddress(pk),
      power: "10",
      effectiveHeight: "3",
    });
  });

  it("parses and bounds change fractions", () => {
    assert.deepEqual(parseChangeFraction("1/3"), DEFAULT_MAX_CHANGE_FRACTION);
    assert.equal(formatChangeFraction(DEFAULT_MAX_CHANGE_FRACTION), "1/3");
    for (const bad of ["0/3", "1/0", "1 /3", "01/3", "1/3/4", "", "a/b"]) {
      assert.equal(parseChangeFraction(bad), undefined, bad);
    }
    assert.ok(isValidChangeFraction({ numerator: 1n, denominator: 10n }));
    assert.ok(isValidChangeFraction({ numerator: 2n, denominator: 6n }));
    assert.ok(!isValidChangeFraction({ numerator: 1n, denominator: 2n }));
    assert.ok(!isValidChangeFraction({ numerator: 0n, denominator: 2n }));
  });

  it("checks validator/update_params: 0 < maxChangeFraction <= 1/3", () => {
    const upd = (numerator: bigint, denominator: bigint) =>
      codeOf(() => validateUpdateValidatorParamsMsg({ maxChangeFraction: { numerator, denominator } }));
    assert.equal(upd(1n, 3n), "ok");
    assert.equal(upd(1n, 10n), "ok");
    assert.equal(upd(333n, 1000n), "ok");
    for (const [n, d] of [
      [0n, 3n],
      [1n, 0n],
      [0n, 0n],
      [1n, 2n],
      [334n, 1000n],
      [MAX_U64, MAX_U64],
    ] as const) {
      assert.equal(upd(n, d), "validator.invalid_params", `${n}/${d}`);
    }
    // On the wire: two little-endian u64s.
    assert.equal(
      toHex(updateValidatorParamsMsg.wrap({ maxChangeFraction: { numerator: 1n, denominator: 3n } }).value),
      "01000000000000000300000000000000",
    );
  });
});

describe("validator error codes", () => {
  it("are registered in codespace validator with codes from 1, without gaps", () => {
    const v = registeredErrors().filter((d) => d.codespace === "validator");
    assert.deepEqual(
      v.map((d) => d.code),
      v.map((_, i) => i + 1),
    );
    assert.equal(v.length, Object.keys(ValidatorErrors).length);
    assert.equal(ValidatorErrors.unauthorized.httpStatus, 403);
    assert.match(ValidatorErrors.unauthorized.description, /^Retired/);
    assert.equal(ValidatorErrors.invalidParams.code, 11);
    assert.equal(ValidatorErrors.changeTooLarge.create().id, "validator.change_too_large");
  });
});
