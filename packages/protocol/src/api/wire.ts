/**
 * JSON wire types of the REST API, as TypeBox schemas (which are JSON Schema):
 * the server validates requests and serializes responses with them, the SDK
 * takes its static types from them, and the OpenAPI document embeds them.
 *
 * Encoding rules (see ./encoding.ts): u64-sized integers are decimal strings,
 * opaque bytes are standard padded base64, hashes and keys are lowercase hex.
 */
import { type Static, type TSchema, Type } from "@sinclair/typebox";
import { DID_KINDS } from "../modules/did/types.js";
import { PROPOSAL_STATUSES, TOPIC_PATTERN, VOTE_OPTIONS } from "../modules/gov/types.js";
import { ORG_ID_PATTERN, type OrgStatus } from "../modules/org/types.js";
import { MAX_TX_BYTES } from "../tx.js";
import { BASE64_PATTERN, DECIMAL_PATTERN } from "./encoding.js";

/** Every organization status, in wire order. */
const ORG_STATUSES = ["active", "suspended", "removed"] as const satisfies readonly OrgStatus[];

/** Most transactions in one `POST /v1/txs/batch`. */
export const MAX_BATCH_TXS = 100;
/** Longest `timeoutMs` a submission may ask to wait for its commit. */
export const MAX_SUBMIT_TIMEOUT_MS = 60_000;
/** Longest state key, in bytes, `GET /v1/state/{keyHex}` accepts. */
export const MAX_STATE_KEY_BYTES = 512;

/**
 * A string enum as plain `{type: "string", enum: [...]}` (rather than TypeBox's
 * anyOf-of-consts), which reads better in OpenAPI and validates faster.
 */
export function StringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<T[number]>({ ...options, type: "string", enum: [...values] });
}

/** A non-negative decimal integer as a string, at most 2^64-1 (checked by the server). */
export const U64String = Type.String({
  pattern: DECIMAL_PATTERN,
  maxLength: 20,
  description: "Unsigned 64-bit integer as a decimal string.",
  examples: ["42"],
});
/** An arbitrary-size non-negative decimal integer as a string (amounts). */
export const AmountString = Type.String({
  pattern: DECIMAL_PATTERN,
  maxLength: 78,
  description: "Non-negative integer as a decimal string.",
});
/** A block height in a URL or query string: positive decimal u64. */
export const HeightParam = Type.String({
  pattern: "^[1-9][0-9]{0,19}$",
  description: "Block height (>= 1) as a decimal string.",
  examples: ["1"],
});
/** Standard padded base64. */
export const Base64 = Type.String({ pattern: BASE64_PATTERN, description: "Bytes as standard padded base64." });
/** A 32-byte hash as lowercase hex. */
export const Hash = Type.String({ pattern: "^[0-9a-f]{64}$", description: "SHA-256 hash, lowercase hex." });
/** A 32-byte hash in a URL: hex, either case (normalised to lowercase). */
export const HashParam = Type.String({ pattern: "^[0-9a-fA-F]{64}$", description: "SHA-256 hash, hex." });
/** Hex bytes, possibly empty (e.g. the previous block hash of block 1). */
export const HexBytes = Type.String({ pattern: "^([0-9a-f]{2})*$", description: "Bytes as lowercase hex." });
/** A bech32m account address. Checksum is verified by the server. */
export const AddressString = Type.String({
  pattern: "^urbis1[02-9ac-hj-np-z]{6,83}$",
  maxLength: 90,
  description: "Account address (bech32m, prefix `urbis`).",
});

/** One event attribute. */
export const EventAttributeWire = Type.Object(
  { key: Type.String(), value: Type.String() },
  { title: "EventAttribute" },
);
/** An event emitted by a transaction or a block hook. */
export const EventWire = Type.Object(
  { type: Type.String(), attributes: Type.Array(EventAttributeWire) },
  { title: "Event" },
);
/** Outcome of one transaction: code 0 = success; otherwise a registered (codespace, code). */
export const TxResultWire = Type.Object(
  { code: Type.Integer(), codespace: Type.String(), log: Type.String(), events: Type.Array(EventWire) },
  { title: "TxResult" },
);

