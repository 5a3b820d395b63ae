/**
 * Organization genesis. The section is optional (absent: default parameters,
 * no organization) and reads:
 *
 * ```json
 * {
 *   "params": { "sectors": ["government", "health"], "roles": ["health.provider"], "maxMembersPerOrg": 10000 },
 *   "organizations": [{
 *     "id": "city-hall", "name": "City Hall", "sector": "government",
 *     "admins": ["urbis1…"], "members": ["urbis1…"],
 *     "validatorKey": "<padded base64 of 32 bytes>", "did": "did:urbis:AsRnq81Yhewzrqq7B5ft1P",
 *     "delegations": ["health.provider"], "grants": [{ "member": "urbis1…", "role": "health.provider" }]
 *   }]
 * }
 * ```
 *
 * Every `params` field is optional (defaults: DEFAULT_SECTORS, DEFAULT_ROLES,
 * 10000). Organizations are the founding members: active and admitted at the
 * genesis height unless `status` (`active`, `suspended`, `removed`),
 * `admittedAt` and `statusChangedAt` (decimal heights) say otherwise, which is
 * what an export writes. `members` are the accounts besides the admins; an
 * account appears at most once in the whole document. Every delegation names
 * a role of the `roles` parameter, every grant a delegated role and an admin
 * or member of the same organization. A removed organization keeps its record
 * (admins included, for history) but has no members, delegations or grants.
 * Delegations restart at the organization's `admittedAt` height. Unknown
 * fields are refused so a typo cannot silently drop state; every failure is
 * `app.invalid_genesis` naming the offending path.
 */
import {
  type Address,
  DEFAULT_ORG_PARAMS,
  decodeAddress,
  encodeAddress,
  isValidatorKey,
  MAX_U64,
  type OrgParams,
  type OrgStatus,
  toHex,
  UrbisError,
  validateAdmins,
  validateDid,
  validateOrgId,
  validateOrgName,
  validateOrgParams,
  validatorKeyFromBase64,
  validatorKeyToBase64,
} from "@urbis/protocol";
import { AppErrors } from "../../app/errors.js";
import { JsonReader } from "../../framework/json.js";
import type { GenesisHandler, Json } from "../../framework/module.js";
import type { KVRead } from "../../framework/store.js";
import type { GenesisOrganization, OrgKeeper } from "./keeper.js";

/** Parsed and validated organization genesis section. */
export interface OrgGenesis {
  params: OrgParams;
  /** In the document's order (stored by id). */
  organizations: GenesisOrganization[];
}

/** One organization of the genesis section as JSON. */
export interface OrgGenesisOrganizationJson {
  id: string;
  name: string;
  sector: string;
  admins: Address[];
  members?: Address[];
  validatorKey?: string;
  did?: string;
  delegations?: string[];
  grants?: { member: Address; role: string }[];
  status?: OrgStatus;
  admittedAt?: string;
  statusChangedAt?: string;
}

/** The organization genesis section as JSON. */
export interface OrgGenesisJson {
  params?: { sectors?: string[]; roles?: string[]; maxMembersPerOrg?: number };
  organizations?: OrgGenesisOrganizationJson[];
}

const STATUSES: readonly OrgStatus[] = ["active", "suspended", "removed"];
const ORG_FIELDS = [
  "id",
  "name",
  "sector",
  "admins",
  "members",
  "validatorKey",
  "did",
  "delegations",
  "grants",
  "status",
  "admittedAt",
  "statusChangedAt",
] as const;

/** Runs a protocol rule, turning its registered error into `app.invalid_genesis` at `j`'s path. */
function rule(j: JsonReader, check: () => void): void {
  try {
    check();
  } catch (e) {
    if (e instanceof UrbisError) j.fail(`${e.message} (${e.id})`);
    throw e;
  }
}

/** The address in canonical (lowercase) form. */
function canonicalAddress(j: JsonReader, v: unknown): Address {
  return encodeAddress(decodeAddress(j.address(v)));
}

function stringList(j: JsonReader, v: unknown): string[] {
  return j.array(v).map((x, i) => j.at(`[${i}]`).string(x));
}

