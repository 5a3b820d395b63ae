import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encode, encodeAddress, MAX_U128, UrbisError, u128 } from "@urbis/protocol";
import { MemoryStore } from "../../framework/store.js";
import { parseBankGenesis } from "./genesis.js";
import { balanceKey } from "./keys.js";
import { bankModule } from "./module.js";

const addr = (n: number) => encodeAddress(new Uint8Array(20).fill(n));
const TREASURY = addr(1);
const ALICE = addr(2);
const BOB = addr(3);
const block = { chainId: "test", height: 1n, timeMs: 0n };

const GOOD = {
  params: { assetCreators: [TREASURY] },
  assets: [
    { denom: "urbs", name: "Urbis Credit", symbol: "URB", decimals: 2, issuer: TREASURY },
    { denom: "tok", name: "Token", symbol: "TOK", decimals: 0, issuer: BOB, maxSupply: "500" },
  ],
  balances: [
    { address: ALICE, coins: [{ denom: "urbs", amount: "1000" }] },
    {
      address: BOB,
      coins: [
        { denom: "urbs", amount: 250 },
        { denom: "tok", amount: "500" },
      ],
    },
  ],
};

function initWith(json: unknown) {
  const mod = bankModule();
  const store = new MemoryStore();
  const ctx = { block, store, emit: () => {} };
  mod.genesis.init(ctx, mod.genesis.parse(json));
  return { mod, store, ctx, keeper: mod.keeper };
}

function invalid(json: unknown, re: RegExp): void {
  assert.throws(
    () => parseBankGenesis(json),
    (e: unknown) => {
      assert.ok(e instanceof UrbisError, String(e));
      assert.equal(e.id, "app.invalid_genesis");
      assert.match(e.message, re);
      return true;
    },
  );
}

const clone = (): any => structuredClone(GOOD);

describe("bank genesis", () => {
  it("computes each supply from the balances", () => {
    const { store, keeper, mod, ctx } = initWith(GOOD);
    assert.equal(keeper.supply(store, "urbs"), 1250n);
    assert.equal(keeper.supply(store, "tok"), 500n);
    assert.equal(keeper.balance(store, BOB, "urbs"), 250n);
    assert.deepEqual(keeper.params(store).assetCreators, [TREASURY]);
    assert.equal(keeper.asset(store, "urbs")?.maxSupply, undefined);
    for (const inv of mod.invariants) assert.equal(inv.check(ctx), undefined);
  });

  it("treats a missing section as an empty bank with no asset creators", () => {
    const { store, keeper } = initWith(undefined);
    assert.deepEqual(keeper.assets(store), []);
    assert.deepEqual(keeper.params(store).assetCreators, []);
  });

  it("exports what it imports", () => {
    const { mod, ctx } = initWith(GOOD);
    const exported = mod.genesis.export(ctx);
    const again = initWith(JSON.parse(JSON.stringify(exported)));
    assert.deepEqual(again.mod.genesis.export(again.ctx), exported);
    assert.deepEqual([...again.store.iterate()], [...ctx.store.iterate()]);
    // Amounts are decimal strings; an uncapped asset has no maxSupply field.
    const e = exported as any;
    assert.deepEqual(e.assets[1], {
      denom: "urbs",
      name: "Urbis Credit",
      symbol: "URB",
      decimals: 2,
      issuer: TREASURY,
    });
    assert.equal(e.assets[0].maxSupply, "500");
  });

  it("canonicalizes upper-case addresses", () => {
    const g = clone();
    g.balances[0].address = ALICE.toUpperCase();
    assert.equal([...parseBankGenesis(g).balances][0]?.address, ALICE);
  });

  const cases: [string, (g: any) => void, RegExp][] = [
    ["an unknown top-level field", (g) => (g.asset = []), /unknown field "asset"/],
    ["a non-object", () => {}, /expected an object/],
    ["a bad asset creator", (g) => (g.params.assetCreators = ["urbis1nope"]), /assetCreators\[0\]/],
    ["a duplicate asset creator", (g) => g.params.assetCreators.push(TREASURY), /duplicate address/],
    ["a bad denom", (g) => (g.assets[0].denom = "U"), /assets\[0\]\.denom/],
    ["a duplicate denom", (g) => (g.assets[1].denom = "urbs"), /duplicate denom urbs/],
    ["bad metadata", (g) => (g.assets[0].symbol = "$$"), /assets\[0\]: invalid symbol/],
    ["too many decimals", (g) => (g.assets[0].decimals = 19), /decimals must be 0 to 18/],
    ["a zero maxSupply", (g) => (g.assets[1].maxSupply = "0"), /maxSupply must be strictly positive/],
    ["a bad issuer", (g) => (g.assets[0].issuer = "bob"), /assets\[0\]\.issuer/],
    ["a coin of an undeclared asset", (g) => (g.balances[0].coins[0].denom = "zzz"), /no asset zzz is declared/],
    ["a zero balance", (g) => (g.balances[0].coins[0].amount = "0"), /strictly positive/],
    ["a negative balance", (g) => (g.balances[0].coins[0].amount = "-1"), /not a non-negative decimal integer/],
    [
      "a balance beyond u128",
      (g) => (g.balances[0].coins[0].amount = (MAX_U128 + 1n).toString()),
      /exceeds the maximum/,
    ],
    [
      "balances whose sum exceeds u128",
      (g) => {
        g.balances[0].coins[0].amount = MAX_U128.toString();
      },
      /would exceed the largest u128/,
    ],
    ["balances above maxSupply", (g) => (g.balances[1].coins[1].amount = "501"), /above its maxSupply 500/],
    ["a duplicate account", (g) => (g.balances[1].address = ALICE), /duplicate account/],
    ["a duplicate coin", (g) => g.balances[0].coins.push({ denom: "urbs", amount: "1" }), /duplicate denom urbs/],
    ["an extra coin field", (g) => (g.balances[0].coins[0].memo = "x"), /unknown field "memo"/],
  ];
  for (const [name, mutate, re] of cases) {
    it(`refuses ${name}`, () => {
      if (name === "a non-object") return invalid([], re);
      const g = clone();
      mutate(g);
      invalid(g, re);
    });
  }
});

describe("bank invariants", () => {
  it("report a supply that does not match the balances", () => {
    const { mod, store, ctx } = initWith(GOOD);
    store.set(balanceKey(ALICE, "urbs"), encode(u128, 999n));
    const supply = mod.invariants.find((i) => i.name === "supply")!;
    assert.match(supply.check(ctx) ?? "", /balances of urbs add up to 1249, supply is 1250/);
  });

  it("report balances of a denom that is no asset", () => {
    const { mod, store, ctx } = initWith(GOOD);
    store.set(balanceKey(ALICE, "ghost"), encode(u128, 1n));
    assert.match(mod.invariants[0]!.check(ctx) ?? "", /ghost, which is no asset/);
  });

  it("report a stored zero balance", () => {
    const { mod, store, ctx } = initWith(GOOD);
    store.set(balanceKey(TREASURY, "urbs"), encode(u128, 0n));
    const nz = mod.invariants.find((i) => i.name === "no_zero_balances")!;
    assert.match(nz.check(ctx) ?? "", /zero balance stored/);
  });

  it("report a supply above maxSupply", () => {
    const { mod, store, ctx, keeper } = initWith(GOOD);
    const tok = keeper.asset(store, "tok")!;
    keeper.setAsset(store, { ...tok, maxSupply: 100n });
    assert.match(mod.invariants[0]!.check(ctx) ?? "", /above its maxSupply 100/);
  });
});
