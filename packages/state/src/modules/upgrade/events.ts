/** Events of the upgrade module. Heights are decimal strings. */
import type { UpgradePlan } from "@urbis/protocol";
import { type Event, event } from "../../framework/events.js";

/** Event types the upgrade module emits. */
export const UPGRADE_EVENTS = {
  scheduled: "upgrade.scheduled",
  cancelled: "upgrade.cancelled",
  applied: "upgrade.applied",
} as const;

/** `upgrade.scheduled` {name, height, info, origin}: `origin` is the proposal (e.g. `proposal/7`). */
export function upgradeScheduledEvent(plan: UpgradePlan, origin: string): Event {
  return event(UPGRADE_EVENTS.scheduled, { name: plan.name, height: plan.height, info: plan.info, origin });
}

/** `upgrade.cancelled` {name, height, origin}. */
export function upgradeCancelledEvent(plan: UpgradePlan, origin: string): Event {
  return event(UPGRADE_EVENTS.cancelled, { name: plan.name, height: plan.height, origin });
}

/** `upgrade.applied` {name, height}: the new software ran the plan's handler at the start of block `height`. */
export function upgradeAppliedEvent(plan: UpgradePlan): Event {
  return event(UPGRADE_EVENTS.applied, { name: plan.name, height: plan.height });
}
