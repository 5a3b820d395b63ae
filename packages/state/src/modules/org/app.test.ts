/**
 * The organization module through UrbisApp with real signed transactions:
 * the App asks the org authorizer about every `member` and `role` message, so
 * a role-gated message is refused with `org.missing_role` until governance
 * delegates the role and an admin grants it; suspension pauses it; governance
 * messages signed by an account are refused; refusals leave state alone.
 *
 * Two test-only modules live here: `testgov`, whose `testgov/exec` runs inner
 * messages as the governance authority (standing in for a passed proposal),
 * and `clinic`, with one role-gated and one member-only message.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addMemberMsg,
  addressOf,
  admitOrgMsg,
  decode,
  defineMessage,
  delegateRoleMsg,
  encode,
  encodeTx,
  fromUtf8,
  GOVERNANCE_ADDRESS,
  grantRoleMsg,
  hasPrefix,
  type Msg,
  msgCodec,
  prefixEnd,
  publicKeyOf,
  reinstateOrgMsg,
  removeOrgMsg,
  revokeDelegationMsg,
  signTx,
  struct,
  suspendOrgMsg,
  toHex,
  u64,
  utf8,
  vec,
} from "@urbis/protocol";
import { UrbisApp } from "../../app/app.js";
import { CheckTxType, type TxResult } from "../../app/types.js";
import { ANYONE, handler, MEMBER, type Module, type ModuleHost, requiresRole } from "../../framework/module.js";
import { TestCommitStore } from "../../testing/commit-store.js";
import { authModule } from "../auth/module.js";
import { bankModule } from "../bank/module.js";
import { orgModule } from "./module.js";

const noGenesis = { parse: () => undefined, init: () => {}, export: () => null };

/** `testgov/exec` {msgs}: runs `msgs` as the governance authority, as a passed proposal would. */
const execMsg = defineMessage("testgov/exec", struct({ msgs: vec(msgCodec, 16) }));
function testGovModule(): Module<undefined> {
  let host: ModuleHost | undefined;
  return {
    name: "testgov",
    bind(h) {
      host = h;
    },
    messages: [
      handler(
        execMsg,
        ANYONE,
        () => {},
        (ctx, m) => {
          assert.ok(host, "bound");
          host.dispatch(ctx, GOVERNANCE_ADDRESS, m.msgs, "test");
        },
      ),
    ],
    queries: [],
    genesis: noGenesis,
    invariants: [],
  };
}

/** `clinic/treat` needs health.provider; `clinic/note` needs membership. Each bumps a counter. */
const treatMsg = defineMessage("clinic/treat", struct({ patient: u64 }));
const noteMsg = defineMessage("clinic/note", struct({ n: u64 }));
const TREATED = utf8("clinic/treated");
const NOTED = utf8("clinic/noted");
function clinicModule(): Module<undefined> {
  const bump = (
    store: { get(k: Uint8Array): Uint8Array | undefined; set(k: Uint8Array, v: Uint8Array): void },
    k: Uint8Array,
  ) => {
    const raw = store.get(k);
    store.set(k, encode(u64, (raw ? decode(u64, raw) : 0n) + 1n));
  };
  return {
    name: "clinic",
    messages: [
      handler(
        treatMsg,
        requiresRole("health.provider"),
        () => {},
        (ctx) => bump(ctx.store, TREATED),
      ),
      handler(
        noteMsg,
        MEMBER,
        () => {},
        (ctx) => bump(ctx.store, NOTED),
      ),
    ],
    queries: [],
    genesis: noGenesis,
    invariants: [],
  };
}

const CHAIN = "urbis-org-test";
const GENESIS_MS = 1_700_000_000_000n;

interface Key {
  sk: Uint8Array;
  pk: Uint8Array;
  addr: string;
}
function account(n: number): Key {
  const sk = new Uint8Array(32).fill(n);
  const pk = publicKeyOf(sk);
  return { sk, pk, addr: addressOf(pk) };
}
const admin = account(1);
const doctor = account(2);
const outsider = account(3);
const clerk = account(4);

