/** Message handlers of the auth module: only `auth/update_params`, which governance sends. */
import { updateAuthParamsMsg, validateUpdateAuthParamsMsg } from "@urbis/protocol";
import { event } from "../../framework/events.js";
import { GOVERNANCE, handler, type MessageHandler } from "../../framework/module.js";
import type { AuthKeeper } from "./keeper.js";

/** Handler of `auth/update_params`. */
export function authHandlers(keeper: AuthKeeper): MessageHandler<unknown>[] {
  return [
    handler(updateAuthParamsMsg, GOVERNANCE, validateUpdateAuthParamsMsg, (ctx, m) => {
      keeper.setParams(ctx.store, m.params);
      ctx.emit(
        event("auth.params_updated", {
          maxTxsPerWindow: m.params.maxTxsPerWindow,
          windowBlocks: m.params.windowBlocks,
        }),
      );
    }),
  ];
}
