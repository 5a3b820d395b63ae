/**
 * Bank genesis. The section reads:
 *
 * ```json
 * {
 *   "params": { "assetCreators": ["urbis1…"] },
 *   "assets": [{ "denom": "urbs", "name": "Urbis Credit", "symbol": "URB", "decimals": 2,
 *                "issuer": "urbis1…", "maxSupply": "1000000000" }],
 *   "balances": [{ "address": "urbis1…", "coins": [{ "denom": "urbs", "amount": "5000" }] }]
 * }
 * ```
 *
 * Each supply is computed from the balances (there is no supply field), so
 * "sum of balances = supply" holds from the first block. The city currency is
 * simply the first asset, its issuer typically the city treasury. Amounts are
 * decimal strings; unknown fields are refused so a typo cannot silently drop state.
 */
import {
  type AssetInfo,
  type BankParams,
  type Coin,
  DEFAULT_BANK_PARAMS,
  DENOM_PATTERN,
  decode,
  decodeAddressUncached,
  MAX_ASSET_CREATORS,
  MAX_U128,
  prefixEnd,
  UrbisError,
  u128,
  validateAssetMetadata,
} from "@urbis/protocol";
import { AppErrors } from "../../app/errors.js";
import { JsonReader } from "../../framework/json.js";
import type { GenesisHandler, Json } from "../../framework/module.js";
import type { KVRead } from "../../framework/store.js";
import type { BankKeeper, BankView } from "./keeper.js";
import { BANK_BALANCE_PREFIX, parseBalanceKey } from "./keys.js";

/** Holdings of one account at genesis. */
export interface GenesisBalance {
  address: string;
  coins: Coin[];
}

/** Parsed and validated bank genesis section; asset supplies are already computed from the balances. */
export interface BankGenesis {
  params: BankParams;
  assets: AssetInfo[];
  /**
   * The balances, in document order. From {@link parseBankGenesis}, each
   * iteration derives them afresh from the validated section: a city's
   * genesis lists a million accounts, and a parsed copy of them all would
   * double the memory InitChain needs.
   */
  balances: Iterable<GenesisBalance>;
}

/** The address in canonical (lowercase) form. */
function canonicalAddress(j: JsonReader, v: unknown): string {
  if (typeof v !== "string") return j.fail(`${JSON.stringify(v)} is not an urbis address`);
  try {
    // Uncached: a genesis lists every account once (see decodeAddressUncached).
    decodeAddressUncached(v);
  } catch {
    return j.fail(`${JSON.stringify(v)} is not an urbis address`);
  }
  // Bech32m decodes only all-lowercase or all-uppercase strings; the lowercase one is the encoding.
  return v.toLowerCase();
}

/** Parses and validates a bank genesis section (undefined means an empty bank with default parameters). */
export function parseBankGenesis(json: unknown): BankGenesis {
  const j = new JsonReader(AppErrors.invalidGenesis, "bank");
  if (json === undefined) return { params: DEFAULT_BANK_PARAMS, assets: [], balances: [] };
  const o = j.record(json, ["params", "assets", "balances"]);

  // Parameters.
  const jp = j.at("params");
  const p = o.params === undefined ? {} : jp.object(o.params);
  jp.noExtraKeys(p, ["assetCreators"]);
  const creatorsRaw = p.assetCreators === undefined ? [] : jp.at("assetCreators").array(p.assetCreators);
  if (creatorsRaw.length > MAX_ASSET_CREATORS) jp.at("assetCreators").fail(`at most ${MAX_ASSET_CREATORS} entries`);
  const assetCreators: string[] = [];
  creatorsRaw.forEach((c, i) => {
    const addr = canonicalAddress(jp.at(`assetCreators[${i}]`), c);
    if (assetCreators.includes(addr)) jp.at(`assetCreators[${i}]`).fail(`duplicate address ${addr}`);
    assetCreators.push(addr);
  });

  // Assets.
  const assets = new Map<string, AssetInfo>();
  const assetsRaw = o.assets === undefined ? [] : j.at("assets").array(o.assets);
  assetsRaw.forEach((a, i) => {
    const ja = j.at(`assets[${i}]`);
    const ao = ja.record(a, ["denom", "name", "symbol", "decimals", "issuer", "maxSupply"]);
    const denom = ja.at("denom").string(ao.denom, DENOM_PATTERN);
    if (assets.has(denom)) ja.at("denom").fail(`duplicate denom ${denom}`);
    const info: AssetInfo = {
      denom,
      name: ja.at("name").string(ao.name),
      symbol: ja.at("symbol").string(ao.symbol),
      decimals: ja.at("decimals").smallUint(ao.decimals, 255),
      issuer: canonicalAddress(ja.at("issuer"), ao.issuer),
      supply: 0n,
      maxSupply: ja.at("maxSupply").optional(ao.maxSupply, (v) => ja.at("maxSupply").uint(v, MAX_U128)),
    };
    try {
      validateAssetMetadata(info);
    } catch (e) {
      if (e instanceof UrbisError) ja.fail(e.message);
      throw e;
    }
    assets.set(denom, info);
  });

  // Balances, and the supplies they add up to.
  const seen = new Set<string>();
  const balancesRaw = o.balances === undefined ? [] : j.at("balances").array(o.balances);
  balancesRaw.forEach((b, i) => {
    const { address, coins } = parseBalance(j, b, i, assets);
    if (seen.has(address))
      j.at(`balances[${i}]`).at("address").fail(`duplicate account ${address}; list each account once`);
    seen.add(address);
    coins.forEach((c, k) => {
      const asset = assets.get(c.denom) as AssetInfo;
      const supply = asset.supply + c.amount;
      if (supply > MAX_U128) {
        j.at(`balances[${i}]`)
          .at(`coins[${k}]`)
          .at("amount")
          .fail(`the supply of ${c.denom} would exceed the largest u128`);
      }
      asset.supply = supply;
    });
  });
  // Validated above: parsing an entry again gives the same balance and cannot fail.
  const balances: Iterable<GenesisBalance> = {
    *[Symbol.iterator]() {
      for (let i = 0; i < balancesRaw.length; i++) yield parseBalance(j, balancesRaw[i], i, assets);
    },
  };
  for (const a of assets.values()) {
    if (a.maxSupply !== undefined && a.supply > a.maxSupply) {
      j.at("balances").fail(`the balances of ${a.denom} add up to ${a.supply}, above its maxSupply ${a.maxSupply}`);
    }
  }
  return { params: { assetCreators }, assets: [...assets.values()], balances };
}

