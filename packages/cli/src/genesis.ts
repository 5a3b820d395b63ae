/**
 * Builds genesis documents: the city currency, funded accounts (the treasury
 * module account included), asset creators, the founding organizations of the
 * consortium, the governance parameters and, on CometBFT networks, the
 * initial validator set. After genesis nobody is a superuser: the validator
 * set, the organizations and the parameters change only by governance.
 */
import { defaultModules, type GenesisDoc } from "@urbis/node";
import { DEFAULT_SECTORS, TREASURY_ADDRESS } from "@urbis/protocol";
import { AppErrors, buildValidatorGenesis, type ValidatorGenesisSpec } from "@urbis/state";

/** The city currency as set in genesis. */
export interface CurrencySpec {
  denom: string;
  name: string;
  symbol: string;
  decimals: number;
}

/** Default city currency: the Urbis City Credit, 6 decimals, base unit `ucity`. */
export const DEFAULT_CURRENCY: CurrencySpec = { denom: "ucity", name: "Urbis City Credit", symbol: "UCC", decimals: 6 };

/** A founding organization of the consortium (the `org` genesis section's entry). */
export interface OrganizationSpec {
  /** Slug, e.g. `general-hospital`. */
  id: string;
  /** Display name, e.g. `General Hospital`. */
  name: string;
  /** One of the organization module's sectors, e.g. `health`. */
  sector: string;
  /** Accounts that act for it (vote, manage members, grant roles). */
  admins: string[];
  /** Accounts besides the admins. */
  members?: string[];
  /** Its CometBFT validator key (padded base64), if it runs a validator. */
  validatorKey?: string;
  /** Roles governance delegates to it at genesis, e.g. `health.provider`. */
  delegations?: string[];
  /** Delegated roles granted to its admins or members. */
  grants?: { member: string; role: string }[];
}

/**
 * Governance parameters a genesis may override (see {@link governanceParams}
 * for the defaults). Periods are in milliseconds; basis points are 1/10000.
 */
export interface GovernanceSpec {
  /** Deposit that opens voting, in base units of the city currency. Default 1000 whole units. */
  minDeposit?: bigint;
  /** Default 2 days. */
  depositPeriodMs?: bigint;
  /** Default 3 days. */
  votingPeriodMs?: bigint;
  /** Delay between a passed vote and execution. Default 0. */
  timelockMs?: bigint;
  /** Share of the total weight that must vote. Default 5000 (50 %). */
  quorumBps?: number;
  /** Share of the non-abstaining weight that must vote yes. Default 5000 (50 %). */
  thresholdBps?: number;
  /** Share of the weight vetoing that rejects and burns the deposits. Default 3334. */
  vetoBps?: number;
  /**
   * Distinct sectors that must have an organization voting yes. Default 3,
   * or the number of distinct founding sectors when fewer (so a young chain
   * can still govern itself).
   */
  minApprovingSectors?: number;
  /** Voting weight of each sector's organizations. Default: government 3, health 2, finance 2, every other sector 1. */
  sectorWeights?: { sector: string; weight: number }[];
}

/** Inputs of a genesis document. */
export interface GenesisSpec {
  chainId: string;
  genesisTime: Date;
  currency: CurrencySpec;
  /** Issuer of the city currency (the treasury's key account). */
  treasury: string;
  /** Initial balances of the city currency, in base units. */
  balances: { address: string; amount: bigint }[];
  /**
   * Balance of the city treasury module account (`TREASURY_ADDRESS`), in base
   * units: public money only a passed treasury-spend proposal can pay out. Default 0.
   */
  treasuryFunds?: bigint;
  /** Who may create new assets (e.g. banks issuing tokenized deposits). */
  assetCreators: string[];
  /** The founding organizations of the consortium. */
  organizations: OrganizationSpec[];
  /** Overrides of the default governance parameters. */
  governance?: GovernanceSpec;
  auth?: { maxTxsPerWindow: number; windowBlocks: number };
}

const DAY_MS = 24n * 3600n * 1000n;

/** The `gov` genesis section as JSON: every number a decimal string. */
export interface GovGenesisJson {
  params: {
    depositDenom: string;
    minDeposit: string;
    depositPeriodMs: string;
    votingPeriodMs: string;
    timelockMs: string;
    quorumBps: string;
    thresholdBps: string;
    vetoBps: string;
    minApprovingSectors: string;
    sectorWeights: { sector: string; weight: string }[];
  };
}

