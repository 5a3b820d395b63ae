/**
 * The governance module: the consortium decides together.
 *
 * Rules: a member of an active organization submits a proposal, a list of 1
 * to 16 governance-only messages (a regulation, a parameter change of any
 * module, organization admission/suspension/removal, role delegation,
 * validator changes, a software upgrade plan, a treasury spend), checked at
 * once against the current state. Deposits (anyone) open voting when they
 * reach the minimum. Each active organization votes once, through an admin,
 * with its sector's weight; a proposal passes on quorum, threshold and veto
 * over all weight AND approval in at least `minApprovingSectors` sectors
 * (see `tallyVotes`). A passed proposal runs after its timelock as the
 * governance authority (`GOVERNANCE_ADDRESS`), the only signer of every
 * governance-only message, so after genesis no account is a superuser.
 * Every step is an event and every proposal, vote, deposit and regulation
 * version stays queryable, so every rule change can be audited.
 */
import type { Module } from "../../framework/module.js";
import { type GovGenesis, govGenesis } from "./genesis.js";
import { govHandlers } from "./handlers.js";
import { govInvariants } from "./invariants.js";
import { type GovDeps, GovKeeper } from "./keeper.js";
import { govQueries } from "./queries.js";

/**
 * Builds the governance module over the organization view (who votes, with
 * which sector) and the bank keeper (deposits, refunds, treasury spends);
 * share both with the org and bank modules of the same App.
 */
export function govModule(deps: GovDeps): Module<GovGenesis> & { keeper: GovKeeper } {
  const keeper = new GovKeeper(deps);
  return {
    name: "gov",
    keeper,
    messages: govHandlers(keeper),
    queries: govQueries(keeper),
    genesis: govGenesis(keeper),
    invariants: govInvariants(keeper, deps.bank),
    bind: (host) => keeper.bind(host),
    endBlock: (ctx) => keeper.endBlock(ctx),
    nextDueTimeMs: (store) => keeper.nextDueTimeMs(store),
  };
}
