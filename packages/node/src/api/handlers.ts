/**
 * One handler per route of the table. {@link ApiHandlers} is a mapped type over
 * the route ids, so a route added to the table without a handler here is a
 * compile error, and each handler's input and output are the route's schemas'
 * static types.
 */
import {
  ApiErrors,
  type ApiRoutes,
  type BalanceJson,
  type BatchItemJson,
  type CredentialLookups,
  type DidDocumentJson,
  DidErrors,
  type DidResolutionResultJson,
  fromHex,
  fromUtf8,
  isAddress,
  type OpenApiDocument,
  parseU64,
  type RouteDef,
  type RouteId,
  type RouteOutput,
  type Static,
  type StatusPurpose,
  type TSchema,
  utf8,
  VcErrors,
  verifyCredentialWith,
} from "@urbis/protocol";
import { AppErrors } from "@urbis/state";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { RecordStoreService } from "../records/service.js";
import type { NodeService, SubmitWait } from "../service.js";
import { nativeBase64ToBytes, nativeBytesToBase64 } from "./base64.js";
import { ReplyError, resultError, toErrorReply } from "./http-errors.js";
import { createRecordHandlers } from "./records-handlers.js";
import type { StreamHub } from "./sse.js";
import { blockToJson, statusToJson, submitResultToJson, txRecordToJson } from "./wire.js";

/** How long `wait: commit` waits when the request names no `timeoutMs`. */
export const DEFAULT_COMMIT_WAIT_MS = 10_000;

/** What a handler receives: the request's parts, already validated against the route's schemas. */
export interface ServerInput<R extends RouteDef> {
  params: R extends { params: infer S extends TSchema } ? Static<S> : Record<string, never>;
  query: R extends { query: infer S extends TSchema } ? Static<S> : Record<string, never>;
  body: R extends { body: infer S extends TSchema } ? Static<S> : undefined;
}

/** Per-request context of a handler. */
export interface HandlerContext {
  request: FastifyRequest;
  reply: FastifyReply;
  /** Sets the 2xx status of the answer (default 200). */
  status(code: number): void;
}

/** The handler of route `R`: returns the answer body (SSE handlers write the stream themselves). */
export type RouteHandler<R extends RouteDef> = (
  input: ServerInput<R>,
  ctx: HandlerContext,
) => R["response"] extends { kind: "sse" } ? void : RouteOutput<R> | Promise<RouteOutput<R>>;

/** A handler for every route of the table. */
export type ApiHandlers = { [K in RouteId]: RouteHandler<ApiRoutes[K]> };

/** What the handlers need. */
export interface HandlerDeps {
  node: NodeService;
  streams: StreamHub;
  openapi: OpenApiDocument;
  renderMetrics(): Promise<string>;
  /** Called when a stream closes, with its lifetime, for request metrics. */
  onStreamDone(seconds: number): void;
  /** The encrypted record store; without it the record routes answer `records.unavailable`. */
  records?: RecordStoreService;
}

function height(s: string | undefined, name: string): bigint {
  if (s === undefined) return 0n;
  const h = parseU64(s);
  if (h === undefined) throw ApiErrors.invalidRequest.create(`${name} exceeds 2^64-1`, { param: name });
  return h;
}

/**
 * Decodes a base64 field. The schema already admits only canonical base64;
 * this keeps a decoder failure from ever becoming a 500 should the two disagree.
 */
function decodeBase64(s: string, field: string): Uint8Array {
  const b = nativeBase64ToBytes(s);
  if (b === undefined) throw ApiErrors.invalidRequest.create(`${field} is not canonical base64`, { field });
  return b;
}

function jsonOf(value: Uint8Array): unknown {
  return value.length === 0 ? null : JSON.parse(fromUtf8(value));
}

/** `{address, balances: [{denom, amount}]}` of `bank/balances`, defensively. */
function balancesOf(answer: unknown): BalanceJson[] {
  const list = (answer as { balances?: unknown } | null)?.balances;
  if (!Array.isArray(list)) return [];
  return list
    .filter(
      (c): c is { denom: string; amount: string } => typeof c?.denom === "string" && typeof c?.amount === "string",
    )
    .map((c) => ({ denom: c.denom, amount: c.amount }));
}

/**
 * Submits one transaction and shapes the outcome as `POST /v1/txs` answers it:
 * a refusal (failed check, or the engine's commit timeout) is its registered
 * error; a committed (even failing) or accepted transaction is 200.
 */
