/**
 * The validator module: the CometBFT validator set as app state.
 *
 * Rules: only governance (an executing proposal) adds, removes and
 * re-weights validators (`validator/add`, `validator/remove`,
 * `validator/set_power`) and changes the parameters (`validator/update_params`);
 * every key is a valid 32-byte Ed25519 point of large order and unique; every
 * power is strictly positive (removal is `validator/remove`, never power 0) and
 * the total stays within CometBFT's `MaxTotalVotingPower`; the set is never
 * empty; and one block's changes add up to at most `maxChangeFraction` (1/3) of
 * the total power at the start of the block (see `ValidatorKeeper`).
 *
 * A change applies to the app's set at once. The `validatorUpdates` hook hands
 * the block's net changes to CometBFT (FinalizeBlock's `validator_updates`,
 * sorted by key bytes, power 0 = removal), which applies them from block H + 2;
 * `initialValidators` hands the genesis set to InitChain.
 */
import type { Module } from "../../framework/module.js";
import { type ValidatorGenesis, validatorGenesis } from "./genesis.js";
import { validatorHandlers } from "./handlers.js";
import { validatorInvariants } from "./invariants.js";
import { ValidatorKeeper } from "./keeper.js";
import { validatorQueries } from "./queries.js";

/** Builds the validator module around its keeper (pass one to share it with other modules). */
export function validatorModule(
  keeper = new ValidatorKeeper(),
): Module<ValidatorGenesis> & { keeper: ValidatorKeeper } {
  return {
    name: "validator",
    keeper,
    messages: validatorHandlers(keeper),
    queries: validatorQueries(keeper),
    genesis: validatorGenesis(keeper),
    invariants: validatorInvariants(keeper),
    validatorUpdates: (ctx) => keeper.takeUpdates(ctx.store),
    initialValidators: (ctx) => keeper.validators(ctx.store).map((v) => ({ publicKey: v.publicKey, power: v.power })),
  };
}
