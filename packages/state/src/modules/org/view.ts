/**
 * The read-only view of the organization module that other modules
 * (governance, health, …) depend on. Implemented by `OrgKeeper`.
 */
import type { Address, Organization } from "@urbis/protocol";
import type { KVRead } from "../../framework/store.js";

/** Read-only access to organizations, memberships and roles. */
export interface OrgView {
  /** One organization by id, whatever its status. */
  organization(store: KVRead, id: string): Organization | undefined;
  /** Every organization, sorted by id. */
  organizations(store: KVRead): Organization[];
  /** Every active organization, sorted by id. */
  activeOrganizations(store: KVRead): Organization[];
  /** Id of the organization `address` belongs to (as admin or member), whatever its status. */
  orgOf(store: KVRead, address: Address): string | undefined;
  /** Whether `address` is an admin of organization `id`. */
  isAdmin(store: KVRead, id: string, address: Address): boolean;
  /** Whether `address` holds `role` now: granted by an active organization that governance delegated it to. */
  hasRole(store: KVRead, address: Address, role: string): boolean;
  /** The `sectors` parameter, in parameter order. */
  sectors(store: KVRead): string[];
}
