/**
 * A CometBFT home for an Urbis node: `cometbft init` makes the keys and the
 * default config; Urbis then writes the genesis (from its own genesis
 * document, whose `validator` section is the source of the validator set) and
 * patches the handful of config settings it needs.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cometAddress } from "@urbis/protocol";
import type { GenesisDoc, ValidatorGenesisJson } from "@urbis/state";
import { NodeErrors } from "../errors.js";

/** A value of a TOML setting. */
export type TomlValue = string | number | boolean;

/**
 * Replaces `key = value` lines of a TOML document, by section ("" = top level).
 * Only keys that already exist are replaced (CometBFT's generated config lists
 * every setting), so a typo fails loudly instead of adding an ignored line.
 * Hand-written: the generated file is flat `key = value` lines, and a TOML
 * library would drop its comments.
 */
export function patchToml(text: string, patches: Record<string, Record<string, TomlValue>>): string {
  const pending = new Map<string, Set<string>>();
  for (const [s, kv] of Object.entries(patches)) pending.set(s, new Set(Object.keys(kv)));
  let section = "";
  const out = text.split("\n").map((line) => {
    const sec = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (sec) {
      section = sec[1] as string;
      return line;
    }
    const kv = /^(\s*)([A-Za-z0-9_.-]+)\s*=/.exec(line);
    const patch = patches[section];
    if (!kv || !patch) return line;
    const key = kv[2] as string;
    if (!(key in patch)) return line;
    pending.get(section)?.delete(key);
    const v = patch[key] as TomlValue;
    return `${kv[1]}${key} = ${typeof v === "string" ? JSON.stringify(v) : String(v)}`;
  });
  for (const [s, keys] of pending) {
    if (keys.size > 0) throw NodeErrors.engineUnavailable.create(`config.toml has no [${s}] ${[...keys].join(", ")}`);
  }
  return out.join("\n");
}

/** Paths inside a CometBFT home. */
export function cometPaths(home: string) {
  return {
    home,
    config: join(home, "config", "config.toml"),
    genesis: join(home, "config", "genesis.json"),
    nodeKey: join(home, "config", "node_key.json"),
    validatorKey: join(home, "config", "priv_validator_key.json"),
    log: join(home, "cometbft.log"),
  };
}

/** Runs `cometbft init` unless the home already has a config. */
export function initCometHome(binary: string, home: string): void {
  if (existsSync(cometPaths(home).config)) return;
  const r = spawnSync(binary, ["init", "--home", home], { encoding: "utf8" });
  if (r.status !== 0) {
    throw NodeErrors.engineUnavailable.create(`cometbft init --home ${home} failed: ${r.stderr || r.stdout}`);
  }
}

interface KeyFile {
  priv_key: { type: string; value: string };
}

function publicKeyOfKeyFile(path: string): Uint8Array {
  const f = JSON.parse(readFileSync(path, "utf8")) as KeyFile;
  const raw = Buffer.from(f.priv_key.value, "base64");
  if (f.priv_key.type !== "tendermint/PrivKeyEd25519" || raw.length !== 64) {
    throw NodeErrors.engineUnavailable.create(`${path} is not an Ed25519 key file`);
  }
  // CometBFT stores seed ‖ public key.
  return new Uint8Array(raw.subarray(32));
}

/** The validator's consensus public key of a CometBFT home. */
export function validatorPublicKey(home: string): Uint8Array {
  return publicKeyOfKeyFile(cometPaths(home).validatorKey);
}

/** The p2p node id of a CometBFT home (hex of the first 20 bytes of SHA-256 of its node key). */
export function nodeId(home: string): string {
  return cometAddress(publicKeyOfKeyFile(cometPaths(home).nodeKey)).toLowerCase();
}

/** The validators of an Urbis genesis document, or [] if it has no `validator` section. */
export function genesisValidators(doc: GenesisDoc): ValidatorGenesisJson["validators"] {
  const sec = doc.appState.validator as Partial<ValidatorGenesisJson> | undefined;
  return sec?.validators ?? [];
}

/**
 * CometBFT's genesis.json for an Urbis genesis: same chain id and time, the
 * Urbis app state verbatim, and the validator set of the `validator` section
 * (InitChain returns the same set, so the two never disagree).
 */
