/**
 * Events of the validator module. Keys are base64, `address` is the CometBFT
 * address (upper-case hex), powers and heights are decimal strings, and
 * `effectiveHeight` is the first height at which CometBFT uses the change
 * (the block's height + 2).
 */
import { type Address, cometAddress, type ValidatorInfo, validatorKeyToBase64 } from "@urbis/protocol";
import { type Event, event } from "../../framework/events.js";

/** Event types the validator module emits. */
export const VALIDATOR_EVENTS = {
  added: "validator.added",
  removed: "validator.removed",
  powerChanged: "validator.power_changed",
} as const;

/** `validator.added` {authority, name, publicKey, address, power, effectiveHeight}. */
export function validatorAddedEvent(authority: Address, v: ValidatorInfo): Event {
  return event(VALIDATOR_EVENTS.added, {
    authority,
    name: v.name,
    publicKey: validatorKeyToBase64(v.publicKey),
    address: cometAddress(v.publicKey),
    power: v.power,
    effectiveHeight: v.effectiveHeight,
  });
}

/** `validator.removed` {authority, name, publicKey, address, power, effectiveHeight}: `power` is the power it had. */
export function validatorRemovedEvent(authority: Address, v: ValidatorInfo, effectiveHeight: bigint): Event {
  return event(VALIDATOR_EVENTS.removed, {
    authority,
    name: v.name,
    publicKey: validatorKeyToBase64(v.publicKey),
    address: cometAddress(v.publicKey),
    power: v.power,
    effectiveHeight,
  });
}

/** `validator.power_changed` {authority, name, publicKey, address, previousPower, power, effectiveHeight}. */
export function validatorPowerChangedEvent(authority: Address, previousPower: bigint, v: ValidatorInfo): Event {
  return event(VALIDATOR_EVENTS.powerChanged, {
    authority,
    name: v.name,
    publicKey: validatorKeyToBase64(v.publicKey),
    address: cometAddress(v.publicKey),
    previousPower,
    power: v.power,
    effectiveHeight: v.effectiveHeight,
  });
}
