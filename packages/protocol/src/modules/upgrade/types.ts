/**
 * Wire and state types of the upgrade module: the software upgrade plan and
 * its stateless rules (shared by the state machine, genesis and the SDK).
 */
import { utf8 } from "../../bytes.js";
import { type Infer, string, struct, u64 } from "../../codec/index.js";
import { UpgradeErrors } from "./errors.js";

/** What every plan name must match: a lowercase slug such as `v2` or `v1.4-harbour`. */
export const PLAN_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Longest plan info (release notes, download location, checksums), in UTF-8 bytes. */
export const MAX_PLAN_INFO_BYTES = 1024;

/** A scheduled software upgrade: every node stops at `height` unless its software implements `name`. */
export const upgradePlanCodec = struct({
  name: string(256),
  /** The first block the new software executes. */
  height: u64,
  /** Free text for operators: what to install, where, checksums. */
  info: string(MAX_PLAN_INFO_BYTES * 4),
});
/** A scheduled software upgrade. */
export type UpgradePlan = Infer<typeof upgradePlanCodec>;

/** Fails with `upgrade.invalid_plan` unless `name` matches {@link PLAN_NAME_PATTERN}. */
export function validatePlanName(name: string): void {
  if (!PLAN_NAME_PATTERN.test(name)) {
    throw UpgradeErrors.invalidPlan.create(`plan name ${JSON.stringify(name)} does not match ${PLAN_NAME_PATTERN}`);
  }
}

/** Fails with `upgrade.invalid_plan` unless the name is valid and the info has at most {@link MAX_PLAN_INFO_BYTES} bytes. */
export function validatePlan(p: { name: string; info: string }): void {
  validatePlanName(p.name);
  if (utf8(p.info).length > MAX_PLAN_INFO_BYTES) {
    throw UpgradeErrors.invalidPlan.create(`plan info must be at most ${MAX_PLAN_INFO_BYTES} UTF-8 bytes`);
  }
}

/** An upgrade plan as JSON (the height as a decimal string). */
export type UpgradePlanJson = {
  name: string;
  height: string;
  info: string;
};

/** JSON form of an upgrade plan. */
export function upgradePlanToJson(p: UpgradePlan): UpgradePlanJson {
  return { name: p.name, height: p.height.toString(), info: p.info };
}
