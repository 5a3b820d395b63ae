/**
 * The software upgrades this release implements, by plan name.
 *
 * Governance schedules an upgrade with `upgrade/schedule` (a plan name and a
 * height). At that height every node runs the handler registered here under
 * the plan's name, at the start of the block, before any transaction; a node
 * whose software has no handler for it halts there (`UpgradeNeeded`) until
 * it is restarted with a release that does.
 *
 * How a release adds one: write the state migration as an `UpgradeHandler`
 * (a pure function of the block context: reads and writes through
 * `ctx.store`, time only from `ctx.block`, deterministic on every node), add
 * it below under exactly the plan name the proposal will use (e.g.
 * `"v0.2.0": migrateToV020`), and ship the release before the plan's height.
 * Keep old entries only while a chain may still replay through their height.
 */
import type { UpgradeHandler } from "@urbis/state";

/** Upgrade handlers of this software, by plan name (none yet). */
export const KNOWN_UPGRADES: Readonly<Record<string, UpgradeHandler>> = Object.freeze({});