function parseParams(j: JsonReader, v: unknown): OrgParams {
  if (v === undefined) return { ...DEFAULT_ORG_PARAMS };
  const p = j.record(v, ["sectors", "roles", "maxMembersPerOrg"]);
  const params: OrgParams = {
    sectors: p.sectors === undefined ? [...DEFAULT_ORG_PARAMS.sectors] : stringList(j.at("sectors"), p.sectors),
    roles: p.roles === undefined ? [...DEFAULT_ORG_PARAMS.roles] : stringList(j.at("roles"), p.roles),
    maxMembersPerOrg:
      p.maxMembersPerOrg === undefined
        ? DEFAULT_ORG_PARAMS.maxMembersPerOrg
        : j.at("maxMembersPerOrg").smallUint(p.maxMembersPerOrg, 0xffff_ffff),
  };
  rule(j, () => validateOrgParams(params));
  return params;
}

/** Parses and validates an organization genesis section; fails with `app.invalid_genesis`. */
export function parseOrgGenesis(json: unknown): OrgGenesis {
  const j = new JsonReader(AppErrors.invalidGenesis, "org");
  if (json === undefined) return { params: { ...DEFAULT_ORG_PARAMS }, organizations: [] };
  const o = j.record(json, ["params", "organizations"]);
  const params = parseParams(j.at("params"), o.params);
  const raw = o.organizations === undefined ? [] : j.at("organizations").array(o.organizations);

  const ids = new Set<string>();
  /** Every account that belongs to an organization (hex of its bytes) → the organization. */
  const accounts = new Map<string, string>();
  /** Validator keys of active and suspended organizations (base64) → the organization. */
  const keys = new Map<string, string>();
  const organizations = raw.map((v, i): GenesisOrganization => {
    const jo = j.at(`organizations[${i}]`);
    const g = jo.record(v, ORG_FIELDS);

    const id = jo.at("id").string(g.id);
    rule(jo.at("id"), () => validateOrgId(id));
    if (ids.has(id)) jo.at("id").fail(`duplicate organization id ${id}`);
    ids.add(id);
    const name = jo.at("name").string(g.name);
    rule(jo.at("name"), () => validateOrgName(name));
    const sector = jo.at("sector").string(g.sector);
    if (!params.sectors.includes(sector))
      jo.at("sector").fail(`sector ${JSON.stringify(sector)} is not in params.sectors`);

    const status: OrgStatus =
      g.status === undefined
        ? "active"
        : (STATUSES.find((s) => s === g.status) ??
          jo.at("status").fail(`${JSON.stringify(g.status)} is not one of ${STATUSES.join(", ")}`));
    const admittedAt = jo.optional(g.admittedAt, (x) => jo.at("admittedAt").uint(x, MAX_U64));
    const statusChangedAt = jo.optional(g.statusChangedAt, (x) => jo.at("statusChangedAt").uint(x, MAX_U64));
    if (statusChangedAt !== undefined && statusChangedAt < (admittedAt ?? 0n)) {
      jo.at("statusChangedAt").fail("must not be below admittedAt");
    }
    const removed = status === "removed";

    const admins = jo
      .at("admins")
      .array(g.admins)
      .map((a, k) => canonicalAddress(jo.at(`admins[${k}]`), a));
    rule(jo.at("admins"), () => validateAdmins(admins));
    const members = (g.members === undefined ? [] : jo.at("members").array(g.members)).map((a, k) =>
      canonicalAddress(jo.at(`members[${k}]`), a),
    );
    if (removed && members.length > 0) jo.at("members").fail("a removed organization has no members");
    // A removed organization's admins are history only: they may belong to another organization.
    const belong = removed ? [] : [...admins, ...members];
    belong.forEach((a, k) => {
      const at = k < admins.length ? jo.at(`admins[${k}]`) : jo.at(`members[${k - admins.length}]`);
      const hex = toHex(decodeAddress(a));
      const other = accounts.get(hex);
      if (other !== undefined) at.fail(`${a} already belongs to organization ${other}`);
      accounts.set(hex, id);
    });
    if (belong.length > params.maxMembersPerOrg) {
      jo.at("members").fail(`${belong.length} accounts, above params.maxMembersPerOrg ${params.maxMembersPerOrg}`);
    }

    let validatorKey: Uint8Array | undefined;
    if (g.validatorKey !== undefined) {
      const jk = jo.at("validatorKey");
      const text = jk.string(g.validatorKey);
      validatorKey = validatorKeyFromBase64(text) ?? jk.fail(`${JSON.stringify(text)} is not padded base64`);
      if (!isValidatorKey(validatorKey)) jk.fail(`${text} is not a 32-byte Ed25519 public key of large order`);
      if (!removed) {
        const other = keys.get(text);
        if (other !== undefined) jk.fail(`organization ${other} already declared validator key ${text}`);
        keys.set(text, id);
      }
    }
    let did: string | undefined;
    if (g.did !== undefined) {
      const d = jo.at("did").string(g.did);
      rule(jo.at("did"), () => validateDid(d));
      did = d;
    }

    const delegations = g.delegations === undefined ? [] : stringList(jo.at("delegations"), g.delegations);
    if (removed && delegations.length > 0) jo.at("delegations").fail("a removed organization has no delegations");
    delegations.forEach((role, k) => {
      const jd = jo.at(`delegations[${k}]`);
      if (!params.roles.includes(role)) jd.fail(`role ${JSON.stringify(role)} is not in params.roles`);
      if (delegations.indexOf(role) !== k) jd.fail(`role ${role} is delegated twice`);
    });

    const grantsRaw = g.grants === undefined ? [] : jo.at("grants").array(g.grants);
    if (removed && grantsRaw.length > 0) jo.at("grants").fail("a removed organization has no grants");
    const seenGrants = new Set<string>();
    const grants = grantsRaw.map((x, k) => {
      const jg = jo.at(`grants[${k}]`);
      const go = jg.record(x, ["member", "role"]);
      const member = canonicalAddress(jg.at("member"), go.member);
      const role = jg.at("role").string(go.role);
      if (!belong.includes(member)) jg.at("member").fail(`${member} is not an admin or member of ${id}`);
      if (!delegations.includes(role)) jg.at("role").fail(`role ${JSON.stringify(role)} is not delegated to ${id}`);
      const key = `${member}/${role}`;
      if (seenGrants.has(key)) jg.fail(`${member} is granted ${role} twice`);
      seenGrants.add(key);
      return { member, role };
    });

    return {
      id,
      name,
      sector,
      admins,
      members,
      validatorKey,
      did,
      delegations,
      grants,
      status,
      admittedAt,
      statusChangedAt,
    };
  });
  return { params, organizations };
}

