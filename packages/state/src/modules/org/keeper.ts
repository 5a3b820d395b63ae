/**
 * Organization keeper: organizations, memberships, delegations and grants as
 * app state, and the only code that writes them.
 *
 * An account belongs to at most one organization, as admin or member (the
 * membership index maps it to the organization id); admins are members too.
 * Governance delegates roles to organizations; an organization's admins grant
 * delegated roles to its own members. A role counts only while the granting
 * organization is active and still holds the delegation.
 *
 * Every mutator checks all its rules before its first write, so a refused
 * call leaves the store untouched even outside a transaction's checkpoint.
 * Governance-only operations take no signer: the App checks the `governance`
 * permission before the handler runs. Admin operations check the signer here.
 */
import {
  type Address,
  bytesEqual,
  decode,
  encode,
  encodeAddress,
  GOVERNANCE_ADDRESS,
  InvariantViolation,
  type Organization,
  OrgErrors,
  type OrgParams,
  type OrgStatus,
  organizationCodec,
  orgParamsCodec,
  prefixEnd,
  sortAddresses,
  string,
  u32,
  u64,
  validateAdmins,
  validateDid,
  validateOrgId,
  validateOrgName,
  validateOrgParams,
  validateOrgValidatorKey,
  validateRoleName,
  validateSectorName,
  validatorKeyToBase64,
} from "@urbis/protocol";
import type { KVRead, KVStore } from "../../framework/store.js";
import {
  accountGrantsPrefix,
  delegationKey,
  grantKey,
  memberIndexKey,
  ORG_DELEGATION_PREFIX,
  ORG_PARAMS_KEY,
  ORG_RECORD_PREFIX,
  orgCountKey,
  orgDelegationsPrefix,
  orgKey,
  orgMemberKey,
  orgMembersPrefix,
  parseDelegationKey,
  parseGrantKey,
} from "./keys.js";
import type { OrgView } from "./view.js";

/** The id codec of the index and grant values. */
const idValue = string(64);
/** Value of a member-list entry (the key says everything). */
const PRESENT = new Uint8Array([1]);

/** An organization as `org/admit` or genesis gives it. */
export interface NewOrganization {
  id: string;
  name: string;
  sector: string;
  admins: readonly Address[];
  validatorKey?: Uint8Array | undefined;
  did?: string | undefined;
}

/** One delegation of a role to an organization. */
export interface Delegation {
  role: string;
  /** Height at which governance gave it. */
  height: bigint;
}

/** One stored grant of a role to an account. */
export interface Grant {
  role: string;
  /** The granting organization. */
  org: string;
}

/** An organization of a genesis document, parsed and checked. */
export interface GenesisOrganization extends NewOrganization {
  /** Accounts besides the admins. */
  members: Address[];
  delegations: string[];
  grants: { member: Address; role: string }[];
  /** Defaults to `active`. */
  status?: OrgStatus | undefined;
  /** Defaults to the genesis height. */
  admittedAt?: bigint | undefined;
  /** Defaults to `admittedAt`. */
  statusChangedAt?: bigint | undefined;
}

/** What a status change did. */
export interface StatusChange {
  previous: OrgStatus;
  org: Organization;
}

/** Organization keeper: implements {@link OrgView} for other modules and writes organization state. */
export class OrgKeeper implements OrgView {
  // --- reads ---------------------------------------------------------------

  /** The parameters; the org genesis always writes them. */
  params(store: KVRead): OrgParams {
    const raw = store.get(ORG_PARAMS_KEY);
    if (!raw) throw new InvariantViolation("organization parameters are missing (the org genesis did not run)");
    return decode(orgParamsCodec, raw);
  }

  /** The `sectors` parameter, in parameter order. */
  sectors(store: KVRead): string[] {
    return this.params(store).sectors;
  }

  /** One organization by id, whatever its status. */
  organization(store: KVRead, id: string): Organization | undefined {
    const raw = store.get(orgKey(id));
    return raw ? decode(organizationCodec, raw) : undefined;
  }

  /** Every organization, sorted by id. */
  organizations(store: KVRead): Organization[] {
    const out: Organization[] = [];
    for (const [, v] of store.iterate(ORG_RECORD_PREFIX, prefixEnd(ORG_RECORD_PREFIX))) {
      out.push(decode(organizationCodec, v));
    }
    return out;
  }

