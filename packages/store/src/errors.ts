/** Error kinds of the state store (codespace `store`). */
import { registerError } from "@urbis/protocol";

/** Requests for versions or reads the store cannot serve, and rejected state imports. */
export const StoreErrors = {
  pruned: registerError("store", 1, "version_pruned", "The requested version has been pruned from the store.", 410),
  unknownVersion: registerError("store", 2, "unknown_version", "The requested version has not been committed.", 404),
  historicIteration: registerError(
    "store",
    3,
    "historic_iteration_unsupported",
    "Iterating over a version other than the latest one is not supported; use get or prove.",
    400,
  ),
  invalidImport: registerError(
    "store",
    4,
    "invalid_import",
    "Imported state entries are malformed or not in strictly ascending order of key hash.",
    400,
  ),
  importMismatch: registerError(
    "store",
    5,
    "import_mismatch",
    "The imported state does not hash to the expected (trusted) app hash.",
    400,
  ),
};
