import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type AssetInfo, encodeAddress, InvariantViolation, MAX_U128, toHex, UrbisError } from "@urbis/protocol";
import { MemoryStore } from "../../framework/store.js";
import { BankKeeper } from "./keeper.js";
import { accountBalancesPrefix, balanceKey, parseBalanceKey } from "./keys.js";

const addr = (n: number) => encodeAddress(new Uint8Array(20).fill(n));
const TREASURY = addr(1);
const ALICE = addr(2);
const BOB = addr(3);
const CAROL = addr(4);

function throwsCode(fn: () => unknown, id: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UrbisError, `expected an UrbisError, got ${String(e)}`);
    assert.equal(e.id, id, e.message);
    return true;
  });
}

function snapshot(store: MemoryStore): string[] {
  return [...store.iterate()].map(([k, v]) => `${toHex(k)}=${toHex(v)}`);
}

/** A store with `urbs` (treasury-issued, uncapped) and `tok` (bob-issued, capped at 1000). */
function setup(): { store: MemoryStore; keeper: BankKeeper } {
  const store = new MemoryStore();
  const keeper = new BankKeeper();
  keeper.setParams(store, { assetCreators: [TREASURY, BOB] });
  const urbs: AssetInfo = {
    denom: "urbs",
    name: "Urbis Credit",
    symbol: "URB",
    decimals: 2,
    issuer: TREASURY,
    supply: 0n,
    maxSupply: undefined,
  };
  keeper.setAsset(store, urbs);
  keeper.mint(store, TREASURY, "urbs", ALICE, 1000n);
  keeper.createAsset(store, BOB, { denom: "tok", name: "Token", symbol: "TOK", decimals: 0, maxSupply: 1000n });
  return { store, keeper };
}

describe("BankKeeper reads", () => {
  it("reads zero for missing balances and unknown assets", () => {
    const { store, keeper } = setup();
    assert.equal(keeper.balance(store, BOB, "urbs"), 0n);
    assert.equal(keeper.supply(store, "nope"), 0n);
    assert.equal(keeper.asset(store, "nope"), undefined);
    assert.equal(keeper.asset(store, "NOT A DENOM"), undefined);
    assert.deepEqual(keeper.balances(store, CAROL), []);
  });

  it("lists an account's balances in denom order with one prefix scan", () => {
    const { store, keeper } = setup();
    keeper.mint(store, BOB, "tok", ALICE, 7n);
    assert.deepEqual(keeper.balances(store, ALICE), [
      { denom: "tok", amount: 7n },
      { denom: "urbs", amount: 1000n },
    ]);
    const prefix = accountBalancesPrefix(ALICE);
    const k = balanceKey(ALICE, "urbs");
    assert.deepEqual(k.subarray(0, prefix.length), prefix);
    assert.deepEqual(parseBalanceKey(k), { address: ALICE, denom: "urbs" });
  });

  it("lists assets in denom order", () => {
    const { store, keeper } = setup();
    assert.deepEqual(
      keeper.assets(store).map((a) => a.denom),
      ["tok", "urbs"],
    );
    assert.deepEqual(keeper.params(store).assetCreators, [TREASURY, BOB]);
  });
});

