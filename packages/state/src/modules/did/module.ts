/**
 * The DID module: `did:urbis` decentralized identifiers for people,
 * organizations and devices.
 *
 * Rules: a DID derives from the Ed25519 key it is created with, so only the
 * holder of that key (or a controller registering a device) can create it;
 * afterwards only an authentication key of an effective controller (the listed
 * controllers, or the DID itself when it lists none) may update or deactivate
 * it; updates replace the whole mutable content at an expected version;
 * deactivation is final; every version is kept. Documents hold keys,
 * controllers and service endpoints only — no personal data. See
 * docs/did-method.md for the method specification.
 */
import type { Module } from "../../framework/module.js";
import { type DidGenesis, didGenesis } from "./genesis.js";
import { didHandlers } from "./handlers.js";
import { didInvariants } from "./invariants.js";
import { DidKeeper } from "./keeper.js";
import { didQueries } from "./queries.js";

/** Builds the DID module around its keeper (pass one to share it with other modules). */
export function didModule(keeper = new DidKeeper()): Module<DidGenesis> & { keeper: DidKeeper } {
  return {
    name: "did",
    keeper,
    messages: didHandlers(keeper),
    queries: didQueries(keeper),
    genesis: didGenesis(keeper),
    invariants: didInvariants(),
  };
}
