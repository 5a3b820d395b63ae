/** Message handlers of the upgrade module: stateless validation, then the keeper, then events. */
import {
  cancelUpgradeMsg,
  scheduleUpgradeMsg,
  validateCancelUpgradeMsg,
  validateScheduleUpgradeMsg,
} from "@urbis/protocol";
import { GOVERNANCE, handler, type MessageHandler } from "../../framework/module.js";
import { upgradeCancelledEvent, upgradeScheduledEvent } from "./events.js";
import type { UpgradeKeeper } from "./keeper.js";

/** Handlers of `upgrade/schedule` and `upgrade/cancel`, both governance only. */
export function upgradeHandlers(keeper: UpgradeKeeper): MessageHandler<unknown>[] {
  return [
    handler(scheduleUpgradeMsg, GOVERNANCE, validateScheduleUpgradeMsg, (ctx, m) => {
      const plan = { name: m.name, height: m.height, info: m.info };
      keeper.schedule(ctx.store, ctx.block.height, plan);
      ctx.emit(upgradeScheduledEvent(plan, ctx.txHash));
    }),
    handler(cancelUpgradeMsg, GOVERNANCE, validateCancelUpgradeMsg, (ctx, m) => {
      const plan = keeper.cancel(ctx.store, m.name);
      ctx.emit(upgradeCancelledEvent(plan, ctx.txHash));
    }),
  ];
}
