/** `urbis init`: a home with config, genesis and keys. */
import { existsSync, writeFileSync } from "node:fs";
import { ensureCometbft, initCometHome, validatorPublicKey } from "@urbis/node";
import { KeyPair, validatorKeyToBase64 } from "@urbis/sdk";
import { DEMO_ACCOUNTS, DEMO_PASSPHRASE, demoGenesisSpec, demoKey } from "../demo.js";
import {
  buildGenesis,
  checkGenesis,
  DEFAULT_CURRENCY,
  type GenesisSpec,
  type GovernanceSpec,
  withValidators,
} from "../genesis.js";
import { homePaths, type NodeConfig, saveKey, writeConfig } from "../home.js";
import { CliError, EXIT } from "../output.js";
import { getPassphrase } from "../passphrase.js";

/** Options of `urbis init`. */
export interface InitOptions {
  home: string;
  chainId?: string;
  demo?: boolean;
  port?: number;
  host?: string;
  blockInterval?: number;
  supply?: string;
  denom?: string;
  currencyName?: string;
  symbol?: string;
  decimals?: number;
  passphraseFile?: string;
  force?: boolean;
  /** "cometbft": also create a CometBFT home whose key is the chain's single validator. */
  engine?: "solo" | "cometbft";
  /** CometBFT RPC and p2p ports (engine cometbft). Default 26657, 26656. */
  rpcPort?: number;
  p2pPort?: number;
  /** Governance voting period, in seconds. Default 3 days. */
  votingPeriod?: number;
  /** Governance deposit period, in seconds. Default 2 days. */
  depositPeriod?: number;
  /** Distinct sectors that must approve a proposal. Default 3 (fewer when there are fewer founding sectors). */
  minApprovingSectors?: number;
}

/** The governance overrides given by `urbis init`'s flags; fails with a usage error on a bad value. */
export function governanceOverrides(o: InitOptions): GovernanceSpec {
  const g: GovernanceSpec = {};
  const seconds = (flag: string, v: number): bigint => {
    if (!Number.isSafeInteger(v) || v < 1)
      throw new CliError(`${flag} must be a whole number of seconds, at least 1`, EXIT.usage);
    return BigInt(v) * 1000n;
  };
  if (o.votingPeriod !== undefined) g.votingPeriodMs = seconds("--voting-period", o.votingPeriod);
  if (o.depositPeriod !== undefined) g.depositPeriodMs = seconds("--deposit-period", o.depositPeriod);
  if (o.minApprovingSectors !== undefined) {
    if (!Number.isSafeInteger(o.minApprovingSectors) || o.minApprovingSectors < 1) {
      throw new CliError("--min-approving-sectors must be a whole number, at least 1", EXIT.usage);
    }
    g.minApprovingSectors = o.minApprovingSectors;
  }
  return g;
}

/** Creates a node home. Demo homes get the well-known demo keys (passphrase "demo"). */
export async function init(
  o: InitOptions,
): Promise<{ home: string; chainId: string; accounts: { name: string; address: string }[] }> {
  const paths = homePaths(o.home);
  if (existsSync(paths.genesis) && !o.force) {
    throw new CliError(`${o.home} already has a genesis; use another --home or --force`, EXIT.usage);
  }
  const chainId = o.chainId ?? (o.demo ? "urbis-demo-1" : "urbis-1");
  if (!/^[a-z0-9][a-z0-9-]{1,48}$/.test(chainId)) throw new CliError(`invalid chain id ${chainId}`, EXIT.usage);
  const config: NodeConfig = {
    chainId,
    api: { host: o.host ?? "127.0.0.1", port: o.port ?? 8680 },
    blockIntervalMs: o.blockInterval ?? 1000,
    keepRecent: 0,
  };
  const accounts: { name: string; address: string }[] = [];
  const governance = governanceOverrides(o);
  let spec: GenesisSpec;
  if (o.demo) {
    for (const a of DEMO_ACCOUNTS) {
      const k = demoKey(a.name);
      await saveKey(o.home, a.name, k, DEMO_PASSPHRASE).catch((e) => {
        if (!(e instanceof CliError && o.force)) throw e;
      });
      accounts.push({ name: a.name, address: k.address });
    }
    spec = demoGenesisSpec(chainId, governance);
  } else {
    const passphrase = await getPassphrase(o, "Passphrase for the treasury key: ");
    if (passphrase.length < 8) throw new CliError("choose a passphrase of at least 8 characters", EXIT.usage);
    const treasury = KeyPair.generate();
    await saveKey(o.home, "treasury", treasury, passphrase);
    accounts.push({ name: "treasury", address: treasury.address });
    const currency = {
      denom: o.denom ?? DEFAULT_CURRENCY.denom,
      name: o.currencyName ?? DEFAULT_CURRENCY.name,
      symbol: o.symbol ?? DEFAULT_CURRENCY.symbol,
      decimals: o.decimals ?? DEFAULT_CURRENCY.decimals,
    };
    let supply: bigint;
    try {
      supply = BigInt(o.supply ?? "1000000000000000");
    } catch {
      throw new CliError(`--supply must be an integer amount in base units`, EXIT.usage);
    }
    // One founding organization, City Hall, administered by the treasury key: it governs alone
    // until governance admits others.
    spec = {
      chainId,
      genesisTime: new Date(),
      currency,
      treasury: treasury.address,
      balances: [{ address: treasury.address, amount: supply }],
      assetCreators: [treasury.address],
      organizations: [{ id: "city-hall", name: "City Hall", sector: "government", admins: [treasury.address] }],
      governance,
    };
  }
  let genesis: ReturnType<typeof buildGenesis>;
  if (o.engine === "cometbft") {
    initCometHome(ensureCometbft(), paths.cometbft);
    const key = validatorPublicKey(paths.cometbft);
    // City Hall runs this node's validator, and declares its key.
    spec = {
      ...spec,
      organizations: spec.organizations.map((org) =>
        org.id === "city-hall" ? { ...org, validatorKey: validatorKeyToBase64(key) } : org,
      ),
    };
    genesis = withValidators(buildGenesis(spec), [{ name: "city-hall", publicKey: key, power: 10n }]);
    config.engine = "cometbft";
    config.cometbft = {
      moniker: "city-hall",
      rpcPort: o.rpcPort ?? 26657,
      p2pPort: o.p2pPort ?? 26656,
      persistentPeers: [],
      timeoutCommitMs: o.blockInterval ?? 1000,
    };
  } else {
    genesis = buildGenesis(spec);
  }
  checkGenesis(genesis);
  writeConfig(o.home, config);
  writeFileSync(paths.genesis, `${JSON.stringify(genesis, null, 2)}\n`);
  return { home: o.home, chainId, accounts };
}
