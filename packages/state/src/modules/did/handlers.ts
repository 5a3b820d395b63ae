/**
 * Message handlers of the DID module: stateless validation, then the keeper,
 * then events. The App lets anyone send them (permission ANYONE): the keeper
 * authorizes by the transaction's key, which must belong to the DID or to one
 * of its controllers.
 */
import {
  createDidMsg,
  deactivateDidMsg,
  updateDidMsg,
  validateCreateDidMsg,
  validateDeactivateDidMsg,
  validateUpdateDidMsg,
} from "@urbis/protocol";
import { ANYONE, handler, type MessageHandler } from "../../framework/module.js";
import { didCreatedEvent, didDeactivatedEvent, didUpdatedEvent } from "./events.js";
import type { DidKeeper } from "./keeper.js";

/** Handlers of `did/create`, `did/update` and `did/deactivate`. */
export function didHandlers(keeper: DidKeeper): MessageHandler<unknown>[] {
  return [
    handler(createDidMsg, ANYONE, validateCreateDidMsg, (ctx, m) => {
      ctx.emit(didCreatedEvent(keeper.create(ctx.store, ctx.block, ctx.signerKey, m)));
    }),
    handler(updateDidMsg, ANYONE, validateUpdateDidMsg, (ctx, m) => {
      ctx.emit(didUpdatedEvent(keeper.update(ctx.store, ctx.block, ctx.signerKey, m)));
    }),
    handler(deactivateDidMsg, ANYONE, validateDeactivateDidMsg, (ctx, m) => {
      ctx.emit(didDeactivatedEvent(keeper.deactivate(ctx.store, ctx.block, ctx.signerKey, m.did)));
    }),
  ];
}
