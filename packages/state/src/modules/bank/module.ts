/**
 * The bank module: the city currency and the assets authorized issuers create.
 *
 * Rules: every amount is a strictly positive u128 and every balance and supply
 * stays within u128; only addresses in the `assetCreators` parameter create
 * assets, and each asset's issuer alone mints (up to its `maxSupply`) and burns
 * (from its own balance); a multi-send is all or nothing; a send to oneself is
 * refused (`bank.self_send`) since it moves nothing but would emit a transfer event.
 */
import type { Module } from "../../framework/module.js";
import { type BankGenesis, bankGenesis } from "./genesis.js";
import { bankHandlers } from "./handlers.js";
import { bankInvariants } from "./invariants.js";
import { BankKeeper } from "./keeper.js";
import { bankQueries } from "./queries.js";

/** Builds the bank module around its keeper (pass one to share it with other modules). */
export function bankModule(keeper = new BankKeeper()): Module<BankGenesis> & { keeper: BankKeeper } {
  return {
    name: "bank",
    keeper,
    messages: bankHandlers(keeper),
    queries: bankQueries(keeper),
    genesis: bankGenesis(keeper),
    invariants: bankInvariants(keeper),
  };
}
