/**
 * Messages of the verifiable credentials module and their stateless checks.
 * The trusted issuer registry changes only through governance; a status list
 * belongs to its issuer DID, whose authentication keys alone may create it
 * and set its bits (the state machine checks the transaction's key).
 */
import { bool, type Infer, string, struct, u8, u32 } from "../../codec/index.js";
import { defineMessage, type MessageType } from "../../tx.js";
import { didStringCodec, validateUrbisDid } from "../did/types.js";
import { VcErrors } from "./errors.js";
import {
  MAX_CREDENTIAL_TYPE_WIRE_BYTES,
  MAX_LIST_ID_WIRE_BYTES,
  MAX_STATUS_LIST_BITS,
  validateListId,
  validateListLength,
  validateStatusPurpose,
  validateTrustEntry,
} from "./types.js";

/** `vc/add_trusted_issuer` (governance only): trusts `issuerDid` to issue credentials of `credentialType`. */
export const addTrustedIssuerMsgCodec = struct({
  credentialType: string(MAX_CREDENTIAL_TYPE_WIRE_BYTES),
  issuerDid: didStringCodec,
});
/** Value of a `vc/add_trusted_issuer` message. */
export type AddTrustedIssuerMsg = Infer<typeof addTrustedIssuerMsgCodec>;
/** The `vc/add_trusted_issuer` message type. */
export const addTrustedIssuerMsg: MessageType<AddTrustedIssuerMsg> = defineMessage(
  "vc/add_trusted_issuer",
  addTrustedIssuerMsgCodec,
);

/** `vc/remove_trusted_issuer` (governance only): withdraws that trust; credentials already issued stop verifying. */
export const removeTrustedIssuerMsgCodec = addTrustedIssuerMsgCodec;
/** Value of a `vc/remove_trusted_issuer` message. */
export type RemoveTrustedIssuerMsg = AddTrustedIssuerMsg;
/** The `vc/remove_trusted_issuer` message type. */
export const removeTrustedIssuerMsg: MessageType<RemoveTrustedIssuerMsg> = defineMessage(
  "vc/remove_trusted_issuer",
  removeTrustedIssuerMsgCodec,
);

/** `vc/create_status_list`: a new all-zero list of `length` bits owned by `issuerDid`. */
export const createStatusListMsgCodec = struct({
  issuerDid: didStringCodec,
  listId: string(MAX_LIST_ID_WIRE_BYTES),
  /** 0 revocation, 1 suspension. */
  purpose: u8,
  length: u32,
});
/** Value of a `vc/create_status_list` message. */
export type CreateStatusListMsg = Infer<typeof createStatusListMsgCodec>;
/** The `vc/create_status_list` message type. */
export const createStatusListMsg: MessageType<CreateStatusListMsg> = defineMessage(
  "vc/create_status_list",
  createStatusListMsgCodec,
);

/** `vc/set_status`: sets or clears bit `index` of a list (a revocation bit can only be set). */
export const setStatusMsgCodec = struct({
  listId: string(MAX_LIST_ID_WIRE_BYTES),
  index: u32,
  value: bool,
});
/** Value of a `vc/set_status` message. */
export type SetStatusMsg = Infer<typeof setStatusMsgCodec>;
/** The `vc/set_status` message type. */
export const setStatusMsg: MessageType<SetStatusMsg> = defineMessage("vc/set_status", setStatusMsgCodec);

/** Stateless checks of `vc/add_trusted_issuer` and `vc/remove_trusted_issuer`. */
export function validateTrustedIssuerMsg(m: AddTrustedIssuerMsg): void {
  validateTrustEntry(m.credentialType, m.issuerDid);
}

/** Stateless checks of `vc/create_status_list`. */
export function validateCreateStatusListMsg(m: CreateStatusListMsg): void {
  validateUrbisDid(m.issuerDid);
  validateListId(m.listId);
  validateStatusPurpose(m.purpose);
  validateListLength(m.length);
}

/** Stateless checks of `vc/set_status` (the list's length is checked against state). */
export function validateSetStatusMsg(m: SetStatusMsg): void {
  validateListId(m.listId);
  if (m.index >= MAX_STATUS_LIST_BITS)
    throw VcErrors.indexOutOfRange.create(`index ${m.index} is past any status list`);
}

/** Every VC message type. */
export const VC_MESSAGES = [addTrustedIssuerMsg, removeTrustedIssuerMsg, createStatusListMsg, setStatusMsg] as const;
