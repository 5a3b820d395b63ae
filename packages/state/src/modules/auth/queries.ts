/** Auth queries. */
import { AppErrors } from "../../app/errors.js";
import { JsonReader } from "../../framework/json.js";
import type { QueryHandler } from "../../framework/module.js";
import type { AuthKeeper } from "./keeper.js";

/** Queries of the auth module. */
export function authQueries(keeper: AuthKeeper): QueryHandler[] {
  const j = new JsonReader(AppErrors.invalidQuery);
  return [
    {
      path: "auth/account",
      handle(ctx, params) {
        const address = j.at("address").address(params.address);
        const a = keeper.account(ctx.store, address);
        return {
          address,
          sequence: a.sequence.toString(),
          windowStart: a.windowStart.toString(),
          windowCount: a.windowCount,
        };
      },
    },
    {
      path: "auth/params",
      handle(ctx) {
        const p = keeper.params(ctx.store);
        return { maxTxsPerWindow: p.maxTxsPerWindow, windowBlocks: p.windowBlocks.toString() };
      },
    },
  ];
}
