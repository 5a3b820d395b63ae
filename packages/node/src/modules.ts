/** The modules a node runs. */
import {
  authModule,
  bankModule,
  didModule,
  type GenesisDoc,
  govModule,
  healthModule,
  type Module,
  orgModule,
  upgradeModule,
  validatorModule,
  vcModule,
} from "@urbis/state";
import { KNOWN_UPGRADES } from "./upgrades.js";

/**
 * The standard modules, in execution order: auth, bank, did, org, gov,
 * health, vc, upgrade, and — on a chain whose genesis has a validator set (a CometBFT
 * network) — validator. A solo chain has no validator set, so its
 * `validator/*` messages are unknown.
 *
 * Governance shares the org module's keeper (who votes, with which sector
 * weight) and the bank's (deposits, treasury spends). Order matters at the
 * end of a block: every module's endBlock runs (gov executes passed
 * proposals, which may change the validator set) before any module's
 * validatorUpdates, so a change a proposal makes reaches CometBFT in the
 * block that executed it.
 */
export function defaultModules(genesis: GenesisDoc): Module<any>[] {
  const org = orgModule();
  const bank = bankModule();
  const did = didModule();
  const mods: Module<any>[] = [
    authModule(),
    bank,
    did,
    org,
    govModule({ orgs: org.keeper, bank: bank.keeper }),
    healthModule({ dids: did.keeper, orgs: org.keeper }),
    vcModule(did.keeper),
    upgradeModule({ handlers: KNOWN_UPGRADES }),
  ];
  if (genesis.appState.validator !== undefined) mods.push(validatorModule());
  return mods;
}
