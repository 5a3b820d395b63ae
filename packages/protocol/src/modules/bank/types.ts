/**
 * Wire and state types of the bank module: coins, asset records, parameters,
 * and the stateless rules every denom, amount and asset's metadata must follow
 * (shared by the state machine, genesis and the browser SDK).
 */
import { type Address, addressCodec } from "../../address.js";
import { utf8 } from "../../bytes.js";
import { type Codec, type Infer, MAX_U128, option, string, struct, u8, u128, vec } from "../../codec/index.js";
import { BankErrors } from "./errors.js";

/** What every denom must match: a lowercase letter, then 2 to 15 lowercase letters or digits. */
export const DENOM_PATTERN = /^[a-z][a-z0-9]{2,15}$/;
/** Longest denom string the codec accepts on the wire; {@link DENOM_PATTERN} is the real rule. */
export const MAX_DENOM_WIRE_BYTES = 64;
/** Longest asset name, in UTF-8 bytes. */
export const MAX_ASSET_NAME_BYTES = 64;
/** Longest asset name the codec accepts on the wire; {@link MAX_ASSET_NAME_BYTES} is the real rule. */
export const MAX_ASSET_NAME_WIRE_BYTES = 256;
/** What every asset symbol must match: a letter, then up to 11 letters or digits (e.g. `URB`, `cUSD`). */
export const SYMBOL_PATTERN = /^[A-Za-z][A-Za-z0-9]{0,11}$/;
/** Longest symbol the codec accepts on the wire; {@link SYMBOL_PATTERN} is the real rule. */
export const MAX_SYMBOL_WIRE_BYTES = 64;
/** Most decimals an asset may declare. */
export const MAX_DECIMALS = 18;
/** Most entries of the `assetCreators` parameter. */
export const MAX_ASSET_CREATORS = 256;

/** A denom on the wire: a string of at most {@link MAX_DENOM_WIRE_BYTES} bytes (pattern checked by validation). */
export const denomCodec: Codec<string> = string(MAX_DENOM_WIRE_BYTES);

/** An amount of one denom. */
export const coinCodec = struct({ denom: denomCodec, amount: u128 });
/** An amount of one denom; `amount` is in the asset's smallest unit. */
export type Coin = Infer<typeof coinCodec>;

/** The record of one asset, stored under its denom. */
export const assetInfoCodec = struct({
  /** Unique id, e.g. `urbs`. */
  denom: denomCodec,
  /** Display name, e.g. `Urbis City Credit`. */
  name: string(MAX_ASSET_NAME_WIRE_BYTES),
  /** Ticker, e.g. `URB`. */
  symbol: string(MAX_SYMBOL_WIRE_BYTES),
  /** Places of the display unit: 2 means an amount of 150 shows as 1.50. */
  decimals: u8,
  /** The only address that may mint and burn the asset. */
  issuer: addressCodec,
  /** Total amount in existence: always the sum of every balance of the denom. */
  supply: u128,
  /** Largest supply minting may reach; absent means only the u128 range bounds it. */
  maxSupply: option(u128),
});
/** The record of one asset. */
export type AssetInfo = Infer<typeof assetInfoCodec>;

/** Bank parameters (changed by governance in a later issue). */
export const bankParamsCodec = struct({
  /** Addresses allowed to create assets with `bank/create_asset`. */
  assetCreators: vec(addressCodec, MAX_ASSET_CREATORS),
});
/** Bank parameters. */
export type BankParams = Infer<typeof bankParamsCodec>;

/** Parameters of a new chain unless genesis says otherwise: nobody may create assets. */
export const DEFAULT_BANK_PARAMS: BankParams = { assetCreators: [] };

/** The descriptive part of an asset, as `bank/create_asset` gives it. */
export interface AssetMetadata {
  name: string;
  symbol: string;
  decimals: number;
  maxSupply: bigint | undefined;
}

/** Whether `s` is a well-formed denom. */
export function isDenom(s: unknown): s is string {
  return typeof s === "string" && DENOM_PATTERN.test(s);
}

/** Fails with `bank.invalid_denom` unless `denom` matches {@link DENOM_PATTERN}. */
export function validateDenom(denom: string): void {
  if (!isDenom(denom))
    throw BankErrors.invalidDenom.create(`invalid denom ${JSON.stringify(denom)}: must match ${DENOM_PATTERN}`);
}

/**
 * Fails with `bank.invalid_amount` unless `amount` is strictly positive, and
 * with `bank.overflow` if it exceeds the largest u128 (possible only for
 * amounts computed by other modules, never for decoded ones).
 */
export function validateAmount(amount: bigint): void {
  if (typeof amount !== "bigint" || amount <= 0n) {
    throw BankErrors.invalidAmount.create(`amount must be strictly positive, got ${String(amount)}`);
  }
  if (amount > MAX_U128) throw BankErrors.overflow.create(`amount ${amount} exceeds the largest u128`);
}

const CONTROL = /\p{Cc}/u;

/**
 * Checks an asset's metadata: name of 1 to 64 UTF-8 bytes without control
 * characters or surrounding spaces, symbol matching {@link SYMBOL_PATTERN},
 * decimals at most {@link MAX_DECIMALS} (all `bank.invalid_metadata`), and a
 * `maxSupply`, when given, strictly positive (`bank.invalid_amount`).
 */
export function validateAssetMetadata(m: AssetMetadata): void {
  if (m.name.length === 0 || utf8(m.name).length > MAX_ASSET_NAME_BYTES) {
    throw BankErrors.invalidMetadata.create(`asset name must be 1 to ${MAX_ASSET_NAME_BYTES} UTF-8 bytes`);
  }
  if (CONTROL.test(m.name) || m.name.trim() !== m.name) {
    throw BankErrors.invalidMetadata.create("asset name must have no control characters or surrounding whitespace");
  }
  if (!SYMBOL_PATTERN.test(m.symbol)) {
    throw BankErrors.invalidMetadata.create(`invalid symbol ${JSON.stringify(m.symbol)}: must match ${SYMBOL_PATTERN}`);
  }
  if (!Number.isInteger(m.decimals) || m.decimals < 0 || m.decimals > MAX_DECIMALS) {
    throw BankErrors.invalidMetadata.create(`decimals must be 0 to ${MAX_DECIMALS}, got ${m.decimals}`);
  }
  if (m.maxSupply !== undefined) {
    if (m.maxSupply <= 0n) throw BankErrors.invalidAmount.create("maxSupply must be strictly positive when given");
    if (m.maxSupply > MAX_U128) throw BankErrors.overflow.create(`maxSupply ${m.maxSupply} exceeds the largest u128`);
  }
}

/** A coin as JSON: the amount as a decimal string (what queries and genesis use). */
export interface CoinJson {
  denom: string;
  amount: string;
}

/** JSON form of a coin. */
export function coinToJson(c: Coin): CoinJson {
  return { denom: c.denom, amount: c.amount.toString() };
}

/** An asset record as JSON: amounts as decimal strings, `maxSupply` null when uncapped. */
export interface AssetInfoJson {
  denom: string;
  name: string;
  symbol: string;
  decimals: number;
  issuer: Address;
  supply: string;
  maxSupply: string | null;
}

/** JSON form of an asset record. */
export function assetInfoToJson(a: AssetInfo): AssetInfoJson {
  return {
    denom: a.denom,
    name: a.name,
    symbol: a.symbol,
    decimals: a.decimals,
    issuer: a.issuer,
    supply: a.supply.toString(),
    maxSupply: a.maxSupply === undefined ? null : a.maxSupply.toString(),
  };
}
