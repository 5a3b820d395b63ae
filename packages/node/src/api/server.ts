/**
 * The REST API server: Fastify built from the route table. Each route's
 * schemas (from @urbis/protocol) validate its requests and serialize its
 * answers; its handler comes from ./handlers.ts; the OpenAPI document served at
 * /openapi.json and rendered at /docs is generated from the same table.
 */
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import {
  ApiErrors,
  buildOpenApiDocument,
  ErrorBodyWire,
  InvariantViolation,
  MAX_SUBMIT_TIMEOUT_MS,
  type OpenApiDocument,
  type OpenApiOptions,
  RECORDS_HEADERS,
  type RouteDef,
  type RouteId,
  routeList,
} from "@urbis/protocol";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifySchema,
  type FastifyServerOptions,
} from "fastify";
import type { RecordStoreService } from "../records/service.js";
import type { NodeService } from "../service.js";
import { type ApiHandlers, createHandlers, type HandlerContext } from "./handlers.js";
import { toErrorReply } from "./http-errors.js";
import { ApiMetrics, type CommitMetricsSource } from "./metrics.js";
import { TokenBucketLimiter } from "./rate-limit.js";
import { StreamHub, type StreamOptions } from "./sse.js";

/** Options of {@link createApiServer}. */
export interface ApiServerOptions {
  node: NodeService;
  /**
   * Logging: `false` for none, pino options (default `{ level: "info" }`: JSON
   * lines on stdout), or an existing pino-compatible logger.
   */
  logger?: boolean | FastifyServerOptions["logger"] | FastifyBaseLogger;
  /** Largest request body, bytes; larger ones answer 413 `api.payload_too_large`. */
  bodyLimit: number;
  /** Per-client (IP) token bucket. */
  rateLimit: { perClientPerSecond: number; burst?: number; maxClients?: number };
  /** Time to receive a whole request (headers and body), ms; guards against slow senders. Default 30 000. */
  requestTimeoutMs?: number;
  /** Most time a handler may take before answering 504 `api.timeout`, ms. Default 30 000 (submissions: their wait + 5 s). */
  handlerTimeoutMs?: number;
  /** Idle keep-alive connections are closed after this, ms. Default 72 000. */
  keepAliveTimeoutMs?: number;
  /** Event stream tuning. */
  stream?: Partial<StreamOptions>;
  /** Commit timings from the engine, if it offers them (see docs/metrics.md). */
  engineMetrics?: CommitMetricsSource;
  /** Export Node.js process metrics too. Default true. */
  processMetrics?: boolean;
  /** Trust X-Forwarded-For from these proxies (Fastify's `trustProxy`), so limits apply to real clients. */
  trustProxy?: boolean | string | string[];
  /** Allow browser pages from these origins (`"*"` for any) to call the API. Default: no CORS headers. */
  cors?: { origins: "*" | readonly string[] };
  /** Serve interactive docs at /docs. Default true. */
  docs?: boolean;
  /** Title, version and servers of the OpenAPI document. */
  openapi?: OpenApiOptions;
  /** The encrypted record store served under /v1/records (absent: those routes answer 503 `records.unavailable`). */
  records?: RecordStoreService;
}

/** A built (not yet listening) API server. */
export interface ApiServer {
  /** The Fastify instance, ready for `inject` or `listen`. */
  readonly app: FastifyInstance;
  readonly metrics: ApiMetrics;
  /** The OpenAPI document served at /openapi.json. */
  readonly openapi: OpenApiDocument;
  /** The handler of every route, by route id. */
  readonly handlers: ApiHandlers;
  /** Starts listening; resolves to the base URL, e.g. `http://127.0.0.1:26657`. */
  listen(opts: { host?: string; port?: number }): Promise<string>;
  /** Ends open streams, stops listening and releases the node subscription. Does not close the node. */
  close(): Promise<void>;
}

const DEFAULT_STREAM: StreamOptions = {
  heartbeatMs: 15_000,
  maxStreams: 1000,
  maxBufferedBytes: 4 * 1024 * 1024,
  retryMs: 2000,
};

declare module "fastify" {
  interface FastifyContextConfig {
    /** Id of the table route (metrics label). */
    routeId?: string;
    /** Exempt from the rate limit. */
    unlimited?: boolean;
  }
}