/** The `error` object of every error body. */
export const ErrorInfoWire = Type.Object(
  {
    codespace: Type.String({ description: "Registered codespace, e.g. `tx`, `bank`, `api`." }),
    code: Type.Integer({ description: "Registered code within the codespace." }),
    name: Type.String({ description: "Registered snake_case name, e.g. `insufficient_funds`." }),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { title: "ErrorInfo" },
);
/** Body of every non-2xx JSON answer. */
export const ErrorBodyWire = Type.Object({ error: ErrorInfoWire }, { title: "ErrorBody" });

const Wait = StringEnum(["check", "commit"] as const, {
  description:
    "`check` (default) answers once the mempool accepted the transaction; `commit` waits until it is in a committed block.",
});
const TimeoutMs = Type.Integer({
  minimum: 1,
  maximum: MAX_SUBMIT_TIMEOUT_MS,
  description: "With wait=commit: how long to wait for the commit before answering 504 (default 10000).",
});

/** Body of `POST /v1/txs`. */
export const SubmitTxBodyWire = Type.Object(
  {
    tx: Type.String({
      pattern: BASE64_PATTERN,
      // Room for a maximal transaction; larger ones fail as `tx.too_large` (413) or by the body limit.
      maxLength: Math.ceil((MAX_TX_BYTES * 2) / 3) * 4,
      description: "Signed transaction, canonical bytes, base64.",
    }),
    wait: Type.Optional(Wait),
    timeoutMs: Type.Optional(TimeoutMs),
  },
  { additionalProperties: false, title: "SubmitTxBody" },
);

/** Outcome of a submission. */
export const SubmitResultWire = Type.Object(
  {
    hash: Hash,
    code: Type.Integer(),
    codespace: Type.String(),
    log: Type.String(),
    duplicate: Type.Boolean({
      description: "The same transaction was submitted before; fields describe that first one.",
    }),
    height: Type.Optional(U64String),
    index: Type.Optional(Type.Integer({ minimum: 0 })),
    events: Type.Optional(Type.Array(EventWire)),
  },
  { title: "SubmitResult" },
);

/** Body of `POST /v1/txs/batch`. */
export const SubmitBatchBodyWire = Type.Object(
  {
    txs: Type.Array(SubmitTxBodyWire.properties.tx, { minItems: 1, maxItems: MAX_BATCH_TXS }),
    wait: Type.Optional(Wait),
    timeoutMs: Type.Optional(TimeoutMs),
  },
  { additionalProperties: false, title: "SubmitBatchBody" },
);

/**
 * One transaction's outcome in a batch: `status` is what `POST /v1/txs` would
 * have answered for it alone, with `result` on 2xx and `error` otherwise.
 */
export const BatchItemWire = Type.Object(
  {
    status: Type.Integer(),
    result: Type.Optional(SubmitResultWire),
    error: Type.Optional(ErrorInfoWire),
  },
  { title: "BatchItem" },
);
/** Answer of `POST /v1/txs/batch`: one item per submitted transaction, in order. */
export const SubmitBatchResultWire = Type.Object(
  { results: Type.Array(BatchItemWire) },
  { title: "SubmitBatchResult" },
);

/** A committed transaction. */
export const TxRecordWire = Type.Object(
  {
    hash: Hash,
    height: U64String,
    index: Type.Integer({ minimum: 0 }),
    tx: Base64,
    result: TxResultWire,
    timeMs: U64String,
  },
  { title: "TxRecord" },
);

/** Header of a committed block. */
export const BlockHeaderWire = Type.Object(
  {
    chainId: Type.String(),
    height: U64String,
    timeMs: U64String,
    lastBlockHash: HexBytes,
    appHash: HexBytes,
    dataHash: HexBytes,
  },
  { title: "BlockHeader" },
);

/** A committed block with its outcome. */
export const BlockWire = Type.Object(
  {
    hash: HexBytes,
    header: BlockHeaderWire,
    txs: Type.Array(Base64),
    txHashes: Type.Array(Hash),
    results: Type.Array(TxResultWire),
    events: Type.Array(EventWire),
    resultAppHash: Type.String({ description: "App hash after this block (the next header's appHash), hex." }),
  },
  { title: "Block" },
);

/** Node status. */
export const StatusWire = Type.Object(
  {
    chainId: Type.String(),
    engine: StringEnum(["solo", "cometbft"] as const),
    latestHeight: U64String,
    latestBlockHash: HexBytes,
    latestAppHash: HexBytes,
    latestBlockTimeMs: U64String,
    mempoolSize: Type.Integer({ minimum: 0 }),
    catchingUp: Type.Boolean(),
    ready: Type.Boolean(),
  },
  { title: "Status" },
);

/** Who may send a message type: `anyone`, `member`, `governance` or `role:<name>` (e.g. `role:health.provider`). */
export const PermissionLabel = Type.String({
  pattern: "^(anyone|member|governance|role:.+)$",
  description:
    "`anyone` (any signed account), `member` (a member of an active organization), `governance` (only an executing " +
    "proposal) or `role:<name>` (a holder of that role, e.g. `role:health.provider`).",
});

/** One registered message type and who may send it. */
export const MessagePermissionWire = Type.Object(
  { type: Type.String(), permission: PermissionLabel },
  { title: "MessagePermission" },
);

/** Registered message types, query paths, and who may send each message type. */
export const DescribeWire = Type.Object(
  {
    messages: Type.Array(Type.String()),
    queries: Type.Array(Type.String()),
    permissions: Type.Array(MessagePermissionWire, { description: "Every message type's permission, by type." }),
  },
  { title: "Describe" },
);

/** A balance of one denomination. */
export const CoinWire = Type.Object({ denom: Type.String(), amount: AmountString }, { title: "Coin" });

/** An account: sequence (for signing its next transaction) and balances. */
export const AccountWire = Type.Object(
  {
    address: AddressString,
    height: U64String,
    sequence: U64String,
    balances: Type.Array(CoinWire),
  },
  { title: "Account" },
);

/** Answer of a generic module query: its JSON as the module returned it. */
export const QueryAnswerWire = Type.Object(
  { height: U64String, value: Type.Unknown({ description: "The module's JSON answer." }) },
  { title: "QueryAnswer" },
);

/** A raw state value, optionally with its Merkle proof. */
export const StateAnswerWire = Type.Object(
  {
    key: HexBytes,
    height: U64String,
    value: Type.String({
      pattern: BASE64_PATTERN,
      description: "Value at the key, base64; empty when the key is absent.",
    }),
    proof: Type.Optional(Base64),
    appHash: Type.Optional(
      Type.String({
        description:
          "Hex app hash (Merkle root) of state at `height` that `proof` verifies against: the appHash of block height+1's header.",
      }),
    ),
  },
  { title: "StateAnswer" },
);

/** A new committed block, in the live stream. */
export const StreamBlockWire = Type.Object(
  {
    kind: Type.Literal("block"),
    cursor: Type.String(),
    height: U64String,
    hash: HexBytes,
    txCount: Type.Integer({ minimum: 0 }),
    timeMs: U64String,
  },
  { title: "StreamBlock" },
);
/** An event of a committed block or transaction, in the live stream. */
export const StreamEventWire = Type.Object(
  {
    kind: Type.Literal("event"),
    cursor: Type.String(),
    height: U64String,
    txHash: Type.Optional(Hash),
    event: EventWire,
  },
  { title: "StreamEvent" },
);
/** One item of `GET /v1/stream`; each SSE message carries one as its `data`, with `id: <cursor>`. */
export const StreamItemWire = Type.Union([StreamBlockWire, StreamEventWire], { title: "StreamItem" });

/** Answer of `/livez` and `/readyz`. */
export const HealthWire = Type.Object({ status: Type.Literal("ok") }, { title: "Health" });

/** A verification method (or key agreement key) of a DID document, as a Multikey. */
export const DidVerificationMethodWire = Type.Object(
  {
    id: Type.String({ description: "`<did>#<fragment>`." }),
    type: Type.Literal("Multikey"),
    controller: Type.String({ description: "The DID the key belongs to." }),
    publicKeyMultibase: Type.String({ description: "`z6Mk…` (Ed25519) or `z6LS…` (X25519)." }),
  },
  { title: "DidVerificationMethod" },
);
/** A W3C DID document of a `did:urbis` DID; empty lists are left out. */
export const DidDocumentWire = Type.Object(
  {
    "@context": Type.Array(Type.String()),
    id: Type.String(),
    controller: Type.Optional(Type.Array(Type.String())),
    verificationMethod: Type.Optional(Type.Array(DidVerificationMethodWire)),
    authentication: Type.Optional(Type.Array(Type.String())),
    assertionMethod: Type.Optional(Type.Array(Type.String())),
    keyAgreement: Type.Optional(Type.Array(DidVerificationMethodWire)),
    service: Type.Optional(
      Type.Array(Type.Object({ id: Type.String(), type: Type.String(), serviceEndpoint: Type.String() })),
    ),
  },
  { title: "DidDocument" },
);
/** A W3C DID resolution result (`didDocumentMetadata.deactivated` is present only for a deactivated DID). */
export const DidResolutionResultWire = Type.Object(
  {
    "@context": Type.String(),
    didDocument: DidDocumentWire,
    didResolutionMetadata: Type.Object({ contentType: Type.String() }),
    didDocumentMetadata: Type.Object({
      created: Type.String({ description: "XML datetime, UTC, whole seconds." }),
      updated: Type.Optional(Type.String()),
      versionId: Type.String(),
      nextVersionId: Type.Optional(Type.String()),
      nextUpdate: Type.Optional(Type.String()),
      deactivated: Type.Optional(Type.Literal(true)),
      kind: StringEnum(DID_KINDS),
    }),
  },
  { title: "DidResolutionResult" },
);

// ---------------------------------------------------------------- consortium: organizations

/** An organization id in a URL: a lowercase slug such as `general-hospital`. */
export const OrgIdParam = Type.String({
  pattern: ORG_ID_PATTERN.source,
  maxLength: 48,
  description: "Organization id, a lowercase slug such as `general-hospital`.",
});
/** Where an organization stands: only governance moves it between these. */
export const OrgStatusWire = StringEnum(ORG_STATUSES, { description: "`active`, `suspended` or `removed`." });

const organizationFields = {
  id: Type.String({ description: "Unique slug, e.g. `general-hospital`." }),
  name: Type.String({ description: "Display name." }),
  sector: Type.String({ description: "One of the organization module's sectors, e.g. `health`." }),
  admins: Type.Array(AddressString, { description: "Accounts that act for it, in address byte order." }),
  validatorKey: Type.Optional(
    Type.String({ pattern: BASE64_PATTERN, description: "CometBFT key of the validator it runs (padded base64)." }),
  ),
  did: Type.Optional(Type.String({ description: "Its `did:urbis` identifier." })),
  status: OrgStatusWire,
  admittedAt: U64String,
  statusChangedAt: U64String,
  memberCount: Type.Integer({ minimum: 0, description: "Accounts of the organization, admins included." }),
};

/** An organization as `GET /v1/orgs` lists it: the record with its member count. */
export const OrganizationSummaryWire = Type.Object(organizationFields, { title: "OrganizationSummary" });
/** An organization with its member count and the roles governance delegated to it. */
export const OrganizationWire = Type.Object(
  {
    ...organizationFields,
    delegations: Type.Array(Type.String(), { description: "Roles delegated to it, in role order." }),
  },
  { title: "Organization" },
);
/** Answer of `GET /v1/orgs`: organizations in id order. */
export const OrganizationListWire = Type.Object(
  { organizations: Type.Array(OrganizationSummaryWire) },
  { title: "OrganizationList" },
);
/** One page of an organization's accounts, in address byte order. */
export const MemberPageWire = Type.Object(
  {
    id: Type.String({ description: "The organization." }),
    members: Type.Array(
      Type.Object(
        { address: AddressString, admin: Type.Boolean({ description: "Whether the account is an admin." }) },
        { title: "OrgMember" },
      ),
    ),
    next: Type.Optional(
      Type.String({ description: "Present when more follow: the `after` of the next page (an address)." }),
    ),
  },
  { title: "MemberPage" },
);
/** Which organization an account belongs to, whether it administers it, and the roles it holds now. */
export const MembershipWire = Type.Object(
  {
    address: AddressString,
    org: Type.Union([Type.String(), Type.Null()], { description: "Its organization's id; null for none." }),
    admin: Type.Boolean(),
    status: Type.Union([OrgStatusWire, Type.Null()], { description: "Its organization's status; null for none." }),
    roles: Type.Array(Type.String(), { description: "Roles it holds now (granted within an active delegation)." }),
  },
  { title: "Membership" },
);

// ---------------------------------------------------------------- consortium: governance

/** A proposal id in a URL: a decimal u64 (sequential from 1). */
export const ProposalIdParam = Type.String({
  pattern: DECIMAL_PATTERN,
  maxLength: 20,
  description: "Proposal id, a decimal integer.",
  examples: ["1"],
});
/** A regulation topic: a lowercase slug such as `parking.zones`. */
export const TopicParam = Type.String({
  pattern: TOPIC_PATTERN.source,
  maxLength: 64,
  description: "Regulation topic, a lowercase slug such as `parking.zones`.",
});
/** Where a proposal stands. */
export const ProposalStatusWire = StringEnum(PROPOSAL_STATUSES);
/** How an organization voted. */
export const VoteOptionWire = StringEnum(VOTE_OPTIONS);

/** One sector's votes in a tally (weights as decimal strings). */
export const SectorTallyWire = Type.Object(
  {
    sector: Type.String(),
    weight: Type.Integer({ minimum: 0, description: "Weight of each of its organizations." }),
    organizations: Type.Integer({ minimum: 0, description: "Its active organizations at the tally." }),
    yes: AmountString,
    no: AmountString,
    abstain: AmountString,
    veto: AmountString,
    approves: Type.Boolean({ description: "yes > no + veto among its voters." }),
  },
  { title: "SectorTally" },
);
/** The count of a proposal's votes, sector-weighted. */
export const TallyWire = Type.Object(
  {
    total: AmountString,
    voted: AmountString,
    yes: AmountString,
    no: AmountString,
    abstain: AmountString,
    veto: AmountString,
    quorumReached: Type.Boolean(),
    thresholdReached: Type.Boolean(),
    vetoed: Type.Boolean(),
    approvingSectors: Type.Array(Type.String(), { description: "Sectors that approve, sorted." }),
    sectors: Type.Array(SectorTallyWire, { description: "Every sector with an active organization, by name." }),
    passed: Type.Boolean(),
  },
  { title: "Tally" },
);
const NullableU64 = Type.Union([U64String, Type.Null()]);
/** A governance proposal: u64/u128 as decimal strings, what has not happened yet as null. */
export const ProposalWire = Type.Object(
  {
    id: U64String,
    proposer: AddressString,
    proposerOrg: Type.String({ description: "The proposer's organization at submission." }),
    title: Type.String(),
    summary: Type.String(),
    messages: Type.Array(
      Type.Object(
        {
          type: Type.String(),
          value: Type.String({ pattern: BASE64_PATTERN, description: "Canonical bytes, base64." }),
        },
        { title: "ProposalMessage" },
      ),
      { description: "What runs as the governance authority if it passes." },
    ),
    status: ProposalStatusWire,
    submitHeight: U64String,
    submitTimeMs: U64String,
    depositDenom: Type.String(),
    minDeposit: AmountString,
    depositEndMs: U64String,
    votingStartMs: NullableU64,
    votingEndMs: NullableU64,
    executeAtMs: NullableU64,
    totalDeposit: AmountString,
    finalTally: Type.Union([TallyWire, Type.Null()], { description: "The tally stored when voting ended." }),
    decidedHeight: NullableU64,
    failure: Type.Union(
      [
        Type.Object(
          { codespace: Type.String(), code: Type.Integer({ minimum: 0 }), log: Type.String() },
          { title: "ProposalFailure" },
        ),
        Type.Null(),
      ],
      { description: "Why its execution failed: the error of the failing message." },
    ),
    executedHeight: NullableU64,
  },
  { title: "Proposal" },
);
/** Answer of `GET /v1/gov/proposals`: proposals by id. */
export const ProposalListWire = Type.Object({ proposals: Type.Array(ProposalWire) }, { title: "ProposalList" });
/** One organization's vote. */
export const VoteWire = Type.Object(
  {
    org: Type.String(),
    voter: AddressString,
    option: VoteOptionWire,
    height: U64String,
    timeMs: U64String,
  },
  { title: "Vote" },
);
/** Answer of `GET /v1/gov/proposals/{id}/votes`: votes by organization id. */
export const ProposalVotesWire = Type.Object(
  { id: U64String, votes: Type.Array(VoteWire) },
  { title: "ProposalVotes" },
);
/** Answer of `GET /v1/gov/proposals/{id}/tally`. */
export const ProposalTallyWire = Type.Object(
  {
    id: U64String,
    status: ProposalStatusWire,
    final: Type.Boolean({ description: "The stored final tally (voting ended), rather than the live count." }),
    tally: TallyWire,
  },
  { title: "ProposalTally" },
);
/** Governance parameters: u64/u128 as decimal strings, basis points and weights as numbers. */
export const GovParamsWire = Type.Object(
  {
    depositDenom: Type.String(),
    minDeposit: AmountString,
    depositPeriodMs: U64String,
    votingPeriodMs: U64String,
    timelockMs: U64String,
    quorumBps: Type.Integer({ minimum: 0 }),
    thresholdBps: Type.Integer({ minimum: 0 }),
    vetoBps: Type.Integer({ minimum: 0 }),
    minApprovingSectors: Type.Integer({ minimum: 0 }),
    sectorWeights: Type.Array(
      Type.Object({ sector: Type.String(), weight: Type.Integer({ minimum: 0 }) }, { title: "SectorWeight" }),
    ),
  },
  { title: "GovParams" },
);
/** One version of a regulation. */
export const RegulationWire = Type.Object(
  {
    topic: Type.String(),
    title: Type.String(),
    documentHash: Type.String({ pattern: "^[0-9a-f]{64}$", description: "SHA-256 of the rule text, lowercase hex." }),
    uri: Type.String({ description: "Where the text is published." }),
    effectiveHeight: U64String,
    proposalId: U64String,
    recordedHeight: U64String,
    recordedTimeMs: U64String,
  },
  { title: "Regulation" },
);
/** Answer of `GET /v1/gov/regulations`: versions by topic, effective height, proposal id. */
export const RegulationListWire = Type.Object({ regulations: Type.Array(RegulationWire) }, { title: "RegulationList" });
/** Answer of `GET /v1/upgrade/plan`: the scheduled software upgrade, or null. */
export const UpgradePlanAnswerWire = Type.Object(
  {
    plan: Type.Union([
      Type.Object(
        {
          name: Type.String(),
          height: U64String,
          info: Type.String({ description: "Operator notes: what to install, where, checksums." }),
        },
        { title: "UpgradePlan" },
      ),
      Type.Null(),
    ]),
  },
  { title: "UpgradePlanAnswer" },
);

/** Static type of a wire schema. */
export type WireOf<S extends TSchema> = Static<S>;
/** The `error` object of an error body. */
export type ErrorInfo = Static<typeof ErrorInfoWire>;
/** Body of every non-2xx JSON answer. */
export type ErrorBody = Static<typeof ErrorBodyWire>;
/** An event on the wire. */
export type EventJson = Static<typeof EventWire>;
/** A transaction result on the wire. */
export type TxResultJson = Static<typeof TxResultWire>;
/** A submission's outcome on the wire. */
export type SubmitResultJson = Static<typeof SubmitResultWire>;
/** One batch item on the wire. */
export type BatchItemJson = Static<typeof BatchItemWire>;
/** A committed transaction on the wire. */
export type TxRecordJson = Static<typeof TxRecordWire>;
/** A block on the wire. */
export type BlockJson = Static<typeof BlockWire>;
/** A block header on the wire. */
export type BlockHeaderJson = Static<typeof BlockHeaderWire>;
/** Node status on the wire. */
export type StatusJson = Static<typeof StatusWire>;
/** An account on the wire. */
export type AccountJson = Static<typeof AccountWire>;
/** A balance on the wire (named apart from the bank module's `CoinJson`, which has the same shape). */
export type BalanceJson = Static<typeof CoinWire>;
/** A generic query answer on the wire. */
export type QueryAnswerJson = Static<typeof QueryAnswerWire>;
/** A state value (and proof) on the wire. */
export type StateAnswerJson = Static<typeof StateAnswerWire>;
/** A stream item on the wire. */
export type StreamItemJson = Static<typeof StreamItemWire>;
/** Discovery answer on the wire. */
export type DescribeJson = Static<typeof DescribeWire>;
/** One message type's permission on the wire. */
export type MessagePermissionJson = Static<typeof MessagePermissionWire>;
/** An organization as listed (with its member count) on the wire. */
export type OrganizationSummaryJson = Static<typeof OrganizationSummaryWire>;
/** An organization (with member count and delegations) on the wire. */
export type OrganizationDetailJson = Static<typeof OrganizationWire>;
/** The organization list on the wire. */
export type OrganizationListJson = Static<typeof OrganizationListWire>;
/** A page of members on the wire. */
export type MemberPageJson = Static<typeof MemberPageWire>;
/** An account's membership on the wire. */
export type MembershipJson = Static<typeof MembershipWire>;
/** The proposal list on the wire. */
export type ProposalListJson = Static<typeof ProposalListWire>;
/** A proposal's votes on the wire. */
export type ProposalVotesJson = Static<typeof ProposalVotesWire>;
/** A proposal's tally on the wire. */
export type ProposalTallyJson = Static<typeof ProposalTallyWire>;
/** The regulation list on the wire. */
export type RegulationListJson = Static<typeof RegulationListWire>;
/** The upgrade plan answer on the wire. */
export type UpgradePlanAnswerJson = Static<typeof UpgradePlanAnswerWire>;