describe("BankKeeper.send", () => {
  it("moves funds and deletes a balance that reaches zero", () => {
    const { store, keeper } = setup();
    keeper.send(store, ALICE, BOB, "urbs", 400n);
    assert.equal(keeper.balance(store, ALICE, "urbs"), 600n);
    assert.equal(keeper.balance(store, BOB, "urbs"), 400n);
    keeper.send(store, ALICE, BOB, "urbs", 600n);
    assert.equal(store.get(balanceKey(ALICE, "urbs")), undefined);
    assert.equal(keeper.balance(store, BOB, "urbs"), 1000n);
    assert.equal(keeper.supply(store, "urbs"), 1000n);
  });

  const failures: [string, string, (k: BankKeeper, s: MemoryStore) => void][] = [
    ["insufficient funds", "bank.insufficient_funds", (k, s) => k.send(s, ALICE, BOB, "urbs", 1001n)],
    ["unknown denom", "bank.unknown_denom", (k, s) => k.send(s, ALICE, BOB, "zzz", 1n)],
    ["invalid denom", "bank.invalid_denom", (k, s) => k.send(s, ALICE, BOB, "Urbs", 1n)],
    ["zero amount", "bank.invalid_amount", (k, s) => k.send(s, ALICE, BOB, "urbs", 0n)],
    ["negative amount", "bank.invalid_amount", (k, s) => k.send(s, ALICE, BOB, "urbs", -5n)],
    ["amount beyond u128", "bank.overflow", (k, s) => k.send(s, ALICE, BOB, "urbs", MAX_U128 + 1n)],
    ["self-send", "bank.self_send", (k, s) => k.send(s, ALICE, ALICE, "urbs", 1n)],
    ["bad address", "tx.invalid_address", (k, s) => k.send(s, ALICE, "urbis1bogus", "urbs", 1n)],
  ];
  for (const [name, id, fn] of failures) {
    it(`fails on ${name} (${id}) and writes nothing`, () => {
      const { store, keeper } = setup();
      const before = snapshot(store);
      throwsCode(() => fn(keeper, store), id);
      assert.deepEqual(snapshot(store), before);
    });
  }
});

describe("BankKeeper.multiSend", () => {
  it("pays every output", () => {
    const { store, keeper } = setup();
    keeper.multiSend(store, ALICE, [
      { to: BOB, denom: "urbs", amount: 100n },
      { to: CAROL, denom: "urbs", amount: 200n },
      { to: BOB, denom: "urbs", amount: 1n },
    ]);
    assert.equal(keeper.balance(store, ALICE, "urbs"), 699n);
    assert.equal(keeper.balance(store, BOB, "urbs"), 101n);
    assert.equal(keeper.balance(store, CAROL, "urbs"), 200n);
  });

  it("writes nothing when a later output fails", () => {
    const { store, keeper } = setup();
    const before = snapshot(store);
    assert.throws(
      () =>
        keeper.multiSend(store, ALICE, [
          { to: BOB, denom: "urbs", amount: 600n },
          { to: CAROL, denom: "urbs", amount: 600n },
        ]),
      (e: unknown) => e instanceof UrbisError && e.id === "bank.insufficient_funds" && /^output 1:/.test(e.message),
    );
    assert.deepEqual(snapshot(store), before);
  });
});

describe("BankKeeper.mint and burn", () => {
  it("mints to anyone and burns from the issuer's balance, tracking supply", () => {
    const { store, keeper } = setup();
    assert.equal(keeper.mint(store, BOB, "tok", CAROL, 300n), 300n);
    assert.equal(keeper.mint(store, BOB, "tok", BOB, 200n), 500n);
    assert.equal(keeper.burn(store, BOB, "tok", 150n), 350n);
    assert.equal(keeper.balance(store, BOB, "tok"), 50n);
    assert.equal(keeper.supply(store, "tok"), 350n);
    assert.equal(keeper.burn(store, BOB, "tok", 50n), 300n);
    assert.equal(store.get(balanceKey(BOB, "tok")), undefined);
  });

  it("mints exactly up to the cap and up to the largest u128", () => {
    const { store, keeper } = setup();
    keeper.mint(store, BOB, "tok", CAROL, 1000n);
    assert.equal(keeper.supply(store, "tok"), 1000n);
    keeper.mint(store, TREASURY, "urbs", CAROL, MAX_U128 - 1000n);
    assert.equal(keeper.supply(store, "urbs"), MAX_U128);
  });

  const failures: [string, string, (k: BankKeeper, s: MemoryStore) => void][] = [
    ["mint by non-issuer", "bank.not_issuer", (k, s) => k.mint(s, ALICE, "urbs", ALICE, 1n)],
    ["burn by non-issuer", "bank.not_issuer", (k, s) => k.burn(s, ALICE, "urbs", 1n)],
    ["mint of unknown denom", "bank.unknown_denom", (k, s) => k.mint(s, TREASURY, "nope", ALICE, 1n)],
    ["burn of unknown denom", "bank.unknown_denom", (k, s) => k.burn(s, TREASURY, "nope", 1n)],
    ["zero mint", "bank.invalid_amount", (k, s) => k.mint(s, TREASURY, "urbs", ALICE, 0n)],
    ["zero burn", "bank.invalid_amount", (k, s) => k.burn(s, TREASURY, "urbs", 0n)],
    ["mint past u128", "bank.overflow", (k, s) => k.mint(s, TREASURY, "urbs", ALICE, MAX_U128)],
    ["mint past the cap", "bank.supply_cap_exceeded", (k, s) => k.mint(s, BOB, "tok", ALICE, 1001n)],
    ["burn beyond the issuer's balance", "bank.insufficient_funds", (k, s) => k.burn(s, TREASURY, "urbs", 1n)],
  ];
  for (const [name, id, fn] of failures) {
    it(`fails on ${name} (${id}) and writes nothing`, () => {
      const { store, keeper } = setup();
      const before = snapshot(store);
      throwsCode(() => fn(keeper, store), id);
      assert.deepEqual(snapshot(store), before);
    });
  }

  it("refuses a mint that crosses the cap after earlier mints", () => {
    const { store, keeper } = setup();
    keeper.mint(store, BOB, "tok", ALICE, 999n);
    throwsCode(() => keeper.mint(store, BOB, "tok", ALICE, 2n), "bank.supply_cap_exceeded");
    assert.equal(keeper.supply(store, "tok"), 999n);
  });
});

