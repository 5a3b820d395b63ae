/**
 * Local multi-validator networks: a folder with one Urbis home per
 * organization (config, genesis, demo keys, a CometBFT home with its own
 * validator and node keys), distinct loopback ports, and every validator
 * listed as a persistent peer of the others. `network.json` describes it so
 * an existing network can be started again.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ensureCometbft, initCometHome, nodeId, validatorPublicKey } from "@urbis/node";
import { validatorKeyToBase64 } from "@urbis/protocol";
import { DEMO_ACCOUNTS, DEMO_ORGANIZATIONS, DEMO_PASSPHRASE, demoGenesisSpec, demoKey } from "./demo.js";
import { buildGenesis, checkGenesis, type GovernanceSpec, type OrganizationSpec, withValidators } from "./genesis.js";
import { homePaths, type NodeConfig, saveKey, writeConfig } from "./home.js";
import { CliError, EXIT } from "./output.js";

/** Organizations that run the demo network's validators, in order (the demo city's founders). */
export const ORGANIZATIONS = DEMO_ORGANIZATIONS.map((o) => o.id);

/** One node of a network. */
export interface NetworkNode {
  name: string;
  home: string;
  nodeId: string;
  apiPort: number;
  rpcPort: number;
  p2pPort: number;
  /** Whether the genesis lists it as a validator. */
  validator: boolean;
}

/** `network.json`. */
export interface Network {
  chainId: string;
  dir: string;
  nodes: NetworkNode[];
}

/** Inputs of {@link createNetwork}. */
export interface NetworkSpec {
  dir: string;
  validators: number;
  chainId?: string;
  /** Node i uses basePort+10i (p2p), +1 (CometBFT RPC), +2 (API). Default 26600. */
  basePort?: number;
  /** CometBFT's timeout_commit. Default 1000 ms. */
  timeoutCommitMs?: number;
  /** Voting power of each validator. Default 10. */
  power?: bigint;
  /** Take a state-sync snapshot every N heights (0 = never). Default 50. */
  snapshotInterval?: number;
  /** Snapshots each node keeps. Default 3. */
  snapshotKeep?: number;
  /** More funded accounts (base units of the city currency) beside the demo ones, e.g. bench senders. */
  extraBalances?: { address: string; amount: bigint }[];
  /** Overrides of the governance parameters (e.g. short voting periods for tests). */
  governance?: GovernanceSpec;
}

const networkFile = (dir: string) => join(dir, "network.json");

/** Reads an existing network folder, or undefined if there is none. */
export function readNetwork(dir: string): Network | undefined {
  const p = networkFile(resolve(dir));
  return existsSync(p) ? (JSON.parse(readFileSync(p, "utf8")) as Network) : undefined;
}

function saveNetwork(n: Network): void {
  writeFileSync(networkFile(n.dir), `${JSON.stringify(n, null, 2)}\n`);
}

function nodeConfig(
  n: Network,
  node: NetworkNode,
  timeoutCommitMs: number,
  snapshots: { interval: number; keep: number },
): NodeConfig {
  return {
    chainId: n.chainId,
    api: { host: "127.0.0.1", port: node.apiPort },
    blockIntervalMs: timeoutCommitMs,
    keepRecent: 0,
    engine: "cometbft",
    cometbft: {
      moniker: node.name,
      rpcPort: node.rpcPort,
      p2pPort: node.p2pPort,
      persistentPeers: n.nodes.filter((p) => p !== node).map((p) => `${p.nodeId}@127.0.0.1:${p.p2pPort}`),
      timeoutCommitMs,
      snapshotInterval: snapshots.interval,
      snapshotKeep: snapshots.keep,
    },
  };
}

/** Node `i` of a network in `dir`: its CometBFT home (keys from `cometbft init`) and its ports. */
function newNode(binary: string, dir: string, i: number, base: number, validator: boolean): NetworkNode {
  const home = join(dir, `node${i}`);
  initCometHome(binary, homePaths(home).cometbft);
  return {
    name: ORGANIZATIONS[i] ?? `organization-${i}`,
    home,
    nodeId: nodeId(homePaths(home).cometbft),
    p2pPort: base + 10 * i,
    rpcPort: base + 10 * i + 1,
    apiPort: base + 10 * i + 2,
    validator,
  };
}

async function saveDemoKeys(home: string): Promise<void> {
  for (const a of DEMO_ACCOUNTS) {
    if (!existsSync(join(homePaths(home).keys, `${a.name}.json`))) {
      await saveKey(home, a.name, demoKey(a.name), DEMO_PASSPHRASE);
    }
  }
}

/**
 * The founding organizations of a network whose validator `i` is run by
 * `nodes[i]`: the demo city's organizations, each declaring its node's
 * CometBFT validator key; past the eighth, one civil-society organization per
 * node, administered by the demo key named after it.
 */
