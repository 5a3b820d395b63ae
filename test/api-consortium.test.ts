/**
 * The consortium's typed routes end to end: a real solo node started
 * in-process with the demo genesis (eight founding organizations, short
 * governance periods) behind the real API server, read through the SDK's
 * convenience methods and raw HTTP. Every typed answer must equal the generic
 * `GET /v1/query/{module}/{name}` answer (serialization drops nothing) and
 * match its route's schema exactly (no field the schema does not name); unknown
 * objects answer 404 with their registered code; `/v1/describe` says who may
 * send each message type.
 */

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ApiErrors,
  addMemberMsg,
  apiRoutes,
  type ErrorBody,
  type ErrorDef,
  GovErrors,
  type GovParamsJson,
  type MemberPageJson,
  type MembershipJson,
  type Msg,
  type OrganizationDetailJson,
  type OrganizationJson,
  type OrganizationSummaryJson,
  OrgErrors,
  type ProposalJson,
  type ProposalTallyJson,
  type ProposalVotesJson,
  type RegulationJson,
  type RouteDef,
  type RouteId,
  type RouteOutput,
  regulationMsg,
  type SubmitResultJson,
  sha256,
  submitProposalMsg,
  type TallyJson,
  type UpgradePlanAnswerJson,
  type UpgradePlanJson,
  utf8,
  type VoteJson,
  voteMsg,
} from "@urbis/protocol";
import { buildTx, UrbisApiError, type UrbisClient } from "@urbis/sdk";
import { AppErrors } from "@urbis/state";
import { Ajv } from "ajv";
import { DEMO_ORGANIZATIONS, demoGenesisSpec, demoKey } from "../packages/cli/src/demo.js";
import { buildGenesis } from "../packages/cli/src/genesis.js";
import { type ApiNode, startApiNode, stopApiNode } from "./helpers/api-node.js";

const CHAIN_ID = "urbis-consortium-test";
/** Long enough for the reads "during voting" on a slow machine, short enough to wait for the outcome. */
const VOTING_PERIOD_MS = 8000n;
const TOPIC = "parking.zones";

/** True when A and B are assignable both ways (the wire schemas' static types are the protocol's JSON types). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typesAgree: [
  Same<OrganizationSummaryJson, OrganizationJson & { memberCount: number }>,
  Same<OrganizationDetailJson, OrganizationJson & { memberCount: number; delegations: string[] }>,
  Same<RouteOutput<(typeof apiRoutes)["getProposal"]>, ProposalJson>,
  Same<ProposalTallyJson["tally"], TallyJson>,
  Same<ProposalVotesJson["votes"][number], VoteJson>,
  Same<RouteOutput<(typeof apiRoutes)["getGovParams"]>, GovParamsJson>,
  Same<RouteOutput<(typeof apiRoutes)["getRegulation"]>, RegulationJson>,
  Same<UpgradePlanAnswerJson["plan"], UpgradePlanJson | null>,
] = [true, true, true, true, true, true, true, true];

/** A copy of a JSON schema in which every object schema refuses properties it does not name. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== "object" || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === "properties" ? mapValues(v, closed) : closed(v);
  if (out.type === "object" && out.properties !== undefined && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}
function mapValues(o: unknown, f: (v: unknown) => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o as Record<string, unknown>).map(([k, v]) => [k, f(v)]));
}

const ajv = new Ajv({ strict: false, allErrors: true });

/** Asserts that `answer` matches the route's response schema exactly: right types, nothing missing, nothing extra. */
function assertExact(route: RouteDef, answer: unknown): void {
  assert.equal(route.response.kind, "json");
  const schema = (route.response as { schema: unknown }).schema;
  const validate = ajv.compile(closed(JSON.parse(JSON.stringify(schema))) as object);
  assert.ok(validate(answer), `${route.id}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(answer)}`);
}

