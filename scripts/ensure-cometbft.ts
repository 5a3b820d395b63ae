/**
 * Installs the pinned CometBFT into .tools/bin when it is missing; prints its
 * path. Run by `npm test` before the tests that start real CometBFT nodes.
 */
import { ensureCometbft } from "../packages/node/src/cometbft/install.js";

try {
  process.stdout.write(`${ensureCometbft()}\n`);
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
