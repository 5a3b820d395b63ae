/**
 * Queries of the organization module. Answers are JSON with addresses as
 * bech32 strings, heights as decimal strings and validator keys as padded
 * base64; an id that names no organization fails with `org.unknown_organization`,
 * malformed parameters with `app.invalid_query`.
 */
import { ORG_ID_PATTERN, type Organization, OrgErrors, type OrgStatus, organizationToJson } from "@urbis/protocol";
import { AppErrors } from "../../app/errors.js";
import type { Context } from "../../framework/context.js";
import { JsonReader } from "../../framework/json.js";
import type { Json, QueryHandler } from "../../framework/module.js";
import type { OrgKeeper } from "./keeper.js";

/** Default and largest page of `org/members`. */
export const ORG_MEMBERS_PAGE = { default: 1000, max: 10_000 } as const;

const STATUSES: readonly OrgStatus[] = ["active", "suspended", "removed"];

/**
 * Queries of the organization module:
 * - `org/organization` {id} → the record (see `organizationToJson`) with
 *   `memberCount` and `delegations` (roles, in role order)
 * - `org/organizations` {status?} → {organizations: [record with memberCount]} in id order
 * - `org/members` {id, after?, limit?} → {id, members: [{address, admin}], next?}
 *   in address byte order, at most `limit` (default 1000, at most 10000);
 *   `next` is the `after` of the following page
 * - `org/member` {address} → {address, org (id or null), admin, status (or null), roles}
 * - `org/roles` {address} → {address, roles (held now), grants: [{role, org, active}]}
 * - `org/delegations` {id} → {id, delegations: [{role, height}]}
 * - `org/params` {} → {sectors, roles, maxMembersPerOrg}
 */
export function orgQueries(keeper: OrgKeeper): QueryHandler[] {
  const j = new JsonReader(AppErrors.invalidQuery);
  const known = (ctx: Context, params: Readonly<Record<string, string>>): Organization => {
    const id = j.at("id").string(params.id, ORG_ID_PATTERN);
    const o = keeper.organization(ctx.store, id);
    if (!o) throw OrgErrors.unknownOrganization.create(`no organization has id ${id}`, { id });
    return o;
  };
  const withCount = (ctx: Context, o: Organization): { [k: string]: Json } => ({
    ...organizationToJson(o),
    memberCount: keeper.memberCount(ctx.store, o.id),
  });
  return [
    {
      path: "org/organization",
      handle(ctx, params) {
        const o = known(ctx, params);
        return { ...withCount(ctx, o), delegations: keeper.delegations(ctx.store, o.id).map((d) => d.role) };
      },
    },
    {
      path: "org/organizations",
      handle(ctx, params) {
        let status: OrgStatus | undefined;
        if (params.status !== undefined) {
          const s = j.at("status").string(params.status);
          status = STATUSES.find((x) => x === s) ?? j.at("status").fail(`must be one of ${STATUSES.join(", ")}`);
        }
        const orgs = keeper.organizations(ctx.store).filter((o) => status === undefined || o.status === status);
        return { organizations: orgs.map((o) => withCount(ctx, o)) };
      },
    },
    {
      path: "org/members",
      handle(ctx, params) {
        const o = known(ctx, params);
        const after = j.optional(params.after, (v) => j.at("after").address(v));
        const limit =
          params.limit === undefined
            ? ORG_MEMBERS_PAGE.default
            : j.at("limit").smallUint(params.limit, ORG_MEMBERS_PAGE.max);
        if (limit < 1) j.at("limit").fail("must be at least 1");
        // One more than asked tells whether another page follows.
        const page = keeper.members(ctx.store, o.id, after, limit + 1);
        const members = page.slice(0, limit);
        const last = members[members.length - 1];
        return {
          id: o.id,
          members: members.map((address) => ({ address, admin: o.admins.includes(address) })),
          ...(page.length > limit && last !== undefined ? { next: last } : {}),
        };
      },
    },
    {
      path: "org/member",
      handle(ctx, params) {
        const address = j.at("address").address(params.address);
        const id = keeper.orgOf(ctx.store, address);
        const o = id === undefined ? undefined : keeper.organization(ctx.store, id);
        return {
          address,
          org: id ?? null,
          admin: o !== undefined && keeper.isAdmin(ctx.store, o.id, address),
          status: o?.status ?? null,
          roles: keeper.rolesOf(ctx.store, address),
        };
      },
    },
    {
      path: "org/roles",
      handle(ctx, params) {
        const address = j.at("address").address(params.address);
        const held = keeper.rolesOf(ctx.store, address);
        return {
          address,
          roles: held,
          grants: keeper
            .grantsOf(ctx.store, address)
            .map((g) => ({ role: g.role, org: g.org, active: held.includes(g.role) })),
        };
      },
    },
    {
      path: "org/delegations",
      handle(ctx, params) {
        const o = known(ctx, params);
        return {
          id: o.id,
          delegations: keeper.delegations(ctx.store, o.id).map((d) => ({ role: d.role, height: d.height.toString() })),
        };
      },
    },
    {
      path: "org/params",
      handle(ctx) {
        const p = keeper.params(ctx.store);
        return { sectors: [...p.sectors], roles: [...p.roles], maxMembersPerOrg: p.maxMembersPerOrg };
      },
    },
  ];
}