async function newChain() {
  const store = new TestCommitStore();
  const app = new UrbisApp({
    store,
    modules: [authModule(), bankModule(), orgModule(), testGovModule(), clinicModule()],
    invariantPeriod: 1,
  });
  app.initChain({
    chainId: CHAIN,
    timeMs: GENESIS_MS,
    initialHeight: 1n,
    appState: {
      org: {
        organizations: [
          { id: "hospital", name: "Hospital", sector: "health", admins: [admin.addr], members: [doctor.addr] },
          { id: "city-hall", name: "City Hall", sector: "government", admins: [clerk.addr] },
        ],
      },
    },
  });
  let height = 0n;
  const sequences = new Map<string, bigint>();
  const tx = (k: Key, messages: Msg[]): Uint8Array => {
    const sequence = sequences.get(k.addr) ?? 0n;
    sequences.set(k.addr, sequence + 1n); // a delivered transaction uses its sequence even when it fails
    return encodeTx(
      signTx(
        { chainId: CHAIN, signer: k.addr, publicKey: k.pk, sequence, messages, memo: "", expiresAtHeight: undefined },
        k.sk,
      ),
    );
  };
  /** One block of one transaction: its result. */
  const send = async (k: Key, messages: Msg[]): Promise<TxResult> => {
    height += 1n;
    const res = app.finalizeBlock({ txs: [tx(k, messages)], height, timeMs: GENESIS_MS + height * 1000n });
    await app.commit();
    return res.txResults[0] as TxResult;
  };
  const gov = (messages: Msg[]) => send(outsider, [execMsg.wrap({ msgs: messages })]);
  const query = (path: string, params: Record<string, string> = {}): any => {
    const r = app.query({ path, data: utf8(JSON.stringify(params)), height: 0n, prove: false });
    assert.equal(r.code, 0, r.log);
    return JSON.parse(fromUtf8(r.value));
  };
  /** Committed org and clinic state, as hex. */
  const state = (): string[] => {
    const out: string[] = [];
    for (const p of [utf8("org/"), utf8("clinic/")]) {
      for (const [k, v] of store.latest().iterate(p, prefixEnd(p))) {
        if (hasPrefix(k, p)) out.push(`${toHex(k)}=${toHex(v)}`);
      }
    }
    return out;
  };
  const counter = (k: Uint8Array) => {
    const raw = store.latest().get(k);
    return raw ? decode(u64, raw) : 0n;
  };
  // Genesis state is committed with block 1: commit it first so "state before" comparisons see it.
  height += 1n;
  app.finalizeBlock({ txs: [], height, timeMs: GENESIS_MS + height * 1000n });
  await app.commit();
  return { app, send, gov, tx, query, state, counter };
}

const codeOf = (r: TxResult) => [r.codespace, r.code, r.log] as const;
/** Asserts a refusal with (codespace, code) that left org and clinic state unchanged. */
async function refused(
  c: Awaited<ReturnType<typeof newChain>>,
  run: () => Promise<TxResult>,
  codespace: string,
  code: number,
): Promise<TxResult> {
  const before = c.state();
  const r = await run();
  assert.deepEqual([r.codespace, r.code], [codespace, code], r.log);
  assert.deepEqual(c.state(), before, `${codespace}/${code} left state unchanged`);
  return r;
}
const ok = (r: TxResult) => assert.deepEqual(codeOf(r).slice(0, 2), ["", 0], r.log);

const treat = treatMsg.wrap({ patient: 1n });
const note = noteMsg.wrap({ n: 1n });

