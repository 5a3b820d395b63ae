/**
 * Messages of the bank module and their stateless checks. The sender, creator,
 * minter or burner is always the transaction's signer, so no message names it.
 */
import { addressCodec } from "../../address.js";
import { type Infer, MAX_U128, option, string, struct, u8, u128, vec } from "../../codec/index.js";
import { UrbisError } from "../../errors.js";
import { defineMessage, type MessageType } from "../../tx.js";
import { BankErrors } from "./errors.js";
import {
  bankParamsCodec,
  denomCodec,
  MAX_ASSET_CREATORS,
  MAX_ASSET_NAME_WIRE_BYTES,
  MAX_SYMBOL_WIRE_BYTES,
  validateAmount,
  validateAssetMetadata,
  validateDenom,
} from "./types.js";

/** Most outputs of one `bank/multi_send`. */
export const MAX_MULTI_SEND_OUTPUTS = 256;
/**
 * Most outputs the codec accepts on the wire. Looser than
 * {@link MAX_MULTI_SEND_OUTPUTS} so an over-long list is refused with the
 * specific `bank.too_many_outputs` rather than a decoding error.
 */
export const MAX_MULTI_SEND_WIRE_OUTPUTS = 1024;

/** `bank/send`: moves `amount` of `denom` from the signer to `to`. */
export const sendMsgCodec = struct({ to: addressCodec, denom: denomCodec, amount: u128 });
/** Value of a `bank/send` message. */
export type SendMsg = Infer<typeof sendMsgCodec>;
/** The `bank/send` message type. */
export const sendMsg: MessageType<SendMsg> = defineMessage("bank/send", sendMsgCodec);

/** One output of a multi-send. */
export const sendOutputCodec = struct({ to: addressCodec, denom: denomCodec, amount: u128 });
/** One output of a multi-send. */
export type SendOutput = Infer<typeof sendOutputCodec>;

/** `bank/multi_send`: pays every output from the signer, all or nothing. */
export const multiSendMsgCodec = struct({ outputs: vec(sendOutputCodec, MAX_MULTI_SEND_WIRE_OUTPUTS) });
/** Value of a `bank/multi_send` message. */
export type MultiSendMsg = Infer<typeof multiSendMsgCodec>;
/** The `bank/multi_send` message type. */
export const multiSendMsg: MessageType<MultiSendMsg> = defineMessage("bank/multi_send", multiSendMsgCodec);

/** `bank/create_asset`: creates a new asset whose issuer is the signer (who must be an asset creator). */
export const createAssetMsgCodec = struct({
  denom: denomCodec,
  name: string(MAX_ASSET_NAME_WIRE_BYTES),
  symbol: string(MAX_SYMBOL_WIRE_BYTES),
  decimals: u8,
  maxSupply: option(u128),
});
/** Value of a `bank/create_asset` message. */
export type CreateAssetMsg = Infer<typeof createAssetMsgCodec>;
/** The `bank/create_asset` message type. */
export const createAssetMsg: MessageType<CreateAssetMsg> = defineMessage("bank/create_asset", createAssetMsgCodec);

/** `bank/mint`: the asset's issuer creates `amount` of `denom` in `to`'s balance. */
export const mintMsgCodec = struct({ denom: denomCodec, to: addressCodec, amount: u128 });
/** Value of a `bank/mint` message. */
export type MintMsg = Infer<typeof mintMsgCodec>;
/** The `bank/mint` message type. */
export const mintMsg: MessageType<MintMsg> = defineMessage("bank/mint", mintMsgCodec);

/** `bank/burn`: the asset's issuer destroys `amount` of `denom` from its own balance. */
export const burnMsgCodec = struct({ denom: denomCodec, amount: u128 });
/** Value of a `bank/burn` message. */
export type BurnMsg = Infer<typeof burnMsgCodec>;
/** The `bank/burn` message type. */
export const burnMsg: MessageType<BurnMsg> = defineMessage("bank/burn", burnMsgCodec);

/** `bank/update_params`: governance replaces the bank parameters (who may create assets). */
export const updateBankParamsMsgCodec = struct({ params: bankParamsCodec });
/** Value of a `bank/update_params` message. */
export type UpdateBankParamsMsg = Infer<typeof updateBankParamsMsgCodec>;
/** The `bank/update_params` message type (governance only). */
export const updateBankParamsMsg: MessageType<UpdateBankParamsMsg> = defineMessage(
  "bank/update_params",
  updateBankParamsMsgCodec,
);

/** Every bank message type, in code order. */
export const BANK_MESSAGES = [sendMsg, multiSendMsg, createAssetMsg, mintMsg, burnMsg, updateBankParamsMsg] as const;

/** Stateless checks of `bank/update_params`: at most 256 asset creators, none listed twice. */
export function validateUpdateBankParamsMsg(m: UpdateBankParamsMsg): void {
  const creators = m.params.assetCreators;
  if (creators.length > MAX_ASSET_CREATORS) {
    throw BankErrors.invalidParams.create(`${creators.length} asset creators, at most ${MAX_ASSET_CREATORS}`);
  }
  if (new Set(creators).size !== creators.length) {
    throw BankErrors.invalidParams.create("an asset creator is listed twice");
  }
}

/** Stateless checks of `bank/send`: valid denom, strictly positive amount. */
export function validateSendMsg(m: SendMsg): void {
  validateDenom(m.denom);
  validateAmount(m.amount);
}

/**
 * Stateless checks of `bank/multi_send`: 1 to {@link MAX_MULTI_SEND_OUTPUTS}
 * outputs, each with a valid denom and a strictly positive amount, and no
 * denom's total beyond the u128 range (`bank.overflow`).
 */
export function validateMultiSendMsg(m: MultiSendMsg): void {
  if (m.outputs.length === 0) throw BankErrors.noOutputs.create("a multi-send needs at least one output");
  if (m.outputs.length > MAX_MULTI_SEND_OUTPUTS) {
    throw BankErrors.tooManyOutputs.create(`${m.outputs.length} outputs, at most ${MAX_MULTI_SEND_OUTPUTS}`);
  }
  const totals = new Map<string, bigint>();
  m.outputs.forEach((o, i) => {
    try {
      validateDenom(o.denom);
      validateAmount(o.amount);
    } catch (e) {
      if (e instanceof UrbisError) throw e.def.create(`output ${i}: ${e.message}`, e.details);
      throw e;
    }
    const total = (totals.get(o.denom) ?? 0n) + o.amount;
    if (total > MAX_U128)
      throw BankErrors.overflow.create(`the outputs of ${o.denom} add up to more than the largest u128`);
    totals.set(o.denom, total);
  });
}

/** Stateless checks of `bank/create_asset`: valid denom and metadata. */
export function validateCreateAssetMsg(m: CreateAssetMsg): void {
  validateDenom(m.denom);
  validateAssetMetadata(m);
}

/** Stateless checks of `bank/mint`: valid denom, strictly positive amount. */
export function validateMintMsg(m: MintMsg): void {
  validateDenom(m.denom);
  validateAmount(m.amount);
}

/** Stateless checks of `bank/burn`: valid denom, strictly positive amount. */
export function validateBurnMsg(m: BurnMsg): void {
  validateDenom(m.denom);
  validateAmount(m.amount);
}
