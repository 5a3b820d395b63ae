/**
 * Messages of the validator module and their stateless checks. Every one must
 * be signed by the validator parameter `authority` (`validator.unauthorized`
 * otherwise); the state machine applies it at once to the app's set, and
 * CometBFT uses the change from two blocks later (see `ValidatorInfo.effectiveHeight`).
 */
import { type Infer, struct, u64 } from "../../codec/index.js";
import { defineMessage, type MessageType } from "../../tx.js";
import {
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

/** Every validator message type, in code order. */
export const VALIDATOR_MESSAGES = [addValidatorMsg, removeValidatorMsg, setValidatorPowerMsg] as const;

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
