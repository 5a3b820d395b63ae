/**
 * The route table is the single definition of the API: every route in it has
 * a server handler (registered in Fastify) and an SDK method, the OpenAPI
 * document is derived from it, and nothing serves or documents a route that
 * is not in it.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Type } from "@sinclair/typebox";
import { createApiServer, SoloEngine, toFastifyPath } from "@urbis/node";
import {
  ApiErrors,
  apiRoutes,
  buildOpenApiDocument,
  defineRoute,
  fillPath,
  GovErrors,
  OrgErrors,
  pathParamNames,
  registeredErrors,
  routeErrors,
  routeList,
  TxErrors,
} from "@urbis/protocol";
import { routeUrl, UrbisClient } from "@urbis/sdk";
import { AppErrors, authModule, bankModule, UrbisApp } from "@urbis/state";
import { MemoryCommitStore } from "@urbis/store";
import { testAccounts, testGenesis } from "./helpers/solo-chain.js";

/**
 * A real solo engine that is never started: enough to build the server
 * (whose wiring is what this file checks) without opening any store.
 */
function idleEngine(): SoloEngine {
  return new SoloEngine({
    home: "/nonexistent",
    genesis: testGenesis({ accounts: testAccounts(1) }),
    app: () => new UrbisApp({ store: new MemoryCommitStore(), modules: [authModule(), bankModule()] }),
  });
}

describe("route table", () => {
  test("keys are ids, ids and (method, path) pairs are unique, path params have schemas", () => {
    const seen = new Set<string>();
    for (const [key, route] of Object.entries(apiRoutes)) {
      assert.equal(key, route.id);
      const sig = `${route.method} ${route.path}`;
      assert.ok(!seen.has(sig), `duplicate ${sig}`);
      seen.add(sig);
      const names = pathParamNames(route.path);
      const props = Object.keys((route as { params?: { properties?: object } }).params?.properties ?? {});
      assert.deepEqual([...props].sort(), [...names].sort(), `${route.id}: path params match the schema`);
      assert.ok(route.summary.length > 0);
    }
  });

  test("every route has an SDK method", () => {
    const client = new UrbisClient({ baseUrl: "http://127.0.0.1:1" });
    for (const route of routeList()) {
      assert.equal(typeof (client.api as Record<string, unknown>)[route.id], "function", `client.api.${route.id}`);
    }
    assert.deepEqual(
      Object.keys(client.api).sort(),
      routeList()
        .map((r) => r.id)
        .sort(),
    );
  });

  test("every route has a server handler, registered in Fastify at its path", async () => {
    const api = await createApiServer({
      node: idleEngine(),
      logger: false,
      bodyLimit: 1024,
      rateLimit: { perClientPerSecond: 10 },
      engineMetrics: { onCommit: () => () => {} },
      processMetrics: false,
    });
    try {
      await api.app.ready();
      assert.deepEqual(
        Object.keys(api.handlers).sort(),
        routeList()
          .map((r) => r.id)
          .sort(),
      );
      for (const route of routeList()) {
        assert.equal(typeof (api.handlers as Record<string, unknown>)[route.id], "function");
        assert.ok(
          api.app.hasRoute({ method: route.method, url: toFastifyPath(route.path) }),
          `${route.method} ${route.path} registered`,
        );
      }
      // Exactly the table's methods: no implicit HEAD routes (a HEAD on the stream would open one).
      assert.ok(!api.app.hasRoute({ method: "HEAD", url: "/v1/stream" }));
      assert.ok(!api.app.hasRoute({ method: "HEAD", url: "/v1/status" }));
    } finally {
      await api.close();
    }
  });
});

