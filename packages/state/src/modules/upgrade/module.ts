/**
 * The upgrade module: software upgrades the consortium schedules by
 * governance (`upgrade/schedule`, `upgrade/cancel`, both governance only).
 *
 * At the start of the block at the plan's height, before any transaction:
 * if this software knows the plan (a handler registered under its name), the
 * handler migrates state, the upgrade is recorded as applied and the plan
 * cleared (`upgrade.applied`); otherwise the block fails with `UpgradeNeeded`,
 * an InvariantViolation, so the engine halts loudly, commits nothing, and
 * halts again at the same height after a restart until the node runs
 * software that implements the plan.
 */
import { UpgradeNeeded } from "@urbis/protocol";
import type { Context } from "../../framework/context.js";
import type { Module } from "../../framework/module.js";
import { upgradeAppliedEvent } from "./events.js";
import { type UpgradeGenesis, upgradeGenesis } from "./genesis.js";
import { upgradeHandlers } from "./handlers.js";
import { UpgradeKeeper } from "./keeper.js";
import { upgradeQueries } from "./queries.js";

/** A state migration run once, at the start of the block at its plan's height. */
export type UpgradeHandler = (ctx: Context) => void;

/** Options of {@link upgradeModule}. */
export interface UpgradeModuleOptions {
  /** The upgrades this software implements, by plan name. */
  handlers: Readonly<Record<string, UpgradeHandler>>;
  /** A keeper to share with other modules (one is made otherwise). */
  keeper?: UpgradeKeeper;
}

/** Builds the upgrade module with the upgrade handlers this software implements. */
export function upgradeModule(
  opts: UpgradeModuleOptions = { handlers: {} },
): Module<UpgradeGenesis> & { keeper: UpgradeKeeper } {
  const keeper = opts.keeper ?? new UpgradeKeeper();
  return {
    name: "upgrade",
    keeper,
    messages: upgradeHandlers(keeper),
    queries: upgradeQueries(keeper),
    genesis: upgradeGenesis(keeper),
    invariants: [],
    beginBlock(ctx) {
      const plan = keeper.plan(ctx.store);
      if (!plan || ctx.block.height < plan.height) return;
      // Own properties only: a plan named like an Object.prototype member must not find one.
      const run = Object.hasOwn(opts.handlers, plan.name) ? opts.handlers[plan.name] : undefined;
      if (!run) throw new UpgradeNeeded(plan.name, plan.height, plan.info);
      run(ctx);
      keeper.markApplied(ctx.store, plan, ctx.block.height);
      ctx.emit(upgradeAppliedEvent(plan));
    },
  };
}
