import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DEFAULT_ORG_PARAMS,
  encodeAddress,
  publicKeyOf,
  sortAddresses,
  toHex,
  UrbisError,
  validatorKeyToBase64,
} from "@urbis/protocol";
import type { Context } from "../../framework/context.js";
import { MemoryStore } from "../../framework/store.js";
import { buildOrgGenesis, type OrgGenesisJson, parseOrgGenesis } from "./genesis.js";
import { orgModule } from "./module.js";

const addr = (n: number) => encodeAddress(new Uint8Array(20).fill(n));
const KEY = validatorKeyToBase64(publicKeyOf(new Uint8Array(32).fill(7)));

const DOC: OrgGenesisJson = {
  params: { sectors: ["government", "health"], roles: ["health.provider", "vote.organizer"], maxMembersPerOrg: 10 },
  organizations: [
    {
      id: "hospital",
      name: "General Hospital",
      sector: "health",
      admins: [addr(12), addr(11)],
      members: [addr(13), addr(14)],
      validatorKey: KEY,
      did: "did:urbis:AsRnq81Yhewzrqq7B5ft1P",
      delegations: ["health.provider"],
      grants: [
        { member: addr(13), role: "health.provider" },
        { member: addr(11), role: "health.provider" },
      ],
    },
    { id: "city-hall", name: "City Hall", sector: "government", admins: [addr(1)] },
  ],
};

function initAt(json: unknown, height: bigint) {
  const mod = orgModule();
  const store = new MemoryStore();
  const ctx: Context = { block: { chainId: "t", height, timeMs: 0n }, store, emit: () => {} };
  mod.genesis.init(ctx, mod.genesis.parse(json));
  for (const inv of mod.invariants) assert.equal(inv.check(ctx), undefined, inv.name);
  return { mod, store, ctx, exported: () => mod.genesis.export(ctx) };
}

const dump = (s: MemoryStore) => [...s.iterate()].map(([k, v]) => `${toHex(k)}=${toHex(v)}`);

function invalid(json: unknown, fragment: string): void {
  assert.throws(
    () => parseOrgGenesis(json),
    (e: unknown) => {
      assert.ok(e instanceof UrbisError, String(e));
      assert.equal(e.id, "app.invalid_genesis", e.message);
      assert.ok(e.message.includes(fragment), `${JSON.stringify(e.message)} should mention ${fragment}`);
      return true;
    },
  );
}

/** DOC with organization 0 patched. */
const withOrg = (patch: Record<string, unknown>) => ({
  ...DOC,
  organizations: [{ ...DOC.organizations?.[0], ...patch }, ...(DOC.organizations ?? []).slice(1)],
});