/** `/v1/txs/{hash}` → `/v1/txs/:hash`. */
export function toFastifyPath(path: string): string {
  return path.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ":$1");
}

function fastifySchema(route: RouteDef): FastifySchema {
  const response: Record<string, unknown> = { "4xx": ErrorBodyWire, "5xx": ErrorBodyWire };
  if (route.response.kind === "json") {
    for (const status of route.response.statuses ?? [200]) response[String(status)] = route.response.schema;
  }
  return {
    ...(route.params ? { params: route.params } : {}),
    ...(route.query ? { querystring: route.query } : {}),
    ...(route.body ? { body: route.body } : {}),
    ...(route.headers ? { headers: route.headers } : {}),
    response,
  };
}

/** Answers any failure with its status and error body, logging by severity. */
function answerError(err: unknown, request: FastifyRequest, reply: FastifyReply) {
  const r = toErrorReply(err);
  if (r.unexpected) request.log.error({ err }, "unexpected error while serving a request");
  else if (r.status >= 500) request.log.warn({ error: r.body.error }, "request failed");
  else request.log.debug({ error: r.body.error }, "request rejected");
  return reply.code(r.status).send(r.body);
}

function isLoggerInstance(l: unknown): l is FastifyBaseLogger {
  return typeof l === "object" && l !== null && typeof (l as FastifyBaseLogger).child === "function";
}

