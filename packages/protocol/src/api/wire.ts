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
import { MAX_TX_BYTES } from "../tx.js";
import { BASE64_PATTERN, DECIMAL_PATTERN } from "./encoding.js";

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

/** Registered message types and query paths. */
export const DescribeWire = Type.Object(
  { messages: Type.Array(Type.String()), queries: Type.Array(Type.String()) },
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
