/**
 * Routes of the encrypted record store (issue 5, item 4), spread into
 * {@link apiRoutes} by routes.ts. Kept in their own file so the shared route
 * table changes by one line. Every route is a signed request: the `x-urbis-*`
 * headers carry an Ed25519 signature by an authentication key of the
 * requester's DID (see records/request.ts); they are optional in the schema so
 * a missing one answers `records.unsigned_request` rather than a generic 400.
 *
 * Not built with defineRoute (routes.ts imports this file; calling back into
 * it during module initialisation would be a cycle); `satisfies` keeps the
 * literal types the same way.
 */
import { Type } from "@sinclair/typebox";
import { DidErrors } from "../modules/did/errors.js";
import { RecordErrors } from "../records/errors.js";
import { CONTENT_HASH_PATTERN, MAX_RECIPIENT_BYTES, MAX_WRAPPED_KEYS, RECORDS_HEADERS } from "../records/request.js";
import { ApiErrors } from "./errors.js";
import type { RouteDef } from "./routes.js";
import { Base64 } from "./wire.js";

const TAG = "records";

/** A content hash in a URL: sha256 of the blob, lowercase hex. */
export const ContentHashParam = Type.String({
  pattern: CONTENT_HASH_PATTERN,
  description: "SHA-256 of the blob, lowercase hex.",
});

/** A wrapped content key as JSON. */
export const WrappedKeyWire = Type.Object(
  {
    recipient: Type.String({
      minLength: 1,
      maxLength: MAX_RECIPIENT_BYTES,
      description: "DID URL of the recipient's X25519 key agreement key, `did:urbis:<id>#<fragment>`.",
    }),
    sealed: Type.String({
      ...Base64,
      maxLength: 200,
      description: "libsodium sealed box (crypto_box_seal) of the 32-byte content key, base64.",
    }),
  },
  { additionalProperties: false },
);

const WrappedKeyList = Type.Array(WrappedKeyWire, { maxItems: MAX_WRAPPED_KEYS });

/** Signature headers, documented and length-bounded; presence and form are checked by the handler. */
const SignatureHeaders = Type.Object({
  [RECORDS_HEADERS.did]: Type.Optional(Type.String({ maxLength: 128, description: "Requester DID." })),
  [RECORDS_HEADERS.key]: Type.Optional(
    Type.String({ maxLength: 64, description: "Fragment of the authentication method that signed." }),
  ),
  [RECORDS_HEADERS.time]: Type.Optional(Type.String({ maxLength: 20, description: "Signing time, Unix ms." })),
  [RECORDS_HEADERS.signature]: Type.Optional(
    Type.String({ maxLength: 128, description: "Ed25519 signature of the request digest, hex." }),
  ),
});

/** Errors every signed route may answer. */
const SIGNED_ERRORS = [
  RecordErrors.unsigned,
  RecordErrors.badSignature,
  RecordErrors.staleRequest,
  RecordErrors.unknownRequester,
  RecordErrors.keyNotAuthorized,
  RecordErrors.unavailable,
  DidErrors.invalidDid,
] as const;

/** Answer of an upload. */
export const PutRecordBlobResultWire = Type.Object({
  contentHash: Type.String({ pattern: CONTENT_HASH_PATTERN }),
  size: Type.Integer({ minimum: 0, description: "Blob size, bytes." }),
  created: Type.Boolean({ description: "False when the blob was already stored (the upload was idempotent)." }),
  added: Type.Array(Type.String(), { description: "Recipients whose wrapped key this request added." }),
  wrappedKeys: Type.Integer({ minimum: 0, description: "Wrapped keys now stored for the blob." }),
});

/** Answer of a key addition. */
export const AddRecordKeysResultWire = Type.Object({
  contentHash: Type.String({ pattern: CONTENT_HASH_PATTERN }),
  added: Type.Array(Type.String(), { description: "Recipients whose wrapped key this request added." }),
  wrappedKeys: Type.Integer({ minimum: 0, description: "Wrapped keys now stored for the blob." }),
});

