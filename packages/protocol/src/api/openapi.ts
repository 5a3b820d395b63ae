/**
 * The OpenAPI 3.1 document, generated from the route table: nothing here names
 * a route, so a new entry in `apiRoutes` is documented by construction.
 * OpenAPI 3.1 uses JSON Schema 2020-12, which TypeBox schemas already are.
 */
import type { TSchema } from "@sinclair/typebox";
import { type ErrorDef, registeredErrors } from "../errors.js";
import { ApiErrors } from "./errors.js";
import { apiRoutes, type OpenApiDocument, pathParamNames, type RouteDef } from "./routes.js";
import { ErrorBodyWire } from "./wire.js";

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiOptions {
  title?: string;
  version?: string;
  description?: string;
  servers?: { url: string; description?: string }[];
  /**
   * Error kinds to list for routes that pass state-machine errors through.
   * Defaults to every registered kind at the time of the call, so a node
   * (which has loaded its modules) documents the module errors too.
   */
  errors?: readonly ErrorDef[];
}

const TAG_DESCRIPTIONS: Record<string, string> = {
  transactions: "Submit transactions and read committed ones.",
  blocks: "Committed blocks and the live stream.",
  state: "Accounts, module queries and provable raw state.",
  consortium:
    "The organizations of the consortium, their members and roles; governance proposals, votes, tallies, " +
    "parameters and regulations; the scheduled software upgrade. Typed forms of the `org`, `gov` and `upgrade` " +
    "module queries.",
  node: "Node status and discovery.",
  operations: "Health probes, metrics and this document.",
  records:
    "The encrypted record store: content-addressed blobs with wrapped content keys, read only against an on-chain " +
    "access entry. Every request is signed by an authentication key of the requester's DID.",
};

/** Plain JSON copy of a TypeBox schema (drops its symbol-keyed metadata). */
function plain(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

/** Error kinds every route can answer, besides its own. */
function commonErrors(route: RouteDef): ErrorDef[] {
  const out: ErrorDef[] = [];
  if (route.params || route.query || route.body || route.headers) out.push(ApiErrors.invalidRequest);
  if (!route.unlimited) out.push(ApiErrors.rateLimited);
  if (route.response.kind !== "sse") out.push(ApiErrors.timeout);
  return out;
}

/**
 * Every error kind `route` may answer, unique, sorted by status then id. Kinds
 * the route names by id (`stateErrors`) are looked up in `registered`; one not
 * registered in this process (the SDK does not load the state machine) is left out.
 */
export function routeErrors(route: RouteDef, registered: readonly ErrorDef[] = registeredErrors()): ErrorDef[] {
  const byId = (id: string) => registered.find((d) => `${d.codespace}.${d.name}` === id);
  const named = (route.stateErrors ?? []).map(byId).filter((d): d is ErrorDef => d !== undefined);
  const all = [...commonErrors(route), ...route.errors, ...named];
  if (route.passthroughErrors) all.push(...registered.filter((d) => d.codespace !== "api"));
  const seen = new Map<string, ErrorDef>();
  for (const d of all) seen.set(`${d.codespace}/${d.code}`, d);
  return [...seen.values()].sort(
    (a, b) =>
      a.httpStatus - b.httpStatus || (a.codespace < b.codespace ? -1 : a.codespace > b.codespace ? 1 : a.code - b.code),
  );
}

function parameters(route: RouteDef): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const objectParams = (schema: TSchema | undefined, where: "path" | "query" | "header") => {
    if (!schema) return;
    const s = plain(schema);
    const props = s.properties as Record<string, Record<string, unknown>> | undefined;
    const required = new Set((s.required as string[] | undefined) ?? []);
    if (props) {
      for (const [name, p] of Object.entries(props)) {
        const { description, ...rest } = p;
        out.push({
          name,
          in: where,
          required: where === "path" || required.has(name),
          ...(description === undefined ? {} : { description }),
          schema: rest,
        });
      }
    } else {
      // A free-form record (module query params): one exploded object parameter, as OpenAPI spells it.
      out.push({
        name: "params",
        in: where,
        required: false,
        style: "form",
        explode: true,
        ...(s.description === undefined ? {} : { description: s.description }),
        schema: s,
      });
    }
  };
  objectParams(route.params, "path");
  objectParams(route.query, "query");
  objectParams(route.headers, "header");
  const declared = new Set(out.filter((p) => p.in === "path").map((p) => p.name));
  for (const name of pathParamNames(route.path)) {
    if (!declared.has(name)) throw new TypeError(`route ${route.id}: path parameter {${name}} has no schema`);
  }
  return out;
}