  /** Every active organization, sorted by id. */
  activeOrganizations(store: KVRead): Organization[] {
    return this.organizations(store).filter((o) => o.status === "active");
  }

  /** Id of the organization `address` belongs to (as admin or member), whatever its status. */
  orgOf(store: KVRead, address: Address): string | undefined {
    const raw = store.get(memberIndexKey(address));
    return raw ? decode(idValue, raw) : undefined;
  }

  /** Whether `address` is an admin of organization `id` (active or suspended; a removed one has none). */
  isAdmin(store: KVRead, id: string, address: Address): boolean {
    const o = this.organization(store, id);
    return o !== undefined && o.status !== "removed" && o.admins.includes(address);
  }

  /** Whether `address` belongs to organization `id` (as admin or member). */
  isMember(store: KVRead, id: string, address: Address): boolean {
    return store.get(orgMemberKey(id, address)) !== undefined;
  }

  /** How many accounts (admins included) belong to organization `id`. */
  memberCount(store: KVRead, id: string): number {
    const raw = store.get(orgCountKey(id));
    return raw ? decode(u32, raw) : 0;
  }

  /**
   * Accounts of organization `id` (admins included) in address byte order:
   * at most `limit`, starting after `after` if given.
   */
  members(store: KVRead, id: string, after?: Address, limit = Number.MAX_SAFE_INTEGER): Address[] {
    const prefix = orgMembersPrefix(id);
    const start = after === undefined ? prefix : prefixEnd(orgMemberKey(id, after));
    const out: Address[] = [];
    if (limit <= 0) return out;
    for (const [k] of store.iterate(start, prefixEnd(prefix))) {
      out.push(parseOrgMemberAddress(k, prefix.length));
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Whether governance delegated `role` to organization `id`. */
  hasDelegation(store: KVRead, id: string, role: string): boolean {
    return store.get(delegationKey(id, role)) !== undefined;
  }

  /** Roles delegated to organization `id`, in role order. */
  delegations(store: KVRead, id: string): Delegation[] {
    const prefix = orgDelegationsPrefix(id);
    const out: Delegation[] = [];
    for (const [k, v] of store.iterate(prefix, prefixEnd(prefix))) {
      out.push({ role: parseDelegationKey(k).role, height: decode(u64, v) });
    }
    return out;
  }

  /** Every delegation of every organization, in (id, role) order. */
  allDelegations(store: KVRead): ({ id: string } & Delegation)[] {
    const out: ({ id: string } & Delegation)[] = [];
    for (const [k, v] of store.iterate(ORG_DELEGATION_PREFIX, prefixEnd(ORG_DELEGATION_PREFIX))) {
      out.push({ ...parseDelegationKey(k), height: decode(u64, v) });
    }
    return out;
  }

  /** Every stored grant of `address`, in role order, whether or not it counts now. */
  grantsOf(store: KVRead, address: Address): Grant[] {
    const prefix = accountGrantsPrefix(address);
    const out: Grant[] = [];
    for (const [k, v] of store.iterate(prefix, prefixEnd(prefix))) {
      out.push({ role: parseGrantKey(k).role, org: decode(idValue, v) });
    }
    return out;
  }

  /** Whether `address` holds `role` now: granted by an active organization that governance delegated it to. */
  hasRole(store: KVRead, address: Address, role: string): boolean {
    const raw = store.get(grantKey(address, role));
    return raw !== undefined && this.grantCounts(store, address, role, decode(idValue, raw));
  }

  /** The roles `address` holds now (see {@link hasRole}), in role order. */
  rolesOf(store: KVRead, address: Address): string[] {
    return this.grantsOf(store, address)
      .filter((g) => this.grantCounts(store, address, g.role, g.org))
      .map((g) => g.role);
  }

  private grantCounts(store: KVRead, address: Address, role: string, id: string): boolean {
    return (
      this.organization(store, id)?.status === "active" &&
      this.hasDelegation(store, id, role) &&
      this.orgOf(store, address) === id
    );
  }

  // --- requirements (throw the registered error) ---------------------------

  /** The organization `id`; fails with `org.invalid_id` or `org.unknown_organization`. */
  requireOrganization(store: KVRead, id: string): Organization {
    validateOrgId(id);
    const o = this.organization(store, id);
    if (!o) throw OrgErrors.unknownOrganization.create(`no organization has id ${id}`, { id });
    return o;
  }

  /**
   * The organization `id`, when `signer` is one of its admins and it is
   * active; fails with `org.unknown_organization`, `org.not_admin` or
   * `org.organization_inactive`.
   */
  requireActiveAdmin(store: KVRead, signer: Address, id: string): Organization {
    const o = this.requireOrganization(store, id);
    if (!o.admins.includes(signer)) {
      throw OrgErrors.notAdmin.create(`${signer} is not an admin of ${id}`, { id, signer });
    }
    if (o.status !== "active") {
      throw OrgErrors.organizationInactive.create(`organization ${id} is ${o.status}`, { id, status: o.status });
    }
    return o;
  }

  /** Fails with `org.invalid_role` or `org.unknown_role` unless `role` is in the `roles` parameter. */
  requireKnownRole(store: KVRead, role: string): void {
    validateRoleName(role);
    if (!this.params(store).roles.includes(role)) {
      throw OrgErrors.unknownRole.create(`role ${role} is not in the roles parameter`, { role });
    }
  }

  /** Fails with `org.member_not_found` unless `member` belongs to organization `id`. */
  private requireMemberOf(store: KVRead, id: string, member: Address): void {
    if (this.orgOf(store, member) !== id) {
      throw OrgErrors.memberNotFound.create(`${member} is not a member of ${id}`, { id, member });
    }
  }

  /** Fails with `org.already_member` if `address` belongs to an organization other than `except`. */
  private requireFree(store: KVRead, address: Address, except?: string): void {
    const current = this.orgOf(store, address);
    if (current !== undefined && current !== except) {
      throw OrgErrors.alreadyMember.create(`${address} already belongs to organization ${current}`, {
        address,
        org: current,
      });
    }
  }

  /** Fails with `org.too_many_members` if organization `id` cannot take `extra` more accounts. */
  private requireRoom(store: KVRead, id: string, current: number, extra: number): void {
    const max = this.params(store).maxMembersPerOrg;
    if (current + extra > max) {
      throw OrgErrors.tooManyMembers.create(
        `organization ${id} would have ${current + extra} members, at most ${max}`,
        {
          id,
          max,
        },
      );
    }
  }

  // --- writes --------------------------------------------------------------

  /** Replaces the parameters as is (genesis); see {@link updateParams} for governance's checked change. */
  setParams(store: KVStore, p: OrgParams): void {
    store.set(ORG_PARAMS_KEY, encode(orgParamsCodec, p));
  }

  /**
   * Admits a new, active organization in block `height`, its admins its first
   * members. Fails with `org.invalid_id`, `org.invalid_name`,
   * `org.invalid_sector`, `org.no_admins`, `org.too_many_admins`,
   * `org.duplicate_admin`, `org.invalid_validator_key`, `org.invalid_did`,
   * `org.organization_exists`, `org.unknown_sector`, `org.already_member`,
   * `org.too_many_members` or `org.validator_key_in_use`.
   */
  admit(store: KVStore, height: bigint, n: NewOrganization): Organization {
    validateOrgId(n.id);
    validateOrgName(n.name);
    validateSectorName(n.sector);
    validateAdmins(n.admins);
    if (n.validatorKey !== undefined) validateOrgValidatorKey(n.validatorKey);
    if (n.did !== undefined) validateDid(n.did);
    if (this.organization(store, n.id)) {
      throw OrgErrors.organizationExists.create(`an organization with id ${n.id} exists`, { id: n.id });
    }
    if (!this.sectors(store).includes(n.sector)) {
      throw OrgErrors.unknownSector.create(`sector ${n.sector} is not in the sectors parameter`, { sector: n.sector });
    }
    for (const a of n.admins) this.requireFree(store, a);
    this.requireRoom(store, n.id, 0, n.admins.length);
    if (n.validatorKey !== undefined) this.requireFreeValidatorKey(store, n.validatorKey);
    const org: Organization = {
      id: n.id,
      name: n.name,
      sector: n.sector,
      admins: sortAddresses(n.admins),
      validatorKey: n.validatorKey?.slice(),
      did: n.did,
      status: "active",
      admittedAt: height,
      statusChangedAt: height,
    };
    this.writeOrg(store, org);
    for (const a of org.admins) this.writeMembership(store, org.id, a);
    this.writeCount(store, org.id, org.admins.length);
    return org;
  }

  private requireFreeValidatorKey(store: KVRead, key: Uint8Array): void {
    for (const o of this.organizations(store)) {
      if (o.status !== "removed" && o.validatorKey && bytesEqual(o.validatorKey, key)) {
        throw OrgErrors.validatorKeyInUse.create(
          `organization ${o.id} already declared validator key ${validatorKeyToBase64(key)}`,
          { org: o.id },
        );
      }
    }
  }

  /** Suspends an active organization; fails with `org.unknown_organization` or `org.invalid_status`. */
  suspend(store: KVStore, height: bigint, id: string): StatusChange {
    return this.changeStatus(store, height, id, "suspended", ["active"]);
  }

  /** Reinstates a suspended organization; fails with `org.unknown_organization` or `org.invalid_status`. */
  reinstate(store: KVStore, height: bigint, id: string): StatusChange {
    return this.changeStatus(store, height, id, "active", ["suspended"]);
  }

  /**
   * Removes an active or suspended organization for good: its memberships,
   * member list, count, grants and delegations are deleted; the record stays
   * (status `removed`) so its id is never reused. Fails with
   * `org.unknown_organization` or `org.invalid_status`.
   */
  remove(store: KVStore, height: bigint, id: string): StatusChange {
    return this.changeStatus(store, height, id, "removed", ["active", "suspended"]);
  }

  private changeStatus(
    store: KVStore,
    height: bigint,
    id: string,
    to: OrgStatus,
    from: readonly OrgStatus[],
  ): StatusChange {
    const o = this.requireOrganization(store, id);
    if (!from.includes(o.status)) {
      throw OrgErrors.invalidStatus.create(`organization ${id} is ${o.status}; it cannot become ${to}`, {
        id,
        status: o.status,
      });
    }
    if (to === "removed") {
      for (const m of this.members(store, id)) {
        this.deleteGrants(store, m);
        store.delete(memberIndexKey(m));
        store.delete(orgMemberKey(id, m));
      }
      for (const d of this.delegations(store, id)) store.delete(delegationKey(id, d.role));
      store.delete(orgCountKey(id));
    }
    const org: Organization = { ...o, status: to, statusChangedAt: height };
    this.writeOrg(store, org);
    return { previous: o.status, org };
  }

  /**
   * Delegates `role` to organization `id` (active or suspended) in block
   * `height`. Fails with `org.invalid_role`, `org.unknown_organization`,
   * `org.invalid_status` (removed), `org.unknown_role` or `org.role_already_delegated`.
   */
  delegateRole(store: KVStore, height: bigint, id: string, role: string): void {
    validateRoleName(role);
    this.requireNotRemoved(this.requireOrganization(store, id));
    this.requireKnownRole(store, role);
    if (this.hasDelegation(store, id, role)) {
      throw OrgErrors.roleAlreadyDelegated.create(`${id} already holds a delegation of ${role}`, { id, role });
    }
    store.set(delegationKey(id, role), encode(u64, height));
  }

  /**
   * Withdraws the delegation of `role` from organization `id` and every grant
   * of it by that organization; returns the accounts that lost the role, in
   * address byte order. Fails with `org.invalid_role`,
   * `org.unknown_organization`, `org.invalid_status` (removed),
   * `org.unknown_role` or `org.role_not_delegated`.
   */
  revokeDelegation(store: KVStore, id: string, role: string): Address[] {
    validateRoleName(role);
    this.requireNotRemoved(this.requireOrganization(store, id));
    this.requireKnownRole(store, role);
    this.requireDelegation(store, id, role);
    const holders = this.members(store, id).filter((m) => store.get(grantKey(m, role)) !== undefined);
    for (const m of holders) store.delete(grantKey(m, role));
    store.delete(delegationKey(id, role));
    return holders;
  }

  private requireNotRemoved(o: Organization): void {
    if (o.status === "removed") {
      throw OrgErrors.invalidStatus.create(`organization ${o.id} is removed`, { id: o.id, status: o.status });
    }
  }

  private requireDelegation(store: KVRead, id: string, role: string): void {
    if (!this.hasDelegation(store, id, role)) {
      throw OrgErrors.roleNotDelegated.create(`governance has not delegated ${role} to ${id}`, { id, role });
    }
  }

  /**
   * Adds `member` to organization `id`, by one of its admins. Fails with
   * `org.unknown_organization`, `org.not_admin`, `org.organization_inactive`,
   * `org.already_member` or `org.too_many_members`.
   */
  addMember(store: KVStore, signer: Address, id: string, member: Address): void {
    this.requireActiveAdmin(store, signer, id);
    this.requireFree(store, member);
    const count = this.memberCount(store, id);
    this.requireRoom(store, id, count, 1);
    this.writeMembership(store, id, member);
    this.writeCount(store, id, count + 1);
  }

  /**
   * Removes a non-admin `member` from organization `id`, by one of its
   * admins, with every grant it holds; returns the roles it lost. Fails with
   * `org.unknown_organization`, `org.not_admin`, `org.organization_inactive`,
   * `org.member_not_found` or `org.member_is_admin`.
   */
  removeMember(store: KVStore, signer: Address, id: string, member: Address): string[] {
    const o = this.requireActiveAdmin(store, signer, id);
    this.requireMemberOf(store, id, member);
    if (o.admins.includes(member)) {
      throw OrgErrors.memberIsAdmin.create(`${member} is an admin of ${id}; change the admins first`, {
        id,
        member,
      });
    }
    const lost = this.deleteGrants(store, member);
    store.delete(memberIndexKey(member));
    store.delete(orgMemberKey(id, member));
    this.writeCount(store, id, this.memberCount(store, id) - 1);
    return lost;
  }

  /**
   * Replaces organization `id`'s admins, by one of its admins (active
   * organization) or by governance (active or suspended). New admins must
   * belong to this organization or to none; those from none join it. A
   * dropped admin stays a member. Returns the previous list. Fails with
   * `org.no_admins`, `org.too_many_admins`, `org.duplicate_admin`,
   * `org.unknown_organization`, `org.invalid_status`, `org.not_admin`,
   * `org.organization_inactive`, `org.already_member` or `org.too_many_members`.
   */
  setAdmins(
    store: KVStore,
    signer: Address,
    id: string,
    admins: readonly Address[],
  ): { previous: Address[]; org: Organization } {
    validateAdmins(admins);
    let o: Organization;
    if (signer === GOVERNANCE_ADDRESS) {
      o = this.requireOrganization(store, id);
      this.requireNotRemoved(o);
    } else {
      o = this.requireActiveAdmin(store, signer, id);
    }
    for (const a of admins) this.requireFree(store, a, id);
    const joining = admins.filter((a) => this.orgOf(store, a) === undefined);
    const count = this.memberCount(store, id);
    this.requireRoom(store, id, count, joining.length);
    const org: Organization = { ...o, admins: sortAddresses(admins) };
    this.writeOrg(store, org);
    for (const a of joining) this.writeMembership(store, id, a);
    if (joining.length > 0) this.writeCount(store, id, count + joining.length);
    return { previous: o.admins, org };
  }

  /**
   * Grants `role` to `member` of organization `id`, by one of its admins,
   * within the organization's delegation. Fails with `org.invalid_role`,
   * `org.unknown_organization`, `org.not_admin`, `org.organization_inactive`,
   * `org.unknown_role`, `org.member_not_found`, `org.role_not_delegated` or
   * `org.role_already_granted`.
   */
  grantRole(store: KVStore, signer: Address, id: string, member: Address, role: string): void {
    validateRoleName(role);
    this.requireActiveAdmin(store, signer, id);
    this.requireKnownRole(store, role);
    this.requireMemberOf(store, id, member);
    this.requireDelegation(store, id, role);
    if (store.get(grantKey(member, role)) !== undefined) {
      throw OrgErrors.roleAlreadyGranted.create(`${member} already holds ${role}`, { member, role });
    }
    store.set(grantKey(member, role), encode(idValue, id));
  }

  /**
   * Takes `role` back from `member` of organization `id`, by one of its
   * admins. Fails with `org.invalid_role`, `org.unknown_organization`,
   * `org.not_admin`, `org.organization_inactive`, `org.unknown_role`,
   * `org.member_not_found` or `org.role_not_granted`.
   */
  revokeRole(store: KVStore, signer: Address, id: string, member: Address, role: string): void {
    validateRoleName(role);
    this.requireActiveAdmin(store, signer, id);
    this.requireKnownRole(store, role);
    this.requireMemberOf(store, id, member);
    if (store.get(grantKey(member, role)) === undefined) {
      throw OrgErrors.roleNotGranted.create(`${member} does not hold ${role}`, { member, role });
    }
    store.delete(grantKey(member, role));
  }

  /**
   * Replaces the parameters (governance). Fails with the parameter rules'
   * errors (`org.invalid_params`, `org.invalid_sector`, `org.invalid_role`),
   * `org.sector_in_use` if an active or suspended organization uses a dropped
   * sector, or `org.role_in_use` if a dropped role is delegated. Lowering
   * `maxMembersPerOrg` below an organization's count is allowed: it only
   * stops that organization from growing.
   */
  updateParams(store: KVStore, p: OrgParams): void {
    validateOrgParams(p);
    for (const o of this.organizations(store)) {
      if (o.status !== "removed" && !p.sectors.includes(o.sector)) {
        throw OrgErrors.sectorInUse.create(`organization ${o.id} uses sector ${o.sector}`, {
          sector: o.sector,
          org: o.id,
        });
      }
    }
    for (const d of this.allDelegations(store)) {
      if (!p.roles.includes(d.role)) {
        throw OrgErrors.roleInUse.create(`role ${d.role} is delegated to ${d.id}`, { role: d.role, org: d.id });
      }
    }
    this.setParams(store, { sectors: [...p.sectors], roles: [...p.roles], maxMembersPerOrg: p.maxMembersPerOrg });
  }

  /**
   * Writes the parameters and the genesis organizations as given, each
   * admitted at `height` unless it says otherwise. For genesis and tests
   * only: the caller (genesis parsing) checked every rule.
   */
  initGenesis(store: KVStore, params: OrgParams, orgs: readonly GenesisOrganization[], height: bigint): void {
    this.setParams(store, params);
    for (const g of orgs) {
      const admittedAt = g.admittedAt ?? height;
      const org: Organization = {
        id: g.id,
        name: g.name,
        sector: g.sector,
        admins: sortAddresses(g.admins),
        validatorKey: g.validatorKey?.slice(),
        did: g.did,
        status: g.status ?? "active",
        admittedAt,
        statusChangedAt: g.statusChangedAt ?? admittedAt,
      };
      if (this.organization(store, org.id)) throw new InvariantViolation(`genesis organization ${org.id} twice`);
      this.writeOrg(store, org);
      if (org.status === "removed") continue;
      const accounts = [...org.admins, ...g.members];
      for (const a of accounts) this.writeMembership(store, org.id, a);
      this.writeCount(store, org.id, accounts.length);
      for (const role of g.delegations) store.set(delegationKey(org.id, role), encode(u64, admittedAt));
      for (const gr of g.grants) store.set(grantKey(gr.member, gr.role), encode(idValue, org.id));
    }
  }

  private writeOrg(store: KVStore, o: Organization): void {
    store.set(orgKey(o.id), encode(organizationCodec, o));
  }

  private writeMembership(store: KVStore, id: string, address: Address): void {
    store.set(memberIndexKey(address), encode(idValue, id));
    store.set(orgMemberKey(id, address), PRESENT);
  }

  private writeCount(store: KVStore, id: string, n: number): void {
    if (n < 0) throw new InvariantViolation(`organization ${id} member count would be ${n}`);
    store.set(orgCountKey(id), encode(u32, n));
  }

  /** Deletes every grant `address` holds; returns the roles, in role order. */
  private deleteGrants(store: KVStore, address: Address): string[] {
    const grants = this.grantsOf(store, address);
    for (const g of grants) store.delete(grantKey(address, g.role));
    return grants.map((g) => g.role);
  }
}

/** The address of a member-list key whose id prefix is `prefixLength` bytes long. */
function parseOrgMemberAddress(key: Uint8Array, prefixLength: number): Address {
  return encodeAddress(key.subarray(prefixLength));
}