describe("consortium routes against a solo node with the demo genesis", { timeout: 120_000 }, () => {
  let fixture: ApiNode | undefined;
  let url = "";
  let client: UrbisClient;
  let proposalId = "";
  const cityHall = demoKey("city-hall");
  const hospital = demoKey("hospital");
  const alice = demoKey("alice");
  const admins = DEMO_ORGANIZATIONS.map((o) => ({ org: o.id, key: demoKey(o.admin) }));

  /** A raw GET: status and parsed body. */
  async function get(path: string): Promise<{ status: number; body: any }> {
    const res = await fetch(`${url}${path}`);
    return { status: res.status, body: await res.json() };
  }

  /** Asserts an error answer: status and registered (codespace, code, name). */
  function assertError(r: { status: number; body: any }, def: ErrorDef): ErrorBody {
    const e = (r.body as ErrorBody).error;
    assert.equal(r.status, def.httpStatus, JSON.stringify(r.body));
    assert.ok(e, `no error body: ${JSON.stringify(r.body)}`);
    assert.deepEqual([e.codespace, e.code, e.name], [def.codespace, def.code, def.name], e.message);
    return r.body as ErrorBody;
  }

  /** Asserts that an SDK call rejects with the registered kind `def`. */
  async function rejectsWith(p: Promise<unknown>, def: ErrorDef): Promise<UrbisApiError> {
    let caught: unknown;
    await assert.rejects(p, (e: unknown) => {
      caught = e;
      return e instanceof UrbisApiError && def.is(e) && e.status === def.httpStatus;
    });
    return caught as UrbisApiError;
  }

  /**
   * Asserts that the typed answer of `route` is exactly the module's answer
   * (through the generic query route, at the same state height) and exactly its schema.
   */
  async function sameAsQuery<K extends RouteId>(
    route: K,
    answer: RouteOutput<(typeof apiRoutes)[K]>,
    module: string,
    name: string,
    params: Record<string, string>,
    height: string,
  ): Promise<void> {
    const generic = await client.query(module, name, params, { height });
    assert.deepEqual(answer, generic.value, `${route} answers the ${module}/${name} JSON unchanged`);
    assertExact(apiRoutes[route], answer);
  }

  /** The latest committed height, so a typed read and its generic twin read the same state. */
  const latest = async () => (await client.status()).latestHeight;

  /** Signs `msgs` with `key` and waits for the commit. */
  async function send(key: ReturnType<typeof demoKey>, msgs: Msg[]): Promise<SubmitResultJson> {
    const { sequence } = await client.account(key.address);
    const tx = buildTx(key, { chainId: CHAIN_ID, sequence: BigInt(sequence), messages: msgs });
    const r = await client.submitTx(tx.bytes, { wait: "commit" });
    assert.equal(r.code, 0, `${r.codespace}/${r.code}: ${r.log}`);
    return r;
  }

  before(async () => {
    const genesis = buildGenesis(
      demoGenesisSpec(CHAIN_ID, { votingPeriodMs: VOTING_PERIOD_MS, depositPeriodMs: VOTING_PERIOD_MS }),
    );
    fixture = await startApiNode(genesis, { blockIntervalMs: 20, prefix: "urbis-consortium-" });
    ({ url, client } = fixture);
  });

  after(async () => {
    await stopApiNode(fixture);
  });

  test("the wire schemas' types are the protocol's JSON types", () => {
    assert.ok(typesAgree.every((x) => x));
  });

  test("describe says who may send each message type", async () => {
    const d = await client.describe();
    assert.deepEqual(
      d.permissions.map((p) => p.type),
      d.messages,
      "one permission per message type, in the same (sorted) order",
    );
    const perm = Object.fromEntries(d.permissions.map((p) => [p.type, p.permission]));
    assert.equal(perm["gov/vote"], "member");
    assert.equal(perm["gov/submit_proposal"], "member");
    assert.equal(perm["gov/deposit"], "anyone");
    assert.equal(perm["org/admit"], "governance");
    assert.equal(perm["upgrade/schedule"], "governance");
    assert.equal(perm["bank/send"], "anyone");
    assert.equal(perm["validator/add"], undefined, "a solo chain runs no validator module");
    for (const p of d.permissions) assert.match(p.permission, /^(anyone|member|governance|role:.+)$/);
    assertExact(apiRoutes.describe, d);
  });

  test("organizations: list, filter by status, one by id", async () => {
    const h = await latest();
    const list = await client.organizations({ height: h });
    assert.deepEqual(
      list.organizations.map((o) => o.id),
      DEMO_ORGANIZATIONS.map((o) => o.id).sort(),
    );
    for (const o of list.organizations) {
      assert.equal(o.status, "active");
      assert.equal(o.memberCount, 1, `${o.id}: its admin`);
    }
    await sameAsQuery("listOrganizations", list, "org", "organizations", {}, h);

    const active = await client.organizations({ status: "active", height: h });
    assert.equal(active.organizations.length, DEMO_ORGANIZATIONS.length);
    assert.deepEqual((await client.organizations({ status: "suspended" })).organizations, []);

    const hosp = await client.organization("general-hospital", { height: h });
    assert.equal(hosp.name, "General Hospital");
    assert.equal(hosp.sector, "health");
    assert.deepEqual(hosp.admins, [hospital.address]);
    assert.deepEqual([...hosp.delegations].sort(), ["health.emergency", "health.provider"]);
    assert.equal(hosp.admittedAt, "1");
    await sameAsQuery("getOrganization", hosp, "org", "organization", { id: "general-hospital" }, h);
  });

  test("members, one page at a time, and an account's membership with its roles", async () => {
    const h = await latest();
    const page = await client.members("city-hall", { height: h });
    assert.deepEqual(page, { id: "city-hall", members: [{ address: cityHall.address, admin: true }] });
    await sameAsQuery("listMembers", page, "org", "members", { id: "city-hall" }, h);
    const afterLast = await client.members("city-hall", { after: cityHall.address, limit: 1 });
    assert.deepEqual(afterLast.members, []);

    const m = await client.membership(hospital.address, { height: h });
    assert.equal(m.org, "general-hospital");
    assert.equal(m.admin, true);
    assert.equal(m.status, "active");
    assert.deepEqual([...m.roles].sort(), ["health.emergency", "health.provider"]);
    await sameAsQuery("getMembership", m, "org", "member", { address: hospital.address }, h);

    const none: MembershipJson = await client.membership(alice.address, { height: h });
    assert.deepEqual(none, { address: alice.address, org: null, admin: false, status: null, roles: [] });
    await sameAsQuery("getMembership", none, "org", "member", { address: alice.address }, h);
  });

  test("organization refusals carry their registered code", async () => {
    const unknown = assertError(await get("/v1/orgs/no-such-org"), OrgErrors.unknownOrganization);
    assert.equal(unknown.error.details?.id, "no-such-org");
    assertError(await get("/v1/orgs/no-such-org/members"), OrgErrors.unknownOrganization);
    await rejectsWith(client.organization("no-such-org"), OrgErrors.unknownOrganization);
    await rejectsWith(client.members("no-such-org"), OrgErrors.unknownOrganization);
    // Malformed by the schema: 400 before any query runs.
    assertError(await get("/v1/orgs/Not_An_Id"), ApiErrors.invalidRequest);
    assertError(await get("/v1/orgs?status=dissolved"), ApiErrors.invalidRequest);
    assertError(await get("/v1/orgs?unknown=1"), ApiErrors.invalidRequest);
    assertError(await get("/v1/orgs/city-hall/members?limit=0"), ApiErrors.invalidRequest);
    // Well-formed for the schema, refused by the module.
    assertError(await get("/v1/orgs/city-hall/members?limit=20000"), AppErrors.invalidQuery);
    const badChecksum = `${alice.address.slice(0, -1)}${alice.address.endsWith("q") ? "p" : "q"}`;
    assertError(await get(`/v1/orgs/city-hall/members?after=${badChecksum}`), AppErrors.invalidQuery);
    assertError(await get(`/v1/accounts/${badChecksum}/membership`), ApiErrors.invalidRequest);
    assertError(await get("/v1/accounts/nobody/membership"), ApiErrors.invalidRequest);
  });

  test("reads at a state height; a height not stored answers app.height_unavailable", async () => {
    const first = await client.organization("city-hall", { height: 1 });
    assert.equal(first.id, "city-hall");
    await rejectsWith(client.organization("city-hall", { height: 10n ** 12n }), AppErrors.heightUnavailable);
    await rejectsWith(client.govParams({ height: 10n ** 12n }), AppErrors.heightUnavailable);
    assertError(await get("/v1/gov/params?height=0"), ApiErrors.invalidRequest);
  });

  test("governance parameters and the upgrade plan", async () => {
    const h = await latest();
    const params = await client.govParams({ height: h });
    assert.equal(params.votingPeriodMs, VOTING_PERIOD_MS.toString());
    assert.equal(params.depositDenom, "ucity");
    await sameAsQuery("getGovParams", params, "gov", "params", {}, h);
    const plan = await client.upgradePlan({ height: h });
    assert.deepEqual(plan, { plan: null });
    await sameAsQuery("getUpgradePlan", plan, "upgrade", "plan", {}, h);
    assert.deepEqual(await client.proposals(), { proposals: [] });
    assert.deepEqual(await client.regulations(), { regulations: [] });
  });

  test("a proposal submitted through the SDK, read while the organizations vote", async () => {
    const params = await client.govParams();
    const r = await send(cityHall, [
      submitProposalMsg.wrap({
        title: "Parking zones v1",
        summary: "Residents-only parking in the old town.",
        messages: [
          regulationMsg.wrap({
            topic: TOPIC,
            title: "Parking zones",
            documentHash: sha256(utf8("parking zones, version 1")),
            uri: "https://city.example/rules/parking-v1",
            effectiveHeight: 0n,
          }),
        ],
        initialDeposit: BigInt(params.minDeposit),
      }),
    ]);
    proposalId = r.events?.find((e) => e.type === "gov.proposal_submitted")?.attributes.find((a) => a.key === "id")
      ?.value as string;
    assert.ok(proposalId, "gov.proposal_submitted names the id");

    let h = await latest();
    const p = await client.proposal(proposalId, { height: h });
    assert.equal(p.id, proposalId);
    assert.equal(p.status, "voting_period", "the full deposit opens voting at once");
    assert.equal(p.proposer, cityHall.address);
    assert.equal(p.proposerOrg, "city-hall");
    assert.equal(p.totalDeposit, params.minDeposit);
    assert.deepEqual(
      p.messages.map((m) => m.type),
      ["gov/regulation"],
    );
    assert.equal(p.finalTally, null);
    assert.equal(p.failure, null);
    assert.equal(p.executedHeight, null);
    assert.match(p.votingEndMs ?? "", /^\d+$/);
    await sameAsQuery("getProposal", p, "gov", "proposal", { id: proposalId }, h);

    const voting = await client.proposals({ status: "voting_period", height: h });
    assert.deepEqual(
      voting.proposals.map((x) => x.id),
      [proposalId],
    );
    await sameAsQuery("listProposals", voting, "gov", "proposals", { status: "voting_period" }, h);
    assert.deepEqual((await client.proposals({ status: "executed", height: h })).proposals, []);

    const before = await client.tally(proposalId, { height: h });
    assert.equal(before.final, false);
    assert.equal(before.status, "voting_period");
    assert.equal(before.tally.voted, "0");
    assert.equal(before.tally.passed, false);
    assert.equal(before.tally.sectors.length, DEMO_ORGANIZATIONS.length, "one sector per founding organization");
    await sameAsQuery("getTally", before, "gov", "tally", { id: proposalId }, h);
    assert.deepEqual(await client.votes(proposalId, { height: h }), { id: proposalId, votes: [] });

    // Every founding organization's admin votes yes, each in its own transaction.
    await Promise.all(
      admins.map((a) => send(a.key, [voteMsg.wrap({ proposalId: BigInt(proposalId), option: "yes" })])),
    );

    h = await latest();
    const votes = await client.votes(proposalId, { height: h });
    assert.deepEqual(
      votes.votes.map((v) => [v.org, v.voter, v.option]),
      admins.map((a) => [a.org, a.key.address, "yes"]).sort((x, y) => (x[0]! < y[0]! ? -1 : 1)),
      "one vote per organization, by organization id",
    );
    await sameAsQuery("listVotes", votes, "gov", "votes", { id: proposalId }, h);

    const live = await client.tally(proposalId, { height: h });
    assert.equal(live.status, "voting_period", `the voting period (${VOTING_PERIOD_MS} ms) is still running`);
    assert.equal(live.final, false);
    assert.equal(live.tally.voted, live.tally.total);
    assert.equal(live.tally.yes, live.tally.total);
    assert.equal(live.tally.quorumReached, true);
    assert.equal(live.tally.passed, true);
    assert.equal(live.tally.approvingSectors.length, DEMO_ORGANIZATIONS.length);
    await sameAsQuery("getTally", live, "gov", "tally", { id: proposalId }, h);
  });

  test("after voting: the final tally, and the regulation in force by height", async () => {
    assert.ok(proposalId, "needs the proposal of the previous test");
    const deadline = Date.now() + Number(VOTING_PERIOD_MS) + 30_000;
    let p = await client.proposal(proposalId);
    while (p.status === "voting_period" || p.status === "passed") {
      assert.ok(Date.now() < deadline, `proposal still ${p.status}`);
      await new Promise((r) => setTimeout(r, 100));
      p = await client.proposal(proposalId);
    }
    assert.equal(p.status, "executed", JSON.stringify(p.failure));
    assert.ok(p.finalTally?.passed);
    assert.match(p.executedHeight ?? "", /^\d+$/);

    const h = await latest();
    const final = await client.tally(proposalId, { height: h });
    assert.equal(final.final, true);
    assert.deepEqual(final.tally, p.finalTally);
    await sameAsQuery("getTally", final, "gov", "tally", { id: proposalId }, h);
    await sameAsQuery(
      "getProposal",
      await client.proposal(proposalId, { height: h }),
      "gov",
      "proposal",
      { id: proposalId },
      h,
    );

    const reg = await client.regulation(TOPIC, { height: h });
    assert.equal(reg.topic, TOPIC);
    assert.equal(reg.proposalId, proposalId);
    assert.equal(reg.documentHash.length, 64);
    assert.equal(reg.effectiveHeight, reg.recordedHeight, "effective at once: it asked for height 0");
    await sameAsQuery("getRegulation", reg, "gov", "regulation", { topic: TOPIC }, h);
    const recorded = BigInt(reg.recordedHeight);
    assert.deepEqual(await client.regulation(TOPIC, { at: recorded, height: h }), reg);

    // Before it was recorded, no version was in force: 404 with the registered code and what was asked.
    const none = await rejectsWith(client.regulation(TOPIC, { at: recorded - 1n }), GovErrors.noRegulation);
    assert.equal(none.details?.topic, TOPIC);
    assert.equal(none.details?.at, (recorded - 1n).toString());
    const unknownTopic = assertError(await get("/v1/gov/regulations/noise.limits"), GovErrors.noRegulation);
    assert.equal(unknownTopic.error.details?.topic, "noise.limits");
    assertError(await get(`/v1/gov/regulations/${TOPIC}?at=18446744073709551616`), ApiErrors.invalidRequest);
    assertError(await get("/v1/gov/regulations/Bad%20Topic"), ApiErrors.invalidRequest);

    const all = await client.regulations({ height: h });
    assert.deepEqual(all.regulations, [reg]);
    await sameAsQuery("listRegulations", all, "gov", "regulations", {}, h);
    assert.deepEqual(await client.regulations({ topic: TOPIC, height: h }), all);
    assert.deepEqual(await client.regulations({ topic: "noise.limits", height: h }), { regulations: [] });
  });

  test("an unknown proposal answers 404 gov.unknown_proposal on every proposal route", async () => {
    for (const path of ["/v1/gov/proposals/999", "/v1/gov/proposals/999/votes", "/v1/gov/proposals/999/tally"]) {
      const e = assertError(await get(path), GovErrors.unknownProposal);
      assert.equal(e.error.details?.id, "999", path);
    }
    await rejectsWith(client.proposal(999n), GovErrors.unknownProposal);
    await rejectsWith(client.votes(999), GovErrors.unknownProposal);
    await rejectsWith(client.tally("999"), GovErrors.unknownProposal);
    // Not a u64: refused before any query runs.
    assertError(await get("/v1/gov/proposals/18446744073709551616"), ApiErrors.invalidRequest);
    assertError(await get("/v1/gov/proposals/-1"), ApiErrors.invalidRequest);
    assertError(await get("/v1/gov/proposals/01"), ApiErrors.invalidRequest);
    assertError(await get("/v1/gov/proposals?status=approved"), ApiErrors.invalidRequest);
  });

  test("members page by page after an admin adds accounts; a member's membership", async () => {
    const bob = demoKey("bob");
    await send(hospital, [
      addMemberMsg.wrap({ id: "general-hospital", member: alice.address }),
      addMemberMsg.wrap({ id: "general-hospital", member: bob.address }),
    ]);
    const h = await latest();
    const all = await client.members("general-hospital", { height: h });
    assert.equal(all.members.length, 3);
    assert.equal(all.next, undefined);
    const expected = all.members.map((m) => m.address);
    assert.deepEqual(
      all.members.filter((m) => m.admin).map((m) => m.address),
      [hospital.address],
    );

    // Pages of one, following `next`, give the same accounts in the same order.
    const seen: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page: MemberPageJson = await client.members("general-hospital", {
        limit: 1,
        height: h,
        ...(after === undefined ? {} : { after }),
      });
      assertExact(apiRoutes.listMembers, page);
      seen.push(...page.members.map((m) => m.address));
      if (page.next === undefined) break;
      await sameAsQuery(
        "listMembers",
        page,
        "org",
        "members",
        { id: "general-hospital", limit: "1", ...(after === undefined ? {} : { after }) },
        h,
      );
      after = page.next;
    }
    assert.deepEqual(seen, expected);

    const m = await client.membership(alice.address, { height: h });
    assert.deepEqual(m, { address: alice.address, org: "general-hospital", admin: false, status: "active", roles: [] });
    assert.equal((await client.organization("general-hospital", { height: h })).memberCount, 3);
  });
});
