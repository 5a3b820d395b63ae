/**
 * The VC module: the governance-managed registry of trusted credential
 * issuers per credential type, and W3C Bitstring Status Lists (revocation and
 * suspension) whose bits are on chain. Credentials themselves, and anything
 * about their subjects, stay off chain; verification (SDK and REST API) reads
 * this state. It reads DIDs through the DID module's view.
 */
import type { Module } from "../../framework/module.js";
import type { DidView } from "../did/keeper.js";
import { type VcGenesis, vcGenesis } from "./genesis.js";
import { vcHandlers } from "./handlers.js";
import { vcInvariants } from "./invariants.js";
import { VcKeeper } from "./keeper.js";
import { vcQueries } from "./queries.js";

/** Builds the VC module over the DID registry `dids` (the DID module's keeper). */
export function vcModule(dids: DidView): Module<VcGenesis> & { keeper: VcKeeper } {
  const keeper = new VcKeeper(dids);
  return {
    name: "vc",
    keeper,
    messages: vcHandlers(keeper),
    queries: vcQueries(keeper),
    genesis: vcGenesis(keeper),
    invariants: vcInvariants(),
  };
}
