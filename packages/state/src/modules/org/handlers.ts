/** Message handlers of the organization module: stateless validation, then the keeper, then events. */
import {
  addMemberMsg,
  admitOrgMsg,
  delegateRoleMsg,
  grantRoleMsg,
  reinstateOrgMsg,
  removeMemberMsg,
  removeOrgMsg,
  replaceAdminsMsg,
  revokeDelegationMsg,
  revokeRoleMsg,
  setAdminsMsg,
  suspendOrgMsg,
  updateOrgParamsMsg,
  validateAdmitOrgMsg,
  validateDelegationMsg,
  validateMemberMsg,
  validateOrgStatusMsg,
  validateRoleGrantMsg,
  validateSetAdminsMsg,
  validateUpdateOrgParamsMsg,
} from "@urbis/protocol";
import { ANYONE, GOVERNANCE, handler, type MessageHandler } from "../../framework/module.js";
import {
  adminsChangedEvent,
  delegationRevokedEvent,
  memberAddedEvent,
  memberRemovedEvent,
  orgAdmittedEvent,
  orgParamsUpdatedEvent,
  orgStatusChangedEvent,
  roleDelegatedEvent,
  roleGrantedEvent,
  roleRevokedEvent,
} from "./events.js";
import type { OrgKeeper } from "./keeper.js";

/**
 * Handlers of every `org/*` message. Governance-only: `org/admit`,
 * `org/suspend`, `org/reinstate`, `org/remove`, `org/delegate_role`,
 * `org/revoke_delegation`, `org/update_params`. Declared `anyone` but checked
 * by the keeper against the organization's admins (a per-organization right
 * the App's permissions cannot express): `org/add_member`,
 * `org/remove_member`, `org/grant_role`, `org/revoke_role`, and
 * `org/set_admins` (which governance may also send).
 */
export function orgHandlers(keeper: OrgKeeper): MessageHandler<unknown>[] {
  return [
    handler(admitOrgMsg, GOVERNANCE, validateAdmitOrgMsg, (ctx, m) => {
      const org = keeper.admit(ctx.store, ctx.block.height, m);
      ctx.emit(orgAdmittedEvent(org));
    }),
    handler(suspendOrgMsg, GOVERNANCE, validateOrgStatusMsg, (ctx, m) => {
      const { previous, org } = keeper.suspend(ctx.store, ctx.block.height, m.id);
      ctx.emit(orgStatusChangedEvent(m.id, previous, org.status, m.reason));
    }),
    handler(reinstateOrgMsg, GOVERNANCE, validateOrgStatusMsg, (ctx, m) => {
      const { previous, org } = keeper.reinstate(ctx.store, ctx.block.height, m.id);
      ctx.emit(orgStatusChangedEvent(m.id, previous, org.status, m.reason));
    }),
    handler(removeOrgMsg, GOVERNANCE, validateOrgStatusMsg, (ctx, m) => {
      const { previous, org } = keeper.remove(ctx.store, ctx.block.height, m.id);
      ctx.emit(orgStatusChangedEvent(m.id, previous, org.status, m.reason));
    }),
    handler(delegateRoleMsg, GOVERNANCE, validateDelegationMsg, (ctx, m) => {
      keeper.delegateRole(ctx.store, ctx.block.height, m.id, m.role);
      ctx.emit(roleDelegatedEvent(m.id, m.role));
    }),
    handler(revokeDelegationMsg, GOVERNANCE, validateDelegationMsg, (ctx, m) => {
      const holders = keeper.revokeDelegation(ctx.store, m.id, m.role);
      ctx.emit(delegationRevokedEvent(m.id, m.role, holders));
    }),
    handler(addMemberMsg, ANYONE, validateMemberMsg, (ctx, m) => {
      keeper.addMember(ctx.store, ctx.signer, m.id, m.member);
      ctx.emit(memberAddedEvent(m.id, m.member, ctx.signer));
    }),
    handler(removeMemberMsg, ANYONE, validateMemberMsg, (ctx, m) => {
      const lost = keeper.removeMember(ctx.store, ctx.signer, m.id, m.member);
      ctx.emit(memberRemovedEvent(m.id, m.member, ctx.signer, lost));
    }),
    handler(setAdminsMsg, ANYONE, validateSetAdminsMsg, (ctx, m) => {
      const { previous, org } = keeper.setAdmins(ctx.store, ctx.signer, m.id, m.admins);
      ctx.emit(adminsChangedEvent(m.id, ctx.signer, previous, org.admins));
    }),
    // The keeper lets the governance authority replace any organization's admins.
    handler(replaceAdminsMsg, GOVERNANCE, validateSetAdminsMsg, (ctx, m) => {
      const { previous, org } = keeper.setAdmins(ctx.store, ctx.signer, m.id, m.admins);
      ctx.emit(adminsChangedEvent(m.id, ctx.signer, previous, org.admins));
    }),
    handler(grantRoleMsg, ANYONE, validateRoleGrantMsg, (ctx, m) => {
      keeper.grantRole(ctx.store, ctx.signer, m.id, m.member, m.role);
      ctx.emit(roleGrantedEvent(m.id, m.member, m.role, ctx.signer));
    }),
    handler(revokeRoleMsg, ANYONE, validateRoleGrantMsg, (ctx, m) => {
      keeper.revokeRole(ctx.store, ctx.signer, m.id, m.member, m.role);
      ctx.emit(roleRevokedEvent(m.id, m.member, m.role, ctx.signer));
    }),
    handler(updateOrgParamsMsg, GOVERNANCE, validateUpdateOrgParamsMsg, (ctx, m) => {
      keeper.updateParams(ctx.store, m.params);
      ctx.emit(orgParamsUpdatedEvent(m.params));
    }),
  ];
}