describe("org module in UrbisApp", () => {
  it("a role-gated message is refused with org.missing_role until delegated and granted, then accepted", async () => {
    const c = await newChain();
    const refusal = await refused(c, () => c.send(doctor, [treat]), "org", 24);
    assert.match(refusal.log, /health\.provider/);
    // A grant beyond the delegation is refused.
    await refused(
      c,
      () => c.send(admin, [grantRoleMsg.wrap({ id: "hospital", member: doctor.addr, role: "health.provider" })]),
      "org",
      25,
    );
    ok(await c.gov([delegateRoleMsg.wrap({ id: "hospital", role: "health.provider" })]));
    // Delegated but not yet granted: still refused.
    await refused(c, () => c.send(doctor, [treat]), "org", 24);
    ok(await c.send(admin, [grantRoleMsg.wrap({ id: "hospital", member: doctor.addr, role: "health.provider" })]));
    ok(await c.send(doctor, [treat]));
    assert.equal(c.counter(TREATED), 1n);
    assert.deepEqual(c.query("/org/member", { address: doctor.addr }).roles, ["health.provider"]);

    // Suspension pauses the role and membership; reinstatement restores them.
    ok(await c.gov([suspendOrgMsg.wrap({ id: "hospital", reason: "inspection" })]));
    await refused(c, () => c.send(doctor, [treat]), "org", 24);
    await refused(c, () => c.send(doctor, [note]), "org", 23);
    ok(await c.gov([reinstateOrgMsg.wrap({ id: "hospital", reason: "inspection passed" })]));
    ok(await c.send(doctor, [treat, note]));
    assert.equal(c.counter(TREATED), 2n);

    // Revoking the delegation takes the grant with it.
    ok(await c.gov([revokeDelegationMsg.wrap({ id: "hospital", role: "health.provider" })]));
    await refused(c, () => c.send(doctor, [treat]), "org", 24);
    assert.deepEqual(c.query("/org/roles", { address: doctor.addr }), {
      address: doctor.addr,
      roles: [],
      grants: [],
    });
  });

  it("member-only messages pass members of active organizations and refuse outsiders with org.not_member", async () => {
    const c = await newChain();
    ok(await c.send(clerk, [note]));
    await refused(c, () => c.send(outsider, [note]), "org", 22);
    ok(await c.send(admin, [addMemberMsg.wrap({ id: "hospital", member: outsider.addr })]));
    ok(await c.send(outsider, [note]));
    ok(await c.gov([removeOrgMsg.wrap({ id: "hospital", reason: "closed" })]));
    await refused(c, () => c.send(outsider, [note]), "org", 22);
    assert.equal(c.counter(NOTED), 2n);
  });

  it("after genesis nobody is a superuser: governance messages signed by any account are refused", async () => {
    const c = await newChain();
    const admit = admitOrgMsg.wrap({
      id: "pharmacy",
      name: "Pharmacy",
      sector: "pharma",
      admins: [outsider.addr],
      validatorKey: undefined,
      did: undefined,
    });
    for (const k of [admin, clerk, outsider]) {
      await refused(c, () => c.send(k, [admit]), "app", 7);
      await refused(c, () => c.send(k, [delegateRoleMsg.wrap({ id: "hospital", role: "health.provider" })]), "app", 7);
      await refused(c, () => c.send(k, [treat]), "org", 24);
    }
    // An admin of one organization has no say in another.
    await refused(c, () => c.send(clerk, [addMemberMsg.wrap({ id: "hospital", member: outsider.addr })]), "org", 21);
    // Governance itself may admit; the check runs before the message is even decoded.
    ok(await c.gov([admit]));
    assert.equal(c.query("/org/organization", { id: "pharmacy" }).status, "active");
    assert.equal(c.query("/org/organizations").organizations.length, 3);
  });

  it("a failed governance batch is all or nothing", async () => {
    const c = await newChain();
    await refused(
      c,
      () =>
        c.gov([
          delegateRoleMsg.wrap({ id: "hospital", role: "health.provider" }),
          delegateRoleMsg.wrap({ id: "hospital", role: "space.pilot" }),
        ]),
      "org",
      6,
    );
    assert.deepEqual(c.query("/org/delegations", { id: "hospital" }).delegations, []);
  });

  it("CheckTx applies the same permission checks", async () => {
    const c = await newChain();
    const r = c.app.checkTx({ tx: c.tx(doctor, [treat]), type: CheckTxType.New });
    assert.deepEqual([r.codespace, r.code], ["org", 24]);
    const r2 = c.app.checkTx({ tx: c.tx(outsider, [note]), type: CheckTxType.New });
    assert.deepEqual([r2.codespace, r2.code], ["org", 22]);
  });

  it("lists every org message with its declared permission", async () => {
    const c = await newChain();
    const perms = Object.fromEntries(
      c.app
        .messagePermissions()
        .filter((p) => p.type.startsWith("org/") || p.type.startsWith("clinic/"))
        .map((p) => [p.type, p.permission.kind === "role" ? `role:${p.permission.role}` : p.permission.kind]),
    );
    assert.equal(perms["org/admit"], "governance");
    assert.equal(perms["org/grant_role"], "anyone");
    assert.equal(perms["clinic/treat"], "role:health.provider");
    assert.equal(perms["clinic/note"], "member");
  });
});
