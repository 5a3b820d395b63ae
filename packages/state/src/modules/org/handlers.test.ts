import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type Address,
  addMemberMsg,
  admitOrgMsg,
  DEFAULT_ORG_PARAMS,
  delegateRoleMsg,
  encodeAddress,
  GOVERNANCE_ADDRESS,
  grantRoleMsg,
  type Msg,
  publicKeyOf,
  reinstateOrgMsg,
  removeMemberMsg,
  removeOrgMsg,
  replaceAdminsMsg,
  revokeDelegationMsg,
  revokeRoleMsg,
  setAdminsMsg,
  sortAddresses,
  suspendOrgMsg,
  toHex,
  UrbisError,
  updateOrgParamsMsg,
} from "@urbis/protocol";
import { codeOf } from "@urbis/protocol/test-support";
import type { TxContext } from "../../framework/context.js";
import type { Event } from "../../framework/events.js";
import { permissionLabel } from "../../framework/module.js";
import { MemoryStore } from "../../framework/store.js";
import { ORG_EVENTS } from "./events.js";
import { orgModule } from "./module.js";

const addr = (n: number) => encodeAddress(new Uint8Array(20).fill(n));
const GOV = GOVERNANCE_ADDRESS;
const ADMIN = addr(1);
const MEMBER = addr(2);
const OUTSIDER = addr(3);
const OTHER = addr(4);
const HEIGHT = 12n;
const PROVIDER = "health.provider";

function setup() {
  const mod = orgModule();
  const store = new MemoryStore();
  const block = { chainId: "test", height: HEIGHT, timeMs: 0n };
  const ctx = { block, store, emit: () => {} };
  mod.genesis.init(
    { ...ctx, block: { ...block, height: 1n } },
    mod.genesis.parse({
      organizations: [{ id: "clinic", name: "Clinic", sector: "health", admins: [ADMIN], members: [MEMBER] }],
    }),
  );
  const handlers = new Map(mod.messages.map((h) => [h.msg.type, h]));
  /** Runs one wire message as the App would after its permission check (unwrap, validate, handle). */
  const run = (signer: Address, msg: Msg): Event[] => {
    const h = handlers.get(msg.type);
    assert.ok(h, `no handler for ${msg.type}`);
    const events: Event[] = [];
    const tctx: TxContext = { block, store, signer, txHash: "00", emit: (e) => events.push(e) };
    const v = h.msg.unwrap(msg);
    h.validate(v);
    h.handle(tctx, v);
    return events;
  };
  const check = () => {
    for (const inv of mod.invariants) assert.equal(inv.check(ctx), undefined, inv.name);
  };
  return { mod, keeper: mod.keeper, store, run, check };
}

const dump = (s: MemoryStore) => [...s.iterate()].map(([k, v]) => `${toHex(k)}=${toHex(v)}`);
const attrs = (e: Event | undefined) => Object.fromEntries((e?.attributes ?? []).map((a) => [a.key, a.value]));

function refuses(store: MemoryStore, fn: () => unknown, id: string): void {
  const before = dump(store);
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UrbisError, String(e));
    assert.equal(e.id, id, e.message);
    return true;
  });
  assert.deepEqual(dump(store), before, `${id} left the store unchanged`);
}

describe("org handlers: permissions", () => {
  it("declare governance for the city's decisions and anyone (admin-checked) for an organization's own", () => {
    const { mod } = setup();
    assert.deepEqual(Object.fromEntries(mod.messages.map((h) => [h.msg.type, permissionLabel(h.permission)])), {
      "org/admit": "governance",
      "org/suspend": "governance",
      "org/reinstate": "governance",
      "org/remove": "governance",
      "org/delegate_role": "governance",
      "org/revoke_delegation": "governance",
      "org/add_member": "anyone",
      "org/remove_member": "anyone",
      "org/set_admins": "anyone",
      "org/grant_role": "anyone",
      "org/revoke_role": "anyone",
      "org/update_params": "governance",
      "org/replace_admins": "governance",
    });
  });
});

