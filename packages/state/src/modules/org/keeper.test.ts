import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DEFAULT_ORG_PARAMS,
  encodeAddress,
  GOVERNANCE_ADDRESS,
  publicKeyOf,
  sortAddresses,
  toHex,
  UrbisError,
  validatorKeyToBase64,
} from "@urbis/protocol";
import fc from "fast-check";
import type { Context } from "../../framework/context.js";
import { MemoryStore } from "../../framework/store.js";
import { parseOrgGenesis } from "./genesis.js";
import { orgInvariants } from "./invariants.js";
import { OrgKeeper } from "./keeper.js";

const addr = (n: number) => encodeAddress(new Uint8Array(20).fill(n));
const GOV = GOVERNANCE_ADDRESS;
/** City hall: admin A1, member M1. */
const A1 = addr(1);
const M1 = addr(2);
/** Hospital: admins H1, H2; members D1, D2; D1 holds health.provider. */
const H1 = addr(11);
const H2 = addr(12);
const D1 = addr(13);
const D2 = addr(14);
/** Accounts in no organization. */
const X1 = addr(21);
const X2 = addr(22);
const X3 = addr(23);
const vkey = (n: number) => publicKeyOf(new Uint8Array(32).fill(n));
const PROVIDER = "health.provider";
const EMERGENCY = "health.emergency";

function setup(params: Record<string, unknown> = {}) {
  const keeper = new OrgKeeper();
  const store = new MemoryStore();
  const g = parseOrgGenesis({
    params,
    organizations: [
      { id: "city-hall", name: "City Hall", sector: "government", admins: [A1], members: [M1] },
      {
        id: "hospital",
        name: "General Hospital",
        sector: "health",
        admins: [H2, H1],
        members: [D1, D2],
        validatorKey: validatorKeyToBase64(vkey(1)),
        delegations: [PROVIDER],
        grants: [{ member: D1, role: PROVIDER }],
      },
    ],
  });
  keeper.initGenesis(store, g.params, g.organizations, 1n);
  const ctx: Context = { block: { chainId: "t", height: 9n, timeMs: 0n }, store, emit: () => {} };
  const check = () => {
    for (const inv of orgInvariants(keeper)) assert.equal(inv.check(ctx), undefined, inv.name);
  };
  check();
  return { keeper, store, check };
}

const dump = (s: MemoryStore) => [...s.iterate()].map(([k, v]) => `${toHex(k)}=${toHex(v)}`);

/** Asserts `fn` throws the registered error `id` and leaves the store byte for byte as it was. */
function refuses(store: MemoryStore, fn: () => unknown, id: string): UrbisError {
  const before = dump(store);
  let caught: UrbisError | undefined;
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UrbisError, String(e));
    assert.equal(e.id, id, e.message);
    caught = e;
    return true;
  });
  assert.deepEqual(dump(store), before, `${id} left the store unchanged`);
  return caught as UrbisError;
}

const newOrg = (patch: Record<string, unknown> = {}) => ({
  id: "water-works",
  name: "Water Works",
  sector: "utilities",
  admins: [X2, X1],
  ...patch,
});

