/**
 * Software upgrades through the real UrbisApp: governance schedules a plan;
 * at its height a node without the upgrade halts with UpgradeNeeded before
 * any transaction of that block runs, commits nothing, and halts again after
 * a restart with the same software; a node with the upgrade's handler runs
 * it first and goes on. Cancelling and bad plans are refused as they should be.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  cancelUpgradeMsg,
  decode,
  encode,
  type Msg,
  scheduleUpgradeMsg,
  sendMsg,
  submitProposalMsg,
  UpgradeNeeded,
  u128,
  utf8,
  voteMsg,
} from "@urbis/protocol";
import { AppChain, BALANCE, DENOM, K, PARAMS, PASSING, VOTER } from "../gov/test-support.js";

const propose = (c: AppChain, msgs: Msg[]) =>
  c.tx(
    K.hall,
    submitProposalMsg.wrap({ title: "Upgrade", summary: "", messages: msgs, initialDeposit: PARAMS.minDeposit }),
  );

/** Passes a proposal of `msgs` through governance; returns its id. */
async function govern(c: AppChain, msgs: Msg[]): Promise<bigint> {
  const sub = await c.block([propose(c, msgs)]);
  assert.equal(sub.txResults[0]?.code, 0, sub.txResults[0]?.log);
  const id = BigInt(sub.txResults[0]!.events[0]!.attributes.find((a) => a.key === "id")!.value);
  await c.block(
    Object.entries(PASSING).map(([org, o]) => c.tx(VOTER[org]!, voteMsg.wrap({ proposalId: id, option: o }))),
  );
  const end = BigInt(c.query("gov/proposal", { id: String(id) }).votingEndMs);
  await c.block([], end - c.timeMs);
  assert.equal(c.status(id), "executed");
  return id;
}

const pay = (c: AppChain) => c.tx(K.hall, sendMsg.wrap({ to: K.outsider.addr, denom: DENOM, amount: 7n }));

describe("upgrade in UrbisApp", () => {
  it("halts at the plan's height until software with the upgrade runs, which applies it before the block's transactions", async () => {
    const c = new AppChain();
    await c.block();
    const height = c.height + 10n;
    await govern(c, [scheduleUpgradeMsg.wrap({ name: "v2", height, info: "release v2" })]);
    assert.deepEqual(c.query("upgrade/plan").plan, { name: "v2", height: String(height), info: "release v2" });
    while (c.height < height - 1n) await c.block();
    const committed = c.store.lastVersion();
    // One transaction, offered to every attempt at the block (as CometBFT would re-propose it).
    const payTx = pay(c);

    // The old software: the block at the plan's height fails before its transaction runs; nothing is committed.
    const halt = (app: AppChain) => {
      let err: unknown;
      try {
        app.app.finalizeBlock({ txs: [payTx], height, timeMs: app.timeMs + 1000n });
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof UpgradeNeeded, String(err));
      assert.deepEqual([err.plan, err.height], ["v2", height]);
      assert.match(err.message, /UPGRADE "v2" NEEDED/);
    };
    halt(c);
    assert.equal(c.store.lastVersion(), committed);
    // A restart with the same software halts at the same height again.
    const restarted = new AppChain({
      resume: { store: c.store, height: c.height, timeMs: c.timeMs, sequences: new Map(c.sequences) },
    });
    halt(restarted);
    assert.equal(c.store.lastVersion(), committed);

    // The new software knows v2: its handler runs first (it sees the state before the block's
    // transaction), then the block proceeds.
    const seen: bigint[] = [];
    const upgraded = new AppChain({
      resume: { store: c.store, height: c.height, timeMs: c.timeMs, sequences: new Map(c.sequences) },
      upgrades: {
        v2: (ctx) => {
          seen.push(BigInt(c.query("bank/balance", { address: K.hall.addr, denom: DENOM }).amount));
          const raw = ctx.store.get(utf8("v2/counter"));
          ctx.store.set(utf8("v2/counter"), encode(u128, (raw ? decode(u128, raw) : 0n) + 1n));
        },
      },
    });
    const res = await upgraded.block([payTx]);
    assert.equal(res.txResults[0]?.code, 0, res.txResults[0]?.log);
    assert.equal(res.events[0]?.type, "upgrade.applied");
    assert.equal(upgraded.height, height);
    assert.deepEqual(seen, [BALANCE]);
    assert.equal(upgraded.balance(K.hall.addr), BALANCE - 7n);
    assert.deepEqual(upgraded.query("upgrade/plan"), { plan: null });
    assert.deepEqual(upgraded.query("upgrade/applied", { name: "v2" }), { name: "v2", height: String(height) });
    assert.ok(upgraded.store.latest().get(utf8("v2/counter")));
    await upgraded.block();
  });

  it("a cancelled plan no longer halts the chain", async () => {
    const c = new AppChain();
    await c.block();
    const height = c.height + 10n;
    await govern(c, [scheduleUpgradeMsg.wrap({ name: "v2", height, info: "" })]);
    await govern(c, [cancelUpgradeMsg.wrap({ name: "v2" })]);
    assert.deepEqual(c.query("upgrade/plan"), { plan: null });
    while (c.height <= height) await c.block();
  });

  it("refuses plans in the past, a second plan and cancelling what is not planned, at submission", async () => {
    const c = new AppChain();
    await c.block();
    const past = await c.block([propose(c, [scheduleUpgradeMsg.wrap({ name: "v2", height: c.height, info: "" })])]);
    assert.deepEqual([past.txResults[0]?.codespace, past.txResults[0]?.code], ["upgrade", 2]); // height_not_future
    const none = await c.block([propose(c, [cancelUpgradeMsg.wrap({ name: "v2" })])]);
    assert.deepEqual([none.txResults[0]?.codespace, none.txResults[0]?.code], ["upgrade", 4]); // no_plan
    await govern(c, [scheduleUpgradeMsg.wrap({ name: "v2", height: c.height + 100n, info: "" })]);
    const second = await c.block([
      propose(c, [scheduleUpgradeMsg.wrap({ name: "v3", height: c.height + 200n, info: "" })]),
    ]);
    assert.deepEqual([second.txResults[0]?.codespace, second.txResults[0]?.code], ["upgrade", 3]); // plan_exists
    // Replacing a plan takes an explicit cancel first, in the same proposal.
    await govern(c, [
      cancelUpgradeMsg.wrap({ name: "v2" }),
      scheduleUpgradeMsg.wrap({ name: "v3", height: c.height + 200n, info: "" }),
    ]);
    assert.equal(c.query("upgrade/plan").plan.name, "v3");
    // An account cannot schedule directly.
    const direct = await c.block([
      c.tx(K.hall, scheduleUpgradeMsg.wrap({ name: "v4", height: c.height + 300n, info: "" })),
    ]);
    assert.deepEqual([direct.txResults[0]?.codespace, direct.txResults[0]?.code], ["app", 7]);
  });
});
