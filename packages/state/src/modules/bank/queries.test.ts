import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeAddress, UrbisError } from "@urbis/protocol";
import { MemoryStore, ReadOnlyStore } from "../../framework/store.js";
import { bankModule } from "./module.js";

const addr = (n: number) => encodeAddress(new Uint8Array(20).fill(n));
const TREASURY = addr(1);
const ALICE = addr(2);
const block = { chainId: "test", height: 1n, timeMs: 0n };

function setup() {
  const mod = bankModule();
  const store = new MemoryStore();
  mod.genesis.init(
    { block, store, emit: () => {} },
    mod.genesis.parse({
      params: { assetCreators: [TREASURY] },
      assets: [
        { denom: "urbs", name: "Urbis Credit", symbol: "URB", decimals: 2, issuer: TREASURY },
        {
          denom: "tok",
          name: "Token",
          symbol: "TOK",
          decimals: 0,
          issuer: TREASURY,
          maxSupply: "340282366920938463463374607431768211455",
        },
      ],
      balances: [
        {
          address: ALICE,
          coins: [
            { denom: "urbs", amount: "123456789012345678901234567890" },
            { denom: "tok", amount: "7" },
          ],
        },
      ],
    }),
  );
  const ctx = { block, store: new ReadOnlyStore(store), emit: () => {} };
  const q = (path: string, params: Record<string, string> = {}) => {
    const h = mod.queries.find((x) => x.path === path);
    assert.ok(h, path);
    // Answers must survive JSON as they are (no bigint, no undefined).
    const answer = h.handle(ctx, params);
    assert.deepEqual(JSON.parse(JSON.stringify(answer)), answer);
    return answer;
  };
  return { q };
}

function fails(fn: () => unknown, id: string) {
  assert.throws(fn, (e: unknown) => e instanceof UrbisError && e.id === id);
}

describe("bank queries", () => {
  it("bank/balance answers with a decimal string, zero for an empty account", () => {
    const { q } = setup();
    assert.deepEqual(q("bank/balance", { address: ALICE, denom: "urbs" }), {
      address: ALICE,
      denom: "urbs",
      amount: "123456789012345678901234567890",
    });
    assert.deepEqual(q("bank/balance", { address: TREASURY, denom: "urbs" }), {
      address: TREASURY,
      denom: "urbs",
      amount: "0",
    });
  });

  it("bank/balances lists positive balances in denom order", () => {
    const { q } = setup();
    assert.deepEqual(q("bank/balances", { address: ALICE }), {
      address: ALICE,
      balances: [
        { denom: "tok", amount: "7" },
        { denom: "urbs", amount: "123456789012345678901234567890" },
      ],
    });
    assert.deepEqual(q("bank/balances", { address: TREASURY }), { address: TREASURY, balances: [] });
  });

  it("bank/supply, bank/asset and bank/assets", () => {
    const { q } = setup();
    assert.deepEqual(q("bank/supply", { denom: "tok" }), { denom: "tok", supply: "7" });
    assert.deepEqual(q("bank/asset", { denom: "urbs" }), {
      denom: "urbs",
      name: "Urbis Credit",
      symbol: "URB",
      decimals: 2,
      issuer: TREASURY,
      supply: "123456789012345678901234567890",
      maxSupply: null,
    });
    const all = q("bank/assets") as { assets: { denom: string; maxSupply: string | null }[] };
    assert.deepEqual(
      all.assets.map((a) => [a.denom, a.maxSupply]),
      [
        ["tok", "340282366920938463463374607431768211455"],
        ["urbs", null],
      ],
    );
  });

  it("bank/params", () => {
    const { q } = setup();
    assert.deepEqual(q("bank/params"), { assetCreators: [TREASURY] });
  });

  it("refuses bad parameters and unknown denoms", () => {
    const { q } = setup();
    fails(() => q("bank/balance", { address: "nope", denom: "urbs" }), "app.invalid_query");
    fails(() => q("bank/balance", { address: ALICE }), "app.invalid_query");
    fails(() => q("bank/balance", { address: ALICE, denom: "URBS" }), "app.invalid_query");
    fails(() => q("bank/balance", { address: ALICE, denom: "nope" }), "bank.unknown_denom");
    fails(() => q("bank/balances", {}), "app.invalid_query");
    fails(() => q("bank/supply", { denom: "nope" }), "bank.unknown_denom");
    fails(() => q("bank/asset", { denom: "nope" }), "bank.unknown_denom");
  });
});
