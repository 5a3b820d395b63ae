/**
 * Every failure → (HTTP status, `{ error: {codespace, code, name, message, details?} }`).
 * Registered errors answer their own `httpStatus`; Fastify's request errors
 * (validation, JSON, size, media type) become `api.*` kinds; anything else is
 * `app.internal` (500), which bad input must never reach.
 */
import { ApiErrors, type ErrorBody, type ErrorDef, errorInfoOf, findError, UrbisError } from "@urbis/protocol";
import { AppErrors } from "@urbis/state";

/** What to answer for a failure. */
export interface ErrorReply {
  status: number;
  body: ErrorBody;
  /** True for a failure no registered kind describes (a bug): logged at error level with its stack. */
  unexpected: boolean;
}

/** Carries a ready-made reply (for results whose code no registered kind describes). */
export class ReplyError extends Error {
  constructor(readonly reply: ErrorReply) {
    super(reply.body.error.message);
  }
}

/**
 * A throwable for a non-zero (codespace, code) result: the registered kind's
 * UrbisError, or a {@link ReplyError} when the pair is unregistered.
 */
export function resultError(code: number, codespace: string, log: string, details?: Record<string, unknown>): Error {
  const def = findError(codespace, code);
  if (def) return def.create(log || def.description, details);
  return new ReplyError(replyForResult(code, codespace, log, details));
}

/** Deep copy with bigints as decimal strings and non-JSON values dropped, so details always serialize. */
function jsonSafe(v: unknown, depth = 0): unknown {
  if (depth > 8) return undefined;
  if (typeof v === "bigint") return v.toString();
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (Array.isArray(v)) return v.map((x) => jsonSafe(x, depth + 1));
  if (v instanceof Uint8Array) return undefined;
  if (typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const s = jsonSafe(x, depth + 1);
      if (s !== undefined) out[k] = s;
    }
    return out;
  }
  return undefined;
}

/** The reply for an error of a registered kind. */
export function replyFor(def: ErrorDef, message: string, details?: Record<string, unknown>): ErrorReply {
  const safe = details === undefined ? undefined : (jsonSafe(details) as Record<string, unknown>);
  return { status: def.httpStatus, body: { error: errorInfoOf(def, message, safe) }, unexpected: false };
}

/**
 * The reply for a non-zero (codespace, code) result of the state machine, e.g. a
 * failed CheckTx or query. Codes are registered by the same process that ran
 * the state machine, so an unknown pair is a bug: it is still answered
 * faithfully (400, name `unregistered`) rather than hidden behind a 500.
 */
export function replyForResult(
  code: number,
  codespace: string,
  log: string,
  details?: Record<string, unknown>,
): ErrorReply {
  const def = findError(codespace, code);
  if (def) return replyFor(def, log || def.description, details);
  const safe = details === undefined ? undefined : (jsonSafe(details) as Record<string, unknown>);
  return {
    status: 400,
    body: { error: errorInfoOf({ codespace, code, name: "unregistered" }, log, safe) },
    unexpected: false,
  };
}

interface FastifyishError {
  code?: string;
  statusCode?: number;
  message?: string;
  validation?: { instancePath?: string; message?: string; keyword?: string; params?: unknown }[];
  validationContext?: string;
}

/** Maps Fastify's own request errors (validation, parsing, limits, timeouts) to `api.*` kinds. */
function fastifyReply(e: FastifyishError): ErrorReply | undefined {
  if (Array.isArray(e.validation)) {
    const where = e.validationContext ?? "request";
    return replyFor(ApiErrors.invalidRequest, e.message ?? "invalid request", {
      in: where,
      errors: e.validation.map((v) => ({
        path: `${where}${v.instancePath ?? ""}`,
        message: v.message ?? "is invalid",
        ...(v.keyword === undefined ? {} : { keyword: v.keyword }),
      })),
    });
  }
  switch (e.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return replyFor(ApiErrors.payloadTooLarge, "request body is larger than the server accepts");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return replyFor(ApiErrors.unsupportedMediaType, e.message ?? "unsupported content type");
    case "FST_ERR_HANDLER_TIMEOUT":
      return replyFor(ApiErrors.timeout, "the node did not answer in time");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return replyFor(ApiErrors.invalidRequest, "the body is empty but the content type is application/json");
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return replyFor(ApiErrors.invalidRequest, `the body is not valid JSON: ${e.message ?? ""}`);
  }
  const status = e.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    // Other client errors Fastify raises (bad JSON, prototype poisoning, bad content-length, …).
    const def =
      status === 404
        ? ApiErrors.notFound
        : status === 413
          ? ApiErrors.payloadTooLarge
          : status === 415
            ? ApiErrors.unsupportedMediaType
            : status === 429
              ? ApiErrors.rateLimited
              : ApiErrors.invalidRequest;
    return replyFor(def, e.message ?? def.description);
  }
  return undefined;
}

/** The reply for anything thrown while serving a request. */
export function toErrorReply(err: unknown): ErrorReply {
  if (err instanceof UrbisError) return replyFor(err.def, err.message, err.details);
  if (err instanceof ReplyError) return err.reply;
  if (typeof err === "object" && err !== null) {
    const r = fastifyReply(err as FastifyishError);
    if (r) return r;
  }
  // Never echo an unexpected error's message: it may expose internals. The log has it.
  return { ...replyFor(AppErrors.internal, "internal error"), unexpected: true };
}
