/** The auth module: accounts, sequences and rate limits. Its checks run in the App's ante step. */
import type { Module } from "../../framework/module.js";
import { type AuthGenesis, authGenesis } from "./genesis.js";
import { authHandlers } from "./handlers.js";
import { AuthKeeper } from "./keeper.js";
import { authQueries } from "./queries.js";

/** Builds the auth module around its keeper. */
export function authModule(keeper = new AuthKeeper()): Module<AuthGenesis> & { keeper: AuthKeeper } {
  return {
    name: "auth",
    keeper,
    messages: authHandlers(keeper),
    queries: authQueries(keeper),
    genesis: authGenesis(keeper),
    invariants: [],
  };
}