/** One entry of `balances` (checked against the declared assets), without the cross-entry checks. */
function parseBalance(j: JsonReader, b: unknown, i: number, assets: ReadonlyMap<string, AssetInfo>): GenesisBalance {
  const jb = j.at(`balances[${i}]`);
  const bo = jb.record(b, ["address", "coins"]);
  const address = canonicalAddress(jb.at("address"), bo.address);
  const denoms = new Set<string>();
  const coins = jb
    .at("coins")
    .array(bo.coins)
    .map((c, k): Coin => {
      const jc = jb.at(`coins[${k}]`);
      const co = jc.record(c, ["denom", "amount"]);
      const denom = jc.at("denom").string(co.denom, DENOM_PATTERN);
      if (!assets.has(denom)) return jc.at("denom").fail(`no asset ${denom} is declared in bank.assets`);
      if (denoms.has(denom)) jc.at("denom").fail(`duplicate denom ${denom} for ${address}`);
      denoms.add(denom);
      const amount = jc.at("amount").uint(co.amount, MAX_U128);
      if (amount === 0n) jc.at("amount").fail("must be strictly positive (zero balances are not stored)");
      return { denom, amount };
    });
  return { address, coins };
}

/** Exports bank state as a genesis section that {@link parseBankGenesis} reads back to the same state. */
export function exportBankGenesis(keeper: BankView, store: KVRead): Json {
  const assets: Json[] = keeper.assets(store).map((a) => {
    const out: { [k: string]: Json } = {
      denom: a.denom,
      name: a.name,
      symbol: a.symbol,
      decimals: a.decimals,
      issuer: a.issuer,
    };
    if (a.maxSupply !== undefined) out.maxSupply = a.maxSupply.toString();
    return out;
  });
  // Balances come out ordered by address bytes, then denom: one group per account.
  const balances: { address: string; coins: { denom: string; amount: string }[] }[] = [];
  for (const [k, v] of store.iterate(BANK_BALANCE_PREFIX, prefixEnd(BANK_BALANCE_PREFIX))) {
    const { address, denom } = parseBalanceKey(k);
    const amount = decode(u128, v).toString();
    const last = balances[balances.length - 1];
    if (last && last.address === address) last.coins.push({ denom, amount });
    else balances.push({ address, coins: [{ denom, amount }] });
  }
  return { params: { assetCreators: [...keeper.params(store).assetCreators] }, assets, balances };
}

/** Genesis handler of the bank module. */
export function bankGenesis(keeper: BankKeeper): GenesisHandler<BankGenesis> {
  return {
    parse: parseBankGenesis,
    init(ctx, g) {
      keeper.setParams(ctx.store, g.params);
      for (const a of g.assets) keeper.setAsset(ctx.store, a);
      for (const b of g.balances) {
        // Raw bytes, decoded without the address cache: every account comes once (see decodeAddressUncached).
        const raw = decodeAddressUncached(b.address);
        for (const c of b.coins) keeper.setBalance(ctx.store, raw, c.denom, c.amount);
      }
    },
    export: (ctx) => exportBankGenesis(keeper, ctx.store),
  };
}