function networkOrganizations(nodes: readonly NetworkNode[]): OrganizationSpec[] {
  const founders = demoGenesisSpec().organizations;
  const keyOf = (n: NetworkNode) => validatorKeyToBase64(validatorPublicKey(homePaths(n.home).cometbft));
  const orgs = founders.map((o, i) => {
    const node = nodes[i];
    return node ? { ...o, validatorKey: keyOf(node) } : o;
  });
  for (const node of nodes.slice(founders.length)) {
    orgs.push({
      id: node.name,
      name: `Organization ${node.name.slice("organization-".length)}`,
      sector: "civil_society",
      admins: [demoKey(node.name).address],
      validatorKey: keyOf(node),
    });
  }
  return orgs;
}

/**
 * Creates a network of `validators` organizations in `dir`: the demo city's
 * genesis (its founding organizations, the treasury, two citizens) with each
 * node's organization declaring its node's key, and every node a validator.
 * Only governance changes the validator set afterwards.
 */
export async function createNetwork(spec: NetworkSpec): Promise<Network> {
  const dir = resolve(spec.dir);
  if (readNetwork(dir)) throw new CliError(`${dir} already holds a network`, EXIT.usage);
  if (!Number.isInteger(spec.validators) || spec.validators < 1 || spec.validators > 32) {
    throw new CliError("--validators must be between 1 and 32", EXIT.usage);
  }
  const binary = ensureCometbft();
  const base = spec.basePort ?? 26600;
  const chainId = spec.chainId ?? "urbis-testnet-1";
  const timeoutCommitMs = spec.timeoutCommitMs ?? 1000;
  mkdirSync(dir, { recursive: true });
  const nodes: NetworkNode[] = [];
  for (let i = 0; i < spec.validators; i++) nodes.push(newNode(binary, dir, i, base, true));
  const demo = demoGenesisSpec(chainId, spec.governance);
  const genesis = checkGenesis(
    withValidators(
      buildGenesis({
        ...demo,
        balances: [...demo.balances, ...(spec.extraBalances ?? [])],
        organizations: networkOrganizations(nodes),
      }),
      nodes.map((n) => ({
        name: n.name,
        publicKey: validatorPublicKey(homePaths(n.home).cometbft),
        power: spec.power ?? 10n,
      })),
    ),
  );
  const net: Network = { chainId, dir, nodes };
  for (const node of nodes) {
    writeConfig(
      node.home,
      nodeConfig(net, node, timeoutCommitMs, {
        interval: spec.snapshotInterval ?? 50,
        keep: spec.snapshotKeep ?? 3,
      }),
    );
    writeFileSync(homePaths(node.home).genesis, `${JSON.stringify(genesis, null, 2)}\n`);
    await saveDemoKeys(node.home);
  }
  saveNetwork(net);
  return net;
}

/** Options of {@link addNode}. */
export interface AddNodeOptions {
  /** Join by state sync, trusting this header (height and hex hash). */
  stateSync?: { trustHeight: bigint; trustHash: string };
  /** CometBFT's timeout_commit. Default 1000 ms. */
  timeoutCommitMs?: number;
}

/**
 * Adds a non-validator full node to a network (it can become a validator
 * through a governance proposal carrying `validator/add`). Its peers are the existing nodes; with
 * `stateSync` it joins from a snapshot served by two of them.
 */
export async function addNode(dir: string, o: AddNodeOptions = {}): Promise<NetworkNode> {
  const net = readNetwork(dir);
  if (!net) throw new CliError(`${dir} holds no network`, EXIT.notFound);
  const binary = ensureCometbft();
  const i = net.nodes.length;
  const first = net.nodes[0] as NetworkNode;
  const base = first.p2pPort;
  const node = newNode(binary, net.dir, i, base, false);
  const home = node.home;
  const genesis = readFileSync(homePaths(first.home).genesis, "utf8");
  const config = nodeConfig(net, node, o.timeoutCommitMs ?? 1000, { interval: 50, keep: 3 });
  if (o.stateSync && config.cometbft) {
    config.cometbft.stateSync = {
      rpcServers: net.nodes.slice(0, 2).map((n) => `http://127.0.0.1:${n.rpcPort}`),
      trustHeight: o.stateSync.trustHeight.toString(),
      trustHash: o.stateSync.trustHash,
    };
  }
  writeConfig(home, config);
  writeFileSync(homePaths(home).genesis, genesis);
  await saveDemoKeys(home);
  net.nodes.push(node);
  saveNetwork(net);
  return node;
}

/** The validator public key (base64) of a node. */
export function nodeValidatorKey(node: NetworkNode): string {
  return Buffer.from(validatorPublicKey(homePaths(node.home).cometbft)).toString("base64");
}