describe("org handlers: success and events", () => {
  it("org/admit, the status changes and their events", () => {
    const { keeper, store, run, check } = setup();
    const ev = run(
      GOV,
      admitOrgMsg.wrap({
        id: "pharmacy",
        name: "Corner Pharmacy",
        sector: "pharma",
        admins: [OUTSIDER],
        validatorKey: publicKeyOf(new Uint8Array(32).fill(9)),
        did: undefined,
      }),
    );
    assert.equal(ev[0]?.type, ORG_EVENTS.admitted);
    assert.deepEqual(attrs(ev[0]), { id: "pharmacy", sector: "pharma", admins: OUTSIDER, hasValidatorKey: "true" });
    assert.equal(keeper.organization(store, "pharmacy")?.admittedAt, HEIGHT);
    const s = run(GOV, suspendOrgMsg.wrap({ id: "pharmacy", reason: "licence audit" }));
    assert.equal(s[0]?.type, ORG_EVENTS.statusChanged);
    assert.deepEqual(attrs(s[0]), { id: "pharmacy", previous: "active", status: "suspended", reason: "licence audit" });
    const r = run(GOV, reinstateOrgMsg.wrap({ id: "pharmacy", reason: "audit passed" }));
    assert.deepEqual(attrs(r[0]).status, "active");
    const x = run(GOV, removeOrgMsg.wrap({ id: "pharmacy", reason: "closed" }));
    assert.deepEqual(attrs(x[0]), { id: "pharmacy", previous: "active", status: "removed", reason: "closed" });
    check();
  });

  it("delegations, members, admins and grants, with their events", () => {
    const { keeper, store, run, check } = setup();
    assert.deepEqual(attrs(run(GOV, delegateRoleMsg.wrap({ id: "clinic", role: PROVIDER }))[0]), {
      id: "clinic",
      role: PROVIDER,
    });
    const added = run(ADMIN, addMemberMsg.wrap({ id: "clinic", member: OUTSIDER }));
    assert.equal(added[0]?.type, ORG_EVENTS.memberAdded);
    assert.deepEqual(attrs(added[0]), { id: "clinic", member: OUTSIDER, by: ADMIN });
    const granted = run(ADMIN, grantRoleMsg.wrap({ id: "clinic", member: MEMBER, role: PROVIDER }));
    assert.equal(granted[0]?.type, ORG_EVENTS.roleGranted);
    assert.deepEqual(attrs(granted[0]), { id: "clinic", member: MEMBER, role: PROVIDER, by: ADMIN });
    assert.ok(keeper.hasRole(store, MEMBER, PROVIDER));
    run(ADMIN, grantRoleMsg.wrap({ id: "clinic", member: OUTSIDER, role: PROVIDER }));
    const revoked = run(ADMIN, revokeRoleMsg.wrap({ id: "clinic", member: OUTSIDER, role: PROVIDER }));
    assert.equal(revoked[0]?.type, ORG_EVENTS.roleRevoked);
    const removed = run(ADMIN, removeMemberMsg.wrap({ id: "clinic", member: MEMBER }));
    assert.equal(removed[0]?.type, ORG_EVENTS.memberRemoved);
    assert.deepEqual(attrs(removed[0]), { id: "clinic", member: MEMBER, by: ADMIN, rolesRevoked: PROVIDER });
    run(ADMIN, grantRoleMsg.wrap({ id: "clinic", member: OUTSIDER, role: PROVIDER }));
    const admins = run(ADMIN, setAdminsMsg.wrap({ id: "clinic", admins: [OTHER, OUTSIDER] }));
    assert.equal(admins[0]?.type, ORG_EVENTS.adminsChanged);
    assert.deepEqual(attrs(admins[0]), {
      id: "clinic",
      by: ADMIN,
      previous: ADMIN,
      admins: sortAddresses([OTHER, OUTSIDER]).join(","),
    });
    const undelegated = run(GOV, revokeDelegationMsg.wrap({ id: "clinic", role: PROVIDER }));
    assert.equal(undelegated[0]?.type, ORG_EVENTS.delegationRevoked);
    assert.deepEqual(attrs(undelegated[0]), { id: "clinic", role: PROVIDER, holders: OUTSIDER });
    assert.ok(!keeper.hasRole(store, OUTSIDER, PROVIDER));
    const p = { ...DEFAULT_ORG_PARAMS, maxMembersPerOrg: 50 };
    const up = run(GOV, updateOrgParamsMsg.wrap({ params: p }));
    assert.equal(up[0]?.type, ORG_EVENTS.paramsUpdated);
    assert.equal(attrs(up[0]).maxMembersPerOrg, "50");
    assert.equal(keeper.params(store).maxMembersPerOrg, 50);
    check();
  });
});

