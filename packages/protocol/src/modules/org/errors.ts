/**
 * Error kinds of the organization module (codespace `org`). Codes are
 * permanent: new kinds get the next free code, retired ones are never reused.
 */
import { registerError } from "../../errors.js";

/** Errors of the organization module. */
export const OrgErrors = {
  /** An organization id does not match the id pattern. */
  invalidId: registerError(
    "org",
    1,
    "invalid_id",
    "An organization id is not a lowercase slug of 2 to 48 characters (a-z, 0-9, '-', starting with a letter).",
  ),
  /** An organization name breaks the naming rules. */
  invalidName: registerError(
    "org",
    2,
    "invalid_name",
    "An organization name is empty, longer than 128 UTF-8 bytes, or has control characters or surrounding spaces.",
  ),
  /** A sector name does not match the sector pattern. */
  invalidSector: registerError("org", 3, "invalid_sector", "A sector name does not match ^[a-z][a-z_]{1,31}$."),
  /** A sector is not in the `sectors` parameter. */
  unknownSector: registerError("org", 4, "unknown_sector", "The sector is not in the sectors parameter."),
  /** A role name does not match the role pattern. */
  invalidRole: registerError(
    "org",
    5,
    "invalid_role",
    "A role name does not match <domain>.<name> (each part ^[a-z][a-z_]{1,31}$).",
  ),
  /** A role is not in the `roles` parameter. */
  unknownRole: registerError("org", 6, "unknown_role", "The role is not in the roles parameter."),
  /** An admin list is empty. */
  noAdmins: registerError("org", 7, "no_admins", "An organization needs at least one admin."),
  /** An admin list is longer than the admin limit (16). */
  tooManyAdmins: registerError("org", 8, "too_many_admins", "An organization has at most 16 admins."),
  /** An admin list names the same account twice. */
  duplicateAdmin: registerError("org", 9, "duplicate_admin", "An admin list names the same account twice."),
  /** A validator key is not a 32-byte Ed25519 public key of large order. */
  invalidValidatorKey: registerError(
    "org",
    10,
    "invalid_validator_key",
    "A validator key is not a 32-byte Ed25519 public key (a valid point of large order).",
  ),
  /** A DID is not a `did:urbis:` identifier. */
  invalidDid: registerError(
    "org",
    11,
    "invalid_did",
    "A DID is not a canonical did:urbis identifier (did:urbis: followed by the base58btc of 16 bytes, the did module's rule).",
  ),
  /** A reason is empty, too long or has control characters. */
  invalidReason: registerError(
    "org",
    12,
    "invalid_reason",
    "A reason is empty, longer than 256 UTF-8 bytes, or has control characters or surrounding spaces.",
  ),
  /** The parameters break their rules. */
  invalidParams: registerError(
    "org",
    13,
    "invalid_params",
    "The organization parameters are malformed: no sectors, duplicates, too many entries or a zero member limit.",
  ),
  /** An organization with the id exists (also a removed one: ids are never reused). */
  organizationExists: registerError(
    "org",
    14,
    "organization_exists",
    "An organization with this id exists (ids of removed organizations are never reused).",
    409,
  ),
  /** No organization has the id. */
  unknownOrganization: registerError("org", 15, "unknown_organization", "No organization has this id.", 404),
  /** The status change makes no sense from the organization's status. */
  invalidStatus: registerError(
    "org",
    16,
    "invalid_status",
    "The organization's status does not allow this (e.g. suspending a suspended or changing a removed organization).",
    409,
  ),
  /** The account already belongs to an organization. */
  alreadyMember: registerError(
    "org",
    17,
    "already_member",
    "The account already belongs to an organization (an account belongs to at most one).",
    409,
  ),
  /** The account is not a member of the organization named. */
  memberNotFound: registerError(
    "org",
    18,
    "member_not_found",
    "The account is not a member of this organization.",
    404,
  ),
  /** `org/remove_member` named an admin; admins leave through `org/set_admins`. */
  memberIsAdmin: registerError(
    "org",
    19,
    "member_is_admin",
    "The account is an admin of the organization; change the admins with org/set_admins first.",
  ),
  /** The organization has `maxMembersPerOrg` members already. */
  tooManyMembers: registerError(
    "org",
    20,
    "too_many_members",
    "The organization would exceed the maxMembersPerOrg parameter.",
    409,
  ),
  /** The signer is not an admin of the organization. */
  notAdmin: registerError("org", 21, "not_admin", "Only an admin of the organization may do this.", 403),
  /** The signer belongs to no organization (a member-only message). */
  notMember: registerError(
    "org",
    22,
    "not_member",
    "The message needs a member of an active organization; the signer belongs to none.",
    403,
  ),
  /** The organization is suspended or removed. */
  organizationInactive: registerError(
    "org",
    23,
    "organization_inactive",
    "The organization is suspended or removed, so neither it nor its members may act.",
    403,
  ),
  /** The signer holds no valid grant of the role the message needs. */
  missingRole: registerError(
    "org",
    24,
    "missing_role",
    "The message needs a role the signer does not hold (granted by an active organization within its delegation).",
    403,
  ),
  /** The organization holds no delegation of the role: a grant beyond the delegation. */
  roleNotDelegated: registerError(
    "org",
    25,
    "role_not_delegated",
    "Governance has not delegated this role to the organization, so it cannot grant it.",
    403,
  ),
  /** The organization already holds the delegation. */
  roleAlreadyDelegated: registerError(
    "org",
    26,
    "role_already_delegated",
    "Governance already delegated this role to the organization.",
    409,
  ),
  /** The member already holds the role. */
  roleAlreadyGranted: registerError("org", 27, "role_already_granted", "The member already holds this role.", 409),
  /** The member does not hold the role. */
  roleNotGranted: registerError("org", 28, "role_not_granted", "The member does not hold this role.", 404),
  /** A parameter change would drop a sector an organization uses. */
  sectorInUse: registerError(
    "org",
    29,
    "sector_in_use",
    "The parameter change would drop a sector that an active or suspended organization uses.",
    409,
  ),
  /** A parameter change would drop a role that is delegated. */
  roleInUse: registerError(
    "org",
    30,
    "role_in_use",
    "The parameter change would drop a role that is delegated to an organization.",
    409,
  ),
  /** Another organization declared the validator key. */
  validatorKeyInUse: registerError(
    "org",
    31,
    "validator_key_in_use",
    "Another organization already declared this validator key.",
    409,
  ),
};
