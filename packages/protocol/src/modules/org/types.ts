/**
 * Wire and state types of the organization module: the organization record,
 * its status, the parameters (sector list, known roles, member limit), and the
 * stateless rules every id, name, sector, role, admin list, DID and reason
 * must follow. Shared by the state machine, genesis and the browser SDK.
 */
import { type Address, addressCodec, decodeAddress } from "../../address.js";
import { compareBytes, toHex, utf8 } from "../../bytes.js";
import {
  type Codec,
  fixedBytes,
  type Infer,
  mapped,
  option,
  string,
  struct,
  u8,
  u32,
  u64,
  vec,
} from "../../codec/index.js";
import { CodecErrors } from "../../core-errors.js";
import { isDid } from "../did/types.js";
import { isValidatorKey, validatorKeyToBase64 } from "../validator/types.js";
import { OrgErrors } from "./errors.js";

/** What every organization id must match: a lowercase slug such as `general-hospital`. */
export const ORG_ID_PATTERN = /^[a-z][a-z0-9-]{1,47}$/;
/** What every sector name must match (e.g. `real_estate`). */
export const SECTOR_PATTERN = /^[a-z][a-z_]{1,31}$/;
/** What every role name must match: `<domain>.<name>`, e.g. `health.provider`. */
export const ROLE_PATTERN = /^[a-z][a-z_]{1,31}\.[a-z][a-z_]{1,31}$/;
/** Most admins of one organization. */
export const MAX_ORG_ADMINS = 16;
/** Longest organization name, in UTF-8 bytes. */
export const MAX_ORG_NAME_BYTES = 128;

/** The sectors of the default genesis. */
export const DEFAULT_SECTORS = [
  "government",
  "health",
  "finance",
  "pharma",
  "utilities",
  "transport",
  "real_estate",
  "education",
  "civil_society",
] as const;

/** Where an organization stands. Only governance moves it between them. */
export type OrgStatus = "active" | "suspended" | "removed";
const STATUSES: readonly OrgStatus[] = ["active", "suspended", "removed"];

/** An {@link OrgStatus} on the wire: one byte (0 active, 1 suspended, 2 removed). */
export const orgStatusCodec: Codec<OrgStatus> = mapped(
  u8,
  (n) => {
    const s = STATUSES[n];
    if (s === undefined) throw CodecErrors.outOfRange.create(`unknown organization status ${n}`);
    return s;
  },
  (s) => STATUSES.indexOf(s),
);

/** The record of one organization, stored under its id. Members are stored apart (there may be thousands). */
export const organizationCodec = struct({
  /** Unique slug, e.g. `general-hospital`. */
  id: string(64),
  /** Display name, e.g. `General Hospital`. */
  name: string(512),
  /** One of the `sectors` parameter, e.g. `health`. */
  sector: string(64),
  /** Accounts that act for the organization: vote, manage members, grant roles. 1..MAX_ORG_ADMINS, sorted, unique. */
  admins: vec(addressCodec, 64),
  /** The CometBFT key of the validator it runs, if any (32 bytes). */
  validatorKey: option(fixedBytes(32)),
  /** Its `did:urbis` identifier, if it has one. */
  did: option(string(128)),
  status: orgStatusCodec,
  /** Height of admission (genesis height for founding members). */
  admittedAt: u64,
  /** Height of the last status change. */
  statusChangedAt: u64,
});
/** The record of one organization. */
export type Organization = Infer<typeof organizationCodec>;

/** Longest reason of a status change, in UTF-8 bytes. */
export const MAX_REASON_BYTES = 256;
/** Longest DID, in UTF-8 bytes. */
export const MAX_DID_BYTES = 128;
/** Most entries of the `sectors` parameter. */
export const MAX_SECTORS = 64;
/** Most entries of the `roles` parameter. */
export const MAX_ROLES = 256;
/** Default of the `maxMembersPerOrg` parameter. */
export const DEFAULT_MAX_MEMBERS_PER_ORG = 10_000;

/** The known roles of the default genesis. */
export const DEFAULT_ROLES = [
  "health.provider",
  "health.emergency",
  "health.researcher",
  "health.regulator",
  "finance.issuer",
  "pharma.manufacturer",
  "pharma.distributor",
  "pharma.pharmacy",
  "realestate.registrar",
  "iot.operator",
  "vote.organizer",
] as const;

