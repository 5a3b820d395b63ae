/**
 * Messages of the validator module and their stateless checks. Every one is
 * governance-only: only an executing proposal (signer `GOVERNANCE_ADDRESS`)
 * may send it, and the App refuses any other signer with `app.governance_only`.
 * A set change applies at once to the app's set, and CometBFT uses it from two
 * blocks later (see `ValidatorInfo.effectiveHeight`).
 */
import { type Infer, struct, u64 } from "../../codec/index.js";
import { defineMessage, type MessageType } from "../../tx.js";
import {
  changeFractionCodec,
  validateChangeFraction,
  validateValidatorKey,
  validateValidatorName,
  validateVotingPower,
  validatorKeyCodec,
  validatorNameCodec,
} from "./types.js";

/** `validator/add`: adds a validator with a key not yet in the set. */
export const addValidatorMsgCodec = struct({ name: validatorNameCodec, publicKey: validatorKeyCodec, power: u64 });
/** Value of a `validator/add` message. */
export type AddValidatorMsg = Infer<typeof addValidatorMsgCodec>;
/** The `validator/add` message type. */
export const addValidatorMsg: MessageType<AddValidatorMsg> = defineMessage("validator/add", addValidatorMsgCodec);

/** `validator/remove`: removes the validator with this key (never the last one). */
export const removeValidatorMsgCodec = struct({ publicKey: validatorKeyCodec });
/** Value of a `validator/remove` message. */
export type RemoveValidatorMsg = Infer<typeof removeValidatorMsgCodec>;
/** The `validator/remove` message type. */
export const removeValidatorMsg: MessageType<RemoveValidatorMsg> = defineMessage(
  "validator/remove",
  removeValidatorMsgCodec,
);

/**
 * `validator/set_power`: gives the validator with this key a new, strictly
 * positive power (to remove a validator use `validator/remove`, not power 0).
 */
export const setValidatorPowerMsgCodec = struct({ publicKey: validatorKeyCodec, power: u64 });
/** Value of a `validator/set_power` message. */
export type SetValidatorPowerMsg = Infer<typeof setValidatorPowerMsgCodec>;
/** The `validator/set_power` message type. */
export const setValidatorPowerMsg: MessageType<SetValidatorPowerMsg> = defineMessage(
  "validator/set_power",
  setValidatorPowerMsgCodec,
);

/**
 * `validator/update_params`: replaces the module's parameters (today only
 * `maxChangeFraction`, which must stay above 0 and at most 1/3).
 */
export const updateValidatorParamsMsgCodec = struct({ maxChangeFraction: changeFractionCodec });
/** Value of a `validator/update_params` message. */
export type UpdateValidatorParamsMsg = Infer<typeof updateValidatorParamsMsgCodec>;
/** The `validator/update_params` message type. */
export const updateValidatorParamsMsg: MessageType<UpdateValidatorParamsMsg> = defineMessage(
  "validator/update_params",
  updateValidatorParamsMsgCodec,
);

/** Every validator message type, in code order. */
export const VALIDATOR_MESSAGES = [
  addValidatorMsg,
  removeValidatorMsg,
  setValidatorPowerMsg,
  updateValidatorParamsMsg,
] as const;

/** Stateless checks of `validator/add`: valid name, valid key, 0 < power ≤ the maximum. */
export function validateAddValidatorMsg(m: AddValidatorMsg): void {
  validateValidatorName(m.name);
  validateValidatorKey(m.publicKey);
  validateVotingPower(m.power);
}

/** Stateless checks of `validator/remove`: valid key. */
export function validateRemoveValidatorMsg(m: RemoveValidatorMsg): void {
  validateValidatorKey(m.publicKey);
}

/** Stateless checks of `validator/set_power`: valid key, 0 < power ≤ the maximum. */
export function validateSetValidatorPowerMsg(m: SetValidatorPowerMsg): void {
  validateValidatorKey(m.publicKey);
  validateVotingPower(m.power);
}

/** Stateless checks of `validator/update_params`: 0 < maxChangeFraction ≤ 1/3 (`validator.invalid_params`). */
export function validateUpdateValidatorParamsMsg(m: UpdateValidatorParamsMsg): void {
  validateChangeFraction(m.maxChangeFraction);
}
