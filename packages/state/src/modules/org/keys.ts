/**
 * Store keys of the organization module. Organization ids never hold `/`
 * (see ORG_ID_PATTERN), so `/` after an id ends it unambiguously; addresses
 * are their 20 raw bytes, so lists keyed by address come out in address byte
 * order, and lists keyed by id or role in string order.
 */
import { ADDRESS_LENGTH, concatBytes, decodeAddress, encodeAddress, fromUtf8, utf8 } from "@urbis/protocol";

/** Every organization key starts with this prefix. */
export const ORG_PREFIX = utf8("org/");
/** Key of the parameters record. Value: OrgParams. */
export const ORG_PARAMS_KEY = utf8("org/params");
/** Prefix of every organization record: `org/org/` ‖ id. Value: Organization. */
export const ORG_RECORD_PREFIX = utf8("org/org/");
/** Prefix of the membership index: `org/member/` ‖ address (20 bytes). Value: the organization id (string codec). */
export const ORG_MEMBER_PREFIX = utf8("org/member/");
/** Prefix of the per-organization member lists: `org/members/` ‖ id ‖ `/` ‖ address. Value: empty. */
export const ORG_MEMBERS_PREFIX = utf8("org/members/");
/** Prefix of the member counts: `org/count/` ‖ id. Value: u32, admins included. */
export const ORG_COUNT_PREFIX = utf8("org/count/");
/** Prefix of the delegations: `org/delegation/` ‖ id ‖ `/` ‖ role. Value: u64, the height it was given. */
export const ORG_DELEGATION_PREFIX = utf8("org/delegation/");
/** Prefix of the grants: `org/grant/` ‖ address ‖ `/` ‖ role. Value: the granting organization id (string codec). */
export const ORG_GRANT_PREFIX = utf8("org/grant/");

const SLASH = utf8("/");

/** Key of one organization record. */
export function orgKey(id: string): Uint8Array {
  return concatBytes(ORG_RECORD_PREFIX, utf8(id));
}

/** Key of one account's membership index entry. */
export function memberIndexKey(address: string): Uint8Array {
  return concatBytes(ORG_MEMBER_PREFIX, decodeAddress(address));
}

/** Prefix of the member list of organization `id`. */
export function orgMembersPrefix(id: string): Uint8Array {
  return concatBytes(ORG_MEMBERS_PREFIX, utf8(id), SLASH);
}

/** Key of one entry of organization `id`'s member list. */
export function orgMemberKey(id: string, address: string): Uint8Array {
  return concatBytes(orgMembersPrefix(id), decodeAddress(address));
}

/** Organization id and address of a full member-list key (inverse of {@link orgMemberKey}). */
export function parseOrgMemberKey(key: Uint8Array): { id: string; address: string } {
  const rest = key.subarray(ORG_MEMBERS_PREFIX.length);
  const cut = rest.length - ADDRESS_LENGTH - 1;
  return { id: fromUtf8(rest.subarray(0, cut)), address: encodeAddress(rest.subarray(cut + 1)) };
}

/** Address of a full membership index key (inverse of {@link memberIndexKey}). */
export function parseMemberIndexKey(key: Uint8Array): string {
  return encodeAddress(key.subarray(ORG_MEMBER_PREFIX.length));
}

/** Key of organization `id`'s member count. */
export function orgCountKey(id: string): Uint8Array {
  return concatBytes(ORG_COUNT_PREFIX, utf8(id));
}

/** Prefix of organization `id`'s delegations. */
export function orgDelegationsPrefix(id: string): Uint8Array {
  return concatBytes(ORG_DELEGATION_PREFIX, utf8(id), SLASH);
}

/** Key of one delegation. */
export function delegationKey(id: string, role: string): Uint8Array {
  return concatBytes(orgDelegationsPrefix(id), utf8(role));
}

/** Organization id and role of a full delegation key (inverse of {@link delegationKey}). */
export function parseDelegationKey(key: Uint8Array): { id: string; role: string } {
  const rest = fromUtf8(key.subarray(ORG_DELEGATION_PREFIX.length));
  const cut = rest.indexOf("/");
  return { id: rest.slice(0, cut), role: rest.slice(cut + 1) };
}

/** Prefix of one account's grants. */
export function accountGrantsPrefix(address: string): Uint8Array {
  return concatBytes(ORG_GRANT_PREFIX, decodeAddress(address), SLASH);
}

/** Key of one grant. */
export function grantKey(address: string, role: string): Uint8Array {
  return concatBytes(accountGrantsPrefix(address), utf8(role));
}

/** Holder and role of a full grant key (inverse of {@link grantKey}). */
export function parseGrantKey(key: Uint8Array): { address: string; role: string } {
  const start = ORG_GRANT_PREFIX.length;
  return {
    address: encodeAddress(key.subarray(start, start + ADDRESS_LENGTH)),
    role: fromUtf8(key.subarray(start + ADDRESS_LENGTH + 1)),
  };
}