async function submitOne(
  node: NodeService,
  tx: Uint8Array,
  wait: SubmitWait,
  timeoutMs?: number,
): Promise<BatchItemJson> {
  try {
    const waitMs = wait === "commit" ? (timeoutMs ?? DEFAULT_COMMIT_WAIT_MS) : timeoutMs;
    const r = await node.submit(tx, wait, waitMs);
    if (r.code !== 0 && r.height === undefined) {
      const details: Record<string, unknown> = r.hash ? { hash: r.hash } : {};
      if (r.duplicate) details.duplicate = true;
      const e = toErrorReply(resultError(r.code, r.codespace, r.log, details));
      return { status: e.status, error: e.body.error };
    }
    if (wait === "commit" && r.height === undefined) {
      // An engine that reports an unfinished wait as success rather than as its own error.
      const e = toErrorReply(ApiErrors.timeout.create("the transaction was not committed in time", { hash: r.hash }));
      return { status: e.status, error: e.body.error };
    }
    return { status: 200, result: submitResultToJson(r) };
  } catch (e) {
    const reply = toErrorReply(e);
    if (reply.unexpected) throw e;
    return { status: reply.status, error: reply.body.error };
  }
}

/** Builds the handlers. */
export function createHandlers(deps: HandlerDeps): ApiHandlers {
  const { node } = deps;

  /**
   * Runs a module query, turning a non-zero result into its registered error
   * (with `details`, since a query's own error loses its details on the way).
   */
  const moduleQuery = (path: string, params: Record<string, string>, at: bigint, details?: Record<string, unknown>) => {
    const r = node.query(path, utf8(JSON.stringify(params)), at, false);
    if (r.code !== 0) throw resultError(r.code, r.codespace, r.log, details);
    return { height: r.height, value: jsonOf(r.value) };
  };

  /**
   * The answer of a typed module-query route: the module's JSON as it is. The
   * route's response schema describes exactly what the module's protocol
   * helper (organizationToJson, proposalToJson, …) writes, so the cast is
   * sound and serialization drops nothing (checked in test/api-consortium.test.ts).
   */
  const typedQuery = <K extends RouteId>(
    _route: K,
    path: string,
    params: Record<string, string>,
    stateHeight: string | undefined,
    details?: Record<string, unknown>,
  ) => moduleQuery(path, params, height(stateHeight, "height"), details).value as RouteOutput<ApiRoutes[K]>;

  /** A proposal id from a URL, refused as `api.invalid_request` beyond 2^64-1 (the schema bounds only its digits). */
  const proposalId = (s: string): string => {
    const id = parseU64(s);
    if (id === undefined) throw ApiErrors.invalidRequest.create("id exceeds 2^64-1", { param: "id" });
    return id.toString();
  };

  return {
    async submitTx({ body }, ctx) {
      const item = await submitOne(node, decodeBase64(body.tx, "body.tx"), body.wait ?? "check", body.timeoutMs);
      if (item.error) {
        // Answered by the error handler like any other error, with the status the item carries.
        throw new ReplyError({ status: item.status, body: { error: item.error }, unexpected: false });
      }
      ctx.status(item.status);
      return item.result as NonNullable<BatchItemJson["result"]>;
    },

    async submitTxBatch({ body }) {
      const wait = body.wait ?? "check";
      const txs = body.txs.map((t, i) => decodeBase64(t, `body.txs[${i}]`));
      // All submitted at once, in body order: engines run CheckTx in the order submit() is called
      // (see NodeService.submit), so a signer's consecutive sequences stay in order while their
      // signatures are verified in parallel.
      const checked: BatchItemJson[] = await Promise.all(txs.map((tx) => submitOne(node, tx, "check")));
      if (wait === "check") return { results: checked };
      // Then the commits are awaited together, not one block each. The second submit of an accepted
      // transaction only waits for its commit; whether it was a duplicate is what the check said.
      const results = await Promise.all(
        checked.map(async (c, i) => {
          if (!c.result || c.result.height !== undefined) return c;
          const done = await submitOne(node, txs[i] as Uint8Array, "commit", body.timeoutMs);
          return done.result ? { ...done, result: { ...done.result, duplicate: c.result.duplicate } } : done;
        }),
      );
      return { results };
    },

    async getTx({ params }) {
      const hash = params.hash.toLowerCase();
      const r = await node.tx(hash);
      if (!r) throw ApiErrors.notFound.create(`no committed transaction has hash ${hash}`, { hash });
      return txRecordToJson(r);
    },

    async getLatestBlock() {
      const h = node.status().latestHeight;
      const b = h > 0n ? await node.block(h) : undefined;
      if (!b) throw ApiErrors.notFound.create("no block is committed yet");
      return blockToJson(b);
    },

    async getBlock({ params }) {
      const h = height(params.height, "height");
      const b = await node.block(h);
      if (!b) {
        const latest = node.status().latestHeight;
        const why = h > latest ? `the latest is ${latest}` : "it was pruned";
        throw ApiErrors.notFound.create(`no block at height ${h}: ${why}`, { height: h, latestHeight: latest });
      }
      return blockToJson(b);
    },

    getAccount({ params, query }) {
      const address = params.address;
      if (!isAddress(address)) {
        throw ApiErrors.invalidRequest.create(`${address} is not a valid urbis address (bad checksum or length)`, {
          param: "address",
        });
      }
      const acc = moduleQuery("/auth/account", { address }, height(query.height, "height"));
      // Same height for both answers, even if a block commits in between.
      const bank = node.query("/bank/balances", utf8(JSON.stringify({ address })), acc.height, false);
      let balances: BalanceJson[] = [];
      if (bank.code === 0) balances = balancesOf(jsonOf(bank.value));
      else if (!(bank.codespace === AppErrors.unknownQuery.codespace && bank.code === AppErrors.unknownQuery.code)) {
        // A chain without a bank module has no balances; any other failure is real.
        throw resultError(bank.code, bank.codespace, bank.log);
      }
      const sequence = (acc.value as { sequence?: unknown } | null)?.sequence;
      return {
        address,
        height: acc.height.toString(),
        sequence: typeof sequence === "string" ? sequence : "0",
        balances,
      };
    },

    query({ params, query }) {
      const { height: h, ...rest } = query;
      const r = moduleQuery(`/${params.module}/${params.name}`, rest, height(h, "height"));
      return { height: r.height.toString(), value: r.value };
    },

    async getState({ params, query }) {
      const key = fromHex(params.keyHex.toLowerCase());
      const prove = query.prove === "true";
      const r = node.query("/store", key, height(query.height, "height"), prove);
      if (r.code !== 0) throw resultError(r.code, r.codespace, r.log);
      const out: RouteOutput<ApiRoutes["getState"]> = {
        key: params.keyHex.toLowerCase(),
        height: r.height.toString(),
        value: nativeBytesToBase64(r.value),
      };
      if (prove) {
        if (r.proof) out.proof = nativeBytesToBase64(r.proof);
        // The root the proof verifies against is the app hash *after* block
        // `height`: NodeService.block(height).resultAppHash, which is also the
        // appHash in block height+1's header. It is absent only if the block
        // store pruned that block; the proof is still returned.
        const root = (await node.block(r.height))?.resultAppHash;
        if (root !== undefined) out.appHash = root;
      }
      return out;
    },

    resolveDid({ params, query }) {
      // Ask for a deactivated DID's result too, so its 410 can carry it (query errors lose their details).
      const p: Record<string, string> = { did: params.did, includeDeactivated: "true" };
      if (query.versionId !== undefined) p.versionId = query.versionId;
      if (query.versionTime !== undefined) p.versionTime = query.versionTime;
      const result = moduleQuery("/did/resolve", p, 0n).value as DidResolutionResultJson;
      if (result.didDocumentMetadata.deactivated) {
        throw DidErrors.deactivated.create(`${params.did} is deactivated`, { did: params.did, resolution: result });
      }
      return result;
    },

    listOrganizations({ query }) {
      const p: Record<string, string> = query.status === undefined ? {} : { status: query.status };
      return typedQuery("listOrganizations", "/org/organizations", p, query.height);
    },

    getOrganization({ params, query }) {
      const { id } = params;
      return typedQuery("getOrganization", "/org/organization", { id }, query.height, { id });
    },

    listMembers({ params, query }) {
      const { id } = params;
      const p: Record<string, string> = { id };
      if (query.after !== undefined) p.after = query.after;
      if (query.limit !== undefined) p.limit = query.limit;
      return typedQuery("listMembers", "/org/members", p, query.height, { id });
    },

    getMembership({ params, query }) {
      const { address } = params;
      if (!isAddress(address)) {
        throw ApiErrors.invalidRequest.create(`${address} is not a valid urbis address (bad checksum or length)`, {
          param: "address",
        });
      }
      return typedQuery("getMembership", "/org/member", { address }, query.height);
    },

    listProposals({ query }) {
      const p: Record<string, string> = query.status === undefined ? {} : { status: query.status };
      return typedQuery("listProposals", "/gov/proposals", p, query.height);
    },

    getProposal({ params, query }) {
      const id = proposalId(params.id);
      return typedQuery("getProposal", "/gov/proposal", { id }, query.height, { id });
    },

    listVotes({ params, query }) {
      const id = proposalId(params.id);
      return typedQuery("listVotes", "/gov/votes", { id }, query.height, { id });
    },

    getTally({ params, query }) {
      const id = proposalId(params.id);
      return typedQuery("getTally", "/gov/tally", { id }, query.height, { id });
    },

    getGovParams({ query }) {
      return typedQuery("getGovParams", "/gov/params", {}, query.height);
    },

    listRegulations({ query }) {
      const p: Record<string, string> = query.topic === undefined ? {} : { topic: query.topic };
      return typedQuery("listRegulations", "/gov/regulations", p, query.height);
    },

    getRegulation({ params, query }) {
      const { topic } = params;
      const p: Record<string, string> = { topic };
      if (query.at !== undefined) {
        const at = parseU64(query.at);
        if (at === undefined) throw ApiErrors.invalidRequest.create("at exceeds 2^64-1", { param: "at" });
        p.at = at.toString();
      }
      // The module's own error names the height it looked at; the details repeat the request's.
      return typedQuery("getRegulation", "/gov/regulation", p, query.height, { topic, ...(p.at ? { at: p.at } : {}) });
    },

    getUpgradePlan({ query }) {
      return typedQuery("getUpgradePlan", "/upgrade/plan", {}, query.height);
    },

    getStatus() {
      return statusToJson(node.status(), node.ready());
    },

    describe() {
      const d = node.describe();
      return {
        messages: [...d.messages],
        queries: [...d.queries],
        permissions: d.permissions.map((p) => ({ type: p.type, permission: p.permission })),
      };
    },

    stream({ query }, ctx) {
      deps.streams.serve(ctx.request, ctx.reply, query, deps.onStreamDone);
    },

    livez() {
      return { status: "ok" as const };
    },

    readyz() {
      if (!node.ready()) throw ApiErrors.notReady.create("the node is not ready yet");
      return { status: "ok" as const };
    },

    metrics() {
      return deps.renderMetrics();
    },

    openapi() {
      return deps.openapi;
    },

    async verifyCredential({ body }) {
      // One state height and its block time for every read, so the answer is one consistent view.
      const { latestHeight: at, latestBlockTimeMs } = node.status();
      const lookups: CredentialLookups = {
        async didDocument(did) {
          try {
            return (moduleQuery("/did/resolve", { did }, at).value as DidResolutionResultJson)
              .didDocument as DidDocumentJson;
          } catch (e) {
            if (DidErrors.notFound.is(e) || DidErrors.deactivated.is(e)) return undefined;
            throw e;
          }
        },
        async isTrustedIssuer(credentialType, issuerDid) {
          return (moduleQuery("/vc/trusted_issuer", { credentialType, issuerDid }, at).value as { trusted: boolean })
            .trusted;
        },
        async statusBit(listId, index) {
          try {
            return moduleQuery("/vc/status", { listId, index: String(index) }, at).value as {
              issuerDid: string;
              purpose: StatusPurpose;
              length: number;
              value: boolean;
            };
          } catch (e) {
            if (VcErrors.unknownStatusList.is(e)) return undefined;
            if (VcErrors.indexOutOfRange.is(e)) {
              throw VcErrors.statusMismatch.create(`index ${index} is past the end of status list ${listId}`, {
                listId,
              });
            }
            throw e;
          }
        },
      };
      // The validity period is checked now, by the node's clock: an idle solo chain makes no
      // blocks, so the latest block's time can lag by hours and would refuse a credential
      // issued since. Never before that block's time, should this clock be behind the chain's.
      const atMs = Math.max(Date.now(), Number(latestBlockTimeMs));
      const r = await verifyCredentialWith(body, lookups, { atMs });
      return { ...r, atMs: atMs.toString(), height: at.toString() };
    },

    listTrustedIssuers({ query }) {
      const p: Record<string, string> =
        query.credentialType === undefined ? {} : { credentialType: query.credentialType };
      return typedQuery("listTrustedIssuers", "/vc/trusted_issuers", p, query.height);
    },

    getStatusList({ params, query }) {
      return typedQuery("getStatusList", "/vc/status_list", { listId: params.listId }, query.height, {
        listId: params.listId,
      });
    },

    getStatusBit({ params, query }) {
      return typedQuery("getStatusBit", "/vc/status", { listId: params.listId, index: params.index }, query.height, {
        listId: params.listId,
      });
    },
    ...createRecordHandlers(deps.records),
  };
}