describe("OrgKeeper reads", () => {
  it("answers the view from genesis state", () => {
    const { keeper, store } = setup();
    assert.deepEqual(
      keeper.organizations(store).map((o) => o.id),
      ["city-hall", "hospital"],
    );
    assert.deepEqual(
      keeper.activeOrganizations(store).map((o) => o.id),
      ["city-hall", "hospital"],
    );
    const h = keeper.organization(store, "hospital");
    assert.deepEqual(h?.admins, sortAddresses([H1, H2]));
    assert.equal(h?.status, "active");
    assert.equal(h?.admittedAt, 1n);
    assert.equal(keeper.organization(store, "nope"), undefined);
    assert.equal(keeper.orgOf(store, D1), "hospital");
    assert.equal(keeper.orgOf(store, H1), "hospital");
    assert.equal(keeper.orgOf(store, X1), undefined);
    assert.ok(keeper.isAdmin(store, "hospital", H1));
    assert.ok(!keeper.isAdmin(store, "hospital", D1));
    assert.ok(!keeper.isAdmin(store, "city-hall", H1));
    assert.ok(!keeper.isAdmin(store, "nope", H1));
    assert.ok(keeper.isMember(store, "hospital", D2));
    assert.equal(keeper.memberCount(store, "hospital"), 4);
    assert.equal(keeper.memberCount(store, "city-hall"), 2);
    assert.deepEqual(keeper.members(store, "hospital"), sortAddresses([H1, H2, D1, D2]));
    const all = keeper.members(store, "hospital");
    assert.deepEqual(keeper.members(store, "hospital", all[1], 2), all.slice(2, 4));
    assert.deepEqual(keeper.members(store, "hospital", undefined, 0), []);
    assert.ok(keeper.hasRole(store, D1, PROVIDER));
    assert.ok(!keeper.hasRole(store, D2, PROVIDER));
    assert.ok(!keeper.hasRole(store, D1, EMERGENCY));
    assert.deepEqual(keeper.rolesOf(store, D1), [PROVIDER]);
    assert.deepEqual(keeper.grantsOf(store, D1), [{ role: PROVIDER, org: "hospital" }]);
    assert.deepEqual(keeper.delegations(store, "hospital"), [{ role: PROVIDER, height: 1n }]);
    assert.deepEqual(keeper.sectors(store), [...DEFAULT_ORG_PARAMS.sectors]);
  });

  it("counts a role only while the organization is active and holds the delegation", () => {
    const { keeper, store, check } = setup();
    keeper.suspend(store, 5n, "hospital");
    assert.ok(!keeper.hasRole(store, D1, PROVIDER));
    assert.deepEqual(keeper.rolesOf(store, D1), []);
    assert.deepEqual(keeper.grantsOf(store, D1), [{ role: PROVIDER, org: "hospital" }]);
    keeper.reinstate(store, 6n, "hospital");
    assert.ok(keeper.hasRole(store, D1, PROVIDER));
    check();
  });
});

describe("OrgKeeper admission and status", () => {
  it("admits an active organization whose sorted admins become its members", () => {
    const { keeper, store, check } = setup();
    const o = keeper.admit(store, 9n, newOrg({ validatorKey: vkey(2), did: "did:urbis:AsRnq81Yhewzrqq7B5ft1P" }));
    assert.deepEqual(o.admins, sortAddresses([X1, X2]));
    assert.equal(o.status, "active");
    assert.equal(o.admittedAt, 9n);
    assert.equal(o.statusChangedAt, 9n);
    assert.deepEqual(keeper.organization(store, "water-works"), o);
    assert.equal(keeper.orgOf(store, X1), "water-works");
    assert.equal(keeper.memberCount(store, "water-works"), 2);
    check();
  });

  it("refuses every bad admission before any write", () => {
    const { keeper, store } = setup();
    const admit = (patch: Record<string, unknown>) => () => keeper.admit(store, 9n, newOrg(patch) as any);
    refuses(store, admit({ id: "Water" }), "org.invalid_id");
    refuses(store, admit({ name: "" }), "org.invalid_name");
    refuses(store, admit({ sector: "Utilities" }), "org.invalid_sector");
    refuses(store, admit({ sector: "space" }), "org.unknown_sector");
    refuses(store, admit({ admins: [] }), "org.no_admins");
    refuses(store, admit({ admins: Array.from({ length: 17 }, (_, i) => addr(100 + i)) }), "org.too_many_admins");
    refuses(store, admit({ admins: [X1, X1] }), "org.duplicate_admin");
    refuses(store, admit({ validatorKey: new Uint8Array(32) }), "org.invalid_validator_key");
    refuses(store, admit({ did: "did:other:x" }), "org.invalid_did");
    refuses(store, admit({ id: "hospital" }), "org.organization_exists");
    const e = refuses(store, admit({ admins: [X1, D2] }), "org.already_member");
    assert.deepEqual(e.details, { address: D2, org: "hospital" });
    refuses(store, admit({ validatorKey: vkey(1) }), "org.validator_key_in_use");
    keeper.updateParams(store, { ...DEFAULT_ORG_PARAMS, maxMembersPerOrg: 1 });
    refuses(store, admit({}), "org.too_many_members");
    keeper.admit(store, 9n, newOrg({ admins: [X1] }));
  });

  it("moves through active → suspended → active → removed and refuses senseless transitions", () => {
    const { keeper, store, check } = setup();
    refuses(store, () => keeper.reinstate(store, 3n, "hospital"), "org.invalid_status");
    refuses(store, () => keeper.suspend(store, 3n, "nope"), "org.unknown_organization");
    refuses(store, () => keeper.suspend(store, 3n, "Bad Id"), "org.invalid_id");
    const s = keeper.suspend(store, 3n, "hospital");
    assert.equal(s.previous, "active");
    assert.equal(s.org.status, "suspended");
    assert.equal(s.org.statusChangedAt, 3n);
    refuses(store, () => keeper.suspend(store, 4n, "hospital"), "org.invalid_status");
    assert.equal(keeper.reinstate(store, 4n, "hospital").org.status, "active");
    check();
    keeper.suspend(store, 5n, "hospital");
    const r = keeper.remove(store, 6n, "hospital");
    assert.equal(r.previous, "suspended");
    assert.equal(r.org.status, "removed");
    check();
    for (const t of [
      () => keeper.suspend(store, 7n, "hospital"),
      () => keeper.reinstate(store, 7n, "hospital"),
      () => keeper.remove(store, 7n, "hospital"),
      () => keeper.delegateRole(store, 7n, "hospital", EMERGENCY),
      () => keeper.revokeDelegation(store, "hospital", PROVIDER),
      () => keeper.setAdmins(store, GOV, "hospital", [H1]),
    ]) {
      refuses(store, t, "org.invalid_status");
    }
  });

  it("removal deletes memberships, grants, delegations and the count but keeps the record and its id", () => {
    const { keeper, store, check } = setup();
    keeper.remove(store, 6n, "hospital");
    const o = keeper.organization(store, "hospital");
    assert.equal(o?.status, "removed");
    assert.deepEqual(o?.admins, sortAddresses([H1, H2]));
    for (const a of [H1, H2, D1, D2]) assert.equal(keeper.orgOf(store, a), undefined);
    assert.deepEqual(keeper.members(store, "hospital"), []);
    assert.equal(keeper.memberCount(store, "hospital"), 0);
    assert.deepEqual(keeper.grantsOf(store, D1), []);
    assert.deepEqual(keeper.delegations(store, "hospital"), []);
    assert.ok(!keeper.isAdmin(store, "hospital", H1));
    assert.deepEqual(
      keeper.activeOrganizations(store).map((x) => x.id),
      ["city-hall"],
    );
    check();
    // The id stays taken; its former accounts and validator key are free again.
    refuses(store, () => keeper.admit(store, 7n, newOrg({ id: "hospital" })), "org.organization_exists");
    keeper.admit(store, 7n, newOrg({ admins: [H1], validatorKey: vkey(1) }));
    keeper.addMember(store, A1, "city-hall", D1);
    check();
  });
});

