import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { encodeAddress } from "../../address.js";
import { concatBytes, toHex } from "../../bytes.js";
import { encode, MAX_U128 } from "../../codec/index.js";
import { registeredErrors } from "../../errors.js";
import { codeOf, rec, roundTripper } from "../../test-support.js";
import { BankErrors } from "./errors.js";
import {
  BANK_MESSAGES,
  burnMsg,
  createAssetMsg,
  MAX_MULTI_SEND_OUTPUTS,
  mintMsg,
  multiSendMsg,
  sendMsg,
  validateCreateAssetMsg,
  validateMultiSendMsg,
  validateSendMsg,
} from "./messages.js";
import { assetInfoCodec, bankParamsCodec, coinCodec, isDenom, validateAssetMetadata } from "./types.js";

const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map(encodeAddress);
const denom = fc.stringMatching(/^[a-z][a-z0-9]{2,15}$/);
const amount = fc.bigInt({ min: 0n, max: MAX_U128 });
const output = rec({ to: address, denom, amount });

const roundTrips = roundTripper(200);

describe("bank message codecs", () => {
  it("round-trip every message type", () => {
    roundTrips(sendMsg.codec, rec({ to: address, denom, amount }));
    roundTrips(multiSendMsg.codec, rec({ outputs: fc.array(output, { maxLength: 20 }) }));
    roundTrips(
      createAssetMsg.codec,
      rec({
        denom,
        name: fc.string({ maxLength: 64 }),
        symbol: fc.string({ maxLength: 12 }),
        decimals: fc.integer({ min: 0, max: 255 }),
        maxSupply: fc.option(amount, { nil: undefined }),
      }),
    );
    roundTrips(mintMsg.codec, rec({ denom, to: address, amount }));
    roundTrips(burnMsg.codec, rec({ denom, amount }));
  });

  it("round-trip the state types", () => {
    roundTrips(coinCodec, rec({ denom, amount }));
    roundTrips(bankParamsCodec, rec({ assetCreators: fc.array(address, { maxLength: 10 }) }));
    roundTrips(
      assetInfoCodec,
      rec({
        denom,
        name: fc.string({ maxLength: 64 }),
        symbol: fc.string({ maxLength: 12 }),
        decimals: fc.integer({ min: 0, max: 18 }),
        issuer: address,
        supply: amount,
        maxSupply: fc.option(amount, { nil: undefined }),
      }),
    );
  });

  it("wrap and unwrap through the wire message", () => {
    const to = encodeAddress(new Uint8Array(20).fill(7));
    const m = sendMsg.wrap({ to, denom: "urbs", amount: 12n });
    assert.equal(m.type, "bank/send");
    assert.deepEqual(sendMsg.unwrap(m), { to, denom: "urbs", amount: 12n });
    assert.deepEqual(
      BANK_MESSAGES.map((t) => t.type),
      ["bank/send", "bank/multi_send", "bank/create_asset", "bank/mint", "bank/burn", "bank/update_params"],
    );
  });

  it("lays bank/send out as address, length-prefixed denom, little-endian u128", () => {
    const to = encodeAddress(new Uint8Array(20).fill(0xab));
    const bytes = encode(sendMsg.codec, { to, denom: "urbs", amount: 258n });
    const expected = concatBytes(
      new Uint8Array(20).fill(0xab),
      new Uint8Array([4, 0, 0, 0]),
      new TextEncoder().encode("urbs"),
      new Uint8Array([2, 1, ...new Array(14).fill(0)]),
    );
    assert.equal(toHex(bytes), toHex(expected));
  });

  it("refuse negative and beyond-u128 amounts at encode", () => {
    const to = encodeAddress(new Uint8Array(20));
    for (const bad of [-1n, MAX_U128 + 1n, 1n << 200n]) {
      assert.equal(
        codeOf(() => sendMsg.wrap({ to, denom: "urbs", amount: bad })),
        "codec.out_of_range",
      );
      assert.equal(
        codeOf(() => mintMsg.wrap({ denom: "urbs", to, amount: bad })),
        "codec.out_of_range",
      );
    }
  });

  it("decode hand-crafted bytes: all-ones is MAX_U128, extra or missing bytes are malformed", () => {
    const head = concatBytes(new Uint8Array(20), new Uint8Array([4, 0, 0, 0]), new TextEncoder().encode("urbs"));
    const max = concatBytes(head, new Uint8Array(16).fill(0xff));
    assert.equal(sendMsg.unwrap({ type: "bank/send", value: max }).amount, MAX_U128);
    // A "17-byte amount" (2^128 written with a carry byte) is a trailing byte, not a bigger number.
    const overflow = concatBytes(head, new Uint8Array(16), new Uint8Array([1]));
    assert.equal(
      codeOf(() => sendMsg.unwrap({ type: "bank/send", value: overflow })),
      "tx.malformed",
    );
    assert.equal(
      codeOf(() => sendMsg.unwrap({ type: "bank/send", value: max.subarray(0, max.length - 1) })),
      "tx.malformed",
    );
    // An option tag other than 0/1 in maxSupply.
    const create = encode(createAssetMsg.codec, {
      denom: "abc",
      name: "A",
      symbol: "A",
      decimals: 0,
      maxSupply: undefined,
    });
    const badTag = create.slice();
    badTag[badTag.length - 1] = 2;
    assert.equal(
      codeOf(() => createAssetMsg.unwrap({ type: "bank/create_asset", value: badTag })),
      "tx.malformed",
    );
    // A list count far beyond the bytes present.
    assert.equal(
      codeOf(() => multiSendMsg.unwrap({ type: "bank/multi_send", value: new Uint8Array([0xff, 0xff, 0, 0]) })),
      "tx.malformed",
    );
  });
});