/** Exports organization state as a genesis section that {@link parseOrgGenesis} reads back to the same state. */
export function exportOrgGenesis(keeper: OrgKeeper, store: KVRead): OrgGenesisJson & Json {
  const p = keeper.params(store);
  const organizations = keeper.organizations(store).map((o) => {
    const members = keeper.members(store, o.id).filter((m) => !o.admins.includes(m));
    const grants: { member: Address; role: string }[] = [];
    for (const m of keeper.members(store, o.id)) {
      for (const g of keeper.grantsOf(store, m)) grants.push({ member: m, role: g.role });
    }
    return {
      id: o.id,
      name: o.name,
      sector: o.sector,
      admins: [...o.admins],
      members,
      ...(o.validatorKey ? { validatorKey: validatorKeyToBase64(o.validatorKey) } : {}),
      ...(o.did !== undefined ? { did: o.did } : {}),
      delegations: keeper.delegations(store, o.id).map((d) => d.role),
      grants,
      status: o.status,
      admittedAt: o.admittedAt.toString(),
      statusChangedAt: o.statusChangedAt.toString(),
    };
  });
  return {
    params: { sectors: [...p.sectors], roles: [...p.roles], maxMembersPerOrg: p.maxMembersPerOrg },
    organizations,
  };
}

/**
 * The `org` section of a genesis document's `appState`, checked: fails with
 * `app.invalid_genesis` exactly as InitChain would.
 */
export function buildOrgGenesis(json: OrgGenesisJson): OrgGenesisJson {
  parseOrgGenesis(json);
  return json;
}

/** Genesis handler of the organization module: founding organizations are admitted at the initial height. */
export function orgGenesis(keeper: OrgKeeper): GenesisHandler<OrgGenesis> {
  return {
    parse: parseOrgGenesis,
    init(ctx, g) {
      keeper.initGenesis(ctx.store, g.params, g.organizations, ctx.block.height);
    },
    export: (ctx) => exportOrgGenesis(keeper, ctx.store),
  };
}
