/**
 * Upgrade genesis. The section is optional and reads:
 *
 * ```json
 * { "plan": { "name": "v2", "height": "1000", "info": "…" }, "applied": [{ "name": "v1.1", "height": "500" }] }
 * ```
 *
 * `plan` (optional) is a scheduled upgrade, at or above the initial height;
 * `applied` lists upgrades already applied (names unique, and not the
 * plan's). Export round-trips. Unknown fields are refused.
 */
import {
  MAX_U64,
  PLAN_NAME_PATTERN,
  type UpgradePlan,
  UrbisError,
  upgradePlanToJson,
  validatePlan,
} from "@urbis/protocol";
import { AppErrors } from "../../app/errors.js";
import { JsonReader } from "../../framework/json.js";
import type { GenesisHandler, Json } from "../../framework/module.js";
import type { KVRead } from "../../framework/store.js";
import type { AppliedUpgrade, UpgradeKeeper, UpgradeView } from "./keeper.js";

/** Parsed and validated upgrade genesis section. */
export interface UpgradeGenesis {
  plan: UpgradePlan | undefined;
  applied: AppliedUpgrade[];
}

/** Parses and validates an upgrade genesis section (undefined: no plan, nothing applied); fails with `app.invalid_genesis`. */
export function parseUpgradeGenesis(json: unknown): UpgradeGenesis {
  const j = new JsonReader(AppErrors.invalidGenesis, "upgrade");
  if (json === undefined) return { plan: undefined, applied: [] };
  const o = j.record(json, ["plan", "applied"]);
  let plan: UpgradePlan | undefined;
  if (o.plan !== undefined && o.plan !== null) {
    const jp = j.at("plan");
    const po = jp.record(o.plan, ["name", "height", "info"]);
    plan = {
      name: jp.at("name").string(po.name),
      height: jp.at("height").uint(po.height, MAX_U64),
      info: po.info === undefined ? "" : jp.at("info").string(po.info),
    };
    try {
      validatePlan(plan);
    } catch (e) {
      if (e instanceof UrbisError) jp.fail(e.message);
      throw e;
    }
  }
  const names = new Set<string>();
  const appliedRaw = o.applied === undefined ? [] : j.at("applied").array(o.applied);
  const applied = appliedRaw.map((a, i): AppliedUpgrade => {
    const ja = j.at(`applied[${i}]`);
    const ao = ja.record(a, ["name", "height"]);
    const name = ja.at("name").string(ao.name, PLAN_NAME_PATTERN);
    if (names.has(name)) ja.at("name").fail(`duplicate upgrade ${name}`);
    names.add(name);
    return { name, height: ja.at("height").uint(ao.height, MAX_U64) };
  });
  if (plan && names.has(plan.name)) j.at("plan.name").fail(`upgrade ${plan.name} is already applied`);
  return { plan, applied };
}

/** Exports upgrade state as a genesis section that {@link parseUpgradeGenesis} reads back to the same state. */
export function exportUpgradeGenesis(keeper: UpgradeView, store: KVRead): Json {
  const plan = keeper.plan(store);
  return {
    plan: plan ? { ...upgradePlanToJson(plan) } : null,
    applied: keeper.applied(store).map((a) => ({ name: a.name, height: a.height.toString() })),
  };
}

/** Genesis handler of the upgrade module. A plan below the initial height is refused (it could never run). */
export function upgradeGenesis(keeper: UpgradeKeeper): GenesisHandler<UpgradeGenesis> {
  return {
    parse: parseUpgradeGenesis,
    init(ctx, g) {
      if (g.plan && g.plan.height < ctx.block.height) {
        throw AppErrors.invalidGenesis.create(
          `upgrade.plan.height: ${g.plan.height} is below the initial height ${ctx.block.height}`,
        );
      }
      if (g.plan) keeper.setPlan(ctx.store, g.plan);
      for (const a of g.applied) keeper.setApplied(ctx.store, a.name, a.height);
    },
    export: (ctx) => exportUpgradeGenesis(keeper, ctx.store),
  };
}