describe("OrgKeeper delegations", () => {
  it("delegates a known role to an active or suspended organization", () => {
    const { keeper, store, check } = setup();
    keeper.delegateRole(store, 4n, "city-hall", "vote.organizer");
    assert.deepEqual(keeper.delegations(store, "city-hall"), [{ role: "vote.organizer", height: 4n }]);
    keeper.suspend(store, 5n, "hospital");
    keeper.delegateRole(store, 5n, "hospital", EMERGENCY);
    assert.ok(keeper.hasDelegation(store, "hospital", EMERGENCY));
    check();
  });

  it("refuses malformed, unknown and duplicate delegations", () => {
    const { keeper, store } = setup();
    refuses(store, () => keeper.delegateRole(store, 4n, "hospital", "health"), "org.invalid_role");
    refuses(store, () => keeper.delegateRole(store, 4n, "hospital", "space.pilot"), "org.unknown_role");
    refuses(store, () => keeper.delegateRole(store, 4n, "nope", PROVIDER), "org.unknown_organization");
    refuses(store, () => keeper.delegateRole(store, 4n, "hospital", PROVIDER), "org.role_already_delegated");
    refuses(store, () => keeper.revokeDelegation(store, "hospital", EMERGENCY), "org.role_not_delegated");
    refuses(store, () => keeper.revokeDelegation(store, "hospital", "space.pilot"), "org.unknown_role");
    refuses(store, () => keeper.revokeDelegation(store, "nope", PROVIDER), "org.unknown_organization");
  });

  it("revoking a delegation takes every grant of it by that organization", () => {
    const { keeper, store, check } = setup();
    keeper.grantRole(store, H1, "hospital", H2, PROVIDER);
    keeper.delegateRole(store, 4n, "hospital", EMERGENCY);
    keeper.grantRole(store, H1, "hospital", D1, EMERGENCY);
    const holders = keeper.revokeDelegation(store, "hospital", PROVIDER);
    assert.deepEqual(holders, sortAddresses([D1, H2]));
    assert.ok(!keeper.hasRole(store, D1, PROVIDER));
    assert.deepEqual(keeper.rolesOf(store, D1), [EMERGENCY]);
    assert.ok(!keeper.hasDelegation(store, "hospital", PROVIDER));
    check();
  });
});

