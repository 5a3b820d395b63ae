/**
 * The upgrade module on a memory store: scheduling and cancelling (with every
 * refusal leaving the store untouched), the start-of-block check that applies
 * a known plan or halts with UpgradeNeeded, and the queries.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  cancelUpgradeMsg,
  GOVERNANCE_ADDRESS,
  InvariantViolation,
  type Msg,
  registeredErrors,
  scheduleUpgradeMsg,
  toHex,
  UpgradeErrors,
  UpgradeNeeded,
  UrbisError,
  utf8,
} from "@urbis/protocol";
import type { Context, TxContext } from "../../framework/context.js";
import type { Event } from "../../framework/events.js";
import { MemoryStore } from "../../framework/store.js";
import { UPGRADE_EVENTS } from "./events.js";
import { type UpgradeHandler, upgradeModule } from "./module.js";

function setup(handlers: Record<string, UpgradeHandler> = {}) {
  const mod = upgradeModule({ handlers });
  const store = new MemoryStore();
  let height = 10n;
  const ctx = (events: Event[] = []): Context => ({
    block: { chainId: "test", height, timeMs: 0n },
    store,
    emit: (e) => events.push(e),
  });
  const handler = new Map(mod.messages.map((h) => [h.msg.type, h]));
  /** Runs a message as the governance authority, as the App would (unwrap, validate, handle). */
  const run = (msg: Msg): Event[] => {
    const h = handler.get(msg.type)!;
    const events: Event[] = [];
    const tctx: TxContext = { ...ctx(events), signer: GOVERNANCE_ADDRESS, txHash: "proposal/3" };
    const v = h.msg.unwrap(msg);
    h.validate(v);
    h.handle(tctx, v);
    return events;
  };
  const snapshot = () => [...store.iterate()].map(([k, v]) => `${toHex(k)}=${toHex(v)}`);
  /** The error id of a refused message; asserts the store did not change. */
  const refused = (msg: Msg): string => {
    const before = snapshot();
    try {
      run(msg);
    } catch (e) {
      assert.deepEqual(snapshot(), before);
      if (e instanceof UrbisError) return e.id;
      throw e;
    }
    return "ok";
  };
  const query = (path: string, params: Record<string, string> = {}) =>
    mod.queries.find((q) => q.path === path)!.handle(ctx(), params) as any;
  return {
    mod,
    store,
    ctx,
    run,
    refused,
    query,
    setHeight: (h: bigint) => {
      height = h;
    },
  };
}

const schedule = (name: string, height: bigint, info = "") => scheduleUpgradeMsg.wrap({ name, height, info });

describe("upgrade messages", () => {
  it("are governance-only", () => {
    const { mod } = setup();
    assert.deepEqual(
      mod.messages.map((h) => [h.msg.type, h.permission.kind]),
      [
        ["upgrade/schedule", "governance"],
        ["upgrade/cancel", "governance"],
      ],
    );
  });

  it("schedule records the plan and emits upgrade.scheduled with its origin", () => {
    const t = setup();
    const ev = t.run(schedule("v2", 20n, "https://releases.example/v2 sha256:ab12"));
    assert.deepEqual(ev[0], {
      type: UPGRADE_EVENTS.scheduled,
      attributes: [
        { key: "name", value: "v2" },
        { key: "height", value: "20" },
        { key: "info", value: "https://releases.example/v2 sha256:ab12" },
        { key: "origin", value: "proposal/3" },
      ],
    });
    assert.deepEqual(t.query("upgrade/plan"), {
      plan: { name: "v2", height: "20", info: "https://releases.example/v2 sha256:ab12" },
    });
  });

  it("schedule refuses bad names and info, past heights, a second plan and reused names", () => {
    const t = setup();
    for (const name of ["", "V2", "-v2", "v 2", "a/b", "x".repeat(65)]) {
      assert.equal(t.refused(schedule(name, 20n)), "upgrade.invalid_plan", name);
    }
    assert.equal(t.refused(schedule("v2", 20n, "i".repeat(1025))), "upgrade.invalid_plan");
    assert.equal(t.refused(schedule("v2", 10n)), "upgrade.height_not_future"); // the current height
    assert.equal(t.refused(schedule("v2", 3n)), "upgrade.height_not_future");
    t.run(schedule("v2", 11n, "i".repeat(1024)));
    assert.equal(t.refused(schedule("v3", 30n)), "upgrade.plan_exists");
    assert.equal(t.refused(schedule("v2", 30n)), "upgrade.plan_exists");
    // Once applied, the name is spent.
    t.setHeight(11n);
    t.mod.keeper.markApplied(t.store, t.mod.keeper.plan(t.store)!, 11n);
    assert.equal(t.refused(schedule("v2", 40n)), "upgrade.already_applied");
    t.run(schedule("v3", 40n));
  });

  it("cancel drops the named plan and refuses any other name", () => {
    const t = setup();
    assert.equal(t.refused(cancelUpgradeMsg.wrap({ name: "v2" })), "upgrade.no_plan");
    t.run(schedule("v2", 20n));
    assert.equal(t.refused(cancelUpgradeMsg.wrap({ name: "v3" })), "upgrade.no_plan");
    assert.equal(t.refused(cancelUpgradeMsg.wrap({ name: "Bad Name" })), "upgrade.invalid_plan");
    const ev = t.run(cancelUpgradeMsg.wrap({ name: "v2" }));
    assert.equal(ev[0]?.type, UPGRADE_EVENTS.cancelled);
    assert.deepEqual(t.query("upgrade/plan"), { plan: null });
    // A cancelled plan's name is free again.
    t.run(schedule("v2", 25n));
  });

  it("refuses bytes that do not decode (tx.malformed)", () => {
    const t = setup();
    assert.equal(t.refused({ type: "upgrade/schedule", value: new Uint8Array([1]) }), "tx.malformed");
  });
});

