/**
 * UrbisClient: a typed client generated from the route table. `client.api`
 * has one method per route — built by iterating the table, typed by mapping
 * over it — and the convenience methods below only adapt arguments (bytes,
 * bigints) before calling those.
 */
import type { Address, GovParamsJson, OrgStatus, ProposalJson, ProposalStatus, RegulationJson } from "@urbis/protocol";
import {
  type AccountJson,
  type ApiRoutes,
  apiRoutes,
  type BlockJson,
  bytesToBase64,
  type DescribeJson,
  type DidResolutionResultJson,
  type MemberPageJson,
  type MembershipJson,
  type OrganizationDetailJson,
  type OrganizationListJson,
  type ProposalListJson,
  type ProposalTallyJson,
  type ProposalVotesJson,
  type QueryAnswerJson,
  type RegulationListJson,
  type RouteDef,
  type RouteId,
  type RouteInput,
  type RouteOutput,
  type StateAnswerJson,
  type StatusJson,
  type StreamItemJson,
  type SubmitResultJson,
  type TxRecordJson,
  toHex,
  type UpgradePlanAnswerJson,
} from "@urbis/protocol";
import { type CallOptions, type ClientConfig, callRoute } from "./http.js";
import { openStream, type StreamCallOptions, type UrbisStream } from "./sse.js";

type Empty = {};

/** Arguments of a route method: the input is optional when the route needs none. */
type ArgsOf<R extends RouteDef, O> =
  Empty extends RouteInput<R> ? [input?: RouteInput<R>, opts?: O] : [input: RouteInput<R>, opts?: O];

/** The client method of route `R`: a promise of its answer, or a stream of its items for SSE routes. */
export type RouteMethod<R extends RouteDef> = R["response"] extends { kind: "sse" }
  ? (...args: ArgsOf<R, StreamCallOptions>) => UrbisStream<RouteOutput<R>>
  : (...args: ArgsOf<R, CallOptions>) => Promise<RouteOutput<R>>;

/** One method per route of the table, by route id. */
export type ApiMethods = { [K in RouteId]: RouteMethod<ApiRoutes[K]> };

/** Builds {@link ApiMethods} for a client configuration. */
export function buildApiMethods(cfg: ClientConfig, routes: Readonly<Record<string, RouteDef>> = apiRoutes): ApiMethods {
  const methods: Record<string, unknown> = {};
  for (const route of Object.values(routes)) {
    methods[route.id] =
      route.response.kind === "sse"
        ? (input?: RouteInput<RouteDef>, opts?: StreamCallOptions) => openStream(cfg, route, input ?? {}, opts)
        : (input?: RouteInput<RouteDef>, opts?: CallOptions) => callRoute(cfg, route, input ?? {}, opts);
  }
  return methods as ApiMethods;
}

/** Options of {@link UrbisClient}. */
export interface UrbisClientOptions {
  /** Base URL of the node's API, e.g. `http://127.0.0.1:26657`. */
  baseUrl: string;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Default per-call timeout, ms (default 30 000; 0 = none). Streams have none. */
  timeoutMs?: number;
}

/** Options of a submission. */
export interface SubmitOptions extends CallOptions {
  /** `check` (default): answer once accepted into the mempool; `commit`: once committed. */
  wait?: "check" | "commit";
  /** With wait=commit: how long the node waits for the commit, ms. */
  commitTimeoutMs?: number;
}

/** A height as the API takes it. */
export type HeightLike = bigint | number | string;

function heightString(h: HeightLike): string {
  return typeof h === "string" ? h : BigInt(h).toString();
}

/** A proposal id as the API takes it. */
export type ProposalIdLike = bigint | number | string;

/** Options of a read: the state height to read (default: the latest committed one). */
export type ReadOptions = CallOptions & { height?: HeightLike };

/** Splits {@link ReadOptions} into the query's `height` and the call options. */
function readOpts(opts: ReadOptions): { height: { height?: string }; call: CallOptions } {
  const { height, ...call } = opts;
  return { height: height === undefined ? {} : { height: heightString(height) }, call };
}

/** A typed client of an Urbis node's REST API. Browser-safe. */
export class UrbisClient {
  /** Every route of the API as a typed method (see the route table in @urbis/protocol). */
  readonly api: ApiMethods;
  private readonly cfg: ClientConfig;

  constructor(opts: UrbisClientOptions) {
    this.cfg = {
      baseUrl: opts.baseUrl,
      // Bound: browsers throw "Illegal invocation" when fetch is called with another `this`.
      fetch: opts.fetch ?? globalThis.fetch.bind(globalThis),
      headers: opts.headers ?? {},
      timeoutMs: opts.timeoutMs ?? 30_000,
    };
    this.api = buildApiMethods(this.cfg);
  }