/** Default voting weights: government 3, health 2, finance 2, every other default sector 1. */
export function defaultSectorWeights(): { sector: string; weight: number }[] {
  const heavy: Record<string, number> = { government: 3, health: 2, finance: 2 };
  return DEFAULT_SECTORS.map((sector) => ({ sector, weight: heavy[sector] ?? 1 }));
}

/** The `gov` section for a chain whose currency is `currency` and whose founders are `organizations`. */
export function governanceParams(
  currency: CurrencySpec,
  organizations: readonly OrganizationSpec[],
  g: GovernanceSpec = {},
): GovGenesisJson {
  const sectors = new Set(organizations.map((o) => o.sector)).size;
  const minApprovingSectors = g.minApprovingSectors ?? Math.max(1, Math.min(3, sectors));
  return {
    params: {
      depositDenom: currency.denom,
      minDeposit: (g.minDeposit ?? 1000n * 10n ** BigInt(currency.decimals)).toString(),
      depositPeriodMs: (g.depositPeriodMs ?? 2n * DAY_MS).toString(),
      votingPeriodMs: (g.votingPeriodMs ?? 3n * DAY_MS).toString(),
      timelockMs: (g.timelockMs ?? 0n).toString(),
      quorumBps: String(g.quorumBps ?? 5000),
      thresholdBps: String(g.thresholdBps ?? 5000),
      vetoBps: String(g.vetoBps ?? 3334),
      minApprovingSectors: String(minApprovingSectors),
      sectorWeights: (g.sectorWeights ?? defaultSectorWeights()).map((w) => ({
        sector: w.sector,
        weight: String(w.weight),
      })),
    },
  };
}

/** The `org` genesis section's organization entry for `o` (optional fields left out when empty). */
function organizationJson(o: OrganizationSpec): Record<string, unknown> {
  return {
    id: o.id,
    name: o.name,
    sector: o.sector,
    admins: [...o.admins],
    ...(o.members?.length ? { members: [...o.members] } : {}),
    ...(o.validatorKey !== undefined ? { validatorKey: o.validatorKey } : {}),
    ...(o.delegations?.length ? { delegations: [...o.delegations] } : {}),
    ...(o.grants?.length ? { grants: o.grants.map((x) => ({ member: x.member, role: x.role })) } : {}),
  };
}

/** A genesis document for `spec` (no validator section: add one with {@link withValidators}). */
export function buildGenesis(spec: GenesisSpec): GenesisDoc {
  const balances = [...spec.balances];
  if ((spec.treasuryFunds ?? 0n) > 0n) balances.push({ address: TREASURY_ADDRESS, amount: spec.treasuryFunds ?? 0n });
  return {
    chainId: spec.chainId,
    genesisTime: spec.genesisTime.toISOString(),
    initialHeight: "1",
    appState: {
      auth: {
        params: {
          maxTxsPerWindow: String(spec.auth?.maxTxsPerWindow ?? 1000),
          windowBlocks: String(spec.auth?.windowBlocks ?? 10),
        },
      },
      bank: {
        params: { assetCreators: spec.assetCreators },
        assets: [
          {
            denom: spec.currency.denom,
            name: spec.currency.name,
            symbol: spec.currency.symbol,
            decimals: spec.currency.decimals,
            issuer: spec.treasury,
          },
        ],
        balances: balances
          .filter((b) => b.amount > 0n)
          .map((b) => ({ address: b.address, coins: [{ denom: spec.currency.denom, amount: b.amount.toString() }] })),
      },
      org: { organizations: spec.organizations.map(organizationJson) },
      gov: governanceParams(spec.currency, spec.organizations, spec.governance),
    },
  };
}

/**
 * Adds the `validator` module's section to a genesis: the initial validator
 * set (only governance changes it afterwards).
 */
export function withValidators(doc: GenesisDoc, validators: ValidatorGenesisSpec["validators"]): GenesisDoc {
  return { ...doc, appState: { ...doc.appState, validator: buildValidatorGenesis({ validators }) } };
}

/**
 * Checks every section of `doc` with the parsers of the modules a node would
 * run for it: fails with `app.invalid_genesis` exactly as InitChain would, so
 * a bad document is refused when it is written rather than when the chain starts.
 */
export function checkGenesis(doc: GenesisDoc): GenesisDoc {
  const modules = defaultModules(doc);
  for (const name of Object.keys(doc.appState)) {
    if (!modules.some((m) => m.name === name)) {
      throw AppErrors.invalidGenesis.create(`genesis has a section for unknown module ${name}`);
    }
  }
  for (const m of modules) m.genesis.parse(doc.appState[m.name]);
  return doc;
}