describe("org genesis", () => {
  it("an absent section means default parameters and no organization", () => {
    const { mod, ctx } = initAt(undefined, 1n);
    assert.deepEqual(mod.keeper.params(ctx.store), DEFAULT_ORG_PARAMS);
    assert.deepEqual(mod.keeper.organizations(ctx.store), []);
    assert.deepEqual(parseOrgGenesis({}).params, DEFAULT_ORG_PARAMS);
  });

  it("founding organizations are active, admitted at the genesis height, with their members, delegations and grants", () => {
    const { mod, ctx } = initAt(DOC, 5n);
    const k = mod.keeper;
    const h = k.organization(ctx.store, "hospital");
    assert.equal(h?.status, "active");
    assert.equal(h?.admittedAt, 5n);
    assert.deepEqual(h?.admins, sortAddresses([addr(11), addr(12)]));
    assert.equal(validatorKeyToBase64(h?.validatorKey ?? new Uint8Array()), KEY);
    assert.equal(k.memberCount(ctx.store, "hospital"), 4);
    assert.equal(k.orgOf(ctx.store, addr(14)), "hospital");
    assert.ok(k.hasRole(ctx.store, addr(11), "health.provider"));
    assert.ok(k.hasRole(ctx.store, addr(13), "health.provider"));
    assert.ok(!k.hasRole(ctx.store, addr(14), "health.provider"));
    assert.deepEqual(k.delegations(ctx.store, "hospital"), [{ role: "health.provider", height: 5n }]);
    assert.equal(k.organization(ctx.store, "city-hall")?.did, undefined);
  });

  it("export round-trips, state byte for byte, also after status changes", () => {
    const first = initAt(DOC, 5n);
    const exported = first.exported();
    const second = initAt(exported, 99n); // the export carries its heights: the genesis height no longer matters
    assert.deepEqual(second.exported(), exported);
    assert.deepEqual(dump(second.store), dump(first.store));

    const k = first.mod.keeper;
    k.suspend(first.store, 7n, "city-hall");
    k.addMember(first.store, addr(11), "hospital", addr(15));
    k.remove(first.store, 8n, "hospital");
    const later = first.exported();
    const third = initAt(later, 1n);
    assert.deepEqual(third.exported(), later);
    assert.deepEqual(dump(third.store), dump(first.store));
    const hospital = (later as any).organizations.find((o: any) => o.id === "hospital");
    assert.deepEqual([hospital.status, hospital.members, hospital.grants], ["removed", [], []]);
    assert.equal((later as any).organizations.find((o: any) => o.id === "city-hall").status, "suspended");
  });

  it("buildOrgGenesis checks what it returns", () => {
    assert.equal(buildOrgGenesis(DOC), DOC);
    assert.throws(() => buildOrgGenesis({ organizations: [{ ...DOC.organizations![1]!, sector: "space" }] }));
  });

  it("refuses every malformed document with app.invalid_genesis naming the problem", () => {
    invalid([], "expected an object");
    invalid({ extra: 1 }, 'unknown field "extra"');
    invalid({ params: { sectors: [] } }, "at least one sector");
    invalid({ params: { sectors: ["Health"] } }, "org.invalid_sector");
    invalid({ params: { roles: ["health"] } }, "org.invalid_role");
    invalid({ params: { roles: ["ab.cd", "ab.cd"] } }, "listed twice");
    invalid({ params: { maxMembersPerOrg: 0 } }, "maxMembersPerOrg");
    invalid({ params: { maxMembersPerOrg: "x" } }, "maxMembersPerOrg");
    invalid({ params: { nope: 1 } }, 'unknown field "nope"');
    invalid({ organizations: {} }, "expected an array");
    invalid(withOrg({ typo: 1 }), 'unknown field "typo"');
    invalid(withOrg({ id: "Hospital" }), "org.invalid_id");
    invalid(withOrg({ id: "city-hall" }), "duplicate organization id");
    invalid(withOrg({ name: "" }), "org.invalid_name");
    invalid(withOrg({ sector: "finance" }), "not in params.sectors");
    invalid(withOrg({ admins: [] }), "org.no_admins");
    invalid(withOrg({ admins: [addr(11), addr(11)] }), "org.duplicate_admin");
    invalid(withOrg({ admins: ["urbis1nope"] }), "not an urbis address");
    invalid(withOrg({ members: [addr(11)] }), "already belongs to organization hospital");
    invalid(withOrg({ members: [addr(13), addr(1)] }), "organizations[1].admins[0]");
    invalid(withOrg({ members: Array.from({ length: 9 }, (_, i) => addr(30 + i)) }), "above params.maxMembersPerOrg");
    invalid(withOrg({ validatorKey: "AAAA" }), "Ed25519");
    invalid(withOrg({ validatorKey: "not base64!" }), "padded base64");
    invalid(withOrg({ did: "did:web:x" }), "org.invalid_did");
    invalid(withOrg({ delegations: ["space.pilot"] }), "not in params.roles");
    invalid(withOrg({ delegations: ["health.provider", "health.provider"] }), "delegated twice");
    invalid(withOrg({ grants: [{ member: addr(13), role: "vote.organizer" }] }), "not delegated to hospital");
    invalid(withOrg({ grants: [{ member: addr(1), role: "health.provider" }] }), "not an admin or member of hospital");
    invalid(
      withOrg({
        grants: [
          { member: addr(13), role: "health.provider" },
          { member: addr(13), role: "health.provider" },
        ],
      }),
      "granted health.provider twice",
    );
    invalid(withOrg({ grants: [{ member: addr(13), role: "health.provider", x: 1 }] }), 'unknown field "x"');
    invalid(withOrg({ status: "paused" }), "is not one of");
    invalid(withOrg({ admittedAt: "-1" }), "admittedAt");
    invalid(withOrg({ admittedAt: "5", statusChangedAt: "4" }), "must not be below admittedAt");
    invalid(withOrg({ status: "removed", grants: [] }), "a removed organization has no members");
    invalid(withOrg({ status: "removed", members: [], grants: [] }), "a removed organization has no delegations");
    invalid(withOrg({ status: "removed", members: [], delegations: [] }), "a removed organization has no grants");
    invalid(
      {
        ...DOC,
        organizations: [
          ...(DOC.organizations ?? []),
          { id: "clinic", name: "C", sector: "health", admins: [addr(40)], validatorKey: KEY },
        ],
      },
      "already declared validator key",
    );
  });

  it("a removed organization's admins are history: they may belong to another organization", () => {
    const doc = {
      organizations: [
        { id: "old", name: "Old", sector: "health", admins: [addr(1)], status: "removed", admittedAt: "1" },
        { id: "new", name: "New", sector: "health", admins: [addr(1)] },
      ],
    };
    const { mod, ctx } = initAt(doc, 3n);
    assert.equal(mod.keeper.orgOf(ctx.store, addr(1)), "new");
    assert.ok(!mod.keeper.isAdmin(ctx.store, "old", addr(1)));
  });
});
