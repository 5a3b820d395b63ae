/**
 * Error kinds of the upgrade module (codespace `upgrade`). Codes are
 * permanent: new kinds get the next free code, retired ones are never reused.
 */
import { registerError } from "../../errors.js";

/** Errors of the upgrade module. */
export const UpgradeErrors = {
  /** A plan's name or info breaks the rules. */
  invalidPlan: registerError(
    "upgrade",
    1,
    "invalid_plan",
    "An upgrade plan's name (a lowercase slug) or info (at most 1024 bytes) breaks the rules.",
  ),
  /** A plan's height is not above the current height. */
  heightNotFuture: registerError(
    "upgrade",
    2,
    "height_not_future",
    "An upgrade plan's height must be above the current block height.",
  ),
  /** A plan is already scheduled: cancel it first (one plan at a time). */
  planExists: registerError(
    "upgrade",
    3,
    "plan_exists",
    "An upgrade plan is already scheduled; cancel it before scheduling another.",
    409,
  ),
  /** No plan is scheduled under the name. */
  noPlan: registerError("upgrade", 4, "no_plan", "No upgrade plan with this name is scheduled.", 404),
  /** An upgrade of the name was already applied: names are never reused. */
  alreadyApplied: registerError(
    "upgrade",
    5,
    "already_applied",
    "An upgrade with this name was already applied; plan names are never reused.",
    409,
  ),
};
