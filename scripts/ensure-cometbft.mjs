#!/usr/bin/env node
// Makes sure the pinned CometBFT binary is in .tools/bin, installing it with
// `go install` from the Go module proxy when it is missing or the wrong version.
// Used by the test command, `urbis testnet` and `urbis start --engine cometbft`.
// Prints the binary's path on stdout; progress goes to stderr.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The CometBFT release Urbis is built and tested against. */
export const COMETBFT_VERSION = "0.38.26";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, ".tools", "bin", "cometbft");

function versionOf(path) {
  const r = spawnSync(path, ["version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Path of a cometbft binary of the pinned version, installing it if needed. */
export function ensureCometbft({ quiet = false } = {}) {
  const fromEnv = process.env.URBIS_COMETBFT;
  if (fromEnv) {
    const v = versionOf(fromEnv);
    if (v !== COMETBFT_VERSION)
      throw new Error(`URBIS_COMETBFT=${fromEnv} is version ${v ?? "unknown"}, need ${COMETBFT_VERSION}`);
    return fromEnv;
  }
  if (existsSync(bin) && versionOf(bin) === COMETBFT_VERSION) return bin;
  const go = spawnSync("go", ["version"], { encoding: "utf8" });
  if (go.status !== 0) {
    throw new Error(
      "CometBFT is missing and Go is not installed: install Go >= 1.22 or set URBIS_COMETBFT to a cometbft v" +
        COMETBFT_VERSION,
    );
  }
  mkdirSync(dirname(bin), { recursive: true });
  if (!quiet)
    process.stderr.write(`installing cometbft v${COMETBFT_VERSION} with ${go.stdout.trim()} (about 2 minutes)…\n`);
  const r = spawnSync("go", ["install", `github.com/cometbft/cometbft/cmd/cometbft@v${COMETBFT_VERSION}`], {
    env: { ...process.env, GOBIN: dirname(bin), CGO_ENABLED: "0" },
    stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"],
  });
  if (r.status !== 0) throw new Error(`go install of cometbft v${COMETBFT_VERSION} failed (exit ${r.status})`);
  const v = versionOf(bin);
  if (v !== COMETBFT_VERSION) throw new Error(`installed cometbft reports version ${v ?? "unknown"}`);
  return bin;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${ensureCometbft()}\n`);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