function successResponses(route: RouteDef): Record<string, unknown> {
  const r = route.response;
  switch (r.kind) {
    case "json": {
      const out: Record<string, unknown> = {};
      for (const status of r.statuses ?? [200]) {
        out[String(status)] = {
          description: status === 202 ? "Accepted, not yet complete" : "OK",
          content: { "application/json": { schema: plain(r.schema) } },
        };
      }
      return out;
    }
    case "text":
      return {
        200: {
          description: "OK",
          content: { [r.contentType.split(";")[0] as string]: { schema: { type: "string" } } },
        },
      };
    case "sse":
      return {
        200: {
          description:
            "A Server-Sent Events stream; each message's `data` is one JSON item (schema in `x-stream-item`).",
          content: {
            "text/event-stream": { schema: { type: "string" }, "x-stream-item": plain(r.item) },
          },
        },
      };
  }
}

function errorResponses(route: RouteDef, registered: readonly ErrorDef[]): Record<string, unknown> {
  const byStatus = new Map<number, ErrorDef[]>();
  for (const d of routeErrors(route, registered)) {
    const list = byStatus.get(d.httpStatus) ?? [];
    list.push(d);
    byStatus.set(d.httpStatus, list);
  }
  const out: Record<string, unknown> = {};
  const ref = { $ref: "#/components/schemas/ErrorBody" };
  for (const [status, defs] of byStatus) {
    out[String(status)] = {
      description: defs.map((d) => `\`${d.codespace}.${d.name}\` (${d.code}): ${d.description}`).join("\n\n"),
      content: { "application/json": { schema: ref } },
    };
  }
  out["500"] = {
    description: "`app.internal`: an unexpected failure of the node; never caused by a request's content.",
    content: { "application/json": { schema: ref } },
  };
  return out;
}

/** Builds the OpenAPI 3.1 document of `routes` (the whole API by default). */
export function buildOpenApiDocument(
  routes: Readonly<Record<string, RouteDef>> = apiRoutes,
  opts: OpenApiOptions = {},
): OpenApiDocument {
  const registered = opts.errors ?? registeredErrors();
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  for (const [key, route] of Object.entries(routes)) {
    if (key !== route.id) throw new TypeError(`route key ${key} differs from its id ${route.id}`);
    tags.add(route.tag);
    const op: Record<string, unknown> = {
      operationId: route.id,
      summary: route.summary,
      ...(route.description === undefined ? {} : { description: route.description }),
      tags: [route.tag],
      parameters: parameters(route),
      responses: { ...successResponses(route), ...errorResponses(route, registered) },
      // Machine-readable list of the error kinds, for tools that generate typed error handling.
      "x-urbis-errors": routeErrors(route, registered).map((d) => ({
        id: `${d.codespace}.${d.name}`,
        codespace: d.codespace,
        code: d.code,
        status: d.httpStatus,
      })),
    };
    if (route.body) {
      op.requestBody = { required: true, content: { "application/json": { schema: plain(route.body) } } };
    }
    const entry = paths[route.path] ?? {};
    entry[route.method.toLowerCase()] = op;
    paths[route.path] = entry;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: opts.title ?? "Urbis node API",
      version: opts.version ?? "1.0.0",
      description:
        opts.description ??
        "REST API of an Urbis node. Integers that may exceed 2^53 are decimal strings; opaque bytes are standard " +
          "padded base64; hashes and keys are lowercase hex. Every non-2xx JSON answer is " +
          "`{ error: { codespace, code, name, message, details? } }` with a registered (codespace, code).",
    },
    ...(opts.servers ? { servers: opts.servers } : {}),
    tags: [...tags].map((name) => ({
      name,
      ...(TAG_DESCRIPTIONS[name] ? { description: TAG_DESCRIPTIONS[name] } : {}),
    })),
    paths,
    components: { schemas: { ErrorBody: plain(ErrorBodyWire) } },
  };
}
