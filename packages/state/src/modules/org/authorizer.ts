/**
 * The App's authorizer: decides the `member` and `role` permissions every
 * message type declares, from organization state alone. After genesis nobody
 * is a superuser: only the governance authority (an executing proposal)
 * passes every check, and the App decides that before asking here.
 */
import { type Address, GOVERNANCE_ADDRESS, OrgErrors } from "@urbis/protocol";
import { AppErrors } from "../../app/errors.js";
import type { Authorizer, Permission } from "../../framework/module.js";
import type { KVRead } from "../../framework/store.js";
import type { OrgView } from "./view.js";

/**
 * Decides permissions from organization state:
 * - `member`: the signer belongs to an active organization, else
 *   `org.not_member` (in none) or `org.organization_inactive` (its organization
 *   is suspended);
 * - `role`: the signer holds the role, granted by an active organization that
 *   still holds the delegation, else `org.missing_role` with details {role};
 * - `anyone` passes and `governance` passes only for the governance authority
 *   (the App settles both before asking; answered here so the authorizer is
 *   safe on its own).
 */
export class OrgAuthorizer implements Authorizer {
  constructor(private readonly view: OrgView) {}

  authorize(store: KVRead, signer: Address, permission: Permission): void {
    switch (permission.kind) {
      case "anyone":
        return;
      case "governance":
        if (signer !== GOVERNANCE_ADDRESS) {
          throw AppErrors.governanceOnly.create("only an executing governance proposal may send this message");
        }
        return;
      case "member":
        this.requireActiveMember(store, signer);
        return;
      case "role":
        if (!this.view.hasRole(store, signer, permission.role)) {
          throw OrgErrors.missingRole.create(
            `the message needs role ${permission.role}, which ${signer} does not hold`,
            {
              role: permission.role,
            },
          );
        }
        return;
    }
  }

  private requireActiveMember(store: KVRead, signer: Address): void {
    const id = this.view.orgOf(store, signer);
    if (id === undefined) {
      throw OrgErrors.notMember.create(`${signer} belongs to no organization`, { signer });
    }
    const status = this.view.organization(store, id)?.status;
    if (status !== "active") {
      throw OrgErrors.organizationInactive.create(`organization ${id} of ${signer} is ${status ?? "unknown"}`, {
        id,
        status: status ?? "unknown",
      });
    }
  }
}
