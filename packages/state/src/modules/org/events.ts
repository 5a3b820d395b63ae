/**
 * Events of the organization module. Attributes carry organization ids,
 * addresses, roles, sectors and statuses only, never personal data; address
 * lists are comma-separated in address byte order.
 */
import type { Address, Organization, OrgParams, OrgStatus } from "@urbis/protocol";
import { type Event, event } from "../../framework/events.js";

/** Event types the organization module emits. */
export const ORG_EVENTS = {
  admitted: "org.admitted",
  statusChanged: "org.status_changed",
  memberAdded: "org.member_added",
  memberRemoved: "org.member_removed",
  adminsChanged: "org.admins_changed",
  roleDelegated: "org.role_delegated",
  delegationRevoked: "org.delegation_revoked",
  roleGranted: "org.role_granted",
  roleRevoked: "org.role_revoked",
  paramsUpdated: "org.params_updated",
} as const;

/** `org.admitted` {id, sector, admins, hasValidatorKey}. */
export function orgAdmittedEvent(o: Organization): Event {
  return event(ORG_EVENTS.admitted, {
    id: o.id,
    sector: o.sector,
    admins: o.admins.join(","),
    hasValidatorKey: o.validatorKey !== undefined,
  });
}

/** `org.status_changed` {id, previous, status, reason}. */
export function orgStatusChangedEvent(id: string, previous: OrgStatus, status: OrgStatus, reason: string): Event {
  return event(ORG_EVENTS.statusChanged, { id, previous, status, reason });
}

/** `org.member_added` {id, member, by}: `by` is the admin who added it. */
export function memberAddedEvent(id: string, member: Address, by: Address): Event {
  return event(ORG_EVENTS.memberAdded, { id, member, by });
}

/** `org.member_removed` {id, member, by, rolesRevoked}: `rolesRevoked` lists the grants it lost. */
export function memberRemovedEvent(id: string, member: Address, by: Address, rolesRevoked: readonly string[]): Event {
  return event(ORG_EVENTS.memberRemoved, { id, member, by, rolesRevoked: rolesRevoked.join(",") });
}

/** `org.admins_changed` {id, by, previous, admins}. */
export function adminsChangedEvent(
  id: string,
  by: Address,
  previous: readonly Address[],
  admins: readonly Address[],
): Event {
  return event(ORG_EVENTS.adminsChanged, { id, by, previous: previous.join(","), admins: admins.join(",") });
}

/** `org.role_delegated` {id, role}. */
export function roleDelegatedEvent(id: string, role: string): Event {
  return event(ORG_EVENTS.roleDelegated, { id, role });
}

/** `org.delegation_revoked` {id, role, holders}: `holders` lists the accounts whose grant went with it. */
export function delegationRevokedEvent(id: string, role: string, holders: readonly Address[]): Event {
  return event(ORG_EVENTS.delegationRevoked, { id, role, holders: holders.join(",") });
}

/** `org.role_granted` {id, member, role, by}. */
export function roleGrantedEvent(id: string, member: Address, role: string, by: Address): Event {
  return event(ORG_EVENTS.roleGranted, { id, member, role, by });
}

/** `org.role_revoked` {id, member, role, by}. */
export function roleRevokedEvent(id: string, member: Address, role: string, by: Address): Event {
  return event(ORG_EVENTS.roleRevoked, { id, member, role, by });
}

/** `org.params_updated` {sectors, roles, maxMembersPerOrg}. */
export function orgParamsUpdatedEvent(p: OrgParams): Event {
  return event(ORG_EVENTS.paramsUpdated, {
    sectors: p.sectors.join(","),
    roles: p.roles.join(","),
    maxMembersPerOrg: p.maxMembersPerOrg,
  });
}