/**
 * Longest strings and lists the codecs accept on the wire. Looser than the
 * real rules (patterns, {@link MAX_ORG_NAME_BYTES}, {@link MAX_SECTORS}, …) so
 * a value that breaks them is refused with the specific `org.*` error rather
 * than a decoding error.
 */
export const ORG_WIRE_LIMITS = {
  id: 64,
  name: 512,
  sector: 64,
  role: 128,
  admins: 64,
  validatorKey: 64,
  did: 256,
  reason: 1024,
  sectors: 256,
  roles: 1024,
} as const;

/** An organization id on the wire (pattern checked by validation). */
export const orgIdCodec: Codec<string> = string(ORG_WIRE_LIMITS.id);
/** A role name on the wire (pattern checked by validation). */
export const roleCodec: Codec<string> = string(ORG_WIRE_LIMITS.role);
/** An admin list on the wire (1..{@link MAX_ORG_ADMINS}, unique: checked by validation). */
export const adminsCodec: Codec<Address[]> = vec(addressCodec, ORG_WIRE_LIMITS.admins);

/** Parameters of the organization module (changed by governance through `org/update_params`). */
export const orgParamsCodec = struct({
  /** Sectors an organization may declare, in display order. */
  sectors: vec(string(ORG_WIRE_LIMITS.sector), ORG_WIRE_LIMITS.sectors),
  /** Roles governance may delegate, in display order. */
  roles: vec(roleCodec, ORG_WIRE_LIMITS.roles),
  /** Most accounts (admins included) one organization may have. */
  maxMembersPerOrg: u32,
});
/** Parameters of the organization module. */
export type OrgParams = Infer<typeof orgParamsCodec>;

/** The parameters of the default genesis. */
export const DEFAULT_ORG_PARAMS: OrgParams = {
  sectors: [...DEFAULT_SECTORS],
  roles: [...DEFAULT_ROLES],
  maxMembersPerOrg: DEFAULT_MAX_MEMBERS_PER_ORG,
};

const CONTROL = /\p{Cc}/u;

/** Fails with `org.invalid_id` unless `id` matches {@link ORG_ID_PATTERN}. */
export function validateOrgId(id: string): void {
  if (!ORG_ID_PATTERN.test(id)) {
    throw OrgErrors.invalidId.create(`${JSON.stringify(id)} is not an organization id (${ORG_ID_PATTERN})`, { id });
  }
}

/** Fails with `org.invalid_name` unless `name` has 1 to 128 UTF-8 bytes, no control characters and no surrounding spaces. */
export function validateOrgName(name: string): void {
  if (name.length === 0 || utf8(name).length > MAX_ORG_NAME_BYTES) {
    throw OrgErrors.invalidName.create(`an organization name must be 1 to ${MAX_ORG_NAME_BYTES} UTF-8 bytes`);
  }
  if (CONTROL.test(name) || name.trim() !== name) {
    throw OrgErrors.invalidName.create("an organization name must have no control characters or surrounding spaces");
  }
}

/** Fails with `org.invalid_sector` unless `sector` matches {@link SECTOR_PATTERN}. */
export function validateSectorName(sector: string): void {
  if (!SECTOR_PATTERN.test(sector)) {
    throw OrgErrors.invalidSector.create(`${JSON.stringify(sector)} is not a sector name (${SECTOR_PATTERN})`);
  }
}

/** Fails with `org.invalid_role` unless `role` matches {@link ROLE_PATTERN}. */
export function validateRoleName(role: string): void {
  if (!ROLE_PATTERN.test(role)) {
    throw OrgErrors.invalidRole.create(`${JSON.stringify(role)} is not a role name such as health.provider`, {
      role,
    });
  }
}

/**
 * Fails with `org.no_admins`, `org.too_many_admins` or `org.duplicate_admin`
 * unless `admins` has 1 to {@link MAX_ORG_ADMINS} distinct addresses.
 */
export function validateAdmins(admins: readonly Address[]): void {
  if (admins.length === 0) throw OrgErrors.noAdmins.create("an organization needs at least one admin");
  if (admins.length > MAX_ORG_ADMINS) {
    throw OrgErrors.tooManyAdmins.create(`${admins.length} admins, at most ${MAX_ORG_ADMINS}`);
  }
  const seen = new Set<string>();
  for (const a of admins) {
    const k = toHex(decodeAddress(a));
    if (seen.has(k)) throw OrgErrors.duplicateAdmin.create(`${a} is named twice`, { admin: a });
    seen.add(k);
  }
}