describe("org handlers: refusals leave state unchanged", () => {
  it("stateless rules run before the keeper", () => {
    const { store, run } = setup();
    const admit = (patch: Record<string, unknown>) =>
      admitOrgMsg.wrap({
        id: "x-org",
        name: "X",
        sector: "health",
        admins: [OUTSIDER],
        validatorKey: undefined,
        did: undefined,
        ...patch,
      });
    refuses(store, () => run(GOV, admit({ id: "X" })), "org.invalid_id");
    refuses(store, () => run(GOV, admit({ name: " X" })), "org.invalid_name");
    refuses(store, () => run(GOV, admit({ sector: "HEALTH" })), "org.invalid_sector");
    refuses(store, () => run(GOV, admit({ admins: [] })), "org.no_admins");
    refuses(store, () => run(GOV, admit({ admins: [OUTSIDER, OUTSIDER] })), "org.duplicate_admin");
    refuses(store, () => run(GOV, admit({ validatorKey: new Uint8Array(31) })), "org.invalid_validator_key");
    refuses(store, () => run(GOV, admit({ did: "nope" })), "org.invalid_did");
    refuses(store, () => run(GOV, suspendOrgMsg.wrap({ id: "clinic", reason: "" })), "org.invalid_reason");
    refuses(store, () => run(GOV, delegateRoleMsg.wrap({ id: "clinic", role: "bad" })), "org.invalid_role");
    refuses(store, () => run(ADMIN, addMemberMsg.wrap({ id: "Clinic", member: OUTSIDER })), "org.invalid_id");
    refuses(store, () => run(ADMIN, setAdminsMsg.wrap({ id: "clinic", admins: [] })), "org.no_admins");
    refuses(
      store,
      () => run(ADMIN, grantRoleMsg.wrap({ id: "clinic", member: MEMBER, role: "bad" })),
      "org.invalid_role",
    );
    refuses(
      store,
      () => run(GOV, updateOrgParamsMsg.wrap({ params: { ...DEFAULT_ORG_PARAMS, sectors: [] } })),
      "org.invalid_params",
    );
    refuses(store, () => run(GOV, { type: "org/admit", value: new Uint8Array([1, 2]) }), "tx.malformed");
  });

  it("stateful rules of every message", () => {
    const { store, run } = setup();
    const admit = (id: string, admins: Address[], sector = "health") =>
      admitOrgMsg.wrap({ id, name: "X", sector, admins, validatorKey: undefined, did: undefined });
    refuses(store, () => run(GOV, admit("clinic", [OUTSIDER])), "org.organization_exists");
    refuses(store, () => run(GOV, admit("x-org", [OUTSIDER], "space")), "org.unknown_sector");
    refuses(store, () => run(GOV, admit("x-org", [MEMBER])), "org.already_member");
    refuses(store, () => run(GOV, reinstateOrgMsg.wrap({ id: "clinic", reason: "r" })), "org.invalid_status");
    refuses(store, () => run(GOV, removeOrgMsg.wrap({ id: "nope", reason: "r" })), "org.unknown_organization");
    refuses(store, () => run(GOV, delegateRoleMsg.wrap({ id: "clinic", role: "space.pilot" })), "org.unknown_role");
    refuses(
      store,
      () => run(GOV, revokeDelegationMsg.wrap({ id: "clinic", role: PROVIDER })),
      "org.role_not_delegated",
    );
    refuses(store, () => run(MEMBER, addMemberMsg.wrap({ id: "clinic", member: OUTSIDER })), "org.not_admin");
    refuses(store, () => run(ADMIN, addMemberMsg.wrap({ id: "clinic", member: MEMBER })), "org.already_member");
    refuses(store, () => run(ADMIN, removeMemberMsg.wrap({ id: "clinic", member: ADMIN })), "org.member_is_admin");
    refuses(store, () => run(ADMIN, removeMemberMsg.wrap({ id: "clinic", member: OTHER })), "org.member_not_found");
    refuses(store, () => run(OUTSIDER, setAdminsMsg.wrap({ id: "clinic", admins: [OUTSIDER] })), "org.not_admin");
    refuses(
      store,
      () => run(ADMIN, grantRoleMsg.wrap({ id: "clinic", member: MEMBER, role: PROVIDER })),
      "org.role_not_delegated",
    );
    refuses(
      store,
      () => run(ADMIN, revokeRoleMsg.wrap({ id: "clinic", member: MEMBER, role: PROVIDER })),
      "org.role_not_granted",
    );
    refuses(
      store,
      () =>
        run(
          GOV,
          updateOrgParamsMsg.wrap({
            params: { ...DEFAULT_ORG_PARAMS, sectors: DEFAULT_ORG_PARAMS.sectors.filter((s) => s !== "health") },
          }),
        ),
      "org.sector_in_use",
    );
    run(GOV, suspendOrgMsg.wrap({ id: "clinic", reason: "audit" }));
    refuses(
      store,
      () => run(ADMIN, addMemberMsg.wrap({ id: "clinic", member: OUTSIDER })),
      "org.organization_inactive",
    );
  });
});