describe("bank stateless validation", () => {
  const to = encodeAddress(new Uint8Array(20).fill(1));

  it("checks denoms against the pattern", () => {
    for (const ok of ["abc", "urbs", "a1234567890123456".slice(0, 16), "bus2026"]) assert.ok(isDenom(ok), ok);
    for (const bad of ["ab", "1abc", "Abc", "a-bc", "abcdefghijklmnopq", "", "ürbs"]) assert.ok(!isDenom(bad), bad);
    assert.equal(
      codeOf(() => validateSendMsg({ to, denom: "AB", amount: 1n })),
      "bank.invalid_denom",
    );
  });

  it("requires strictly positive amounts", () => {
    assert.equal(
      codeOf(() => validateSendMsg({ to, denom: "urbs", amount: 0n })),
      "bank.invalid_amount",
    );
    assert.equal(
      codeOf(() => validateSendMsg({ to, denom: "urbs", amount: 1n })),
      "ok",
    );
  });

  it("bounds multi-send outputs and their totals", () => {
    const one = { to, denom: "urbs", amount: 1n };
    assert.equal(
      codeOf(() => validateMultiSendMsg({ outputs: [] })),
      "bank.no_outputs",
    );
    assert.equal(
      codeOf(() => validateMultiSendMsg({ outputs: new Array(MAX_MULTI_SEND_OUTPUTS).fill(one) })),
      "ok",
    );
    assert.equal(
      codeOf(() => validateMultiSendMsg({ outputs: new Array(MAX_MULTI_SEND_OUTPUTS + 1).fill(one) })),
      "bank.too_many_outputs",
    );
    assert.equal(
      codeOf(() => validateMultiSendMsg({ outputs: [{ ...one, amount: MAX_U128 }, one] })),
      "bank.overflow",
    );
    assert.equal(
      codeOf(() =>
        validateMultiSendMsg({
          outputs: [
            { ...one, amount: MAX_U128 },
            { ...one, denom: "tok" },
          ],
        }),
      ),
      "ok",
    );
    assert.throws(() => validateMultiSendMsg({ outputs: [one, { ...one, amount: 0n }] }), /^UrbisError: output 1:/);
  });

  it("checks asset metadata", () => {
    const base = { denom: "abc", name: "Bus pass", symbol: "BUS", decimals: 2, maxSupply: undefined };
    assert.equal(
      codeOf(() => validateCreateAssetMsg(base)),
      "ok",
    );
    const bad: [Partial<typeof base> | { maxSupply: bigint }, string][] = [
      [{ name: "" }, "bank.invalid_metadata"],
      [{ name: "x".repeat(65) }, "bank.invalid_metadata"],
      [{ name: "tab\there" }, "bank.invalid_metadata"],
      [{ name: "trailing " }, "bank.invalid_metadata"],
      [{ symbol: "" }, "bank.invalid_metadata"],
      [{ symbol: "TOOLONGSYMBOL" }, "bank.invalid_metadata"],
      [{ symbol: "9LIVES" }, "bank.invalid_metadata"],
      [{ decimals: 19 }, "bank.invalid_metadata"],
      [{ maxSupply: 0n }, "bank.invalid_amount"],
      [{ denom: "x" }, "bank.invalid_denom"],
    ];
    for (const [patch, id] of bad) {
      assert.equal(
        codeOf(() => validateCreateAssetMsg({ ...base, ...patch })),
        id,
        JSON.stringify(patch, (_, v) => (typeof v === "bigint" ? `${v}` : v)),
      );
    }
    assert.equal(
      codeOf(() => validateAssetMetadata({ ...base, name: "Ünïcode name ✓" })),
      "ok",
    );
  });
});

describe("bank error codes", () => {
  it("are registered in codespace bank with codes from 1, without gaps", () => {
    const bank = registeredErrors().filter((d) => d.codespace === "bank");
    assert.deepEqual(
      bank.map((d) => d.code),
      bank.map((_, i) => i + 1),
    );
    assert.equal(bank.length, Object.keys(BankErrors).length);
    assert.equal(BankErrors.insufficientFunds.create().id, "bank.insufficient_funds");
    assert.equal(BankErrors.notIssuer.httpStatus, 403);
  });
});
