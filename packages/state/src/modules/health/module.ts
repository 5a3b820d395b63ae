/**
 * The health module: patients known by DID and a salted link id, an index of
 * encrypted medical records held off chain, FHIR-style consents, a log of
 * every read (with break-glass alerts), and a public research registry. No
 * personal or health data is ever stored: only DIDs, hashes, codes and org
 * ids. See docs/health.md.
 */
import type { Module } from "../../framework/module.js";
import type { DidView } from "../did/keeper.js";
import type { OrgView } from "../org/view.js";
import { type HealthGenesis, healthGenesis } from "./genesis.js";
import { healthHandlers } from "./handlers.js";
import { healthInvariants } from "./invariants.js";
import { HealthKeeper } from "./keeper.js";
import { healthQueries } from "./queries.js";

/** Builds the health module over the DID and org modules' views. */
export function healthModule(deps: { dids: DidView; orgs: OrgView }): Module<HealthGenesis> & { keeper: HealthKeeper } {
  const keeper = new HealthKeeper(deps.dids, deps.orgs);
  return {
    name: "health",
    keeper,
    messages: healthHandlers(keeper),
    queries: healthQueries(keeper),
    genesis: healthGenesis(keeper),
    invariants: healthInvariants(keeper),
  };
}
