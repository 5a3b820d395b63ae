/**
 * Error kinds of the verifiable credentials module (codespace `vc`). Codes are
 * permanent: new kinds get the next free code, retired ones are never reused.
 */
import { registerError } from "../../errors.js";

/** Errors of the verifiable credentials module: registry and status list messages, and credential verification. */
export const VcErrors = {
  /** A credential type name breaks the naming rule. */
  invalidCredentialType: registerError(
    "vc",
    1,
    "invalid_credential_type",
    "A credential type is not 1 to 64 letters and digits starting with a letter, or is the generic VerifiableCredential.",
  ),
  /** A status list id breaks the naming rule. */
  invalidListId: registerError(
    "vc",
    2,
    "invalid_list_id",
    "A status list id is not 1 to 64 of A-Z, a-z, 0-9, '_' or '-'.",
  ),
  /** A status purpose other than revocation or suspension. */
  invalidStatusPurpose: registerError(
    "vc",
    3,
    "invalid_status_purpose",
    "A status purpose is not revocation (0) or suspension (1).",
  ),
  /** A status list length outside the allowed range or not whole bytes. */
  invalidListLength: registerError(
    "vc",
    4,
    "invalid_list_length",
    "A status list length is not a multiple of 8 between 131072 and 1048576 bits.",
  ),
  /** The issuer is already trusted for that type. */
  alreadyTrusted: registerError(
    "vc",
    5,
    "already_trusted",
    "The issuer is already trusted for this credential type.",
    409,
  ),
  /** Removing a trust entry that does not exist. */
  notTrusted: registerError("vc", 6, "not_trusted", "The issuer is not trusted for this credential type.", 404),
  /** A status list id that is taken. */
  listExists: registerError("vc", 7, "list_exists", "A status list with this id already exists.", 409),
  /** A status list id that names no list. */
  unknownStatusList: registerError("vc", 8, "unknown_status_list", "No status list has this id.", 404),
  /** The transaction key is not an authentication key of the list's issuer DID. */
  notIssuer: registerError(
    "vc",
    9,
    "not_issuer",
    "The transaction is not signed with an authentication key of the issuer DID (registered and not deactivated).",
    403,
  ),
  /** A status index past the end of the list. */
  indexOutOfRange: registerError("vc", 10, "index_out_of_range", "A status index is not within the status list."),
  /** Clearing a revocation bit. */
  revocationFinal: registerError(
    "vc",
    11,
    "revocation_final",
    "A revocation cannot be undone: a revocation list bit, once set, stays set.",
    409,
  ),
  /** The credential's issuer is not trusted for (one of) its types. */
  untrustedIssuer: registerError(
    "vc",
    12,
    "untrusted_issuer",
    "The credential's issuer is not on the governance registry of trusted issuers for the credential's type.",
    422,
  ),
  /** A revocation status bit of the credential is set. */
  revoked: registerError(
    "vc",
    13,
    "revoked",
    "The credential is revoked: its revocation status bit is set on chain.",
    422,
  ),
  /** A suspension status bit of the credential is set. */
  suspended: registerError(
    "vc",
    14,
    "suspended",
    "The credential is suspended: its suspension status bit is set on chain.",
    422,
  ),
  /** The JSON is not a credential this chain can check. */
  malformedCredential: registerError(
    "vc",
    15,
    "malformed_credential",
    "The credential is not a well-formed VC Data Model 2.0 credential with one eddsa-jcs-2022 Data Integrity proof and Urbis status entries.",
  ),
  /** The proof does not verify: a wrong signature or a changed credential. */
  invalidProof: registerError(
    "vc",
    16,
    "invalid_proof",
    "The credential's proof does not verify against the issuer's assertion key: bad signature or tampered credential.",
    422,
  ),
  /** `validFrom` is later than the time of verification. */
  notYetValid: registerError(
    "vc",
    17,
    "not_yet_valid",
    "The credential's validFrom is later than the time of verification.",
    422,
  ),
  /** `validUntil` is earlier than the time of verification. */
  expired: registerError(
    "vc",
    18,
    "expired",
    "The credential's validUntil is earlier than the time of verification.",
    422,
  ),
  /** The proof names a key that the issuer DID does not list for assertion. */
  unknownIssuerKey: registerError(
    "vc",
    19,
    "unknown_issuer_key",
    "The proof's verificationMethod is not an assertionMethod key of the issuer DID (unknown, deactivated, or another DID's key).",
    422,
  ),
  /** A status entry points to a list of another issuer or purpose, or past its end. */
  statusMismatch: registerError(
    "vc",
    20,
    "status_mismatch",
    "A credentialStatus entry names a status list of another issuer or purpose, or an index past its end.",
    422,
  ),
};
