import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  burnMsg,
  createAssetMsg,
  encodeAddress,
  GOVERNANCE_ADDRESS,
  MAX_MULTI_SEND_OUTPUTS,
  MAX_U128,
  type Msg,
  mintMsg,
  multiSendMsg,
  sendMsg,
  toHex,
  UrbisError,
  updateBankParamsMsg,
} from "@urbis/protocol";
import type { TxContext } from "../../framework/context.js";
import type { Event } from "../../framework/events.js";
import { MemoryStore } from "../../framework/store.js";
import { BANK_EVENTS } from "./events.js";
import { bankModule } from "./module.js";

const addr = (n: number) => encodeAddress(new Uint8Array(20).fill(n));
const TREASURY = addr(1);
const ALICE = addr(2);
const BOB = addr(3);
const CAROL = addr(4);

function setup() {
  const mod = bankModule();
  const store = new MemoryStore();
  const block = { chainId: "test", height: 1n, timeMs: 0n };
  const genesis = mod.genesis.parse({
    params: { assetCreators: [TREASURY, BOB] },
    assets: [
      { denom: "urbs", name: "Urbis Credit", symbol: "URB", decimals: 2, issuer: TREASURY },
      { denom: "tok", name: "Token", symbol: "TOK", decimals: 0, issuer: BOB, maxSupply: "1000" },
    ],
    balances: [
      { address: ALICE, coins: [{ denom: "urbs", amount: "1000" }] },
      { address: BOB, coins: [{ denom: "tok", amount: "400" }] },
    ],
  });
  mod.genesis.init({ block, store, emit: () => {} }, genesis);
  const handlers = new Map(mod.messages.map((h) => [h.msg.type, h]));
  /** Runs one wire message as the App would (unwrap, validate, handle), straight on the store. */
  const run = (signer: string, msg: Msg): Event[] => {
    const h = handlers.get(msg.type);
    assert.ok(h, `no handler for ${msg.type}`);
    const events: Event[] = [];
    const ctx: TxContext = { block, store, signer, txHash: "00", emit: (e) => events.push(e) };
    const v = h.msg.unwrap(msg);
    h.validate(v);
    h.handle(ctx, v);
    return events;
  };
  const check = () => {
    for (const inv of mod.invariants) assert.equal(inv.check({ block, store, emit: () => {} }), undefined, inv.name);
  };
  return { mod, keeper: mod.keeper, store, run, check };
}

function snapshot(store: MemoryStore): string[] {
  return [...store.iterate()].map(([k, v]) => `${toHex(k)}=${toHex(v)}`);
}

const attrs = (e: Event) => Object.fromEntries(e.attributes.map((a) => [a.key, a.value]));

describe("bank handlers: success", () => {
  it("bank/send moves funds and emits bank.transfer", () => {
    const { keeper, store, run, check } = setup();
    const ev = run(ALICE, sendMsg.wrap({ to: BOB, denom: "urbs", amount: 250n }));
    assert.equal(keeper.balance(store, ALICE, "urbs"), 750n);
    assert.equal(keeper.balance(store, BOB, "urbs"), 250n);
    assert.equal(ev.length, 1);
    assert.equal(ev[0]?.type, BANK_EVENTS.transfer);
    assert.deepEqual(attrs(ev[0]!), { sender: ALICE, recipient: BOB, denom: "urbs", amount: "250" });
    check();
  });

  it("bank/multi_send pays every output and emits one transfer each", () => {
    const { keeper, store, run, check } = setup();
    const ev = run(
      ALICE,
      multiSendMsg.wrap({
        outputs: [
          { to: BOB, denom: "urbs", amount: 100n },
          { to: CAROL, denom: "urbs", amount: 50n },
        ],
      }),
    );
    assert.equal(keeper.balance(store, ALICE, "urbs"), 850n);
    assert.equal(keeper.balance(store, CAROL, "urbs"), 50n);
    assert.deepEqual(
      ev.map((e) => [e.type, attrs(e).recipient]),
      [
        ["bank.transfer", BOB],
        ["bank.transfer", CAROL],
      ],
    );
    check();
  });

  it("bank/create_asset, bank/mint and bank/burn by the issuer", () => {
    const { keeper, store, run, check } = setup();
    const created = run(
      TREASURY,
      createAssetMsg.wrap({ denom: "park", name: "Park pass", symbol: "PARK", decimals: 0, maxSupply: 50n }),
    );
    assert.equal(created[0]?.type, BANK_EVENTS.assetCreated);
    assert.deepEqual(attrs(created[0]!), {
      denom: "park",
      issuer: TREASURY,
      name: "Park pass",
      symbol: "PARK",
      decimals: "0",
      maxSupply: "50",
    });
    const minted = run(TREASURY, mintMsg.wrap({ denom: "park", to: TREASURY, amount: 30n }));
    assert.deepEqual(attrs(minted[0]!), {
      issuer: TREASURY,
      recipient: TREASURY,
      denom: "park",
      amount: "30",
      supply: "30",
    });
    const burned = run(TREASURY, burnMsg.wrap({ denom: "park", amount: 10n }));
    assert.deepEqual(attrs(burned[0]!), { issuer: TREASURY, denom: "park", amount: "10", supply: "20" });
    assert.equal(keeper.supply(store, "park"), 20n);
    check();
  });
});

