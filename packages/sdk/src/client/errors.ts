/**
 * Errors the API answered, as UrbisErrors: an `UrbisApiError` carries the
 * registered ErrorDef when this build of @urbis/protocol knows the
 * (codespace, code), so `BankErrors.insufficientFunds.is(err)` and
 * `ApiErrors.rateLimited.is(err)` work on what a call threw.
 */

import type { ErrorInfo } from "@urbis/protocol";
import { type ErrorDef, findError, UrbisError } from "@urbis/protocol";

/**
 * An ErrorDef for a (codespace, code) this client does not know (a module
 * newer than the SDK, or the node's own codespaces). `is` compares the pair,
 * exactly as registered defs do, so checks stay meaningful.
 */
function unregisteredDef(info: Pick<ErrorInfo, "codespace" | "code" | "name">, status: number): ErrorDef {
  const def: ErrorDef = {
    codespace: info.codespace,
    code: info.code,
    name: info.name,
    description: "",
    httpStatus: status,
    create: (message, details) => new UrbisError(def, message ?? "", details),
    is: (e): e is UrbisError => e instanceof UrbisError && e.codespace === info.codespace && e.code === info.code,
  };
  return def;
}

/** An error answered by an Urbis node (any non-2xx answer). */
export class UrbisApiError extends UrbisError {
  /** HTTP status of the answer. */
  readonly status: number;
  /** Whether this client's registry knows the error kind (then `def` is the registered one). */
  readonly registered: boolean;
  /** The node's request id (X-Request-Id), to find the request in its logs. */
  readonly requestId: string | undefined;

  constructor(status: number, info: ErrorInfo, requestId?: string) {
    const known = findError(info.codespace, info.code);
    super(known ?? unregisteredDef(info, status), info.message, info.details);
    this.status = status;
    this.registered = known !== undefined;
    this.requestId = requestId;
  }

  /** The error's snake_case name as the node sent it. */
  get errorName(): string {
    return this.def.name;
  }
}

/** Whether `err` is an error of kind `def` (same as `def.is(err)`; reads well in `catch` blocks). */
export function isError(err: unknown, def: ErrorDef): err is UrbisError {
  return def.is(err);
}

function isErrorInfo(v: unknown): v is ErrorInfo {
  const o = v as Partial<ErrorInfo> | null;
  return (
    typeof o === "object" &&
    o !== null &&
    typeof o.codespace === "string" &&
    typeof o.code === "number" &&
    typeof o.name === "string" &&
    typeof o.message === "string"
  );
}

/**
 * The UrbisApiError of a non-2xx response. A body that is not the API's error
 * shape (a proxy's HTML page, say) becomes codespace `http`, code = status,
 * name `unexpected_response`, so callers always get one error type.
 */
export async function errorFromResponse(res: Response): Promise<UrbisApiError> {
  const requestId = res.headers.get("x-request-id") ?? undefined;
  let text = "";
  try {
    text = await res.text();
    const body = JSON.parse(text) as { error?: unknown };
    if (isErrorInfo(body.error)) return new UrbisApiError(res.status, body.error, requestId);
  } catch {
    // Not JSON: described below.
  }
  const snippet = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return new UrbisApiError(
    res.status,
    {
      codespace: "http",
      code: res.status,
      name: "unexpected_response",
      message: `HTTP ${res.status} ${res.statusText}${snippet ? `: ${snippet}` : ""}`,
    },
    requestId,
  );
}