describe("CORS", () => {
  test("allowed origins get CORS headers and preflights; others get none", async () => {
    const api = await createApiServer({
      node: idleEngine(),
      logger: false,
      bodyLimit: 1024,
      rateLimit: { perClientPerSecond: 100 },
      engineMetrics: { onCommit: () => () => {} },
      processMetrics: false,
      cors: { origins: ["https://app.example"] },
    });
    try {
      const ok = await api.app.inject({ method: "GET", url: "/livez", headers: { origin: "https://app.example" } });
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.headers["access-control-allow-origin"], "https://app.example");
      assert.match(String(ok.headers["access-control-expose-headers"]), /retry-after/);
      const other = await api.app.inject({ method: "GET", url: "/livez", headers: { origin: "https://evil.example" } });
      assert.equal(other.headers["access-control-allow-origin"], undefined);
      const pre = await api.app.inject({
        method: "OPTIONS",
        url: "/v1/txs",
        headers: { origin: "https://app.example", "access-control-request-method": "POST" },
      });
      assert.equal(pre.statusCode, 204);
      assert.match(String(pre.headers["access-control-allow-methods"]), /POST/);
      assert.match(String(pre.headers["access-control-allow-headers"]), /last-event-id/);
    } finally {
      await api.close();
    }
  });
});

