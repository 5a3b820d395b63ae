import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GOVERNANCE_ADDRESS, UrbisError, updateAuthParamsMsg } from "@urbis/protocol";
import type { TxContext } from "../../framework/context.js";
import type { Event } from "../../framework/events.js";
import { MemoryStore } from "../../framework/store.js";
import { authModule } from "./module.js";

function setup() {
  const mod = authModule();
  const store = new MemoryStore();
  const block = { chainId: "test", height: 1n, timeMs: 0n };
  mod.genesis.init({ block, store, emit: () => {} }, mod.genesis.parse(undefined));
  const h = mod.messages.find((x) => x.msg.type === updateAuthParamsMsg.type);
  assert.ok(h);
  const run = (maxTxsPerWindow: number, windowBlocks: bigint): Event[] => {
    const events: Event[] = [];
    const ctx: TxContext = { block, store, signer: GOVERNANCE_ADDRESS, txHash: "00", emit: (e) => events.push(e) };
    const v = h.msg.unwrap(updateAuthParamsMsg.wrap({ params: { maxTxsPerWindow, windowBlocks } }));
    h.validate(v);
    h.handle(ctx, v);
    return events;
  };
  return { mod, h, store, run };
}

describe("auth/update_params", () => {
  it("is a governance message that replaces the rate limits", () => {
    const { mod, h, store, run } = setup();
    assert.equal(h.permission.kind, "governance");
    const events = run(5, 3n);
    assert.deepEqual(mod.keeper.params(store), { maxTxsPerWindow: 5, windowBlocks: 3n });
    assert.equal(events[0]?.type, "auth.params_updated");
  });

  it("refuses a zero window or a zero allowance with auth.invalid_params and keeps the params", () => {
    const { mod, store, run } = setup();
    const before = mod.keeper.params(store);
    for (const [n, w] of [
      [0, 10n],
      [10, 0n],
    ] as const) {
      assert.throws(
        () => run(n, w),
        (e: unknown) => e instanceof UrbisError && e.codespace === "auth" && e.code === 1,
      );
    }
    assert.deepEqual(mod.keeper.params(store), before);
  });
});
