/** Builds genesis documents: the city currency, funded accounts, asset creators. */
import type { GenesisDoc } from "@urbis/node";
import { buildValidatorGenesis, type ValidatorGenesisSpec } from "@urbis/state";

/** The city currency as set in genesis. */
export interface CurrencySpec {
  denom: string;
  name: string;
  symbol: string;
  decimals: number;
}

/** Default city currency: the Urbis City Credit, 6 decimals, base unit `ucity`. */
export const DEFAULT_CURRENCY: CurrencySpec = { denom: "ucity", name: "Urbis City Credit", symbol: "UCC", decimals: 6 };

/** Inputs of a genesis document. */
export interface GenesisSpec {
  chainId: string;
  genesisTime: Date;
  currency: CurrencySpec;
  /** Issuer of the city currency (the city treasury). */
  treasury: string;
  /** Initial balances of the city currency, in base units. */
  balances: { address: string; amount: bigint }[];
  /** Who may create new assets (e.g. banks issuing tokenized deposits). */
  assetCreators: string[];
  auth?: { maxTxsPerWindow: number; windowBlocks: number };
}

/** A genesis document for `spec`. */
export function buildGenesis(spec: GenesisSpec): GenesisDoc {
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
        balances: spec.balances
          .filter((b) => b.amount > 0n)
          .map((b) => ({ address: b.address, coins: [{ denom: spec.currency.denom, amount: b.amount.toString() }] })),
      },
    },
  };
}

/**
 * Adds the `validator` module's section to a genesis: the initial validator
 * set and the authority allowed to change it (until governance takes over).
 */
export function withValidators(
  doc: GenesisDoc,
  authority: string,
  validators: ValidatorGenesisSpec["validators"],
): GenesisDoc {
  return { ...doc, appState: { ...doc.appState, validator: buildValidatorGenesis({ authority, validators }) } };
}