describe("org queries", () => {
  function withData() {
    const s = setup();
    s.run(GOV, delegateRoleMsg.wrap({ id: "clinic", role: PROVIDER }));
    s.run(ADMIN, grantRoleMsg.wrap({ id: "clinic", member: MEMBER, role: PROVIDER }));
    const ctx = { block: { chainId: "test", height: HEIGHT, timeMs: 0n }, store: s.store, emit: () => {} };
    const q = (path: string, params: Record<string, string> = {}) => {
      const h = s.mod.queries.find((x) => x.path === path);
      assert.ok(h, path);
      return h.handle(ctx, params) as any;
    };
    return { ...s, q };
  }

  it("answer organizations, members, roles, delegations and parameters as JSON", () => {
    const { q } = withData();
    const o = q("org/organization", { id: "clinic" });
    assert.deepEqual(o, {
      id: "clinic",
      name: "Clinic",
      sector: "health",
      admins: [ADMIN],
      status: "active",
      admittedAt: "1",
      statusChangedAt: "1",
      memberCount: 2,
      delegations: [PROVIDER],
    });
    assert.deepEqual(
      q("org/organizations").organizations.map((x: any) => x.id),
      ["clinic"],
    );
    assert.deepEqual(q("org/organizations", { status: "suspended" }).organizations, []);
    assert.deepEqual(q("org/members", { id: "clinic" }), {
      id: "clinic",
      members: sortAddresses([ADMIN, MEMBER]).map((a) => ({ address: a, admin: a === ADMIN })),
    });
    const first = q("org/members", { id: "clinic", limit: "1" });
    assert.equal(first.members.length, 1);
    const second = q("org/members", { id: "clinic", limit: "1", after: first.next });
    assert.equal(second.next, undefined);
    assert.deepEqual(
      [...first.members, ...second.members].map((m: any) => m.address),
      sortAddresses([ADMIN, MEMBER]),
    );
    assert.deepEqual(q("org/member", { address: MEMBER }), {
      address: MEMBER,
      org: "clinic",
      admin: false,
      status: "active",
      roles: [PROVIDER],
    });
    assert.deepEqual(q("org/member", { address: OUTSIDER }), {
      address: OUTSIDER,
      org: null,
      admin: false,
      status: null,
      roles: [],
    });
    assert.deepEqual(q("org/roles", { address: MEMBER }), {
      address: MEMBER,
      roles: [PROVIDER],
      grants: [{ role: PROVIDER, org: "clinic", active: true }],
    });
    assert.deepEqual(q("org/delegations", { id: "clinic" }), {
      id: "clinic",
      delegations: [{ role: PROVIDER, height: String(HEIGHT) }],
    });
    assert.deepEqual(q("org/params"), { ...DEFAULT_ORG_PARAMS });
  });

  it("show a suspended organization's grants as inactive", () => {
    const { q, run } = withData();
    run(GOV, suspendOrgMsg.wrap({ id: "clinic", reason: "audit" }));
    assert.deepEqual(q("org/roles", { address: MEMBER }).grants, [{ role: PROVIDER, org: "clinic", active: false }]);
    assert.deepEqual(q("org/member", { address: MEMBER }).roles, []);
  });

  it("refuse unknown organizations and malformed parameters", () => {
    const { q } = withData();
    assert.equal(
      codeOf(() => q("org/organization", { id: "nope" })),
      "org.unknown_organization",
    );
    assert.equal(
      codeOf(() => q("org/delegations", { id: "nope" })),
      "org.unknown_organization",
    );
    assert.equal(
      codeOf(() => q("org/members", { id: "nope" })),
      "org.unknown_organization",
    );
    assert.equal(
      codeOf(() => q("org/organization", { id: "Bad!" })),
      "app.invalid_query",
    );
    assert.equal(
      codeOf(() => q("org/organization")),
      "app.invalid_query",
    );
    assert.equal(
      codeOf(() => q("org/organizations", { status: "paused" })),
      "app.invalid_query",
    );
    assert.equal(
      codeOf(() => q("org/members", { id: "clinic", limit: "0" })),
      "app.invalid_query",
    );
    assert.equal(
      codeOf(() => q("org/members", { id: "clinic", limit: "10001" })),
      "app.invalid_query",
    );
    assert.equal(
      codeOf(() => q("org/members", { id: "clinic", after: "nope" })),
      "app.invalid_query",
    );
    assert.equal(
      codeOf(() => q("org/member", { address: "nope" })),
      "app.invalid_query",
    );
    assert.equal(
      codeOf(() => q("org/roles", {})),
      "app.invalid_query",
    );
  });
});

describe("org/replace_admins", () => {
  it("is a governance-only proposal kind that replaces the admins of an organization whose admins cannot act", () => {
    const { mod, keeper, store, run, check } = setup();
    const h = mod.messages.find((x) => x.msg.type === replaceAdminsMsg.type);
    assert.equal(h?.permission.kind, "governance");
    const events = run(GOV, replaceAdminsMsg.wrap({ id: "clinic", admins: [OTHER] }));
    assert.equal(events[0]?.type, ORG_EVENTS.adminsChanged);
    assert.deepEqual(keeper.organization(store, "clinic")?.admins, [OTHER]);
    check();
    refuses(
      store,
      () => run(GOV, replaceAdminsMsg.wrap({ id: "nowhere", admins: [OTHER] })),
      "org.unknown_organization",
    );
  });
});