describe("BankKeeper.createAsset", () => {
  it("creates an asset with zero supply, issued by its creator", () => {
    const { store, keeper } = setup();
    const info = keeper.createAsset(store, TREASURY, {
      denom: "bus2026",
      name: "Bus pass",
      symbol: "BUS",
      decimals: 0,
      maxSupply: undefined,
    });
    assert.deepEqual(keeper.asset(store, "bus2026"), info);
    assert.equal(info.issuer, TREASURY);
    assert.equal(info.supply, 0n);
  });

  const meta = { name: "X", symbol: "X", decimals: 0, maxSupply: undefined };
  const failures: [string, string, (k: BankKeeper, s: MemoryStore) => void][] = [
    ["a non-creator", "bank.not_asset_creator", (k, s) => k.createAsset(s, ALICE, { denom: "abc", ...meta })],
    ["an existing denom", "bank.denom_exists", (k, s) => k.createAsset(s, TREASURY, { denom: "urbs", ...meta })],
    ["a bad denom", "bank.invalid_denom", (k, s) => k.createAsset(s, TREASURY, { denom: "ab", ...meta })],
    [
      "an empty name",
      "bank.invalid_metadata",
      (k, s) => k.createAsset(s, TREASURY, { ...meta, denom: "abc", name: "" }),
    ],
    [
      "a bad symbol",
      "bank.invalid_metadata",
      (k, s) => k.createAsset(s, TREASURY, { ...meta, denom: "abc", symbol: "$" }),
    ],
    [
      "19 decimals",
      "bank.invalid_metadata",
      (k, s) => k.createAsset(s, TREASURY, { ...meta, denom: "abc", decimals: 19 }),
    ],
    [
      "a zero cap",
      "bank.invalid_amount",
      (k, s) => k.createAsset(s, TREASURY, { ...meta, denom: "abc", maxSupply: 0n }),
    ],
  ];
  for (const [name, id, fn] of failures) {
    it(`refuses ${name} (${id}) and writes nothing`, () => {
      const { store, keeper } = setup();
      const before = snapshot(store);
      throwsCode(() => fn(keeper, store), id);
      assert.deepEqual(snapshot(store), before);
    });
  }
});

describe("BankKeeper.setBalance", () => {
  it("deletes at zero and refuses amounts outside u128", () => {
    const { store, keeper } = setup();
    keeper.setBalance(store, ALICE, "urbs", 0n);
    assert.equal(store.get(balanceKey(ALICE, "urbs")), undefined);
    assert.throws(() => keeper.setBalance(store, ALICE, "urbs", -1n), InvariantViolation);
    assert.throws(() => keeper.setBalance(store, ALICE, "urbs", MAX_U128 + 1n), InvariantViolation);
  });
});
