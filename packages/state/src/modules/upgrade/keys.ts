/** Store keys of the upgrade module. */
import { concatBytes, fromUtf8, utf8 } from "@urbis/protocol";

/** Every upgrade key starts with this prefix. */
export const UPGRADE_PREFIX = utf8("upgrade/");
/** Key of the one scheduled plan (absent when none). Value: UpgradePlan. */
export const UPGRADE_PLAN_KEY = utf8("upgrade/plan");
/** Prefix of every applied upgrade: `upgrade/done/` ‖ name. Value: u64, the height it was applied at. */
export const UPGRADE_DONE_PREFIX = utf8("upgrade/done/");

/** Key of one applied upgrade. */
export function doneKey(name: string): Uint8Array {
  return concatBytes(UPGRADE_DONE_PREFIX, utf8(name));
}

/** The name of a full applied-upgrade key (inverse of {@link doneKey}). */
export function parseDoneKey(key: Uint8Array): string {
  return fromUtf8(key.subarray(UPGRADE_DONE_PREFIX.length));
}