/** Fails with `org.invalid_validator_key` unless `key` is a 32-byte Ed25519 public key of large order. */
export function validateOrgValidatorKey(key: Uint8Array): void {
  if (!isValidatorKey(key)) {
    throw OrgErrors.invalidValidatorKey.create(
      `a validator key must be a 32-byte Ed25519 public key of large order (got ${key.length} bytes)`,
    );
  }
}

/**
 * Fails with `org.invalid_did` unless `did` is a canonical `did:urbis`
 * identifier by the DID module's own rule ({@link isDid}), so an organization
 * can only name a DID the DID module could register and resolve. The org
 * module keeps its own error code: callers of `org/admit` see an `org.*` error.
 */
export function validateDid(did: string): void {
  if (!isDid(did)) {
    throw OrgErrors.invalidDid.create(`${JSON.stringify(String(did).slice(0, 64))} is not a did:urbis identifier`);
  }
}

/** Fails with `org.invalid_reason` unless `reason` has 1 to 256 UTF-8 bytes, no control characters and no surrounding spaces. */
export function validateReason(reason: string): void {
  if (reason.length === 0 || utf8(reason).length > MAX_REASON_BYTES) {
    throw OrgErrors.invalidReason.create(`a reason must be 1 to ${MAX_REASON_BYTES} UTF-8 bytes`);
  }
  if (CONTROL.test(reason) || reason.trim() !== reason) {
    throw OrgErrors.invalidReason.create("a reason must have no control characters or surrounding spaces");
  }
}

/**
 * Fails unless `p` is usable: 1 to {@link MAX_SECTORS} distinct well-formed
 * sectors (`org.invalid_sector`, `org.invalid_params`), at most
 * {@link MAX_ROLES} distinct well-formed roles (`org.invalid_role`,
 * `org.invalid_params`) and a member limit of at least one (`org.invalid_params`).
 */
export function validateOrgParams(p: OrgParams): void {
  if (p.sectors.length === 0) throw OrgErrors.invalidParams.create("at least one sector is required");
  if (p.sectors.length > MAX_SECTORS) {
    throw OrgErrors.invalidParams.create(`${p.sectors.length} sectors, at most ${MAX_SECTORS}`);
  }
  if (p.roles.length > MAX_ROLES) throw OrgErrors.invalidParams.create(`${p.roles.length} roles, at most ${MAX_ROLES}`);
  for (const s of p.sectors) validateSectorName(s);
  for (const r of p.roles) validateRoleName(r);
  const dupSector = p.sectors.find((s, i) => p.sectors.indexOf(s) !== i);
  if (dupSector !== undefined) throw OrgErrors.invalidParams.create(`sector ${dupSector} is listed twice`);
  const dupRole = p.roles.find((r, i) => p.roles.indexOf(r) !== i);
  if (dupRole !== undefined) throw OrgErrors.invalidParams.create(`role ${dupRole} is listed twice`);
  if (!Number.isInteger(p.maxMembersPerOrg) || p.maxMembersPerOrg < 1 || p.maxMembersPerOrg > 0xffff_ffff) {
    throw OrgErrors.invalidParams.create("maxMembersPerOrg must be an integer from 1 to 2^32-1");
  }
}

/** Compares two addresses by their bytes (the order of every stored address list). */
export function compareAddresses(a: Address, b: Address): number {
  return compareBytes(decodeAddress(a), decodeAddress(b));
}

/** `admins` sorted by address bytes (a new array; the stored order). */
export function sortAddresses(admins: readonly Address[]): Address[] {
  return [...admins].sort(compareAddresses);
}

/** An organization as JSON: heights decimal, validator key padded base64 (absent fields omitted). */
export interface OrganizationJson {
  id: string;
  name: string;
  sector: string;
  admins: Address[];
  validatorKey?: string;
  did?: string;
  status: OrgStatus;
  admittedAt: string;
  statusChangedAt: string;
}

/** JSON form of an organization record. */
export function organizationToJson(o: Organization): OrganizationJson {
  return {
    id: o.id,
    name: o.name,
    sector: o.sector,
    admins: [...o.admins],
    ...(o.validatorKey ? { validatorKey: validatorKeyToBase64(o.validatorKey) } : {}),
    ...(o.did !== undefined ? { did: o.did } : {}),
    status: o.status,
    admittedAt: o.admittedAt.toString(),
    statusChangedAt: o.statusChangedAt.toString(),
  };
}