describe("upgrade beginBlock", () => {
  it("does nothing without a plan or before its height", () => {
    const t = setup();
    t.mod.beginBlock!(t.ctx());
    t.run(schedule("v2", 20n));
    t.setHeight(19n);
    t.mod.beginBlock!(t.ctx());
    assert.equal(t.mod.keeper.plan(t.store)?.name, "v2");
  });

  it("halts with UpgradeNeeded at the plan's height when this software does not know the plan", () => {
    const t = setup({ other: () => {} });
    t.run(schedule("v2", 20n, "get v2"));
    t.setHeight(20n);
    const before = [...t.store.iterate()].length;
    let err: unknown;
    try {
      t.mod.beginBlock!(t.ctx());
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof UpgradeNeeded);
    assert.ok(err instanceof InvariantViolation); // engines halt on it
    assert.deepEqual([err.plan, err.height, err.info], ["v2", 20n, "get v2"]);
    assert.match(err.message, /UPGRADE "v2" NEEDED at height 20/);
    assert.equal([...t.store.iterate()].length, before);
    // Again and again: the plan stays until software that knows it runs.
    assert.throws(() => t.mod.beginBlock!(t.ctx()), UpgradeNeeded);
  });

  it("does not take an Object.prototype member for a handler", () => {
    const t = setup();
    t.run(schedule("constructor", 20n));
    t.setHeight(20n);
    assert.throws(() => t.mod.beginBlock!(t.ctx()), UpgradeNeeded);
  });

  it("runs a known plan's handler, records it as applied, clears the plan and emits upgrade.applied", () => {
    const ran: bigint[] = [];
    const t = setup({
      v2: (ctx) => {
        ran.push(ctx.block.height);
        ctx.store.set(utf8("migrated"), utf8("yes"));
      },
    });
    t.run(schedule("v2", 20n));
    t.setHeight(20n);
    const events: Event[] = [];
    t.mod.beginBlock!(t.ctx(events));
    assert.deepEqual(ran, [20n]);
    assert.equal(events[0]?.type, UPGRADE_EVENTS.applied);
    assert.equal(t.mod.keeper.plan(t.store), undefined);
    assert.deepEqual(t.query("upgrade/applied", { name: "v2" }), { name: "v2", height: "20" });
    assert.deepEqual(t.query("upgrade/applied"), { applied: [{ name: "v2", height: "20" }] });
    assert.deepEqual(t.query("upgrade/applied", { name: "v9" }), { name: "v9", height: null });
    assert.ok(t.store.get(utf8("migrated")));
    // The next block: nothing more to do.
    t.setHeight(21n);
    t.mod.beginBlock!(t.ctx());
    assert.deepEqual(ran, [20n]);
  });

  it("the applied query refuses malformed names", () => {
    const t = setup();
    assert.throws(
      () => t.query("upgrade/applied", { name: "Not A Name" }),
      (e) => e instanceof UrbisError && e.id === "app.invalid_query",
    );
  });
});

describe("upgrade error codes", () => {
  it("are registered in codespace upgrade with codes from 1, without gaps", () => {
    const defs = registeredErrors().filter((d) => d.codespace === "upgrade");
    assert.deepEqual(
      defs.map((d) => d.code),
      defs.map((_, i) => i + 1),
    );
    assert.equal(defs.length, Object.keys(UpgradeErrors).length);
    assert.equal(UpgradeErrors.planExists.httpStatus, 409);
    assert.equal(UpgradeErrors.noPlan.httpStatus, 404);
  });
});