/** Answer of a read: the blob and the requester's wrapped key only. */
export const RecordBlobWire = Type.Object({
  contentHash: Type.String({ pattern: CONTENT_HASH_PATTERN }),
  blob: Base64,
  wrappedKey: WrappedKeyWire,
  accessId: Type.String(),
});

/** The record store's routes. */
export const recordRoutes = {
  putRecordBlob: {
    id: "putRecordBlob",
    method: "PUT",
    path: "/v1/records/blobs/{contentHash}",
    tag: TAG,
    summary: "Store an encrypted record blob and its wrapped keys (signed request)",
    description:
      "Stores the blob under its SHA-256 (a body whose blob hashes otherwise answers 422 `records.tampered_blob`) " +
      "with one wrapped content key per recipient. Idempotent: the same blob again answers 200 with `created: false` " +
      "and adds the wrapped keys of new recipients (only the first uploader may). The requester must be a " +
      "registered DID signing with one of its authentication keys.",
    params: Type.Object({ contentHash: ContentHashParam }),
    body: Type.Object(
      { blob: Type.String({ ...Base64, minLength: 1 }), wrappedKeys: WrappedKeyList },
      { additionalProperties: false },
    ),
    headers: SignatureHeaders,
    response: { kind: "json", schema: PutRecordBlobResultWire, statuses: [200, 201] },
    errors: [
      ...SIGNED_ERRORS,
      RecordErrors.tampered,
      RecordErrors.tooLarge,
      RecordErrors.invalidRecipient,
      RecordErrors.wrappedKeyConflict,
      RecordErrors.notUploader,
      ApiErrors.payloadTooLarge,
      ApiErrors.unsupportedMediaType,
    ],
  },
  addRecordKeys: {
    id: "addRecordKeys",
    method: "POST",
    path: "/v1/records/blobs/{contentHash}/keys",
    tag: TAG,
    summary: "Add wrapped content keys for new recipients (signed request)",
    description:
      "Adds wrapped keys (e.g. the patient re-wrapping the content key for a consented organization). Only the DID " +
      "that uploaded the blob may add keys; a recipient that already has a different wrapped key answers 409.",
    params: Type.Object({ contentHash: ContentHashParam }),
    body: Type.Object(
      { wrappedKeys: Type.Array(WrappedKeyWire, { minItems: 1, maxItems: MAX_WRAPPED_KEYS }) },
      {
        additionalProperties: false,
      },
    ),
    headers: SignatureHeaders,
    response: { kind: "json", schema: AddRecordKeysResultWire },
    errors: [
      ...SIGNED_ERRORS,
      RecordErrors.unknownBlob,
      RecordErrors.invalidRecipient,
      RecordErrors.wrappedKeyConflict,
      RecordErrors.notUploader,
      ApiErrors.unsupportedMediaType,
    ],
  },
  getRecordBlob: {
    id: "getRecordBlob",
    method: "GET",
    path: "/v1/records/blobs/{contentHash}",
    tag: TAG,
    summary: "Read an encrypted record blob against an on-chain access entry (signed request)",
    description:
      "Looks up the `health/access` entry `access`: it must have been logged by the requesting DID, for this content " +
      "hash, within the read window (600 s of block time). Answers the blob and the one wrapped key addressed to a key " +
      "agreement key of the requester. The stored blob is re-hashed on every read; one altered on disk answers 500 " +
      "`records.stored_blob_corrupt` and is never served.",
    params: Type.Object({ contentHash: ContentHashParam }),
    query: Type.Object(
      {
        access: Type.String({
          pattern: "^[A-Za-z0-9_.:-]{1,128}$",
          description: "Id of the on-chain `health/access` entry that logged this read.",
        }),
      },
      { additionalProperties: false },
    ),
    headers: SignatureHeaders,
    response: { kind: "json", schema: RecordBlobWire },
    errors: [
      ...SIGNED_ERRORS,
      RecordErrors.unknownBlob,
      RecordErrors.noAccess,
      RecordErrors.accessExpired,
      RecordErrors.noWrappedKey,
      RecordErrors.storedBlobCorrupt,
    ],
  },
} as const satisfies Record<string, RouteDef>;
