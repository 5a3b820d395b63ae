/**
 * Error kinds of the auth module (codespace `auth`). Sequence and rate-limit
 * refusals of the ante step are `tx.*` kinds; these are the module's own
 * messages' errors. Codes are permanent and never reused.
 */
import { registerError } from "../../errors.js";

/** Errors of the auth module. */
export const AuthErrors = {
  /** A `auth/update_params` names a zero window or a zero transaction allowance. */
  invalidParams: registerError(
    "auth",
    1,
    "invalid_params",
    "The auth parameters are malformed: the window must be at least one block and allow at least one transaction.",
  ),
};
