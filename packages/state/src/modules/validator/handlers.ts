/**
 * Message handlers of the validator module: stateless validation, then the
 * keeper, then events. Every one is governance-only: the App lets only an
 * executing proposal (signer `GOVERNANCE_ADDRESS`) reach them.
 */
import {
  addValidatorMsg,
  removeValidatorMsg,
  setValidatorPowerMsg,
  updateValidatorParamsMsg,
  validateAddValidatorMsg,
  validateRemoveValidatorMsg,
  validateSetValidatorPowerMsg,
  validateUpdateValidatorParamsMsg,
} from "@urbis/protocol";
import { GOVERNANCE, handler, type MessageHandler } from "../../framework/module.js";
import {
  validatorAddedEvent,
  validatorParamsUpdatedEvent,
  validatorPowerChangedEvent,
  validatorRemovedEvent,
} from "./events.js";
import type { ValidatorKeeper } from "./keeper.js";

/** Handlers of `validator/add`, `validator/remove`, `validator/set_power` and `validator/update_params`. */
export function validatorHandlers(keeper: ValidatorKeeper): MessageHandler<unknown>[] {
  return [
    handler(addValidatorMsg, GOVERNANCE, validateAddValidatorMsg, (ctx, m) => {
      const info = keeper.add(ctx.store, ctx.block.height, m);
      ctx.emit(validatorAddedEvent(info));
    }),
    handler(removeValidatorMsg, GOVERNANCE, validateRemoveValidatorMsg, (ctx, m) => {
      const removed = keeper.remove(ctx.store, m.publicKey);
      ctx.emit(validatorRemovedEvent(removed, ctx.block.height + 2n));
    }),
    handler(setValidatorPowerMsg, GOVERNANCE, validateSetValidatorPowerMsg, (ctx, m) => {
      const { previous, info } = keeper.setPower(ctx.store, ctx.block.height, m.publicKey, m.power);
      ctx.emit(validatorPowerChangedEvent(previous, info));
    }),
    handler(updateValidatorParamsMsg, GOVERNANCE, validateUpdateValidatorParamsMsg, (ctx, m) => {
      const { previous, params } = keeper.updateParams(ctx.store, m.maxChangeFraction);
      ctx.emit(validatorParamsUpdatedEvent(previous, params));
    }),
  ];
}
