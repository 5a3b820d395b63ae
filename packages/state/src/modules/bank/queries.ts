/**
 * Queries of the bank module. Answers are JSON with every amount as a decimal
 * string; a denom that names no asset fails with `bank.unknown_denom`.
 */
import { assetInfoToJson, BankErrors, coinToJson, DENOM_PATTERN } from "@urbis/protocol";
import { AppErrors } from "../../app/errors.js";
import { JsonReader } from "../../framework/json.js";
import type { QueryHandler } from "../../framework/module.js";
import type { BankView } from "./keeper.js";

/**
 * Queries of the bank module:
 * - `bank/balance` {address, denom} → {address, denom, amount}
 * - `bank/balances` {address} → {address, balances: [{denom, amount}]} (denom order, positive only)
 * - `bank/supply` {denom} → {denom, supply}
 * - `bank/asset` {denom} → the asset record (see `assetInfoToJson`)
 * - `bank/assets` {} → {assets: [...]} in denom order
 * - `bank/params` {} → {assetCreators: [...]}
 */
export function bankQueries(keeper: BankView): QueryHandler[] {
  const j = new JsonReader(AppErrors.invalidQuery);
  const known = (ctx: Parameters<QueryHandler["handle"]>[0], denom: string) => {
    const a = keeper.asset(ctx.store, denom);
    if (!a) throw BankErrors.unknownDenom.create(`no asset has denom ${denom}`, { denom });
    return a;
  };
  return [
    {
      path: "bank/balance",
      handle(ctx, params) {
        const address = j.at("address").address(params.address);
        const denom = j.at("denom").string(params.denom, DENOM_PATTERN);
        known(ctx, denom);
        return { address, denom, amount: keeper.balance(ctx.store, address, denom).toString() };
      },
    },
    {
      path: "bank/balances",
      handle(ctx, params) {
        const address = j.at("address").address(params.address);
        return { address, balances: keeper.balances(ctx.store, address).map((c) => ({ ...coinToJson(c) })) };
      },
    },
    {
      path: "bank/supply",
      handle(ctx, params) {
        const denom = j.at("denom").string(params.denom, DENOM_PATTERN);
        return { denom, supply: known(ctx, denom).supply.toString() };
      },
    },
    {
      path: "bank/asset",
      handle(ctx, params) {
        const denom = j.at("denom").string(params.denom, DENOM_PATTERN);
        return { ...assetInfoToJson(known(ctx, denom)) };
      },
    },
    {
      path: "bank/assets",
      handle(ctx) {
        return { assets: keeper.assets(ctx.store).map((a) => ({ ...assetInfoToJson(a) })) };
      },
    },
    {
      path: "bank/params",
      handle(ctx) {
        return { assetCreators: [...keeper.params(ctx.store).assetCreators] };
      },
    },
  ];
}
