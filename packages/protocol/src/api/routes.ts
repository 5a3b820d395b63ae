/**
 * The REST API, defined once. Each entry of {@link apiRoutes} is the single
 * source of truth for one route: method, path, request schemas, answer,
 * summary and the error kinds it can answer. From this table
 *
 * - the node registers its Fastify handlers (validation and serialization use
 *   these schemas; a route without a handler is a type error),
 * - the SDK builds its typed `fetch` caller (one method per route, typed by
 *   {@link RouteInput} / {@link RouteOutput}),
 * - {@link buildOpenApiDocument} writes the OpenAPI 3.1 document.
 *
 * Browser-safe: TypeBox only, no Node built-ins.
 */
import { type Static, type TSchema, Type } from "@sinclair/typebox";
import type { ErrorDef } from "../errors.js";
import { DidErrors } from "../modules/did/errors.js";
import { GovErrors } from "../modules/gov/errors.js";
import { OrgErrors } from "../modules/org/errors.js";
import { VcErrors } from "../modules/vc/errors.js";
import { ApiErrors } from "./errors.js";
import { recordRoutes } from "./records-routes.js";
import {
  CredentialBodyWire,
  CredentialVerificationWire,
  StatusBitWire,
  StatusListWire,
  TrustedIssuerListWire,
} from "./vc-wire.js";
import {
  AccountWire,
  AddressString,
  BlockWire,
  DescribeWire,
  DidResolutionResultWire,
  GovParamsWire,
  HashParam,
  HealthWire,
  HeightParam,
  MAX_STATE_KEY_BYTES,
  MemberPageWire,
  MembershipWire,
  OrganizationListWire,
  OrganizationWire,
  OrgIdParam,
  OrgStatusWire,
  ProposalIdParam,
  ProposalListWire,
  ProposalStatusWire,
  ProposalTallyWire,
  ProposalVotesWire,
  ProposalWire,
  QueryAnswerWire,
  RegulationListWire,
  RegulationWire,
  StateAnswerWire,
  StatusWire,
  StreamItemWire,
  StringEnum,
  SubmitBatchBodyWire,
  SubmitBatchResultWire,
  SubmitResultWire,
  SubmitTxBodyWire,
  TopicParam,
  TxRecordWire,
  U64String,
  UpgradePlanAnswerWire,
} from "./wire.js";

/** A registered error kind's id, `codespace.name` (e.g. `app.invalid_query`). */
export type ErrorId = `${string}.${string}`;

/** HTTP methods the API uses. */
export type HttpMethod = "GET" | "POST" | "PUT";

/** What a successful answer carries. */
export type RouteResponse =
  /** JSON matching `schema`; `statuses` lists the 2xx codes it may come with (default [200]). */
  | { readonly kind: "json"; readonly schema: TSchema; readonly statuses?: readonly number[] }
  /** Plain text of `contentType` (Prometheus metrics). */
  | { readonly kind: "text"; readonly contentType: string }
  /** A Server-Sent Events stream whose messages' `data` match `item`. */
  | { readonly kind: "sse"; readonly item: TSchema };

/** One route of the API. */
export interface RouteDef {
  /** Stable identifier: the OpenAPI operationId and the SDK method name. */
  readonly id: string;
  readonly method: HttpMethod;
  /** OpenAPI-style path, parameters in braces: `/v1/txs/{hash}`. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  /** OpenAPI tag grouping the route in the docs. */
  readonly tag: string;
  /** Path parameters: an object schema whose properties name the `{…}` segments. */
  readonly params?: TSchema;
  /** Query string: an object schema of string-valued properties. */
  readonly query?: TSchema;
  /** JSON request body. */
  readonly body?: TSchema;
  /** Request headers the route reads (names lowercase). Not part of the SDK's typed input. */
  readonly headers?: TSchema;
  readonly response: RouteResponse;
  /** Error kinds this route answers by itself (beyond the ones every route can answer). */
  readonly errors: readonly ErrorDef[];
  /**
   * More error kinds this route answers, by id (`codespace.name`): the kinds
   * registered outside this browser-safe package (the App's `app.*`, which the
   * state machine registers). {@link routeErrors} resolves them against the
   * registry when the route is documented.
   */
  readonly stateErrors?: readonly ErrorId[];
  /**
   * The route forwards errors of the state machine (transaction checks, module
   * and `app` errors) as they are registered; the OpenAPI document lists every
   * registered kind outside the `api` codespace for it.
   */
  readonly passthroughErrors?: boolean;
  /** Exempt from the per-client rate limit (probes and scrapers must always get through). */
  readonly unlimited?: boolean;
}

