/** Message handlers of the validator module: stateless validation, then the keeper, then events. */
import {
  addValidatorMsg,
  removeValidatorMsg,
  setValidatorPowerMsg,
  validateAddValidatorMsg,
  validateRemoveValidatorMsg,
  validateSetValidatorPowerMsg,
} from "@urbis/protocol";
import { handler, type MessageHandler } from "../../framework/module.js";
import { validatorAddedEvent, validatorPowerChangedEvent, validatorRemovedEvent } from "./events.js";
import type { ValidatorKeeper } from "./keeper.js";

/** Handlers of `validator/add`, `validator/remove` and `validator/set_power`. */
export function validatorHandlers(keeper: ValidatorKeeper): MessageHandler<unknown>[] {
  return [
    handler(addValidatorMsg, validateAddValidatorMsg, (ctx, m) => {
      const info = keeper.add(ctx.store, ctx.signer, ctx.block.height, m);
      ctx.emit(validatorAddedEvent(ctx.signer, info));
    }),
    handler(removeValidatorMsg, validateRemoveValidatorMsg, (ctx, m) => {
      const removed = keeper.remove(ctx.store, ctx.signer, m.publicKey);
      ctx.emit(validatorRemovedEvent(ctx.signer, removed, ctx.block.height + 2n));
    }),
    handler(setValidatorPowerMsg, validateSetValidatorPowerMsg, (ctx, m) => {
      const { previous, info } = keeper.setPower(ctx.store, ctx.signer, ctx.block.height, m.publicKey, m.power);
      ctx.emit(validatorPowerChangedEvent(ctx.signer, previous, info));
    }),
  ];
}
