/**
 * Error kinds of the DID module (codespace `did`). Codes are permanent: new
 * kinds get the next free code, retired ones are never reused.
 */
import { registerError } from "../../errors.js";

/** Errors of the DID module. */
export const DidErrors = {
  /** A string that should be a `did:urbis` identifier (or DID URL) is not one. */
  invalidDid: registerError(
    "did",
    1,
    "invalid_did",
    "A DID is not a well-formed did:urbis identifier (did:urbis: followed by the base58btc of 16 bytes).",
  ),
  /** The kind byte names no kind of subject. */
  invalidKind: registerError(
    "did",
    2,
    "invalid_kind",
    "The DID kind is not 0 (person), 1 (organization) or 2 (device).",
  ),
  /** A verification key is not a usable Ed25519 key, or a key agreement key not a usable X25519 key. */
  invalidPublicKey: registerError(
    "did",
    3,
    "invalid_public_key",
    "A key is not 32 bytes, or not an Ed25519 point of large order (verification) or a canonical X25519 key of large order (key agreement).",
  ),
  /** A fragment (the part after `#` naming a method or service) breaks the naming rule. */
  invalidFragment: registerError(
    "did",
    4,
    "invalid_fragment",
    "A fragment is not 1 to 32 characters of A-Z, a-z, 0-9, '_' or '-'.",
  ),
  /** Two entries of a document share a fragment, or a relationship lists one twice. */
  duplicateFragment: registerError(
    "did",
    5,
    "duplicate_fragment",
    "Two verification methods, key agreement keys or services share a fragment, or a relationship lists one twice.",
  ),
  /** Two verification methods carry the same key. */
  duplicateKey: registerError("did", 6, "duplicate_key", "Two verification methods carry the same public key."),
  /** A list of the document is longer than allowed. */
  tooManyEntries: registerError(
    "did",
    7,
    "too_many_entries",
    "A DID document has more controllers (8), verification methods (16), relationship entries (16), key agreement keys (8) or services (16) than allowed.",
  ),
  /** The document would have no way to authenticate. */
  noAuthentication: registerError(
    "did",
    8,
    "no_authentication",
    "A DID document needs at least one verification method and at least one authentication method.",
  ),
  /** A relationship names a fragment that is not one of the document's verification methods. */
  unknownMethod: registerError(
    "did",
    9,
    "unknown_method",
    "An authentication or assertion method names a fragment that is not a verification method of the document.",
  ),
  /** A service's type or endpoint breaks the rules. */
  invalidService: registerError(
    "did",
    10,
    "invalid_service",
    "A service type is not 1 to 64 letters and digits starting with a letter, or its endpoint is not an https, wss or did URI of at most 512 bytes.",
  ),
  /** The controller list names one DID twice. */
  duplicateController: registerError("did", 11, "duplicate_controller", "The controller list names a DID twice."),
  /** `did/create` for a DID that is already registered. */
  exists: registerError("did", 12, "exists", "A DID derived from this key is already registered.", 409),
  /** No DID document is registered under this identifier. */
  notFound: registerError("did", 13, "not_found", "No DID is registered under this identifier.", 404),
  /** The signer's key is not an authentication key of a controller. */
  notController: registerError(
    "did",
    14,
    "not_controller",
    "The transaction's key is not an authentication key of the DID (or of one of its controllers); governance does not control DIDs.",
    403,
  ),
  /** An update named another version than the current one (a concurrent update won). */
  versionMismatch: registerError(
    "did",
    15,
    "version_mismatch",
    "The update's expected version is not the DID's current version.",
    409,
  ),
  /** The DID was deactivated: it can no longer change, and resolving it answers this error. */
  deactivated: registerError(
    "did",
    16,
    "deactivated",
    "The DID is deactivated; it can no longer be updated and resolution reports it as deactivated.",
    410,
  ),
  /** A listed controller is not a registered DID. */
  unknownController: registerError("did", 17, "unknown_controller", "A listed controller is not a registered DID."),
  /** A listed controller is a deactivated DID. */
  controllerDeactivated: registerError(
    "did",
    18,
    "controller_deactivated",
    "A listed controller is a deactivated DID and can no longer control anything.",
  ),
  /** The DID has reached the last version number (2^32 − 1). */
  versionLimit: registerError(
    "did",
    19,
    "version_limit",
    "The DID has reached the largest version number (2^32-1) and cannot be updated again.",
  ),
  /** A resolution named a version (by number or time) the DID does not have. */
  versionNotFound: registerError(
    "did",
    20,
    "version_not_found",
    "The DID has no version with this versionId, or none existed at this versionTime.",
    404,
  ),
  /** `versionId` / `versionTime` are malformed, or both were given. */
  invalidResolutionOption: registerError(
    "did",
    21,
    "invalid_resolution_option",
    "versionId is not a positive integer, versionTime is not an ISO 8601 UTC time, or both were given.",
  ),
};
