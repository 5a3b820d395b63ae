/**
 * How a node process ends when its engine halts. A halt is never survivable
 * in-process: the node can no longer vouch for its state (a broken invariant)
 * or the chain has reached an upgrade it does not implement. Either way it
 * stops loudly with an exit code supervisors and scripts can tell apart.
 */
import { UpgradeNeeded } from "@urbis/protocol";

/** Exit code of a broken invariant or an engine failure. */
export const EXIT_HALTED = 70;
/**
 * Exit code of a governance-approved upgrade this software does not
 * implement: start the new version (it resumes at the same height).
 */
export const EXIT_UPGRADE_NEEDED = 75;

/** Prints why the node halted and exits the process. */
export function exitOnHalt(err: Error): never {
  if (err instanceof UpgradeNeeded) {
    process.stderr.write(
      `\n${err.message}\nThe chain stopped before block ${err.height}; the node will stop there again until it runs ` +
        `software that implements "${err.plan}".\n`,
    );
    process.exit(EXIT_UPGRADE_NEEDED);
  }
  process.stderr.write(`\nFATAL: the node halted: ${err.stack ?? err.message}\n`);
  process.exit(EXIT_HALTED);
}