describe("OrgKeeper members", () => {
  it("an admin adds and removes members; removal takes the member's grants", () => {
    const { keeper, store, check } = setup();
    keeper.addMember(store, H2, "hospital", X1);
    assert.equal(keeper.orgOf(store, X1), "hospital");
    assert.equal(keeper.memberCount(store, "hospital"), 5);
    check();
    assert.deepEqual(keeper.removeMember(store, H1, "hospital", D1), [PROVIDER]);
    assert.equal(keeper.orgOf(store, D1), undefined);
    assert.deepEqual(keeper.grantsOf(store, D1), []);
    assert.equal(keeper.memberCount(store, "hospital"), 4);
    check();
    // A former member is free to join another organization.
    keeper.addMember(store, A1, "city-hall", D1);
    check();
  });

  it("refuses non-admins, inactive organizations, taken accounts and a full organization", () => {
    const { keeper, store } = setup({ maxMembersPerOrg: 4 });
    refuses(store, () => keeper.addMember(store, H1, "nope", X1), "org.unknown_organization");
    refuses(store, () => keeper.addMember(store, D1, "hospital", X1), "org.not_admin");
    refuses(store, () => keeper.addMember(store, A1, "hospital", X1), "org.not_admin");
    refuses(store, () => keeper.addMember(store, GOV, "hospital", X1), "org.not_admin");
    refuses(store, () => keeper.addMember(store, A1, "city-hall", D1), "org.already_member");
    refuses(store, () => keeper.addMember(store, A1, "city-hall", M1), "org.already_member");
    refuses(store, () => keeper.addMember(store, H1, "hospital", X1), "org.too_many_members");
    refuses(store, () => keeper.removeMember(store, H1, "hospital", M1), "org.member_not_found");
    refuses(store, () => keeper.removeMember(store, H1, "hospital", X1), "org.member_not_found");
    refuses(store, () => keeper.removeMember(store, H1, "hospital", H2), "org.member_is_admin");
    refuses(store, () => keeper.removeMember(store, D2, "hospital", D1), "org.not_admin");
    keeper.suspend(store, 5n, "hospital");
    refuses(store, () => keeper.addMember(store, H1, "hospital", X1), "org.organization_inactive");
    refuses(store, () => keeper.removeMember(store, H1, "hospital", D1), "org.organization_inactive");
    keeper.remove(store, 6n, "hospital");
    refuses(store, () => keeper.addMember(store, H1, "hospital", X1), "org.organization_inactive");
  });
});

describe("OrgKeeper admins", () => {
  it("an admin replaces the list: newcomers join, dropped admins stay members", () => {
    const { keeper, store, check } = setup();
    const r = keeper.setAdmins(store, H1, "hospital", [D1, X1]);
    assert.deepEqual(r.previous, sortAddresses([H1, H2]));
    assert.deepEqual(r.org.admins, sortAddresses([D1, X1]));
    assert.equal(keeper.orgOf(store, X1), "hospital");
    assert.equal(keeper.orgOf(store, H1), "hospital");
    assert.ok(!keeper.isAdmin(store, "hospital", H1));
    assert.ok(keeper.isAdmin(store, "hospital", X1));
    assert.equal(keeper.memberCount(store, "hospital"), 5);
    check();
    // The former admin can now be removed as an ordinary member.
    keeper.removeMember(store, X1, "hospital", H1);
    check();
  });

  it("governance replaces the admins of an active or suspended organization", () => {
    const { keeper, store, check } = setup();
    keeper.suspend(store, 3n, "hospital");
    keeper.setAdmins(store, GOV, "hospital", [X3]);
    assert.deepEqual(keeper.organization(store, "hospital")?.admins, [X3]);
    check();
  });

  it("refuses bad lists, non-admins, inactive organizations, taken accounts and a full organization", () => {
    const { keeper, store } = setup({ maxMembersPerOrg: 4 });
    refuses(store, () => keeper.setAdmins(store, H1, "hospital", []), "org.no_admins");
    refuses(store, () => keeper.setAdmins(store, H1, "hospital", [H1, H1]), "org.duplicate_admin");
    refuses(
      store,
      () =>
        keeper.setAdmins(
          store,
          H1,
          "hospital",
          Array.from({ length: 17 }, (_, i) => addr(100 + i)),
        ),
      "org.too_many_admins",
    );
    refuses(store, () => keeper.setAdmins(store, D1, "hospital", [D1]), "org.not_admin");
    refuses(store, () => keeper.setAdmins(store, H1, "nope", [D1]), "org.unknown_organization");
    refuses(store, () => keeper.setAdmins(store, H1, "hospital", [M1]), "org.already_member");
    refuses(store, () => keeper.setAdmins(store, H1, "hospital", [H1, X1]), "org.too_many_members");
    keeper.suspend(store, 3n, "hospital");
    refuses(store, () => keeper.setAdmins(store, H1, "hospital", [H1]), "org.organization_inactive");
  });
});