describe("OpenAPI document", () => {
  const doc = buildOpenApiDocument();

  test("is OpenAPI 3.1 with one operation per route", () => {
    assert.equal(doc.openapi, "3.1.0");
    const ops: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) ops.push(`${method.toUpperCase()} ${path}`);
    }
    assert.deepEqual(
      ops.sort(),
      routeList()
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    );
  });

  test("operations carry parameters, bodies, answers and every error they can give", () => {
    for (const route of routeList()) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()] as any;
      assert.equal(op.operationId, route.id);
      assert.deepEqual(op.tags, [route.tag]);
      for (const name of pathParamNames(route.path)) {
        const p = op.parameters.find((x: any) => x.in === "path" && x.name === name);
        assert.ok(p?.required && p.schema, `${route.id}: ${name}`);
      }
      for (const e of routeErrors(route)) {
        assert.ok(op.responses[String(e.httpStatus)], `${route.id}: ${e.codespace}.${e.name}`);
        assert.ok(op["x-urbis-errors"].some((x: any) => x.codespace === e.codespace && x.code === e.code));
      }
      assert.ok(op.responses["500"]);
      // Schemas are plain JSON: TypeBox's symbol keys are gone and nothing is lost in a round trip.
      assert.deepEqual(JSON.parse(JSON.stringify(op)), op);
    }
    const submit = doc.paths["/v1/txs"]?.post as any;
    assert.ok(submit.requestBody.content["application/json"].schema.properties.tx);
    assert.ok(submit["x-urbis-errors"].some((x: any) => x.id === "tx.bad_signature" && x.status === 401));
    const stream = doc.paths["/v1/stream"]?.get as any;
    assert.ok(stream.responses["200"].content["text/event-stream"]["x-stream-item"]);
    assert.ok(stream.parameters.some((p: any) => p.in === "header" && p.name === "last-event-id"));
    const query = doc.paths["/v1/query/{module}/{name}"]?.get as any;
    assert.ok(query.parameters.some((p: any) => p.in === "query" && p.name === "params" && p.explode === true));
    const metrics = doc.paths["/metrics"]?.get as any;
    assert.ok(metrics.responses["200"].content["text/plain"]);
    assert.ok(!metrics.responses["429"], "probes are not rate limited");
  });

  test("routes list the errors they answer", () => {
    assert.ok(routeErrors(apiRoutes.readyz).includes(ApiErrors.notReady));
    assert.ok(routeErrors(apiRoutes.getBlock).includes(ApiErrors.invalidRequest));
    assert.ok(routeErrors(apiRoutes.submitTx).includes(TxErrors.wrongSequence));
    assert.ok(!routeErrors(apiRoutes.getStatus).includes(TxErrors.wrongSequence));
  });

  test("every tag has a description", () => {
    for (const t of doc.tags ?? []) assert.ok(t.description, `tag ${t.name}`);
    assert.ok(doc.tags?.some((t) => t.name === "consortium"));
  });

  test("errors named by id resolve to registered kinds, with the state machine loaded", () => {
    const ids = new Set(registeredErrors().map((d) => `${d.codespace}.${d.name}`));
    for (const route of routeList()) {
      for (const id of route.stateErrors ?? []) assert.ok(ids.has(id), `${route.id}: ${id} is registered`);
    }
    const org = routeErrors(apiRoutes.getOrganization);
    for (const d of [OrgErrors.unknownOrganization, AppErrors.invalidQuery, AppErrors.unknownQuery]) {
      assert.ok(org.includes(d), `getOrganization lists ${d.codespace}.${d.name}`);
    }
    assert.ok(routeErrors(apiRoutes.getRegulation).includes(GovErrors.noRegulation));
    assert.ok(routeErrors(apiRoutes.getTally).includes(GovErrors.unknownProposal));
    assert.ok(!routeErrors(apiRoutes.getTally).includes(TxErrors.wrongSequence), "no passthrough of every kind");
    // Without the state machine's kinds (the SDK in a browser), the route's own kinds remain.
    const protocolOnly = registeredErrors().filter((d) => d.codespace !== "app");
    const bare = routeErrors(apiRoutes.getProposal, protocolOnly);
    assert.ok(bare.includes(GovErrors.unknownProposal));
    assert.ok(!bare.includes(AppErrors.invalidQuery));
  });

  test("consortium routes document their 404s with the registered code", () => {
    for (const [path, id] of [
      ["/v1/orgs/{id}", "org.unknown_organization"],
      ["/v1/orgs/{id}/members", "org.unknown_organization"],
      ["/v1/gov/proposals/{id}", "gov.unknown_proposal"],
      ["/v1/gov/proposals/{id}/votes", "gov.unknown_proposal"],
      ["/v1/gov/proposals/{id}/tally", "gov.unknown_proposal"],
      ["/v1/gov/regulations/{topic}", "gov.no_regulation"],
    ] as const) {
      const op = doc.paths[path]?.get as any;
      assert.deepEqual(op.tags, ["consortium"], path);
      assert.ok(
        op["x-urbis-errors"].some((x: any) => x.id === id && x.status === 404),
        `${path} lists ${id}`,
      );
      assert.match(op.responses["404"].description, new RegExp(id.replace(".", "\\.")));
      assert.ok(op["x-urbis-errors"].some((x: any) => x.id === "app.invalid_query" && x.status === 400));
    }
    const regulation = doc.paths["/v1/gov/regulations/{topic}"]?.get as any;
    assert.deepEqual(
      regulation.parameters.filter((p: any) => p.in === "query").map((p: any) => p.name),
      ["height", "at"],
    );
  });

  test("is derived from whatever table it is given", () => {
    const table = {
      ping: defineRoute({
        id: "ping",
        method: "GET",
        path: "/v1/ping/{n}",
        tag: "test",
        summary: "Ping",
        params: Type.Object({ n: Type.String() }),
        response: { kind: "json", schema: Type.Object({ n: Type.String() }) },
        errors: [],
      }),
    };
    const d = buildOpenApiDocument(table, { title: "T", version: "9" });
    assert.deepEqual(Object.keys(d.paths), ["/v1/ping/{n}"]);
    assert.equal(d.info.title, "T");
    const bad = { x: { ...table.ping, id: "x", path: "/v1/x/{missing}" } };
    assert.throws(() => buildOpenApiDocument(bad), /no schema/);
    assert.throws(() => buildOpenApiDocument({ y: table.ping }), /differs from its id/);
  });
});

describe("paths and URLs", () => {
  test("fillPath encodes parameters and refuses missing ones", () => {
    assert.equal(fillPath("/v1/txs/{hash}", { hash: "a/b c" }), "/v1/txs/a%2Fb%20c");
    assert.throws(() => fillPath("/v1/txs/{hash}", {}), /missing path parameter hash/);
  });

  test("routeUrl keeps a base path and repeats array query values", () => {
    const url = routeUrl("https://gw.example/urbis/", apiRoutes.stream, {
      query: { kinds: "event", attr: ["a=1", "b=2"], after: undefined },
    });
    assert.equal(url, "https://gw.example/urbis/v1/stream?kinds=event&attr=a%3D1&attr=b%3D2");
    assert.equal(routeUrl("http://h:1", apiRoutes.getBlock, { params: { height: "7" } }), "http://h:1/v1/blocks/7");
  });
});
