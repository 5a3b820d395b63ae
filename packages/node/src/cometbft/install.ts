/**
 * Finds the pinned CometBFT binary in the project's `.tools/bin`, installing it
 * with `go install` from the Go module proxy when it is missing or of another
 * version. `URBIS_COMETBFT` points at a binary to use instead.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { NodeErrors } from "../errors.js";

/** The CometBFT release Urbis is built and tested against (needs Go ≥ 1.22 to build). */
export const COMETBFT_VERSION = "0.38.26";

/** The repository root (this file is packages/node/src/cometbft/install.ts). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

/** Where the project installs its CometBFT. */
export const LOCAL_COMETBFT = join(ROOT, ".tools", "bin", "cometbft");

function versionOf(path: string): string | undefined {
  const r = spawnSync(path, ["version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Path of a cometbft binary of the pinned version, or undefined if none is installed. */
export function findCometbft(): string | undefined {
  const fromEnv = process.env.URBIS_COMETBFT;
  if (fromEnv) return versionOf(fromEnv) === COMETBFT_VERSION ? fromEnv : undefined;
  return existsSync(LOCAL_COMETBFT) && versionOf(LOCAL_COMETBFT) === COMETBFT_VERSION ? LOCAL_COMETBFT : undefined;
}

/**
 * Path of a cometbft binary of the pinned version, installing it first if
 * needed (about 90 s on a 2-core machine). Progress goes to stderr.
 */
export function ensureCometbft(opts: { quiet?: boolean } = {}): string {
  const found = findCometbft();
  if (found) return found;
  if (process.env.URBIS_COMETBFT) {
    throw NodeErrors.engineUnavailable.create(
      `URBIS_COMETBFT=${process.env.URBIS_COMETBFT} is not cometbft v${COMETBFT_VERSION}`,
    );
  }
  const go = spawnSync("go", ["version"], { encoding: "utf8" });
  if (go.status !== 0) {
    throw NodeErrors.engineUnavailable.create(
      `cometbft v${COMETBFT_VERSION} is not installed and Go is missing: install Go ≥ 1.22, or set URBIS_COMETBFT`,
    );
  }
  mkdirSync(dirname(LOCAL_COMETBFT), { recursive: true });
  if (!opts.quiet) process.stderr.write(`installing cometbft v${COMETBFT_VERSION} with ${go.stdout.trim()} …\n`);
  const r = spawnSync("go", ["install", `github.com/cometbft/cometbft/cmd/cometbft@v${COMETBFT_VERSION}`], {
    env: { ...process.env, GOBIN: dirname(LOCAL_COMETBFT), CGO_ENABLED: "0" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const v = r.status === 0 ? versionOf(LOCAL_COMETBFT) : undefined;
  if (v !== COMETBFT_VERSION) {
    throw NodeErrors.engineUnavailable.create(
      `go install of cometbft v${COMETBFT_VERSION} failed (exit ${r.status}, installed version ${v ?? "none"})`,
    );
  }
  return LOCAL_COMETBFT;
}