  /**
   * Submits a signed transaction (canonical bytes, or base64). Check failures
   * throw an UrbisApiError of the failing check's kind; resubmitting the same
   * bytes resolves with `duplicate: true`.
   */
  submitTx(tx: Uint8Array | string, opts: SubmitOptions = {}): Promise<SubmitResultJson> {
    const { wait, commitTimeoutMs, ...call } = opts;
    return this.api.submitTx(
      {
        body: {
          tx: typeof tx === "string" ? tx : bytesToBase64(tx),
          ...(wait === undefined ? {} : { wait }),
          ...(commitTimeoutMs === undefined ? {} : { timeoutMs: commitTimeoutMs }),
        },
      },
      withCommitTimeout(call, wait, commitTimeoutMs),
    );
  }

  /** Submits several signed transactions in order; each gets its own result or error. */
  submitTxs(txs: (Uint8Array | string)[], opts: SubmitOptions = {}) {
    const { wait, commitTimeoutMs, ...call } = opts;
    return this.api.submitTxBatch(
      {
        body: {
          txs: txs.map((t) => (typeof t === "string" ? t : bytesToBase64(t))),
          ...(wait === undefined ? {} : { wait }),
          ...(commitTimeoutMs === undefined ? {} : { timeoutMs: commitTimeoutMs }),
        },
      },
      withCommitTimeout(call, wait, commitTimeoutMs),
    );
  }

  /** A committed transaction by hash. */
  tx(hash: string, opts?: CallOptions): Promise<TxRecordJson> {
    return this.api.getTx({ params: { hash } }, opts);
  }

  /** A block by height, or the latest one. */
  block(height: HeightLike | "latest" = "latest", opts?: CallOptions): Promise<BlockJson> {
    return height === "latest"
      ? this.api.getLatestBlock({}, opts)
      : this.api.getBlock({ params: { height: heightString(height) } }, opts);
  }

  /** Node status. */
  status(opts?: CallOptions): Promise<StatusJson> {
    return this.api.getStatus({}, opts);
  }

  /** Registered message types, query paths and who may send each message type. */
  describe(opts?: CallOptions): Promise<DescribeJson> {
    return this.api.describe({}, opts);
  }

  /** Whether the node answers /readyz with 200. */
  async ready(opts?: CallOptions): Promise<boolean> {
    try {
      await this.api.readyz({}, opts);
      return true;
    } catch {
      return false;
    }
  }

  /** An account's sequence and balances. */
  account(address: Address, opts: CallOptions & { height?: HeightLike } = {}): Promise<AccountJson> {
    const { height, ...call } = opts;
    return this.api.getAccount(
      { params: { address }, query: height === undefined ? {} : { height: heightString(height) } },
      call,
    );
  }

  /** Runs the module query `<module>/<name>` with string params. */
  query(
    module: string,
    name: string,
    params: Record<string, string> = {},
    opts: CallOptions & { height?: HeightLike } = {},
  ): Promise<QueryAnswerJson> {
    const { height, ...call } = opts;
    const query = height === undefined ? params : { ...params, height: heightString(height) };
    return this.api.query({ params: { module, name }, query }, call);
  }

  /**
   * The node's resolution of a `did:urbis` DID (latest, or the version named by
   * `versionId` or `versionTime`). A deactivated DID throws `did.deactivated`
   * with the result in `details.resolution`. This trusts the node; the
   * did-resolver driver (`getUrbisResolver`) verifies proofs instead.
   */
  resolveDid(
    did: string,
    opts: CallOptions & { versionId?: number | string; versionTime?: string } = {},
  ): Promise<DidResolutionResultJson> {
    const { versionId, versionTime, ...call } = opts;
    return this.api.resolveDid(
      {
        params: { did },
        query: {
          ...(versionId === undefined ? {} : { versionId: String(versionId) }),
          ...(versionTime === undefined ? {} : { versionTime }),
        },
      },
      call,
    );
  }

  /** The consortium's organizations in id order (only those with `status`, if given), with member counts. */
  organizations(opts: ReadOptions & { status?: OrgStatus } = {}): Promise<OrganizationListJson> {
    const { status, ...rest } = opts;
    const { height, call } = readOpts(rest);
    return this.api.listOrganizations({ query: { ...height, ...(status === undefined ? {} : { status }) } }, call);
  }

  /** An organization with its member count and delegated roles; an unknown id throws `org.unknown_organization`. */
  organization(id: string, opts: ReadOptions = {}): Promise<OrganizationDetailJson> {
    const { height, call } = readOpts(opts);
    return this.api.getOrganization({ params: { id }, query: height }, call);
  }

  /**
   * One page of an organization's accounts in address byte order: those after
   * `after`, at most `limit` (default 1000). Pass the answer's `next` as
   * `after` for the following page.
   */
  members(id: string, opts: ReadOptions & { after?: Address; limit?: number } = {}): Promise<MemberPageJson> {
    const { after, limit, ...rest } = opts;
    const { height, call } = readOpts(rest);
    return this.api.listMembers(
      {
        params: { id },
        query: {
          ...height,
          ...(after === undefined ? {} : { after }),
          ...(limit === undefined ? {} : { limit: String(limit) }),
        },
      },
      call,
    );
  }

