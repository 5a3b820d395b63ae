/**
 * Error kinds of the encrypted record store (codespace `records`): the node's
 * blob routes and the SDK's envelope share them, so a client can tell a
 * tampered blob from a missing consent by code. Codes are permanent: new kinds
 * get the next free code, retired ones are never reused.
 */
import { registerError } from "../errors.js";

/** Errors of the encrypted record store and envelope. */
export const RecordErrors = {
  /** The request lacks the signature headers, or one is malformed. */
  unsigned: registerError(
    "records",
    1,
    "unsigned_request",
    "The request lacks x-urbis-did, x-urbis-key, x-urbis-time or x-urbis-signature, or one of them is malformed.",
    401,
  ),
  /** The signature does not verify under the named authentication key. */
  badSignature: registerError(
    "records",
    2,
    "bad_signature",
    "The request signature does not verify under the named authentication key of the named DID (signed by someone else, or altered).",
    401,
  ),
  /** The signed time is too far from the node's clock. */
  staleRequest: registerError(
    "records",
    3,
    "stale_request",
    "The request's signed time (x-urbis-time) is more than 120 s away from the node's clock.",
    401,
  ),
  /** The requester DID is not registered, or deactivated. */
  unknownRequester: registerError(
    "records",
    4,
    "unknown_requester",
    "The requesting DID is not registered on chain, or is deactivated.",
    403,
  ),
  /** The named key is not an authentication method of the DID. */
  keyNotAuthorized: registerError(
    "records",
    5,
    "key_not_authorized",
    "The key named by x-urbis-key is not an active authentication method of the requesting DID.",
    403,
  ),
  /** No blob is stored under this content hash. */
  unknownBlob: registerError("records", 6, "unknown_blob", "No blob is stored under this content hash.", 404),
  /** A blob's SHA-256 is not the content hash it came with. */
  tampered: registerError(
    "records",
    7,
    "tampered_blob",
    "The blob's SHA-256 differs from its content hash: it was altered (or named by the wrong hash).",
    422,
  ),
  /** A blob larger than the node (or the envelope format) accepts. */
  tooLarge: registerError("records", 8, "blob_too_large", "The blob is larger than this node accepts.", 413),
  /** The requester has no wrapped content key. */
  noWrappedKey: registerError(
    "records",
    9,
    "no_wrapped_key",
    "No wrapped content key of the blob is addressed to a key agreement key of the requesting DID (or to the given recipient).",
    403,
  ),
  /** The on-chain access entry does not entitle this request. */
  noAccess: registerError(
    "records",
    10,
    "no_access",
    "The named on-chain access entry does not exist, was logged by another DID, or is for another blob.",
    403,
  ),
  /** The on-chain access entry is too old. */
  accessExpired: registerError(
    "records",
    11,
    "access_expired",
    "The on-chain access entry is older than the read window (600 s of block time by default); log a new access.",
    403,
  ),
  /** A stored blob no longer hashes to its name: the node refuses to serve it. */
  storedBlobCorrupt: registerError(
    "records",
    12,
    "stored_blob_corrupt",
    "The blob stored on this node no longer matches its content hash (altered on disk); it is not served.",
    500,
  ),
  /** The envelope bytes are malformed. */
  invalidEnvelope: registerError(
    "records",
    13,
    "invalid_envelope",
    "A blob is not a version-1 envelope (0x01, 24-byte nonce, ciphertext with tag), or a wrapped key is not a sealed box of a 32-byte key.",
    422,
  ),
  /** The secret key does not open the wrapped key, or the content key does not open the blob. */
  wrongKey: registerError(
    "records",
    14,
    "wrong_key",
    "The secret key does not open the wrapped content key, or the content key does not decrypt this blob.",
    403,
  ),
  /** A recipient is not a did:urbis DID URL with a fragment, or is listed twice. */
  invalidRecipient: registerError(
    "records",
    15,
    "invalid_recipient",
    "A recipient is not a did:urbis DID URL naming a key (did:urbis:<id>#<fragment>), or is listed twice.",
  ),
  /** A different wrapped key is already stored for this recipient. */
  wrappedKeyConflict: registerError(
    "records",
    16,
    "wrapped_key_conflict",
    "A different wrapped key is already stored for this recipient; the first one stays.",
    409,
  ),
  /** Only the uploader may add wrapped keys. */
  notUploader: registerError(
    "records",
    17,
    "not_uploader",
    "Only the DID that uploaded the blob may add wrapped keys to it.",
    403,
  ),
  /** The node serves no record store. */
  unavailable: registerError("records", 18, "unavailable", "This node does not serve an encrypted record store.", 503),
};
