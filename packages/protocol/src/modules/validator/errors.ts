/**
 * Error kinds of the validator module (codespace `validator`). Codes are
 * permanent: new kinds get the next free code, retired ones are never reused.
 */
import { registerError } from "../../errors.js";

/** Errors of the validator module. */
export const ValidatorErrors = {
  /**
   * Retired: no longer raised. The validator set had an `authority` parameter;
   * its messages are now governance-only and the App refuses other signers
   * with `app.governance_only`. Kept registered because codes are never reused.
   */
  unauthorized: registerError(
    "validator",
    1,
    "unauthorized",
    "Retired, no longer raised: only the former validator authority could change the validator set (now app.governance_only).",
    403,
  ),
  /** A validator key is not 32 bytes, not a valid Ed25519 point, or a point of small order. */
  invalidPublicKey: registerError(
    "validator",
    2,
    "invalid_public_key",
    "A validator key is not a 32-byte Ed25519 public key (a valid point of large order).",
  ),
  /** A voting power is zero, or above CometBFT's maximum total voting power. */
  invalidPower: registerError(
    "validator",
    3,
    "invalid_power",
    "A voting power is zero or above the maximum total voting power (2^63-1)/8.",
  ),
  /** A validator's name (its operating organization) breaks the naming rules. */
  invalidName: registerError(
    "validator",
    4,
    "invalid_name",
    "A validator name is empty, longer than 64 UTF-8 bytes, or has control characters or surrounding spaces.",
  ),
  /** No validator has the key. */
  unknownValidator: registerError("validator", 5, "unknown_validator", "No validator has this public key.", 404),
  /** A validator with the key is already in the set. */
  validatorExists: registerError(
    "validator",
    6,
    "validator_exists",
    "A validator with this public key is already in the set.",
    409,
  ),
  /** The change would leave the validator set empty. */
  lastValidator: registerError("validator", 7, "last_validator", "The change would remove the last validator."),
  /** The set's total voting power would exceed CometBFT's maximum. */
  totalPowerTooLarge: registerError(
    "validator",
    8,
    "total_power_too_large",
    "The total voting power would exceed the maximum (2^63-1)/8.",
  ),
  /**
   * The voting power changed within one block would exceed the allowed fraction
   * (by default 1/3) of the total power at the start of the block.
   */
  changeTooLarge: registerError(
    "validator",
    9,
    "change_too_large",
    "The voting power changed within one block would exceed the allowed fraction (1/3 by default) of the total.",
  ),
  /** A set-power names the validator's current power: it would change nothing. */
  powerUnchanged: registerError(
    "validator",
    10,
    "power_unchanged",
    "The validator already has this voting power; the change is refused.",
  ),
  /** A parameter change names a maxChangeFraction of 0 or above 1/3. */
  invalidParams: registerError(
    "validator",
    11,
    "invalid_params",
    "The validator parameters are invalid: maxChangeFraction must be above 0 and at most 1/3.",
  ),
};
