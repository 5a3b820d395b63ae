/** Message handlers of the bank module: stateless validation, then the keeper, then events. */
import {
  burnMsg,
  createAssetMsg,
  mintMsg,
  multiSendMsg,
  sendMsg,
  updateBankParamsMsg,
  validateBurnMsg,
  validateCreateAssetMsg,
  validateMintMsg,
  validateMultiSendMsg,
  validateSendMsg,
  validateUpdateBankParamsMsg,
} from "@urbis/protocol";
import { ANYONE, GOVERNANCE, handler, type MessageHandler } from "../../framework/module.js";
import { assetCreatedEvent, bankParamsUpdatedEvent, burnEvent, mintEvent, transferEvent } from "./events.js";
import type { BankKeeper } from "./keeper.js";

/** Handlers of `bank/send`, `bank/multi_send`, `bank/create_asset`, `bank/mint`, `bank/burn` and `bank/update_params`. */
export function bankHandlers(keeper: BankKeeper): MessageHandler<unknown>[] {
  return [
    handler(sendMsg, ANYONE, validateSendMsg, (ctx, m) => {
      keeper.send(ctx.store, ctx.signer, m.to, m.denom, m.amount);
      ctx.emit(transferEvent(ctx.signer, m.to, m.denom, m.amount));
    }),
    handler(multiSendMsg, ANYONE, validateMultiSendMsg, (ctx, m) => {
      keeper.multiSend(ctx.store, ctx.signer, m.outputs);
      for (const o of m.outputs) ctx.emit(transferEvent(ctx.signer, o.to, o.denom, o.amount));
    }),
    handler(createAssetMsg, ANYONE, validateCreateAssetMsg, (ctx, m) => {
      const info = keeper.createAsset(ctx.store, ctx.signer, m);
      ctx.emit(assetCreatedEvent(info));
    }),
    handler(mintMsg, ANYONE, validateMintMsg, (ctx, m) => {
      const supply = keeper.mint(ctx.store, ctx.signer, m.denom, m.to, m.amount);
      ctx.emit(mintEvent(ctx.signer, m.to, m.denom, m.amount, supply));
    }),
    handler(burnMsg, ANYONE, validateBurnMsg, (ctx, m) => {
      const supply = keeper.burn(ctx.store, ctx.signer, m.denom, m.amount);
      ctx.emit(burnEvent(ctx.signer, m.denom, m.amount, supply));
    }),
    handler(updateBankParamsMsg, GOVERNANCE, validateUpdateBankParamsMsg, (ctx, m) => {
      keeper.setParams(ctx.store, m.params);
      ctx.emit(bankParamsUpdatedEvent(m.params.assetCreators));
    }),
  ];
}