/** Builds the API server for `opts.node` from the route table. */
export async function createApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const handlerTimeoutMs = opts.handlerTimeoutMs ?? 30_000;
  const logger = opts.logger ?? { level: "info" };
  const app = Fastify({
    ...(isLoggerInstance(logger) ? { loggerInstance: logger } : { logger }),
    bodyLimit: opts.bodyLimit,
    requestTimeout: opts.requestTimeoutMs ?? 30_000,
    keepAliveTimeout: opts.keepAliveTimeoutMs ?? 72_000,
    // Request ids correlate the JSON log lines of one request; a caller's X-Request-Id is kept.
    requestIdHeader: "x-request-id",
    trustProxy: opts.trustProxy ?? false,
    // Strict validation: no type coercion (wire numbers stay numbers and every
    // query value is a string by schema), no silent removal of unknown fields.
    // allErrors stays off (Fastify's default): collecting every error lets one crafted body cost unbounded work,
    // so a 400 lists the first problem found.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    // A closing server must not wait for idle keep-alive sockets (open streams are ended in preClose).
    forceCloseConnections: "idle",
    // The server answers exactly the table's methods; an implicit HEAD on the stream route would open a stream.
    exposeHeadRoutes: false,
    // Room for the longest path parameter (a state key of MAX_STATE_KEY_BYTES, in hex); longer ones are 400s.
    routerOptions: { maxParamLength: 2048 },
    // Errors the router raises before any route runs (bad URL encoding, over-long parameters)
    // get the same error body as everything else instead of Fastify's own format.
    frameworkErrors: (err, request, reply) => answerError(err, request, reply),
  });
  // The API speaks JSON only: without this, text/plain bodies would be parsed and fail validation (400) instead of 415.
  app.removeContentTypeParser("text/plain");

  const node = opts.node;
  const metrics = new ApiMetrics({
    node,
    ...(opts.engineMetrics ? { engineMetrics: opts.engineMetrics } : {}),
    ...(opts.processMetrics === undefined ? {} : { processMetrics: opts.processMetrics }),
  });
  const streams = new StreamHub(node, metrics, { ...DEFAULT_STREAM, ...opts.stream });
  const openapi = buildOpenApiDocument(undefined, opts.openapi);
  const handlers = createHandlers({
    node,
    streams,
    openapi,
    renderMetrics: () => metrics.render(),
    onStreamDone: (seconds) => metrics.observeRequest("stream", 200, seconds),
    ...(opts.records ? { records: opts.records } : {}),
  });
  const limiter = new TokenBucketLimiter({
    perSecond: opts.rateLimit.perClientPerSecond,
    ...(opts.rateLimit.burst === undefined ? {} : { burst: opts.rateLimit.burst }),
    ...(opts.rateLimit.maxClients === undefined ? {} : { maxClients: opts.rateLimit.maxClients }),
  });
  /** Requests answered by a stream: their metrics are recorded when the stream closes. */
  const streamRequests = new WeakSet<FastifyRequest>();

  app.setErrorHandler((err, request, reply) => answerError(err, request, reply));

  app.setNotFoundHandler((request, reply) => {
    const def = ApiErrors.notFound;
    return reply.code(def.httpStatus).send({
      error: {
        codespace: def.codespace,
        code: def.code,
        name: def.name,
        message: `no route ${request.method} ${request.url.split("?")[0]}`,
        details: { method: request.method },
      },
    });
  });

  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
    if (opts.cors) {
      const origin = request.headers.origin;
      const allowed = opts.cors.origins === "*" || (origin !== undefined && opts.cors.origins.includes(origin));
      if (allowed) {
        reply.header("access-control-allow-origin", opts.cors.origins === "*" ? "*" : (origin as string));
        reply.header("access-control-expose-headers", "retry-after, x-request-id");
        reply.header("vary", "origin");
      }
    }
    if (request.routeOptions.config?.unlimited) return;
    const r = limiter.take(request.ip);
    if (!r.ok) {
      reply.header("retry-after", String(Math.max(1, Math.ceil(r.retryAfterMs / 1000))));
      throw ApiErrors.rateLimited.create(`more than ${opts.rateLimit.perClientPerSecond} requests per second`, {
        retryAfterMs: r.retryAfterMs,
      });
    }
  });

  app.addHook("onResponse", async (request, reply) => {
    if (streamRequests.has(request)) return;
    const route =
      request.routeOptions.config?.routeId ?? (request.is404 ? "not_found" : (request.routeOptions.url ?? "other"));
    metrics.observeRequest(route, reply.statusCode, reply.elapsedTime / 1000);
  });

  // Streams would otherwise keep server.close() waiting forever.
  app.addHook("preClose", async () => streams.closeAll());
  app.addHook("onClose", async () => metrics.close());

  if (opts.cors) {
    app.options("*", { config: { unlimited: true } }, async (_request, reply) => {
      reply.header("access-control-allow-methods", "GET, POST, PUT");
      reply.header(
        "access-control-allow-headers",
        // The x-urbis-* headers carry signed record-store requests (records/request.ts).
        `content-type, last-event-id, x-request-id, ${Object.values(RECORDS_HEADERS).join(", ")}`,
      );
      reply.header("access-control-max-age", "600");
      return reply.code(204).send();
    });
  }

  for (const route of routeList()) {
    const handler = handlers[route.id as RouteId] as unknown as (
      input: { params: unknown; query: unknown; body: unknown },
      ctx: HandlerContext,
    ) => unknown;
    const isSubmit = route.id === "submitTx" || route.id === "submitTxBatch";
    app.route({
      method: route.method,
      url: toFastifyPath(route.path),
      schema: fastifySchema(route),
      config: { routeId: route.id, unlimited: route.unlimited ?? false },
      // Submissions may wait up to their timeoutMs for a commit; everything else gets the general bound.
      handlerTimeout: isSubmit ? Math.max(handlerTimeoutMs, MAX_SUBMIT_TIMEOUT_MS + 5000) : handlerTimeoutMs,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const input = { params: request.params ?? {}, query: request.query ?? {}, body: request.body };
        let status = 200;
        const ctx: HandlerContext = {
          request,
          reply,
          status: (code) => {
            status = code;
          },
        };
        if (route.response.kind === "sse") {
          handler(input, ctx);
          streamRequests.add(request);
          return reply;
        }
        const out = await handler(input, ctx);
        reply.code(status);
        if (route.response.kind === "text") reply.type(route.response.contentType);
        return out;
      },
    });
  }

  await app.register(fastifySwagger, {
    mode: "static",
    // The plugin types documents with openapi-types; ours is a structurally looser view of the same JSON.
    specification: { document: openapi as never },
  });
  if (opts.docs ?? true) {
    await app.register(fastifySwaggerUi, { routePrefix: "/docs", staticCSP: true });
  }

  return {
    app,
    metrics,
    openapi,
    handlers,
    async listen({ host = "127.0.0.1", port = 0 }) {
      await app.listen({ host, port });
      const addr = app.server.address();
      if (addr === null || typeof addr === "string")
        throw new InvariantViolation(`unexpected listen address ${String(addr)}`);
      const h = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
      return `http://${h}:${addr.port}`;
    },
    async close() {
      await app.close();
    },
  };
}
