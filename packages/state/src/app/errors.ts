/** Errors of the App itself (codespace `app`). */
import { registerError } from "@urbis/protocol";

/** Errors of the App itself. */
export const AppErrors = {
  internal: registerError("app", 1, "internal", "A module failed unexpectedly; the transaction was reverted.", 500),
  unknownQuery: registerError("app", 2, "unknown_query", "No query is registered at this path.", 404),
  invalidQuery: registerError("app", 3, "invalid_query", "The query's parameters are malformed."),
  heightUnavailable: registerError(
    "app",
    4,
    "height_unavailable",
    "The height was pruned or is not committed yet.",
    404,
  ),
  notFound: registerError("app", 5, "not_found", "The requested object does not exist.", 404),
  invalidGenesis: registerError("app", 6, "invalid_genesis", "The genesis document is invalid."),
  /** A message only an executing governance proposal may send was signed by an account. */
  governanceOnly: registerError(
    "app",
    7,
    "governance_only",
    "Only the governance authority (an executing proposal) may send this message.",
    403,
  ),
  /** A message needs an organization membership or role, and the chain has no organization module. */
  noAuthorizer: registerError(
    "app",
    8,
    "no_authorizer",
    "The message needs an organization membership or role, and this chain runs no organization module.",
    403,
  ),
};