export function cometGenesis(doc: GenesisDoc, consensusParams?: unknown): Record<string, unknown> {
  const validators = genesisValidators(doc);
  if (validators.length === 0) {
    throw NodeErrors.invalidGenesis.create(
      "a CometBFT network needs validators: the genesis has no `validator` section (use `urbis testnet` or `urbis init --engine cometbft`)",
    );
  }
  return {
    genesis_time: doc.genesisTime,
    chain_id: doc.chainId,
    initial_height: doc.initialHeight,
    consensus_params: consensusParams ?? {
      block: { max_bytes: "22020096", max_gas: "-1" },
      evidence: { max_age_num_blocks: "100000", max_age_duration: "172800000000000", max_bytes: "1048576" },
      validator: { pub_key_types: ["ed25519"] },
      version: { app: "0" },
      abci: { vote_extensions_enable_height: "0" },
    },
    validators: validators.map((v) => ({
      address: cometAddress(Buffer.from(v.publicKey, "base64")),
      pub_key: { type: "tendermint/PubKeyEd25519", value: v.publicKey },
      power: v.power,
      name: v.name,
    })),
    app_hash: "",
    app_state: doc.appState,
  };
}

/** Writes the CometBFT genesis of `doc` into a home. */
export function writeCometGenesis(home: string, doc: GenesisDoc): void {
  writeFileSync(cometPaths(home).genesis, `${JSON.stringify(cometGenesis(doc), null, 2)}\n`);
}

/** The settings Urbis controls in a CometBFT home's config.toml. */
export interface CometSettings {
  moniker: string;
  /** Where the Urbis app listens for ABCI, e.g. unix:///path/abci.sock. */
  proxyApp: string;
  rpcPort: number;
  p2pPort: number;
  /** `id@127.0.0.1:port` of the other validators. */
  persistentPeers: string[];
  /** Pause after a commit before the next height. Default 1000 ms. */
  timeoutCommitMs?: number;
  /** Propose timeout. Default 3000 ms. */
  timeoutProposeMs?: number;
  /** CometBFT's log level. Default "info". */
  logLevel?: string;
  /** Join by state sync from these RPC servers, trusting this header. */
  stateSync?: { rpcServers: string[]; trustHeight: bigint; trustHash: string; trustPeriod?: string };
  /** Mempool capacity in transactions. Default 20 000. */
  mempoolSize?: number;
}

/** Applies `s` to a home's config.toml. */
export function configureCometHome(home: string, s: CometSettings): void {
  const p = cometPaths(home).config;
  const text = patchToml(readFileSync(p, "utf8"), {
    "": { moniker: s.moniker, proxy_app: s.proxyApp, log_level: s.logLevel ?? "info" },
    rpc: {
      laddr: `tcp://127.0.0.1:${s.rpcPort}`,
      max_body_bytes: 16_000_000,
      // The engine sends its broadcasts as JSON-RPC batches of up to 200 (see CometRpc).
      max_request_batch_size: 200,
      timeout_broadcast_tx_commit: "30s",
    },
    p2p: {
      laddr: `tcp://127.0.0.1:${s.p2pPort}`,
      external_address: `127.0.0.1:${s.p2pPort}`,
      persistent_peers: s.persistentPeers.join(","),
      addr_book_strict: false,
      allow_duplicate_ip: true,
    },
    mempool: { size: s.mempoolSize ?? 20_000, cache_size: 100_000 },
    statesync: s.stateSync
      ? {
          enable: true,
          rpc_servers: s.stateSync.rpcServers.join(","),
          trust_height: Number(s.stateSync.trustHeight),
          trust_hash: s.stateSync.trustHash,
          trust_period: s.stateSync.trustPeriod ?? "168h0m0s",
          // Loopback peers answer at once; CometBFT's 15 s default is for the open internet.
          discovery_time: "5s",
        }
      : { enable: false },
    consensus: {
      timeout_commit: `${s.timeoutCommitMs ?? 1000}ms`,
      timeout_propose: `${s.timeoutProposeMs ?? 3000}ms`,
    },
  });
  writeFileSync(p, text);
}
