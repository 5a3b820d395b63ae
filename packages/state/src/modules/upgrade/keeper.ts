/**
 * Upgrade keeper: the one scheduled software upgrade plan and the record of
 * applied upgrades.
 *
 * One plan at a time: scheduling while a plan exists is refused
 * (`upgrade.plan_exists`) rather than silently replacing it, so a proposal
 * can never override a plan the operators are already preparing for without
 * an explicit `upgrade/cancel` (which can sit in the same proposal, before
 * the new `upgrade/schedule`). Plan names are never reused.
 *
 * Every mutator checks its rules before its first write.
 */
import {
  decode,
  encode,
  prefixEnd,
  UpgradeErrors,
  type UpgradePlan,
  u64,
  upgradePlanCodec,
  validatePlan,
  validatePlanName,
} from "@urbis/protocol";
import type { KVRead, KVStore } from "../../framework/store.js";
import { doneKey, parseDoneKey, UPGRADE_DONE_PREFIX, UPGRADE_PLAN_KEY } from "./keys.js";

/** One applied upgrade. */
export interface AppliedUpgrade {
  name: string;
  height: bigint;
}

/** What other modules may read of the upgrade module. */
export interface UpgradeView {
  /** The scheduled plan, or undefined. */
  plan(store: KVRead): UpgradePlan | undefined;
  /** The height upgrade `name` was applied at, or undefined. */
  appliedAt(store: KVRead, name: string): bigint | undefined;
  /** Every applied upgrade, by name. */
  applied(store: KVRead): AppliedUpgrade[];
}

/** Upgrade keeper: the only code that writes upgrade state. */
export class UpgradeKeeper implements UpgradeView {
  /** The scheduled plan, or undefined. */
  plan(store: KVRead): UpgradePlan | undefined {
    const raw = store.get(UPGRADE_PLAN_KEY);
    return raw ? decode(upgradePlanCodec, raw) : undefined;
  }

  /** The height upgrade `name` was applied at, or undefined. */
  appliedAt(store: KVRead, name: string): bigint | undefined {
    const raw = store.get(doneKey(name));
    return raw ? decode(u64, raw) : undefined;
  }

  /** Every applied upgrade, by name. */
  applied(store: KVRead): AppliedUpgrade[] {
    const out: AppliedUpgrade[] = [];
    for (const [k, v] of store.iterate(UPGRADE_DONE_PREFIX, prefixEnd(UPGRADE_DONE_PREFIX))) {
      out.push({ name: parseDoneKey(k), height: decode(u64, v) });
    }
    return out;
  }

  /**
   * Schedules `plan` in block `height`: `upgrade.invalid_plan`,
   * `upgrade.height_not_future` (the plan's height must be above `height`),
   * `upgrade.already_applied`, `upgrade.plan_exists`.
   */
  schedule(store: KVStore, height: bigint, plan: UpgradePlan): void {
    validatePlan(plan);
    if (plan.height <= height) {
      throw UpgradeErrors.heightNotFuture.create(
        `upgrade ${plan.name} at height ${plan.height} is not above the current height ${height}`,
        { height: plan.height.toString(), current: height.toString() },
      );
    }
    const done = this.appliedAt(store, plan.name);
    if (done !== undefined) {
      throw UpgradeErrors.alreadyApplied.create(`upgrade ${plan.name} was applied at height ${done}`, {
        name: plan.name,
        height: done.toString(),
      });
    }
    const existing = this.plan(store);
    if (existing) {
      throw UpgradeErrors.planExists.create(
        `upgrade ${existing.name} is scheduled at height ${existing.height}; cancel it first`,
        { name: existing.name, height: existing.height.toString() },
      );
    }
    store.set(UPGRADE_PLAN_KEY, encode(upgradePlanCodec, plan));
  }

  /** Drops the scheduled plan, which must be named `name` (`upgrade.no_plan`). Returns it. */
  cancel(store: KVStore, name: string): UpgradePlan {
    validatePlanName(name);
    const plan = this.plan(store);
    if (!plan || plan.name !== name) {
      throw UpgradeErrors.noPlan.create(
        plan ? `the scheduled plan is ${plan.name}, not ${name}` : "no upgrade plan is scheduled",
        { name },
      );
    }
    store.delete(UPGRADE_PLAN_KEY);
    return plan;
  }

  /** Records `plan` as applied at `height` and clears it. */
  markApplied(store: KVStore, plan: UpgradePlan, height: bigint): void {
    store.set(doneKey(plan.name), encode(u64, height));
    store.delete(UPGRADE_PLAN_KEY);
  }

  /** Writes a plan as is (genesis; the caller validated it). */
  setPlan(store: KVStore, plan: UpgradePlan): void {
    store.set(UPGRADE_PLAN_KEY, encode(upgradePlanCodec, plan));
  }

  /** Writes an applied upgrade as is (genesis). */
  setApplied(store: KVStore, name: string, height: bigint): void {
    store.set(doneKey(name), encode(u64, height));
  }
}
