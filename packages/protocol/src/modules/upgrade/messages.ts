/**
 * Messages of the upgrade module. Both are governance-only: a passed proposal
 * schedules or cancels the one upgrade plan.
 */
import { type Infer, string, struct, u64 } from "../../codec/index.js";
import { defineMessage, type MessageType } from "../../tx.js";
import { MAX_PLAN_INFO_BYTES, validatePlan, validatePlanName } from "./types.js";

/** `upgrade/schedule`: plans upgrade `name` at `height` (above the current height; one plan at a time). */
export const scheduleUpgradeMsgCodec = struct({
  name: string(256),
  height: u64,
  info: string(MAX_PLAN_INFO_BYTES * 4),
});
/** Value of an `upgrade/schedule` message. */
export type ScheduleUpgradeMsg = Infer<typeof scheduleUpgradeMsgCodec>;
/** The `upgrade/schedule` message type. */
export const scheduleUpgradeMsg: MessageType<ScheduleUpgradeMsg> = defineMessage(
  "upgrade/schedule",
  scheduleUpgradeMsgCodec,
);

/** `upgrade/cancel`: drops the scheduled plan, which must be named `name`. */
export const cancelUpgradeMsgCodec = struct({ name: string(256) });
/** Value of an `upgrade/cancel` message. */
export type CancelUpgradeMsg = Infer<typeof cancelUpgradeMsgCodec>;
/** The `upgrade/cancel` message type. */
export const cancelUpgradeMsg: MessageType<CancelUpgradeMsg> = defineMessage("upgrade/cancel", cancelUpgradeMsgCodec);

/** Every upgrade message type, in code order. */
export const UPGRADE_MESSAGES = [scheduleUpgradeMsg, cancelUpgradeMsg] as const;

/** Stateless checks of `upgrade/schedule`: name and info rules (`upgrade.invalid_plan`); the height is checked against the chain. */
export function validateScheduleUpgradeMsg(m: ScheduleUpgradeMsg): void {
  validatePlan(m);
}

/** Stateless checks of `upgrade/cancel`: the name rule (`upgrade.invalid_plan`). */
export function validateCancelUpgradeMsg(m: CancelUpgradeMsg): void {
  validatePlanName(m.name);
}