describe("OrgKeeper grants", () => {
  it("an admin grants a delegated role to a member and revokes it", () => {
    const { keeper, store, check } = setup();
    keeper.grantRole(store, H1, "hospital", D2, PROVIDER);
    assert.ok(keeper.hasRole(store, D2, PROVIDER));
    check();
    keeper.revokeRole(store, H2, "hospital", D2, PROVIDER);
    assert.ok(!keeper.hasRole(store, D2, PROVIDER));
    check();
  });

  it("refuses grants beyond the delegation and every other bad grant or revocation", () => {
    const { keeper, store } = setup();
    refuses(store, () => keeper.grantRole(store, H1, "hospital", D2, "health"), "org.invalid_role");
    refuses(store, () => keeper.grantRole(store, H1, "hospital", D2, "space.pilot"), "org.unknown_role");
    const e = refuses(store, () => keeper.grantRole(store, H1, "hospital", D2, EMERGENCY), "org.role_not_delegated");
    assert.deepEqual(e.details, { id: "hospital", role: EMERGENCY });
    refuses(store, () => keeper.grantRole(store, A1, "city-hall", M1, PROVIDER), "org.role_not_delegated");
    refuses(store, () => keeper.grantRole(store, H1, "hospital", M1, PROVIDER), "org.member_not_found");
    refuses(store, () => keeper.grantRole(store, H1, "hospital", D1, PROVIDER), "org.role_already_granted");
    refuses(store, () => keeper.grantRole(store, D1, "hospital", D2, PROVIDER), "org.not_admin");
    refuses(store, () => keeper.grantRole(store, A1, "hospital", D2, PROVIDER), "org.not_admin");
    refuses(store, () => keeper.grantRole(store, H1, "nope", D2, PROVIDER), "org.unknown_organization");
    refuses(store, () => keeper.revokeRole(store, H1, "hospital", D2, PROVIDER), "org.role_not_granted");
    refuses(store, () => keeper.revokeRole(store, H1, "hospital", M1, PROVIDER), "org.member_not_found");
    refuses(store, () => keeper.revokeRole(store, H1, "hospital", D1, "space.pilot"), "org.unknown_role");
    refuses(store, () => keeper.revokeRole(store, D2, "hospital", D1, PROVIDER), "org.not_admin");
    keeper.suspend(store, 3n, "hospital");
    refuses(store, () => keeper.grantRole(store, H1, "hospital", D2, PROVIDER), "org.organization_inactive");
    refuses(store, () => keeper.revokeRole(store, H1, "hospital", D1, PROVIDER), "org.organization_inactive");
  });
});

