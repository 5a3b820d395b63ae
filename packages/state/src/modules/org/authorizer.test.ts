import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeAddress, GOVERNANCE_ADDRESS, UrbisError } from "@urbis/protocol";
import { ANYONE, GOVERNANCE, MEMBER, type Permission, requiresRole } from "../../framework/module.js";
import { MemoryStore } from "../../framework/store.js";
import { OrgAuthorizer } from "./authorizer.js";
import { parseOrgGenesis } from "./genesis.js";
import { OrgKeeper } from "./keeper.js";

const addr = (n: number) => encodeAddress(new Uint8Array(20).fill(n));
const ADMIN = addr(1);
const DOCTOR = addr(2);
const NURSE = addr(3);
const CLERK = addr(4);
const OUTSIDER = addr(9);
const PROVIDER = requiresRole("health.provider");

function setup() {
  const keeper = new OrgKeeper();
  const store = new MemoryStore();
  const g = parseOrgGenesis({
    organizations: [
      {
        id: "hospital",
        name: "Hospital",
        sector: "health",
        admins: [ADMIN],
        members: [DOCTOR, NURSE],
        delegations: ["health.provider"],
        grants: [{ member: DOCTOR, role: "health.provider" }],
      },
      {
        id: "city-hall",
        name: "City Hall",
        sector: "government",
        admins: [CLERK],
      },
    ],
  });
  keeper.initGenesis(store, g.params, g.organizations, 1n);
  return { keeper, store, auth: new OrgAuthorizer(keeper) };
}

/** The registered error id `authorize` throws ("ok" when it passes), with its details. */
function verdict(
  auth: OrgAuthorizer,
  store: MemoryStore,
  signer: string,
  p: Permission,
): [string, Record<string, unknown> | undefined] {
  try {
    auth.authorize(store, signer, p);
    return ["ok", undefined];
  } catch (e) {
    if (e instanceof UrbisError) return [e.id, e.details];
    throw e;
  }
}

describe("OrgAuthorizer", () => {
  it("member: passes members and admins of active organizations, refuses everyone else", () => {
    const { auth, store } = setup();
    for (const a of [ADMIN, DOCTOR, NURSE, CLERK]) assert.equal(verdict(auth, store, a, MEMBER)[0], "ok", a);
    assert.equal(verdict(auth, store, OUTSIDER, MEMBER)[0], "org.not_member");
  });

  it("member: a suspended organization's members are refused with organization_inactive until reinstated", () => {
    const { auth, store, keeper } = setup();
    keeper.suspend(store, 2n, "hospital");
    assert.equal(verdict(auth, store, DOCTOR, MEMBER)[0], "org.organization_inactive");
    assert.equal(verdict(auth, store, ADMIN, MEMBER)[0], "org.organization_inactive");
    assert.equal(verdict(auth, store, CLERK, MEMBER)[0], "ok");
    keeper.reinstate(store, 3n, "hospital");
    assert.equal(verdict(auth, store, DOCTOR, MEMBER)[0], "ok");
    keeper.remove(store, 4n, "hospital");
    assert.equal(verdict(auth, store, DOCTOR, MEMBER)[0], "org.not_member");
  });

  it("role: passes only a holder whose grant counts, with the role in the refusal's details", () => {
    const { auth, store, keeper } = setup();
    assert.equal(verdict(auth, store, DOCTOR, PROVIDER)[0], "ok");
    for (const a of [ADMIN, NURSE, CLERK, OUTSIDER]) {
      assert.deepEqual(verdict(auth, store, a, PROVIDER), ["org.missing_role", { role: "health.provider" }], a);
    }
    assert.equal(verdict(auth, store, DOCTOR, requiresRole("health.emergency"))[0], "org.missing_role");
    // Suspension pauses the grant, reinstatement restores it.
    keeper.suspend(store, 2n, "hospital");
    assert.equal(verdict(auth, store, DOCTOR, PROVIDER)[0], "org.missing_role");
    keeper.reinstate(store, 3n, "hospital");
    assert.equal(verdict(auth, store, DOCTOR, PROVIDER)[0], "ok");
    // Revoking the delegation ends it.
    keeper.revokeDelegation(store, "hospital", "health.provider");
    assert.equal(verdict(auth, store, DOCTOR, PROVIDER)[0], "org.missing_role");
  });

  it("anyone passes; governance passes only the governance authority", () => {
    const { auth, store } = setup();
    assert.equal(verdict(auth, store, OUTSIDER, ANYONE)[0], "ok");
    assert.equal(verdict(auth, store, GOVERNANCE_ADDRESS, GOVERNANCE)[0], "ok");
    assert.equal(verdict(auth, store, ADMIN, GOVERNANCE)[0], "app.governance_only");
  });

  it("after genesis no account passes every check: each admin lacks some role", () => {
    const { auth, store } = setup();
    for (const a of [ADMIN, DOCTOR, NURSE, CLERK]) {
      assert.equal(verdict(auth, store, a, requiresRole("vote.organizer"))[0], "org.missing_role", a);
      assert.equal(verdict(auth, store, a, GOVERNANCE)[0], "app.governance_only", a);
    }
  });
});
