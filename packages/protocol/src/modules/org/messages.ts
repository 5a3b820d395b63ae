/**
 * Messages of the organization module and their stateless checks.
 *
 * Who may send each (the state machine enforces it): governance alone admits,
 * suspends, reinstates and removes organizations, delegates roles and changes
 * the parameters; an admin of an active organization manages its members and
 * grants them the roles governance delegated to it; `org/set_admins` is open
 * to the organization's admins and to governance.
 */
import { addressCodec } from "../../address.js";
import { bytes, type Infer, option, string, struct } from "../../codec/index.js";
import { defineMessage, type MessageType } from "../../tx.js";
import {
  adminsCodec,
  ORG_WIRE_LIMITS,
  orgIdCodec,
  orgParamsCodec,
  roleCodec,
  validateAdmins,
  validateDid,
  validateOrgId,
  validateOrgName,
  validateOrgParams,
  validateOrgValidatorKey,
  validateReason,
  validateRoleName,
  validateSectorName,
} from "./types.js";

/** `org/admit` (governance): admits a new, active organization with its first admins. */
export const admitOrgMsgCodec = struct({
  id: orgIdCodec,
  name: string(ORG_WIRE_LIMITS.name),
  sector: string(ORG_WIRE_LIMITS.sector),
  admins: adminsCodec,
  /** The CometBFT key of the validator it runs, if any (32 bytes; checked by validation). */
  validatorKey: option(bytes(ORG_WIRE_LIMITS.validatorKey)),
  did: option(string(ORG_WIRE_LIMITS.did)),
});
/** Value of an `org/admit` message. */
export type AdmitOrgMsg = Infer<typeof admitOrgMsgCodec>;
/** The `org/admit` message type. */
export const admitOrgMsg: MessageType<AdmitOrgMsg> = defineMessage("org/admit", admitOrgMsgCodec);

/** Value of `org/suspend`, `org/reinstate` and `org/remove`: the organization and why. */
export const orgStatusMsgCodec = struct({ id: orgIdCodec, reason: string(ORG_WIRE_LIMITS.reason) });
/** Value of a status-change message. */
export type OrgStatusMsg = Infer<typeof orgStatusMsgCodec>;
/** `org/suspend` (governance): an active organization's members lose their permissions until reinstated. */
export const suspendOrgMsg: MessageType<OrgStatusMsg> = defineMessage("org/suspend", orgStatusMsgCodec);
/** `org/reinstate` (governance): a suspended organization becomes active again. */
export const reinstateOrgMsg: MessageType<OrgStatusMsg> = defineMessage("org/reinstate", orgStatusMsgCodec);
/** `org/remove` (governance): final; the organization's memberships, grants and delegations are deleted. */
export const removeOrgMsg: MessageType<OrgStatusMsg> = defineMessage("org/remove", orgStatusMsgCodec);

/** Value of `org/delegate_role` and `org/revoke_delegation`. */
export const delegationMsgCodec = struct({ id: orgIdCodec, role: roleCodec });
/** Value of a delegation message. */
export type DelegationMsg = Infer<typeof delegationMsgCodec>;
/** `org/delegate_role` (governance): the organization's admins may grant `role` to its members. */
export const delegateRoleMsg: MessageType<DelegationMsg> = defineMessage("org/delegate_role", delegationMsgCodec);
/** `org/revoke_delegation` (governance): withdraws the delegation and every grant of it by the organization. */
export const revokeDelegationMsg: MessageType<DelegationMsg> = defineMessage(
  "org/revoke_delegation",
  delegationMsgCodec,
);

/** Value of `org/add_member` and `org/remove_member`. */
export const memberMsgCodec = struct({ id: orgIdCodec, member: addressCodec });
/** Value of a membership message. */
export type MemberMsg = Infer<typeof memberMsgCodec>;
/** `org/add_member` (an admin of the active organization): adds an account that belongs to no organization. */
export const addMemberMsg: MessageType<MemberMsg> = defineMessage("org/add_member", memberMsgCodec);
/** `org/remove_member` (an admin of the active organization): removes a non-admin member and its grants. */
export const removeMemberMsg: MessageType<MemberMsg> = defineMessage("org/remove_member", memberMsgCodec);

