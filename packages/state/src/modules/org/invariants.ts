/** Invariants of the organization module, checked at genesis and every `invariantPeriod` blocks. */
import { decode, fromUtf8, MAX_ORG_ADMINS, organizationCodec, prefixEnd, string, toHex, u32 } from "@urbis/protocol";
import type { Invariant } from "../../framework/module.js";
import type { OrgKeeper } from "./keeper.js";
import {
  memberIndexKey,
  ORG_COUNT_PREFIX,
  ORG_DELEGATION_PREFIX,
  ORG_GRANT_PREFIX,
  ORG_MEMBER_PREFIX,
  ORG_MEMBERS_PREFIX,
  ORG_RECORD_PREFIX,
  orgKey,
  orgMemberKey,
  parseDelegationKey,
  parseGrantKey,
  parseMemberIndexKey,
  parseOrgMemberKey,
} from "./keys.js";

const idValue = string(64);

/**
 * `membership`: the membership index and the member lists agree entry for
 * entry; every entry names an existing organization that is not removed; the
 * stored member counts equal the list lengths.
 */
export function membershipInvariant(keeper: OrgKeeper): Invariant {
  return {
    name: "membership",
    check(ctx) {
      const s = ctx.store;
      const counts = new Map<string, number>();
      for (const [k, v] of s.iterate(ORG_MEMBER_PREFIX, prefixEnd(ORG_MEMBER_PREFIX))) {
        const address = parseMemberIndexKey(k);
        const id = decode(idValue, v);
        const o = keeper.organization(s, id);
        if (!o) return `${address} is indexed as a member of unknown organization ${id}`;
        if (o.status === "removed") return `${address} is indexed as a member of removed organization ${id}`;
        if (s.get(orgMemberKey(id, address)) === undefined) return `${address} is indexed in ${id} but not listed`;
      }
      for (const [k] of s.iterate(ORG_MEMBERS_PREFIX, prefixEnd(ORG_MEMBERS_PREFIX))) {
        const { id, address } = parseOrgMemberKey(k);
        if (keeper.orgOf(s, address) !== id) return `${address} is listed in ${id} but indexed elsewhere`;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      for (const [k, v] of s.iterate(ORG_COUNT_PREFIX, prefixEnd(ORG_COUNT_PREFIX))) {
        const id = fromUtf8(k.subarray(ORG_COUNT_PREFIX.length));
        const stored = decode(u32, v);
        if (stored !== (counts.get(id) ?? 0)) {
          return `organization ${id} stores ${stored} members, its list has ${counts.get(id) ?? 0}`;
        }
        counts.delete(id);
      }
      for (const [id, n] of counts) return `organization ${id} lists ${n} members but stores no count`;
      return undefined;
    },
  };
}

/**
 * `admins`: every organization record is stored under its id, has 1 to 16
 * admins sorted by address bytes without duplicates, and (unless removed)
 * every admin is indexed as a member of it.
 */
export function adminsInvariant(): Invariant {
  return {
    name: "admins",
    check(ctx) {
      for (const [k, v] of ctx.store.iterate(ORG_RECORD_PREFIX, prefixEnd(ORG_RECORD_PREFIX))) {
        const o = decode(organizationCodec, v);
        if (toHex(k) !== toHex(orgKey(o.id))) return `organization ${o.id} is stored under another key`;
        if (o.admins.length < 1 || o.admins.length > MAX_ORG_ADMINS) {
          return `organization ${o.id} has ${o.admins.length} admins`;
        }
        const hex = o.admins.map((a) => toHex(memberIndexKey(a)));
        for (let i = 1; i < hex.length; i++) {
          if ((hex[i - 1] as string) >= (hex[i] as string)) return `admins of ${o.id} are not sorted and unique`;
        }
        if (o.status === "removed") continue;
        for (const a of o.admins) {
          const raw = ctx.store.get(memberIndexKey(a));
          if (!raw || decode(idValue, raw) !== o.id) return `admin ${a} of ${o.id} is not indexed as its member`;
        }
      }
      return undefined;
    },
  };
}

/**
 * `grants`: every delegation belongs to an existing, not removed organization
 * and names a role of the `roles` parameter; every grant's organization holds
 * the delegation and the holder belongs to that organization (so removed
 * organizations have no members, delegations or grants).
 */
export function grantsInvariant(keeper: OrgKeeper): Invariant {
  return {
    name: "grants",
    check(ctx) {
      const s = ctx.store;
      const roles = keeper.params(s).roles;
      for (const [k] of s.iterate(ORG_DELEGATION_PREFIX, prefixEnd(ORG_DELEGATION_PREFIX))) {
        const { id, role } = parseDelegationKey(k);
        const o = keeper.organization(s, id);
        if (!o || o.status === "removed") return `role ${role} is delegated to missing or removed organization ${id}`;
        if (!roles.includes(role)) return `role ${role} delegated to ${id} is not in the roles parameter`;
      }
      for (const [k, v] of s.iterate(ORG_GRANT_PREFIX, prefixEnd(ORG_GRANT_PREFIX))) {
        const { address, role } = parseGrantKey(k);
        const id = decode(idValue, v);
        if (!keeper.hasDelegation(s, id, role)) return `${address} holds ${role} from ${id}, which is not delegated it`;
        if (keeper.orgOf(s, address) !== id) return `${address} holds ${role} from ${id} but is not its member`;
      }
      return undefined;
    },
  };
}

/** Every invariant of the organization module. */
export function orgInvariants(keeper: OrgKeeper): Invariant[] {
  return [membershipInvariant(keeper), adminsInvariant(), grantsInvariant(keeper)];
}