  /** An account's organization (null for none), whether it is an admin of it, and the roles it holds now. */
  membership(address: Address, opts: ReadOptions = {}): Promise<MembershipJson> {
    const { height, call } = readOpts(opts);
    return this.api.getMembership({ params: { address }, query: height }, call);
  }

  /** Governance proposals by id (only those with `status`, if given). */
  proposals(opts: ReadOptions & { status?: ProposalStatus } = {}): Promise<ProposalListJson> {
    const { status, ...rest } = opts;
    const { height, call } = readOpts(rest);
    return this.api.listProposals({ query: { ...height, ...(status === undefined ? {} : { status }) } }, call);
  }

  /** A governance proposal; an unknown id throws `gov.unknown_proposal`. */
  proposal(id: ProposalIdLike, opts: ReadOptions = {}): Promise<ProposalJson> {
    const { height, call } = readOpts(opts);
    return this.api.getProposal({ params: { id: heightString(id) }, query: height }, call);
  }

  /** The organizations' votes on a proposal, by organization id. */
  votes(id: ProposalIdLike, opts: ReadOptions = {}): Promise<ProposalVotesJson> {
    const { height, call } = readOpts(opts);
    return this.api.listVotes({ params: { id: heightString(id) }, query: height }, call);
  }

  /** A proposal's tally: the final one once voting ended (`final: true`), else the live count. */
  tally(id: ProposalIdLike, opts: ReadOptions = {}): Promise<ProposalTallyJson> {
    const { height, call } = readOpts(opts);
    return this.api.getTally({ params: { id: heightString(id) }, query: height }, call);
  }

  /** The governance parameters. */
  govParams(opts: ReadOptions = {}): Promise<GovParamsJson> {
    const { height, call } = readOpts(opts);
    return this.api.getGovParams({ query: height }, call);
  }

  /** Every recorded regulation version (only those of `topic`, if given), in force or not yet. */
  regulations(opts: ReadOptions & { topic?: string } = {}): Promise<RegulationListJson> {
    const { topic, ...rest } = opts;
    const { height, call } = readOpts(rest);
    return this.api.listRegulations({ query: { ...height, ...(topic === undefined ? {} : { topic }) } }, call);
  }

  /**
   * The version of regulation `topic` in force at block height `at` (default:
   * the state height read); none in force throws `gov.no_regulation`.
   */
  regulation(topic: string, opts: ReadOptions & { at?: HeightLike } = {}): Promise<RegulationJson> {
    const { at, ...rest } = opts;
    const { height, call } = readOpts(rest);
    return this.api.getRegulation(
      { params: { topic }, query: { ...height, ...(at === undefined ? {} : { at: heightString(at) }) } },
      call,
    );
  }

  /** The scheduled software upgrade, or `plan: null`. */
  upgradePlan(opts: ReadOptions = {}): Promise<UpgradePlanAnswerJson> {
    const { height, call } = readOpts(opts);
    return this.api.getUpgradePlan({ query: height }, call);
  }

  /** A raw state value, with its proof and the app hash it verifies against when `prove`. */
  state(
    key: Uint8Array | string,
    opts: CallOptions & { height?: HeightLike; prove?: boolean } = {},
  ): Promise<StateAnswerJson> {
    const { height, prove, ...call } = opts;
    return this.api.getState(
      {
        params: { keyHex: typeof key === "string" ? key : toHex(key) },
        query: {
          ...(height === undefined ? {} : { height: heightString(height) }),
          ...(prove === undefined ? {} : { prove: prove ? ("true" as const) : ("false" as const) }),
        },
      },
      call,
    );
  }

  /**
   * Live blocks and events. Resumes by itself after a dropped connection,
   * without gaps or duplicates; pass `after` (a cursor, e.g. a previous
   * stream's `lastCursor`) to continue a stream across restarts.
   */
  stream(
    filter: {
      after?: string;
      fromHeight?: HeightLike;
      kinds?: ("block" | "event")[];
      types?: string[];
      attr?: Record<string, string>;
    } = {},
    opts?: StreamCallOptions,
  ): UrbisStream<StreamItemJson> {
    const attrs = filter.attr ? Object.entries(filter.attr).map(([k, v]) => `${k}=${v}`) : [];
    return this.api.stream(
      {
        query: {
          ...(filter.after === undefined ? {} : { after: filter.after }),
          ...(filter.fromHeight === undefined ? {} : { fromHeight: heightString(filter.fromHeight) }),
          ...(filter.kinds?.length ? { kinds: filter.kinds.join(",") } : {}),
          ...(filter.types?.length ? { types: filter.types.join(",") } : {}),
          ...(attrs.length ? { attr: attrs } : {}),
        },
      },
      opts,
    );
  }
}

/** A commit wait must not be cut short by the client's own timeout: allow the wait plus a margin. */
function withCommitTimeout(
  call: CallOptions,
  wait: string | undefined,
  commitTimeoutMs: number | undefined,
): CallOptions {
  if (wait !== "commit" || call.timeoutMs !== undefined) return call;
  return { ...call, timeoutMs: (commitTimeoutMs ?? 10_000) + 10_000 };
}