/** Declares a route, keeping its literal type so input and output types can be derived from it. */
export function defineRoute<const R extends RouteDef>(route: R): R {
  return route;
}

const Tags = {
  txs: "transactions",
  blocks: "blocks",
  state: "state",
  consortium: "consortium",
  node: "node",
  ops: "operations",
} as const;

/** `height` of a read route: the state version to read. */
const StateHeight = Type.Optional(
  Type.String({ ...HeightParam, description: "State height to read (default: the latest committed one)." }),
);
/** The query string of a consortium route: the state `height` and the route's own parameters. */
function readQuery<P extends Record<string, TSchema>>(props: P, description?: string) {
  return Type.Object(
    { height: StateHeight, ...props },
    { additionalProperties: false, ...(description === undefined ? {} : { description }) },
  );
}
/**
 * What every module-query route may answer besides its own kinds: a chain
 * without the module (`app.unknown_query`), a height not stored
 * (`app.height_unavailable`), parameters the module refuses (`app.invalid_query`).
 */
const QUERY_ERRORS = ["app.invalid_query", "app.unknown_query", "app.height_unavailable"] as const;

/** Every route of the API, by id. */
export const apiRoutes = {
  submitTx: defineRoute({
    id: "submitTx",
    method: "POST",
    path: "/v1/txs",
    tag: Tags.txs,
    summary: "Submit a signed transaction",
    description:
      "Checks the transaction and adds it to the mempool; with `wait: commit` also waits until it is committed. " +
      "A transaction that fails its check answers the registered error of that check (e.g. `tx.wrong_sequence`, 400) " +
      "with the transaction hash in `details.hash`. Resubmitting the same signed bytes answers 200 with `duplicate: true` " +
      "describing the first submission. A committed transaction that failed while executing answers 200 with its non-zero " +
      "`code` (it is on chain and consumed its sequence). With `wait: commit`, a commit that does not come within " +
      "`timeoutMs` answers 504 (the engine's `node.commit_timeout`, or `api.timeout`) with `details.hash`: the " +
      "transaction may still commit, so poll `GET /v1/txs/{hash}` rather than re-sign.",
    body: SubmitTxBodyWire,
    response: { kind: "json", schema: SubmitResultWire },
    errors: [ApiErrors.payloadTooLarge, ApiErrors.unsupportedMediaType, ApiErrors.notReady],
    passthroughErrors: true,
  }),
  submitTxBatch: defineRoute({
    id: "submitTxBatch",
    method: "POST",
    path: "/v1/txs/batch",
    tag: Tags.txs,
    summary: "Submit several signed transactions",
    description:
      "Submits each transaction in body order (so consecutive sequences of one signer are accepted) and answers one " +
      "item per transaction: `status` is what `POST /v1/txs` would have answered for it alone, with `result` on 2xx " +
      "and `error` otherwise. The request itself answers 200 even when some items fail.",
    body: SubmitBatchBodyWire,
    response: { kind: "json", schema: SubmitBatchResultWire },
    errors: [ApiErrors.payloadTooLarge, ApiErrors.unsupportedMediaType, ApiErrors.notReady],
  }),
  getTx: defineRoute({
    id: "getTx",
    method: "GET",
    path: "/v1/txs/{hash}",
    tag: Tags.txs,
    summary: "A committed transaction and its result",
    params: Type.Object({ hash: HashParam }),
    response: { kind: "json", schema: TxRecordWire },
    errors: [ApiErrors.notFound],
  }),
  getLatestBlock: defineRoute({
    id: "getLatestBlock",
    method: "GET",
    path: "/v1/blocks/latest",
    tag: Tags.blocks,
    summary: "The latest committed block",
    response: { kind: "json", schema: BlockWire },
    errors: [ApiErrors.notFound],
  }),
  getBlock: defineRoute({
    id: "getBlock",
    method: "GET",
    path: "/v1/blocks/{height}",
    tag: Tags.blocks,
    summary: "A committed block by height",
    params: Type.Object({ height: HeightParam }),
    response: { kind: "json", schema: BlockWire },
    errors: [ApiErrors.notFound],
  }),
  getAccount: defineRoute({
    id: "getAccount",
    method: "GET",
    path: "/v1/accounts/{address}",
    tag: Tags.state,
    summary: "An account's sequence and balances",
    description:
      "Combines the `auth/account` and `bank/balances` queries at one height. `sequence` is what the account's next " +
      "transaction must carry. Balances are empty when the chain runs no bank module.",
    params: Type.Object({ address: AddressString }),
    query: Type.Object(
      { height: Type.Optional(HeightParam) },
      { additionalProperties: false, description: "`height` defaults to the latest committed one." },
    ),
    response: { kind: "json", schema: AccountWire },
    errors: [],
    passthroughErrors: true,
  }),
  query: defineRoute({
    id: "query",
    method: "GET",
    path: "/v1/query/{module}/{name}",
    tag: Tags.state,
    summary: "Run a module query",
    description:
      "Runs the registered query `<module>/<name>` (see `GET /v1/describe`) with the query-string parameters as its " +
      "string params. The parameter `height` is reserved: it selects the state height (default latest).",
    params: Type.Object({
      module: Type.String({ pattern: "^[a-z][a-z0-9_]*$", maxLength: 64 }),
      name: Type.String({ pattern: "^[a-z][a-z0-9_]*$", maxLength: 64 }),
    }),
    query: Type.Record(Type.String({ pattern: "^[A-Za-z_][A-Za-z0-9_]*$" }), Type.String({ maxLength: 1024 }), {
      additionalProperties: false,
      maxProperties: 32,
      description: "The query's string parameters; `height` selects the state height.",
    }),
    response: { kind: "json", schema: QueryAnswerWire },
    errors: [],
    passthroughErrors: true,
  }),
  getState: defineRoute({
    id: "getState",
    method: "GET",
    path: "/v1/state/{keyHex}",
    tag: Tags.state,
    summary: "A raw state value, with its Merkle proof",
    description:
      "Reads the committed value at a raw store key. With `prove=true` also returns the proof and the app hash " +
      "(root) it verifies against, which is the `appHash` in the header of block height+1 " +
      "(equivalently `resultAppHash` of block `height`).",
    params: Type.Object({
      keyHex: Type.String({
        pattern: "^([0-9a-fA-F]{2})+$",
        maxLength: MAX_STATE_KEY_BYTES * 2,
        description: "Store key, hex.",
      }),
    }),
    query: Type.Object(
      {
        height: Type.Optional(HeightParam),
        prove: Type.Optional(StringEnum(["true", "false"] as const, { description: "Include the Merkle proof." })),
      },
      { additionalProperties: false },
    ),
    response: { kind: "json", schema: StateAnswerWire },
    errors: [],
    passthroughErrors: true,
  }),
  resolveDid: defineRoute({
    id: "resolveDid",
    method: "GET",
    path: "/v1/dids/{did}",
    tag: Tags.state,
    summary: "Resolve a did:urbis DID (W3C DID resolution result)",
    description:
      "Runs the `did/resolve` query: the DID document of the latest version, of version `versionId`, or of the latest " +
      "version that existed at `versionTime` (ISO 8601 UTC, compared in whole seconds), with its document metadata. " +
      "A deactivated DID answers 410 `did.deactivated` with the resolution result (`didDocumentMetadata.deactivated: " +
      "true`) in `details.resolution`. The answer is the node's word: the SDK's did-resolver driver instead checks " +
      "Merkle proofs of the stored record. See docs/did-method.md.",
    params: Type.Object({
      did: Type.String({ minLength: 1, maxLength: 256, description: "The DID, `did:urbis:<id>` (URL-encoded)." }),
    }),
    query: Type.Object(
      {
        versionId: Type.Optional(Type.String({ maxLength: 20, description: "A version number (1, 2, …)." })),
        versionTime: Type.Optional(
          Type.String({ maxLength: 40, description: "A UTC time such as `2025-01-01T00:00:00Z`." }),
        ),
      },
      { additionalProperties: false, description: "Give at most one of `versionId` and `versionTime`." },
    ),
    response: { kind: "json", schema: DidResolutionResultWire },
    errors: [
      DidErrors.invalidDid,
      DidErrors.invalidResolutionOption,
      DidErrors.notFound,
      DidErrors.versionNotFound,
      DidErrors.deactivated,
    ],
    passthroughErrors: true,
  }),
  listOrganizations: defineRoute({
    id: "listOrganizations",
    method: "GET",
    path: "/v1/orgs",
    tag: Tags.consortium,
    summary: "The consortium's organizations",
    description:
      "Runs the `org/organizations` query: every organization (or those with `status`) in id order, each with its " +
      "member count.",
    query: readQuery({ status: Type.Optional(OrgStatusWire) }),
    response: { kind: "json", schema: OrganizationListWire },
    errors: [],
    stateErrors: QUERY_ERRORS,
  }),
  getOrganization: defineRoute({
    id: "getOrganization",
    method: "GET",
    path: "/v1/orgs/{id}",
    tag: Tags.consortium,
    summary: "An organization, its member count and delegated roles",
    description:
      "Runs the `org/organization` query. An id that names no organization answers 404 " +
      "`org.unknown_organization` with the id in `details.id`.",
    params: Type.Object({ id: OrgIdParam }),
    query: readQuery({}),
    response: { kind: "json", schema: OrganizationWire },
    errors: [OrgErrors.unknownOrganization],
    stateErrors: QUERY_ERRORS,
  }),
  listMembers: defineRoute({
    id: "listMembers",
    method: "GET",
    path: "/v1/orgs/{id}/members",
    tag: Tags.consortium,
    summary: "An organization's accounts, one page at a time",
    description:
      "Runs the `org/members` query: accounts in address byte order after `after`, at most `limit` (default 1000, " +
      "at most 10000, beyond which `app.invalid_query`). When more follow, `next` is the `after` of the next page.",
    params: Type.Object({ id: OrgIdParam }),
    query: readQuery({
      after: Type.Optional(Type.String({ ...AddressString, description: "Start strictly after this address." })),
      limit: Type.Optional(
        Type.String({ pattern: "^[1-9][0-9]{0,5}$", description: "Page size, 1 to 10000 (default 1000)." }),
      ),
    }),
    response: { kind: "json", schema: MemberPageWire },
    errors: [OrgErrors.unknownOrganization],
    stateErrors: QUERY_ERRORS,
  }),
  getMembership: defineRoute({
    id: "getMembership",
    method: "GET",
    path: "/v1/accounts/{address}/membership",
    tag: Tags.consortium,
    summary: "An account's organization, admin status and roles",
    description:
      "Runs the `org/member` query: the account's organization (null for none) and its status, whether the account " +
      "is one of its admins, and the roles it holds now.",
    params: Type.Object({ address: AddressString }),
    query: readQuery({}),
    response: { kind: "json", schema: MembershipWire },
    errors: [],
    stateErrors: QUERY_ERRORS,
  }),
  listProposals: defineRoute({
    id: "listProposals",
    method: "GET",
    path: "/v1/gov/proposals",
    tag: Tags.consortium,
    summary: "Governance proposals",
    description: "Runs the `gov/proposals` query: every proposal (or those with `status`) by id.",
    query: readQuery({ status: Type.Optional(ProposalStatusWire) }),
    response: { kind: "json", schema: ProposalListWire },
    errors: [],
    stateErrors: QUERY_ERRORS,
  }),
  getProposal: defineRoute({
    id: "getProposal",
    method: "GET",
    path: "/v1/gov/proposals/{id}",
    tag: Tags.consortium,
    summary: "A governance proposal",
    description:
      "Runs the `gov/proposal` query. An id that names no proposal answers 404 `gov.unknown_proposal` with the id " +
      "in `details.id`.",
    params: Type.Object({ id: ProposalIdParam }),
    query: readQuery({}),
    response: { kind: "json", schema: ProposalWire },
    errors: [GovErrors.unknownProposal],
    stateErrors: QUERY_ERRORS,
  }),
  listVotes: defineRoute({
    id: "listVotes",
    method: "GET",
    path: "/v1/gov/proposals/{id}/votes",
    tag: Tags.consortium,
    summary: "The organizations' votes on a proposal",
    description: "Runs the `gov/votes` query: one vote per organization that voted, by organization id.",
    params: Type.Object({ id: ProposalIdParam }),
    query: readQuery({}),
    response: { kind: "json", schema: ProposalVotesWire },
    errors: [GovErrors.unknownProposal],
    stateErrors: QUERY_ERRORS,
  }),
  getTally: defineRoute({
    id: "getTally",
    method: "GET",
    path: "/v1/gov/proposals/{id}/tally",
    tag: Tags.consortium,
    summary: "A proposal's sector-weighted tally",
    description:
      "Runs the `gov/tally` query: the stored final tally once voting ended (`final: true`), else the live count " +
      "over the organizations active at the state height.",
    params: Type.Object({ id: ProposalIdParam }),
    query: readQuery({}),
    response: { kind: "json", schema: ProposalTallyWire },
    errors: [GovErrors.unknownProposal],
    stateErrors: QUERY_ERRORS,
  }),
  getGovParams: defineRoute({
    id: "getGovParams",
    method: "GET",
    path: "/v1/gov/params",
    tag: Tags.consortium,
    summary: "Governance parameters",
    description: "Runs the `gov/params` query: deposits, periods, quorum, threshold, veto and sector weights.",
    query: readQuery({}),
    response: { kind: "json", schema: GovParamsWire },
    errors: [],
    stateErrors: QUERY_ERRORS,
  }),
  listRegulations: defineRoute({
    id: "listRegulations",
    method: "GET",
    path: "/v1/gov/regulations",
    tag: Tags.consortium,
    summary: "Every recorded regulation version",
    description:
      "Runs the `gov/regulations` query: every version (or those of `topic`) by topic, effective height and " +
      "proposal id, including versions not yet in force.",
    query: readQuery({ topic: Type.Optional(TopicParam) }),
    response: { kind: "json", schema: RegulationListWire },
    errors: [],
    stateErrors: QUERY_ERRORS,
  }),
  getRegulation: defineRoute({
    id: "getRegulation",
    method: "GET",
    path: "/v1/gov/regulations/{topic}",
    tag: Tags.consortium,
    summary: "The version of a regulation in force at a height",
    description:
      "Runs the `gov/regulation` query: the version of `topic` in force at block height `at` (default: the state " +
      "height). `at` is a chain height and `height` the state version read, so the rule history, which lives in the " +
      'latest state, answers "what was in force at H" with `at=H` alone. None in force answers 404 ' +
      "`gov.no_regulation` with `details.topic` (and `details.at` when given).",
    params: Type.Object({ topic: TopicParam }),
    query: readQuery({
      at: Type.Optional(
        Type.String({
          ...U64String,
          description: "Block height at which the version is in force (default: `height`).",
        }),
      ),
    }),
    response: { kind: "json", schema: RegulationWire },
    errors: [GovErrors.noRegulation],
    stateErrors: QUERY_ERRORS,
  }),
  getUpgradePlan: defineRoute({
    id: "getUpgradePlan",
    method: "GET",
    path: "/v1/upgrade/plan",
    tag: Tags.consortium,
    summary: "The scheduled software upgrade",
    description:
      "Runs the `upgrade/plan` query: the plan governance scheduled (every node stops at its height unless it runs " +
      "software that implements it), or `plan: null`.",
    query: readQuery({}),
    response: { kind: "json", schema: UpgradePlanAnswerWire },
    errors: [],
    stateErrors: QUERY_ERRORS,
  }),
  getStatus: defineRoute({
    id: "getStatus",
    method: "GET",
    path: "/v1/status",
    tag: Tags.node,
    summary: "Node status: chain, latest block, mempool",
    response: { kind: "json", schema: StatusWire },
    errors: [],
  }),
  describe: defineRoute({
    id: "describe",
    method: "GET",
    path: "/v1/describe",
    tag: Tags.node,
    summary: "Registered message types, query paths and message permissions",
    description:
      "`permissions` says who may send each message type: `anyone`, `member` (of an active organization), " +
      "`governance` (only an executing proposal) or `role:<name>`.",
    response: { kind: "json", schema: DescribeWire },
    errors: [],
  }),
  stream: defineRoute({
    id: "stream",
    method: "GET",
    path: "/v1/stream",
    tag: Tags.blocks,
    summary: "Live blocks and events (Server-Sent Events)",
    description:
      "Each SSE message has `id: <cursor>`, `event: block|event` and one StreamItem as JSON `data`. Starts after " +
      "`after` (a cursor) or at `fromHeight`, else with the next live item; the `Last-Event-ID` header, sent by " +
      "reconnecting clients, takes precedence over both. Filters: `kinds` (comma list of block,event); `types` (comma " +
      "list of event types) and `attr` (key=value, repeatable, all must match) select events only. Comment lines are " +
      "heartbeats. A consumer too slow to keep up is disconnected; it resumes from its last cursor without loss.",
    query: Type.Object(
      {
        after: Type.Optional(
          Type.String({ minLength: 1, maxLength: 128, description: "Resume strictly after this cursor." }),
        ),
        fromHeight: Type.Optional(U64String),
        kinds: Type.Optional(Type.String({ pattern: "^(block|event)(,(block|event))*$" })),
        types: Type.Optional(Type.String({ pattern: "^[A-Za-z0-9_.\\-/]+(,[A-Za-z0-9_.\\-/]+)*$", maxLength: 1024 })),
        attr: Type.Optional(
          Type.Union([
            Type.String({ pattern: "^[^=]+=.*$", maxLength: 512 }),
            Type.Array(Type.String({ pattern: "^[^=]+=.*$", maxLength: 512 }), { maxItems: 16 }),
          ]),
        ),
      },
      { additionalProperties: false },
    ),
    headers: Type.Object({ "last-event-id": Type.Optional(Type.String({ maxLength: 128 })) }),
    response: { kind: "sse", item: StreamItemWire },
    errors: [ApiErrors.overloaded],
  }),
  livez: defineRoute({
    id: "livez",
    method: "GET",
    path: "/livez",
    tag: Tags.ops,
    summary: "Liveness probe: the process serves HTTP",
    response: { kind: "json", schema: HealthWire },
    errors: [],
    unlimited: true,
  }),
  readyz: defineRoute({
    id: "readyz",
    method: "GET",
    path: "/readyz",
    tag: Tags.ops,
    summary: "Readiness probe: 503 until the node can serve",
    response: { kind: "json", schema: HealthWire },
    errors: [ApiErrors.notReady],
    unlimited: true,
  }),
  metrics: defineRoute({
    id: "metrics",
    method: "GET",
    path: "/metrics",
    tag: Tags.ops,
    summary: "Prometheus metrics (text exposition format)",
    response: { kind: "text", contentType: "text/plain; version=0.0.4; charset=utf-8" },
    errors: [],
    unlimited: true,
  }),
  openapi: defineRoute({
    id: "openapi",
    method: "GET",
    path: "/openapi.json",
    tag: Tags.ops,
    summary: "This API's OpenAPI 3.1 document",
    response: {
      kind: "json",
      // additionalProperties: the server's serializer must pass the whole document through.
      schema: Type.Unsafe<OpenApiDocument>({
        type: "object",
        additionalProperties: true,
        description: "OpenAPI 3.1 document.",
      }),
    },
    errors: [],
  }),
  verifyCredential: defineRoute({
    id: "verifyCredential",
    method: "POST",
    path: "/v1/vc/verify",
    tag: Tags.state,
    summary: "Verify a W3C verifiable credential against the chain",
    description:
      "Checks a VC Data Model 2.0 credential with an eddsa-jcs-2022 Data Integrity proof, with the same code the SDK's " +
      "`verifyCredential` runs, against this node's latest state: its structure, the signature by an assertionMethod " +
      "key of the issuer's did:urbis DID, the issuer's trust for every type of the credential (governance's registry), " +
      "the validity period at the node's current time (never before the latest block's), and its on-chain status bits. Answers 200 with the summary, " +
      "or the `vc.*` error of the first problem. The answer is the node's word: the SDK verifies with proofs.",
    body: CredentialBodyWire,
    response: { kind: "json", schema: CredentialVerificationWire },
    errors: [
      ApiErrors.payloadTooLarge,
      ApiErrors.unsupportedMediaType,
      VcErrors.malformedCredential,
      VcErrors.unknownIssuerKey,
      VcErrors.invalidProof,
      VcErrors.untrustedIssuer,
      VcErrors.notYetValid,
      VcErrors.expired,
      VcErrors.statusMismatch,
      VcErrors.revoked,
      VcErrors.suspended,
    ],
  }),
  listTrustedIssuers: defineRoute({
    id: "listTrustedIssuers",
    method: "GET",
    path: "/v1/vc/trusted-issuers",
    tag: Tags.state,
    summary: "Issuers governance trusts, per credential type",
    description: "Runs the `vc/trusted_issuers` query: every trust entry, or those of `credentialType`.",
    query: readQuery({
      credentialType: Type.Optional(Type.String({ maxLength: 64, description: "e.g. `PatientCredential`." })),
    }),
    response: { kind: "json", schema: TrustedIssuerListWire },
    errors: [VcErrors.invalidCredentialType],
    passthroughErrors: true,
  }),
  getStatusList: defineRoute({
    id: "getStatusList",
    method: "GET",
    path: "/v1/vc/status-lists/{listId}",
    tag: Tags.state,
    summary: "An on-chain Bitstring Status List",
    description:
      "Runs the `vc/status_list` query: the list's owner and purpose, and the list as a W3C " +
      "BitstringStatusListCredential whose `encodedList` is the multibase base64url GZIP of its bits.",
    params: Type.Object({ listId: Type.String({ minLength: 1, maxLength: 64 }) }),
    query: readQuery({}),
    response: { kind: "json", schema: StatusListWire },
    errors: [VcErrors.invalidListId, VcErrors.unknownStatusList],
    passthroughErrors: true,
  }),
  getStatusBit: defineRoute({
    id: "getStatusBit",
    method: "GET",
    path: "/v1/vc/status-lists/{listId}/{index}",
    tag: Tags.state,
    summary: "One bit of an on-chain status list",
    description: "Runs the `vc/status` query: whether index `index` is set (revoked or suspended).",
    params: Type.Object({
      listId: Type.String({ minLength: 1, maxLength: 64 }),
      index: Type.String({ pattern: "^(0|[1-9][0-9]{0,7})$" }),
    }),
    query: readQuery({}),
    response: { kind: "json", schema: StatusBitWire },
    errors: [VcErrors.invalidListId, VcErrors.unknownStatusList, VcErrors.indexOutOfRange],
    passthroughErrors: true,
  }),
  ...recordRoutes,
} as const;

