/**
 * Message handlers of the VC module. The trusted issuer registry is
 * governance's alone (permission GOVERNANCE: only a passed proposal runs
 * these). Status list messages may be sent by anyone; the keeper authorizes
 * them by the transaction's key against the issuer DID.
 */
import {
  addTrustedIssuerMsg,
  createStatusListMsg,
  removeTrustedIssuerMsg,
  setStatusMsg,
  validateCreateStatusListMsg,
  validateSetStatusMsg,
  validateTrustedIssuerMsg,
} from "@urbis/protocol";
import { ANYONE, GOVERNANCE, handler, type MessageHandler } from "../../framework/module.js";
import { issuerTrustedEvent, issuerUntrustedEvent, statusListCreatedEvent, statusSetEvent } from "./events.js";
import type { VcKeeper } from "./keeper.js";

/** Handlers of `vc/add_trusted_issuer`, `vc/remove_trusted_issuer`, `vc/create_status_list` and `vc/set_status`. */
export function vcHandlers(keeper: VcKeeper): MessageHandler<unknown>[] {
  return [
    handler(addTrustedIssuerMsg, GOVERNANCE, validateTrustedIssuerMsg, (ctx, m) => {
      ctx.emit(issuerTrustedEvent(keeper.addTrustedIssuer(ctx.store, ctx.block, m)));
    }),
    handler(removeTrustedIssuerMsg, GOVERNANCE, validateTrustedIssuerMsg, (ctx, m) => {
      keeper.removeTrustedIssuer(ctx.store, m);
      ctx.emit(issuerUntrustedEvent(m.credentialType, m.issuerDid));
    }),
    handler(createStatusListMsg, ANYONE, validateCreateStatusListMsg, (ctx, m) => {
      ctx.emit(statusListCreatedEvent(keeper.createStatusList(ctx.store, ctx.block, ctx.signerKey, m)));
    }),
    handler(setStatusMsg, ANYONE, validateSetStatusMsg, (ctx, m) => {
      ctx.emit(statusSetEvent(keeper.setStatus(ctx.store, ctx.block, ctx.signerKey, m)));
    }),
  ];
}
