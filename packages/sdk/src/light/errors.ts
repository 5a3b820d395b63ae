/**
 * Error kinds of light-client verification (codespace `light`). Codes are
 * permanent: new kinds get the next free code, retired ones are never reused.
 */
import { registerError } from "@urbis/protocol";

/** Failures to parse or verify CometBFT headers, commits and validator sets. */
export const LightErrors = {
  /** A /commit, /validators or /block answer is not of the expected shape, or fails basic validation. */
  malformed: registerError(
    "light",
    1,
    "malformed",
    "A CometBFT RPC answer (commit, validators or block) is malformed or fails basic validation.",
  ),
  /** The header's chain id is not the one the caller expects. */
  wrongChain: registerError("light", 2, "wrong_chain", "The header belongs to another chain than the one expected."),
  /** The commit's block hash is not the hash of the header (the header was altered, or the commit is for another block). */
  headerHashMismatch: registerError(
    "light",
    3,
    "header_hash_mismatch",
    "The commit signs a block hash that is not the hash of the header given.",
  ),
  /** The commit's height is not the header's. */
  heightMismatch: registerError("light", 4, "height_mismatch", "The commit is for another height than the header."),
  /** The validator set given does not hash to the header's validators_hash. */
  validatorsMismatch: registerError(
    "light",
    5,
    "validators_mismatch",
    "The validator set given does not hash to the header's validators_hash.",
  ),
  /** The commit's signatures do not line up with the validator set (count, address at an index, or a double vote). */
  signersMismatch: registerError(
    "light",
    6,
    "signers_mismatch",
    "The commit's signatures do not line up with the validator set (count, addresses or a double vote).",
  ),
  /** A signature in the commit does not verify. */
  invalidSignature: registerError("light", 7, "invalid_signature", "A commit signature does not verify."),
  /** At most 2/3 of the header's validator set's voting power signed the commit. */
  insufficientPower: registerError(
    "light",
    8,
    "insufficient_power",
    "Validators holding more than 2/3 of the voting power did not sign the commit.",
  ),
  /** The validator set changed and not enough of the trusted set's power signed the new header. */
  untrustedValidators: registerError(
    "light",
    9,
    "untrusted_validators",
    "The validator set changed and trusted validators holding more than the trust level (default 1/3) of the trusted power did not sign.",
  ),
  /** A state answer's version is not the verified header's height minus one. */
  stateHeightMismatch: registerError(
    "light",
    10,
    "state_height_mismatch",
    "A state answer of version H must be checked against the verified header of height H+1.",
  ),
  /** The app hash a node reported with a state answer is not the verified header's. */
  appHashMismatch: registerError(
    "light",
    11,
    "app_hash_mismatch",
    "The app hash reported with a state answer differs from the verified header's app_hash.",
  ),
};
