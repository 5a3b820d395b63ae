/** The modules a node runs. */
import { authModule, bankModule, type GenesisDoc, type Module, validatorModule } from "@urbis/state";

/**
 * The standard modules, in execution order: auth, bank, and — on a chain whose
 * genesis has a validator set (a CometBFT network) — validator. A solo chain
 * has no validator set, so its `validator/*` messages are unknown.
 */
export function defaultModules(genesis: GenesisDoc): Module<any>[] {
  const mods: Module<any>[] = [authModule(), bankModule()];
  if (genesis.appState.validator !== undefined) mods.push(validatorModule());
  return mods;
}
