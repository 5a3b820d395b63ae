/** Messages of the auth module: only governance changes its parameters. */
import { type Infer, struct } from "../../codec/index.js";
import { defineMessage, type MessageType } from "../../tx.js";
import { AuthErrors } from "./errors.js";
import { authParamsCodec } from "./types.js";

/** `auth/update_params`: governance replaces the per-account rate limits. */
export const updateAuthParamsMsgCodec = struct({ params: authParamsCodec });
/** Value of an `auth/update_params` message. */
export type UpdateAuthParamsMsg = Infer<typeof updateAuthParamsMsgCodec>;
/** The `auth/update_params` message type (governance only). */
export const updateAuthParamsMsg: MessageType<UpdateAuthParamsMsg> = defineMessage(
  "auth/update_params",
  updateAuthParamsMsgCodec,
);

/** Stateless checks of `auth/update_params`: a window of at least one block allowing at least one transaction. */
export function validateUpdateAuthParamsMsg(m: UpdateAuthParamsMsg): void {
  if (m.params.windowBlocks < 1n) throw AuthErrors.invalidParams.create("windowBlocks must be at least 1");
  if (m.params.maxTxsPerWindow < 1) throw AuthErrors.invalidParams.create("maxTxsPerWindow must be at least 1");
}
