/**
 * The organization module: organizations, their memberships, and the roles
 * governance delegates to them.
 *
 * Rules: only governance admits, suspends, reinstates and removes
 * organizations, delegates roles and changes the parameters; an account
 * belongs to at most one organization; an organization's admins (1 to 16, all
 * members) manage its members and grant them roles within the delegations
 * governance gave it. A suspended organization's members lose the `member`
 * permission and its grants stop counting until it is reinstated; a removed
 * organization keeps only its record. The module's {@link OrgAuthorizer}
 * decides the App's `member` and `role` permissions.
 */
import type { Module } from "../../framework/module.js";
import { OrgAuthorizer } from "./authorizer.js";
import { type OrgGenesis, orgGenesis } from "./genesis.js";
import { orgHandlers } from "./handlers.js";
import { orgInvariants } from "./invariants.js";
import { OrgKeeper } from "./keeper.js";
import { orgQueries } from "./queries.js";

/** Builds the organization module around its keeper (pass one to share it with other modules). */
export function orgModule(
  keeper = new OrgKeeper(),
): Module<OrgGenesis> & { keeper: OrgKeeper; authorizer: OrgAuthorizer } {
  return {
    name: "org",
    keeper,
    authorizer: new OrgAuthorizer(keeper),
    messages: orgHandlers(keeper),
    queries: orgQueries(keeper),
    genesis: orgGenesis(keeper),
    invariants: orgInvariants(keeper),
  };
}