describe("OrgKeeper parameters", () => {
  it("replaces the parameters when no organization or delegation depends on what is dropped", () => {
    const { keeper, store, check } = setup();
    const p = { sectors: ["government", "health", "ports"], roles: [PROVIDER, "ports.pilot"], maxMembersPerOrg: 2 };
    keeper.updateParams(store, p);
    assert.deepEqual(keeper.params(store), p);
    check();
    // A limit below the hospital's 4 members is allowed: it only stops growth.
    refuses(store, () => keeper.addMember(store, A1, "city-hall", X1), "org.too_many_members");
  });

  it("refuses malformed parameters and dropping a used sector or a delegated role", () => {
    const { keeper, store } = setup();
    const p = DEFAULT_ORG_PARAMS;
    refuses(store, () => keeper.updateParams(store, { ...p, sectors: [] }), "org.invalid_params");
    refuses(store, () => keeper.updateParams(store, { ...p, maxMembersPerOrg: 0 }), "org.invalid_params");
    refuses(store, () => keeper.updateParams(store, { ...p, roles: ["x"] }), "org.invalid_role");
    refuses(
      store,
      () => keeper.updateParams(store, { ...p, sectors: p.sectors.filter((s) => s !== "government") }),
      "org.sector_in_use",
    );
    refuses(
      store,
      () => keeper.updateParams(store, { ...p, roles: p.roles.filter((r) => r !== PROVIDER) }),
      "org.role_in_use",
    );
    // A suspended organization still holds its sector; a removed one does not.
    keeper.suspend(store, 3n, "city-hall");
    refuses(
      store,
      () => keeper.updateParams(store, { ...p, sectors: p.sectors.filter((s) => s !== "government") }),
      "org.sector_in_use",
    );
    keeper.remove(store, 4n, "city-hall");
    keeper.updateParams(store, { ...p, sectors: p.sectors.filter((s) => s !== "government") });
  });
});

describe("OrgKeeper under random operation sequences", () => {
  it("keeps every invariant, and a refused operation changes nothing", () => {
    const accounts = [A1, M1, H1, H2, D1, D2, X1, X2, X3];
    const ids = ["city-hall", "hospital", "water-works"];
    const roles = [PROVIDER, EMERGENCY];
    const acc = fc.constantFrom(...accounts);
    const id = fc.constantFrom(...ids);
    const role = fc.constantFrom(...roles);
    const op = fc.oneof(
      fc.tuple(fc.constant("admit" as const), id, fc.uniqueArray(acc, { minLength: 1, maxLength: 3 })),
      fc.tuple(fc.constant("suspend" as const), id),
      fc.tuple(fc.constant("reinstate" as const), id),
      fc.tuple(fc.constant("remove" as const), id),
      fc.tuple(fc.constant("delegate" as const), id, role),
      fc.tuple(fc.constant("undelegate" as const), id, role),
      fc.tuple(fc.constant("add" as const), acc, id, acc),
      fc.tuple(fc.constant("drop" as const), acc, id, acc),
      fc.tuple(
        fc.constant("admins" as const),
        fc.constantFrom(GOV, ...accounts),
        id,
        fc.uniqueArray(acc, { minLength: 1, maxLength: 3 }),
      ),
      fc.tuple(fc.constant("grant" as const), acc, id, acc, role),
      fc.tuple(fc.constant("revoke" as const), acc, id, acc, role),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const { keeper, store, check } = setup({ maxMembersPerOrg: 5 });
        for (const o of ops) {
          const before = dump(store);
          try {
            switch (o[0]) {
              case "admit":
                keeper.admit(store, 5n, { id: o[1], name: "Org", sector: "health", admins: o[2] });
                break;
              case "suspend":
                keeper.suspend(store, 5n, o[1]);
                break;
              case "reinstate":
                keeper.reinstate(store, 5n, o[1]);
                break;
              case "remove":
                keeper.remove(store, 5n, o[1]);
                break;
              case "delegate":
                keeper.delegateRole(store, 5n, o[1], o[2]);
                break;
              case "undelegate":
                keeper.revokeDelegation(store, o[1], o[2]);
                break;
              case "add":
                keeper.addMember(store, o[1], o[2], o[3]);
                break;
              case "drop":
                keeper.removeMember(store, o[1], o[2], o[3]);
                break;
              case "admins":
                keeper.setAdmins(store, o[1], o[2], o[3]);
                break;
              case "grant":
                keeper.grantRole(store, o[1], o[2], o[3], o[4]);
                break;
              case "revoke":
                keeper.revokeRole(store, o[1], o[2], o[3], o[4]);
                break;
            }
          } catch (e) {
            if (!(e instanceof UrbisError)) throw e;
            assert.deepEqual(dump(store), before, `${o[0]} refused with ${e.id} but wrote`);
          }
          check();
          // Roles counted now always come from the holder's own active organization.
          for (const a of accounts) {
            for (const r of keeper.rolesOf(store, a)) {
              const org = keeper.organization(store, keeper.orgOf(store, a) ?? "");
              assert.equal(org?.status, "active");
              assert.ok(keeper.hasDelegation(store, org.id, r));
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