/** `org/set_admins` (an admin of the active organization, or governance): replaces the admin list. */
export const setAdminsMsgCodec = struct({ id: orgIdCodec, admins: adminsCodec });
/** Value of an `org/set_admins` message. */
export type SetAdminsMsg = Infer<typeof setAdminsMsgCodec>;
/** The `org/set_admins` message type. */
export const setAdminsMsg: MessageType<SetAdminsMsg> = defineMessage("org/set_admins", setAdminsMsgCodec);
/**
 * `org/replace_admins` (governance only): the same change decided by the
 * consortium, for an organization whose admins lost their keys or left —
 * a proposal kind, where `org/set_admins` is an admin's own transaction.
 */
export const replaceAdminsMsg: MessageType<SetAdminsMsg> = defineMessage("org/replace_admins", setAdminsMsgCodec);

/** Value of `org/grant_role` and `org/revoke_role`. */
export const roleGrantMsgCodec = struct({ id: orgIdCodec, member: addressCodec, role: roleCodec });
/** Value of a role-grant message. */
export type RoleGrantMsg = Infer<typeof roleGrantMsgCodec>;
/** `org/grant_role` (an admin of the active organization): grants a delegated role to one of its members. */
export const grantRoleMsg: MessageType<RoleGrantMsg> = defineMessage("org/grant_role", roleGrantMsgCodec);
/** `org/revoke_role` (an admin of the active organization): takes a role back from one of its members. */
export const revokeRoleMsg: MessageType<RoleGrantMsg> = defineMessage("org/revoke_role", roleGrantMsgCodec);

/** `org/update_params` (governance): replaces the parameters. */
export const updateOrgParamsMsgCodec = struct({ params: orgParamsCodec });
/** Value of an `org/update_params` message. */
export type UpdateOrgParamsMsg = Infer<typeof updateOrgParamsMsgCodec>;
/** The `org/update_params` message type. */
export const updateOrgParamsMsg: MessageType<UpdateOrgParamsMsg> = defineMessage(
  "org/update_params",
  updateOrgParamsMsgCodec,
);

/** Every organization message type, in code order. */
export const ORG_MESSAGES = [
  admitOrgMsg,
  suspendOrgMsg,
  reinstateOrgMsg,
  removeOrgMsg,
  delegateRoleMsg,
  revokeDelegationMsg,
  addMemberMsg,
  removeMemberMsg,
  setAdminsMsg,
  grantRoleMsg,
  revokeRoleMsg,
  updateOrgParamsMsg,
  replaceAdminsMsg,
] as const;

/** Stateless checks of `org/admit`: id, name, sector name, admin list, and the validator key and DID if given. */
export function validateAdmitOrgMsg(m: AdmitOrgMsg): void {
  validateOrgId(m.id);
  validateOrgName(m.name);
  validateSectorName(m.sector);
  validateAdmins(m.admins);
  if (m.validatorKey !== undefined) validateOrgValidatorKey(m.validatorKey);
  if (m.did !== undefined) validateDid(m.did);
}

/** Stateless checks of `org/suspend`, `org/reinstate` and `org/remove`: id and reason. */
export function validateOrgStatusMsg(m: OrgStatusMsg): void {
  validateOrgId(m.id);
  validateReason(m.reason);
}

/** Stateless checks of `org/delegate_role` and `org/revoke_delegation`: id and role name. */
export function validateDelegationMsg(m: DelegationMsg): void {
  validateOrgId(m.id);
  validateRoleName(m.role);
}

/** Stateless checks of `org/add_member` and `org/remove_member`: the id (the address is valid by decoding). */
export function validateMemberMsg(m: MemberMsg): void {
  validateOrgId(m.id);
}

/** Stateless checks of `org/set_admins`: id and admin list. */
export function validateSetAdminsMsg(m: SetAdminsMsg): void {
  validateOrgId(m.id);
  validateAdmins(m.admins);
}

/** Stateless checks of `org/grant_role` and `org/revoke_role`: id and role name. */
export function validateRoleGrantMsg(m: RoleGrantMsg): void {
  validateOrgId(m.id);
  validateRoleName(m.role);
}

/** Stateless checks of `org/update_params`: see `validateOrgParams`. */
export function validateUpdateOrgParamsMsg(m: UpdateOrgParamsMsg): void {
  validateOrgParams(m.params);
}
