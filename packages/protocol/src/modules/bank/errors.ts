/**
 * Error kinds of the bank module (codespace `bank`). Codes are permanent:
 * new kinds get the next free code, retired ones are never reused.
 */
import { registerError } from "../../errors.js";

/** Errors of the bank module. */
export const BankErrors = {
  /** The sender (or burning issuer) holds less of the denom than the amount. */
  insufficientFunds: registerError(
    "bank",
    1,
    "insufficient_funds",
    "The account holds less of the denom than the amount.",
  ),
  /** No asset was created with the denom. */
  unknownDenom: registerError("bank", 2, "unknown_denom", "No asset has this denom.", 404),
  /** The denom does not match `^[a-z][a-z0-9]{2,15}$`. */
  invalidDenom: registerError("bank", 3, "invalid_denom", "A denom does not match ^[a-z][a-z0-9]{2,15}$."),
  /** An amount is zero (or, from another module, negative): every amount must be strictly positive. */
  invalidAmount: registerError("bank", 4, "invalid_amount", "An amount is not strictly positive."),
  /** A balance, a supply or a sum of amounts would exceed the largest u128. */
  overflow: registerError("bank", 5, "overflow", "An amount, balance or supply would exceed the largest u128."),
  /** Minting would take the supply above the asset's `maxSupply`. */
  supplyCapExceeded: registerError(
    "bank",
    6,
    "supply_cap_exceeded",
    "Minting would take the supply above the asset's maximum supply.",
  ),
  /** Only the asset's issuer may mint or burn it. */
  notIssuer: registerError("bank", 7, "not_issuer", "Only the asset's issuer may mint or burn it.", 403),
  /** Only addresses in the bank parameter `assetCreators` may create assets. */
  notAssetCreator: registerError(
    "bank",
    8,
    "not_asset_creator",
    "The signer is not in the bank parameter assetCreators.",
    403,
  ),
  /** An asset with the denom already exists. */
  denomExists: registerError("bank", 9, "denom_exists", "An asset with this denom already exists.", 409),
  /**
   * Sending to oneself is refused: it moves nothing, yet would emit a
   * `bank.transfer` event that explorers and statistics count as activity.
   */
  selfSend: registerError("bank", 10, "self_send", "The recipient is the sender; a transfer to oneself is refused."),
  /** A multi-send has more outputs than `MAX_MULTI_SEND_OUTPUTS` (256). */
  tooManyOutputs: registerError("bank", 11, "too_many_outputs", "A multi-send has more than 256 outputs."),
  /** An asset's name, symbol or decimals break the metadata rules. */
  invalidMetadata: registerError(
    "bank",
    12,
    "invalid_metadata",
    "An asset's name, symbol or decimals break the metadata rules.",
  ),
  /** A multi-send has no outputs. */
  noOutputs: registerError("bank", 13, "no_outputs", "A multi-send has no outputs."),
  /** A `bank/update_params` names malformed parameters (too many or duplicate asset creators). */
  invalidParams: registerError(
    "bank",
    14,
    "invalid_params",
    "The bank parameters are malformed: more than 256 asset creators, or one listed twice.",
  ),
};
