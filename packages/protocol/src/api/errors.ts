/**
 * Errors of the REST API itself (codespace `api`). They live in the
 * browser-safe protocol package, not in the node, so the SDK's registry knows
 * them too and `ApiErrors.rateLimited.is(err)` works on a client-side error.
 */
import { type ErrorDef, registerError } from "../errors.js";

/** Errors the REST API answers on its own (as opposed to errors of a transaction or query). */
export const ApiErrors = {
  invalidRequest: registerError(
    "api",
    1,
    "invalid_request",
    "The request is malformed: bad JSON, a missing or mistyped field, or a parameter out of range.",
    400,
  ),
  notFound: registerError("api", 2, "not_found", "No such route, block, transaction or object.", 404),
  payloadTooLarge: registerError("api", 3, "payload_too_large", "The request body exceeds the server's limit.", 413),
  rateLimited: registerError("api", 4, "rate_limited", "Too many requests from this client; retry after a pause.", 429),
  timeout: registerError("api", 5, "timeout", "The node did not answer in time.", 504),
  notReady: registerError("api", 6, "not_ready", "The node is starting or catching up and cannot serve yet.", 503),
  unsupportedMediaType: registerError(
    "api",
    7,
    "unsupported_media_type",
    "The request body's content type is not application/json.",
    415,
  ),
  overloaded: registerError(
    "api",
    8,
    "overloaded",
    "The server is shedding load (too many open streams); retry later.",
    503,
  ),
};

/** The `error` object the API answers for an error of kind `def`. */
export function errorInfoOf(
  def: Pick<ErrorDef, "codespace" | "code" | "name">,
  message: string,
  details?: Record<string, unknown>,
): { codespace: string; code: number; name: string; message: string; details?: Record<string, unknown> } {
  return {
    codespace: def.codespace,
    code: def.code,
    name: def.name,
    message,
    ...(details === undefined ? {} : { details }),
  };
}