describe("bank handlers: failures leave state unchanged", () => {
  const manyOutputs = Array.from({ length: MAX_MULTI_SEND_OUTPUTS + 1 }, () => ({
    to: BOB,
    denom: "urbs",
    amount: 1n,
  }));
  const cases: [string, string, string, Msg][] = [
    ["insufficient funds", "bank.insufficient_funds", ALICE, sendMsg.wrap({ to: BOB, denom: "urbs", amount: 1001n })],
    [
      "send from an empty account",
      "bank.insufficient_funds",
      CAROL,
      sendMsg.wrap({ to: BOB, denom: "urbs", amount: 1n }),
    ],
    ["unknown denom", "bank.unknown_denom", ALICE, sendMsg.wrap({ to: BOB, denom: "nope", amount: 1n })],
    ["invalid denom", "bank.invalid_denom", ALICE, sendMsg.wrap({ to: BOB, denom: "URBS", amount: 1n })],
    ["zero amount", "bank.invalid_amount", ALICE, sendMsg.wrap({ to: BOB, denom: "urbs", amount: 0n })],
    ["self-send", "bank.self_send", ALICE, sendMsg.wrap({ to: ALICE, denom: "urbs", amount: 1n })],
    ["mint by non-issuer", "bank.not_issuer", ALICE, mintMsg.wrap({ denom: "urbs", to: ALICE, amount: 5n })],
    ["mint by another asset's issuer", "bank.not_issuer", BOB, mintMsg.wrap({ denom: "urbs", to: BOB, amount: 5n })],
    ["burn by non-issuer", "bank.not_issuer", ALICE, burnMsg.wrap({ denom: "urbs", amount: 5n })],
    ["zero mint", "bank.invalid_amount", TREASURY, mintMsg.wrap({ denom: "urbs", to: ALICE, amount: 0n })],
    ["zero burn", "bank.invalid_amount", BOB, burnMsg.wrap({ denom: "tok", amount: 0n })],
    ["mint overflowing u128", "bank.overflow", TREASURY, mintMsg.wrap({ denom: "urbs", to: ALICE, amount: MAX_U128 })],
    [
      "mint past the supply cap",
      "bank.supply_cap_exceeded",
      BOB,
      mintMsg.wrap({ denom: "tok", to: BOB, amount: 601n }),
    ],
    ["burn beyond the issuer's balance", "bank.insufficient_funds", BOB, burnMsg.wrap({ denom: "tok", amount: 401n })],
    [
      "mint of an unknown denom",
      "bank.unknown_denom",
      TREASURY,
      mintMsg.wrap({ denom: "nope", to: ALICE, amount: 1n }),
    ],
    [
      "create by a non-creator",
      "bank.not_asset_creator",
      ALICE,
      createAssetMsg.wrap({ denom: "abc", name: "A", symbol: "A", decimals: 0, maxSupply: undefined }),
    ],
    [
      "create of an existing denom",
      "bank.denom_exists",
      BOB,
      createAssetMsg.wrap({ denom: "urbs", name: "Fake", symbol: "URB", decimals: 2, maxSupply: undefined }),
    ],
    [
      "create with bad metadata",
      "bank.invalid_metadata",
      BOB,
      createAssetMsg.wrap({ denom: "abc", name: " padded", symbol: "A", decimals: 0, maxSupply: undefined }),
    ],
    ["multi-send with no outputs", "bank.no_outputs", ALICE, multiSendMsg.wrap({ outputs: [] })],
    ["multi-send with 257 outputs", "bank.too_many_outputs", ALICE, multiSendMsg.wrap({ outputs: manyOutputs })],
    [
      "multi-send whose total overflows u128",
      "bank.overflow",
      ALICE,
      multiSendMsg.wrap({
        outputs: [
          { to: BOB, denom: "urbs", amount: MAX_U128 },
          { to: CAROL, denom: "urbs", amount: 1n },
        ],
      }),
    ],
    [
      "multi-send failing at its last output (insufficient funds)",
      "bank.insufficient_funds",
      ALICE,
      multiSendMsg.wrap({
        outputs: [
          { to: BOB, denom: "urbs", amount: 500n },
          { to: CAROL, denom: "urbs", amount: 400n },
          { to: CAROL, denom: "urbs", amount: 101n },
        ],
      }),
    ],
    [
      "multi-send failing at its second output (unknown denom)",
      "bank.unknown_denom",
      ALICE,
      multiSendMsg.wrap({
        outputs: [
          { to: BOB, denom: "urbs", amount: 500n },
          { to: CAROL, denom: "nope", amount: 1n },
        ],
      }),
    ],
    [
      "multi-send with an output to the sender",
      "bank.self_send",
      ALICE,
      multiSendMsg.wrap({
        outputs: [
          { to: BOB, denom: "urbs", amount: 1n },
          { to: ALICE, denom: "urbs", amount: 1n },
        ],
      }),
    ],
    ["undecodable message bytes", "tx.malformed", ALICE, { type: "bank/send", value: new Uint8Array([1, 2, 3]) }],
  ];
  for (const [name, id, signer, msg] of cases) {
    it(`${name}: ${id}`, () => {
      const { store, run, check } = setup();
      const before = snapshot(store);
      assert.throws(
        () => run(signer, msg),
        (e: unknown) => {
          assert.ok(e instanceof UrbisError, String(e));
          assert.equal(e.id, id, e.message);
          return true;
        },
      );
      assert.deepEqual(snapshot(store), before);
      check();
    });
  }

  it("names the failing output of a multi-send", () => {
    const { run } = setup();
    assert.throws(
      () =>
        run(
          ALICE,
          multiSendMsg.wrap({
            outputs: [
              { to: BOB, denom: "urbs", amount: 1n },
              { to: BOB, denom: "urbs", amount: 1000n },
            ],
          }),
        ),
      /output 1:/,
    );
  });
});

describe("bank/update_params", () => {
  it("is a governance message that replaces the asset creators", async () => {
    const { mod, keeper, store, run } = setup();
    const h = mod.messages.find((x) => x.msg.type === updateBankParamsMsg.type);
    assert.equal(h?.permission.kind, "governance");
    const events = run(GOVERNANCE_ADDRESS, updateBankParamsMsg.wrap({ params: { assetCreators: [CAROL] } }));
    assert.deepEqual(keeper.params(store).assetCreators, [CAROL]);
    assert.equal(events[0]?.type, BANK_EVENTS.paramsUpdated);
  });

  it("refuses a creator listed twice with bank.invalid_params, leaving the params", () => {
    const { keeper, store, run } = setup();
    const before = keeper.params(store);
    assert.throws(
      () => run(GOVERNANCE_ADDRESS, updateBankParamsMsg.wrap({ params: { assetCreators: [CAROL, CAROL] } })),
      (e: unknown) => e instanceof UrbisError && e.codespace === "bank" && e.code === 14,
    );
    assert.deepEqual(keeper.params(store), before);
  });
});
