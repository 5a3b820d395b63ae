/** Upgrade genesis: defaults, a round trip, and refusals of malformed sections. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UrbisError } from "@urbis/protocol";
import { MemoryStore } from "../../framework/store.js";
import { parseUpgradeGenesis } from "./genesis.js";
import { upgradeModule } from "./module.js";

const ctxAt = (height: bigint, store = new MemoryStore()) => ({
  block: { chainId: "test", height, timeMs: 0n },
  store,
  emit: () => {},
});

describe("upgrade genesis", () => {
  it("an absent section means no plan and nothing applied", () => {
    assert.deepEqual(parseUpgradeGenesis(undefined), { plan: undefined, applied: [] });
    assert.deepEqual(parseUpgradeGenesis({}), { plan: undefined, applied: [] });
  });

  it("exports what it imported", () => {
    const json = {
      plan: { name: "v3", height: "900", info: "get v3" },
      applied: [
        { name: "v1.1", height: "100" },
        { name: "v2", height: "500" },
      ],
    };
    const mod = upgradeModule();
    const ctx = ctxAt(600n);
    mod.genesis.init(ctx, mod.genesis.parse(json));
    assert.deepEqual(mod.genesis.export(ctx), json);
    const empty = upgradeModule();
    const ctx2 = ctxAt(1n);
    empty.genesis.init(ctx2, empty.genesis.parse(undefined));
    assert.deepEqual(empty.genesis.export(ctx2), { plan: null, applied: [] });
    assert.deepEqual(parseUpgradeGenesis({ plan: null }), { plan: undefined, applied: [] });
  });

  it("refuses malformed sections with app.invalid_genesis naming the path", () => {
    const cases: [unknown, RegExp][] = [
      [[], /^upgrade: expected an object/],
      [{ plans: [] }, /unknown field "plans"/],
      [{ plan: { name: "V2", height: "5" } }, /upgrade\.plan: plan name/],
      [{ plan: { name: "v2", height: "x" } }, /upgrade\.plan\.height/],
      [{ plan: { name: "v2", height: "5", info: "i".repeat(1025) } }, /info must be at most 1024/],
      [{ plan: { name: "v2", height: "5", when: 1 } }, /unknown field "when"/],
      [
        {
          applied: [
            { name: "v1", height: "1" },
            { name: "v1", height: "2" },
          ],
        },
        /duplicate upgrade v1/,
      ],
      [{ applied: [{ name: "V1", height: "1" }] }, /applied\[0\]\.name/],
      [{ plan: { name: "v1", height: "9" }, applied: [{ name: "v1", height: "1" }] }, /already applied/],
    ];
    for (const [json, re] of cases) {
      assert.throws(
        () => parseUpgradeGenesis(json),
        (e) => e instanceof UrbisError && e.id === "app.invalid_genesis" && re.test(e.message),
        JSON.stringify(json),
      );
    }
  });

  it("refuses at InitChain a plan below the initial height (it could never run)", () => {
    const mod = upgradeModule();
    const g = mod.genesis.parse({ plan: { name: "v2", height: "4" } });
    assert.throws(
      () => mod.genesis.init(ctxAt(5n), g),
      (e) => e instanceof UrbisError && e.id === "app.invalid_genesis",
    );
    mod.genesis.init(ctxAt(4n), g); // at the initial height: halts the first block unless known
  });
});
