/**
 * Events of the validator module. Keys are base64, `address` is the CometBFT
 * address (upper-case hex), powers and heights are decimal strings, and
 * `effectiveHeight` is the first height at which CometBFT uses the change
 * (the block's height + 2). Every change is made by governance, so no event
 * names a signer: the proposal that ran it is in the governance module's events.
 */
import {
  cometAddress,
  formatChangeFraction,
  type ValidatorInfo,
  type ValidatorParams,
  validatorKeyToBase64,
} from "@urbis/protocol";
import { type Event, event } from "../../framework/events.js";

/** Event types the validator module emits. */
export const VALIDATOR_EVENTS = {
  added: "validator.added",
  removed: "validator.removed",
  powerChanged: "validator.power_changed",
  paramsUpdated: "validator.params_updated",
} as const;

/** `validator.added` {name, publicKey, address, power, effectiveHeight}. */
export function validatorAddedEvent(v: ValidatorInfo): Event {
  return event(VALIDATOR_EVENTS.added, {
    name: v.name,
    publicKey: validatorKeyToBase64(v.publicKey),
    address: cometAddress(v.publicKey),
    power: v.power,
    effectiveHeight: v.effectiveHeight,
  });
}

/** `validator.removed` {name, publicKey, address, power, effectiveHeight}: `power` is the power it had. */
export function validatorRemovedEvent(v: ValidatorInfo, effectiveHeight: bigint): Event {
  return event(VALIDATOR_EVENTS.removed, {
    name: v.name,
    publicKey: validatorKeyToBase64(v.publicKey),
    address: cometAddress(v.publicKey),
    power: v.power,
    effectiveHeight,
  });
}

/** `validator.power_changed` {name, publicKey, address, previousPower, power, effectiveHeight}. */
export function validatorPowerChangedEvent(previousPower: bigint, v: ValidatorInfo): Event {
  return event(VALIDATOR_EVENTS.powerChanged, {
    name: v.name,
    publicKey: validatorKeyToBase64(v.publicKey),
    address: cometAddress(v.publicKey),
    previousPower,
    power: v.power,
    effectiveHeight: v.effectiveHeight,
  });
}

/** `validator.params_updated` {previousMaxChangeFraction, maxChangeFraction}, fractions as "n/d". */
export function validatorParamsUpdatedEvent(previous: ValidatorParams, params: ValidatorParams): Event {
  return event(VALIDATOR_EVENTS.paramsUpdated, {
    previousMaxChangeFraction: formatChangeFraction(previous.maxChangeFraction),
    maxChangeFraction: formatChangeFraction(params.maxChangeFraction),
  });
}
