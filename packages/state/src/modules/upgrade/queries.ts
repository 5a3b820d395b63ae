/** Queries of the upgrade module. Heights are decimal strings. */
import { PLAN_NAME_PATTERN, upgradePlanToJson } from "@urbis/protocol";
import { AppErrors } from "../../app/errors.js";
import { JsonReader } from "../../framework/json.js";
import type { QueryHandler } from "../../framework/module.js";
import type { UpgradeView } from "./keeper.js";

/**
 * Queries of the upgrade module:
 * - `upgrade/plan` {} → {plan: {name, height, info} | null}
 * - `upgrade/applied` {name?} → {name, height: string | null} for one name, or {applied: [{name, height}]} for all
 */
export function upgradeQueries(keeper: UpgradeView): QueryHandler[] {
  const j = new JsonReader(AppErrors.invalidQuery);
  return [
    {
      path: "upgrade/plan",
      handle(ctx) {
        const plan = keeper.plan(ctx.store);
        return { plan: plan ? { ...upgradePlanToJson(plan) } : null };
      },
    },
    {
      path: "upgrade/applied",
      handle(ctx, params) {
        if (params.name === undefined) {
          return {
            applied: keeper.applied(ctx.store).map((a) => ({ name: a.name, height: a.height.toString() })),
          };
        }
        const name = j.at("name").string(params.name, PLAN_NAME_PATTERN);
        const height = keeper.appliedAt(ctx.store, name);
        return { name, height: height === undefined ? null : height.toString() };
      },
    },
  ];
}