/** The route table's type. */
export type ApiRoutes = typeof apiRoutes;
/** Identifier of a route. */
export type RouteId = keyof ApiRoutes;

/** Routes of the table as a list, in declaration order. */
export function routeList(): RouteDef[] {
  return Object.values(apiRoutes);
}

type Empty = {};

/** What a caller supplies for route `R`: `params`, `query` and `body` as its schemas require. */
export type RouteInput<R extends RouteDef> = (R extends { params: infer S extends TSchema }
  ? { params: Static<S> }
  : Empty) &
  (R extends { query: infer S extends TSchema }
    ? Empty extends Static<S>
      ? { query?: Static<S> }
      : { query: Static<S> }
    : Empty) &
  (R extends { body: infer S extends TSchema }
    ? Empty extends Static<S>
      ? { body?: Static<S> }
      : { body: Static<S> }
    : Empty);

/** What a successful answer of route `R` decodes to (for SSE routes: one stream item). */
export type RouteOutput<R extends RouteDef> = R["response"] extends { kind: "json"; schema: infer S extends TSchema }
  ? Static<S>
  : R["response"] extends { kind: "text" }
    ? string
    : R["response"] extends { kind: "sse"; item: infer S extends TSchema }
      ? Static<S>
      : never;

/** Names of the `{…}` parameters of an OpenAPI-style path, in order. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] as string);
}

/** Substitutes path parameters (URI-encoded) into an OpenAPI-style path. */
export function fillPath(path: string, params: Readonly<Record<string, string>> | undefined): string {
  return path.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined) throw new TypeError(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(v);
  });
}

/** A minimal view of an OpenAPI 3.1 document (enough for typing; see the spec for the rest). */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers?: { url: string; description?: string }[];
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, unknown>;
  [extension: string]: unknown;
}
