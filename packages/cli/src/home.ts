/** The node home folder: config, genesis, encrypted keys and data. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { decryptKey, encryptKey, type KeyPair, type KeystoreFile } from "@urbis/sdk";
import { CliError, EXIT } from "./output.js";

/** Settings of a node home (config.json). */
export interface NodeConfig {
  chainId: string;
  api: { host: string; port: number };
  /** Milliseconds between blocks when transactions wait. */
  blockIntervalMs: number;
  /** Versions of state to keep for proofs (0 = all). */
  keepRecent: number;
  /** Consensus engine: the embedded solo engine (default) or CometBFT. */
  engine?: "solo" | "cometbft";
  /** CometBFT settings (engine "cometbft"); its home is `<home>/cometbft`. */
  cometbft?: CometConfig;
}

/** The CometBFT part of config.json. */
export interface CometConfig {
  moniker: string;
  rpcPort: number;
  p2pPort: number;
  /** `id@127.0.0.1:port` of the other validators. */
  persistentPeers: string[];
  /** Pause after each commit (CometBFT's timeout_commit). */
  timeoutCommitMs: number;
  /** Set on a node that joins by state sync. */
  stateSync?: { rpcServers: string[]; trustHeight: string; trustHash: string };
  /** Take a state-sync snapshot every N heights (0 = never). */
  snapshotInterval?: number;
  /** Snapshots to keep (default 2). */
  snapshotKeep?: number;
}

/** Default home: $URBIS_HOME or ~/.urbis. */
export function defaultHome(): string {
  return resolve(process.env.URBIS_HOME ?? join(homedir(), ".urbis"));
}

/** Paths inside a home. */
export function homePaths(home: string) {
  return {
    home,
    config: join(home, "config.json"),
    genesis: join(home, "genesis.json"),
    keys: join(home, "keys"),
    data: join(home, "data"),
    cometbft: join(home, "cometbft"),
  };
}

/** Reads config.json; CliError if the home was never initialized. */
export function readConfig(home: string): NodeConfig {
  const p = homePaths(home).config;
  if (!existsSync(p))
    throw new CliError(`${home} is not initialized: run 'urbis init --home ${home}' first`, EXIT.usage);
  return JSON.parse(readFileSync(p, "utf8")) as NodeConfig;
}

/** Writes config.json. */
export function writeConfig(home: string, c: NodeConfig): void {
  mkdirSync(home, { recursive: true });
  writeFileSync(homePaths(home).config, `${JSON.stringify(c, null, 2)}\n`);
}

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Saves a key encrypted under a passphrase; refuses to overwrite. */
export async function saveKey(home: string, name: string, key: KeyPair, passphrase: string): Promise<KeystoreFile> {
  if (!NAME.test(name)) throw new CliError(`key name must match ${NAME}`, EXIT.usage);
  const dir = homePaths(home).keys;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const p = join(dir, `${name}.json`);
  if (existsSync(p)) throw new CliError(`a key named ${name} already exists`, EXIT.usage);
  const file = await encryptKey(name, key, passphrase);
  writeFileSync(p, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  return file;
}

/** Reads a key file (still encrypted). */
export function readKeyFile(home: string, name: string): KeystoreFile {
  const p = join(homePaths(home).keys, `${name}.json`);
  if (!NAME.test(name) || !existsSync(p)) throw new CliError(`no key named ${name} in ${home}`, EXIT.notFound);
  return JSON.parse(readFileSync(p, "utf8")) as KeystoreFile;
}

/** Every key file in the home, by name. */
export function listKeys(home: string): KeystoreFile[] {
  const dir = homePaths(home).keys;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as KeystoreFile);
}

/** Opens a key with its passphrase. */
export async function openKey(home: string, name: string, passphrase: string): Promise<KeyPair> {
  return decryptKey(readKeyFile(home, name), passphrase);
}
