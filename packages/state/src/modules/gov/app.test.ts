/**
 * Governance through the real UrbisApp (auth, bank, org, validator, gov,
 * upgrade) with signed transactions and timed blocks: proposals of every
 * kind from submission to execution, every outcome, the timelock, the sector
 * rule, and every bad input refused with its own code and no state change.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addValidatorMsg,
  admitOrgMsg,
  depositMsg,
  GOVERNANCE_ADDRESS,
  type Msg,
  regulationMsg,
  removeValidatorMsg,
  setValidatorPowerMsg,
  sha256,
  submitProposalMsg,
  TREASURY_ADDRESS,
  toHex,
  treasurySpendMsg,
  updateGovParamsMsg,
  utf8,
  type VoteOption,
  validatorKeyToBase64,
  voteMsg,
} from "@urbis/protocol";
import type { Event } from "../../framework/events.js";
import {
  AppChain,
  attrs,
  BALANCE,
  DENOM,
  HOUR,
  K,
  type Key,
  PARAMS,
  PASSING,
  TREASURY_BALANCE,
  VOTER,
  vkey,
} from "./test-support.js";

const submit = (messages: Msg[], initialDeposit = PARAMS.minDeposit, title = "Proposal") =>
  submitProposalMsg.wrap({ title, summary: "", messages, initialDeposit });
const vote = (proposalId: bigint, option: VoteOption) => voteMsg.wrap({ proposalId, option });
const regulation = (topic: string, text: string, effectiveHeight = 0n) =>
  regulationMsg.wrap({
    topic,
    title: `Rules on ${topic}`,
    documentHash: sha256(utf8(text)),
    uri: `https://city.example/rules/${topic}`,
    effectiveHeight,
  });
const admit = (id: string, admin: Key, sector = "transport") =>
  admitOrgMsg.wrap({
    id,
    name: "Harbour Authority",
    sector,
    admins: [admin.addr],
    validatorKey: undefined,
    did: undefined,
  });

const typesOf = (events: Event[]) => events.map((e) => e.type);
const codes = (res: { txResults: { codespace: string; code: number }[] }) =>
  res.txResults.map((r) => [r.codespace, r.code]);

/** One block with every organization in `votes` voting on `id` through its admin. */
async function voteAll(c: AppChain, id: bigint, votes: Record<string, VoteOption>) {
  const res = await c.block(Object.entries(votes).map(([org, option]) => c.tx(VOTER[org]!, vote(id, option))));
  assert.deepEqual(
    codes(res),
    Object.keys(votes).map(() => ["", 0]),
  );
}

/** Moves to the first block at or after the end of voting of `id`; returns it. */
async function closeVoting(c: AppChain, id: bigint) {
  const end = BigInt(c.query("gov/proposal", { id: String(id) }).votingEndMs);
  return c.block([], end - c.timeMs);
}

describe("gov in UrbisApp: proposals from submission to execution", () => {
  it("admits an organization: deposit from anyone, votes of admins, execution as the governance authority", async () => {
    const c = new AppChain();
    // The newcomer is no member yet: it may not submit.
    const refused = await c.block([c.tx(K.newcomer, submit([regulation("x-topic", "x")]))]);
    assert.deepEqual(codes(refused), [["org", 22]]); // org.not_member

    const sub = await c.ok(K.hall, submit([admit("harbour", K.newcomer)], 400n, "Admit the harbour"));
    assert.deepEqual(typesOf(sub.events), ["gov.proposal_submitted", "gov.deposit"]);
    assert.equal(c.status(1n), "deposit_period");
    const dep = await c.ok(K.outsider, depositMsg.wrap({ proposalId: 1n, amount: 600n }));
    assert.deepEqual(typesOf(dep.events), ["gov.deposit", "gov.voting_started"]);
    assert.equal(c.balance(GOVERNANCE_ADDRESS), 1000n);

    await voteAll(c, 1n, PASSING);
    const live = c.query("gov/tally", { id: "1" });
    assert.deepEqual([live.final, live.tally.yes, live.tally.passed], [false, "8", true]);

    const end = await closeVoting(c, 1n);
    assert.deepEqual(typesOf(end.events), [
      "gov.proposal_passed",
      "gov.deposit_refunded",
      "gov.deposit_refunded",
      "org.admitted",
      "gov.proposal_executed",
    ]);
    assert.equal(c.status(1n), "executed");
    assert.equal(c.query("org/organization", { id: "harbour" }).status, "active");
    assert.equal(c.balance(K.hall.addr), BALANCE);
    assert.equal(c.balance(K.outsider.addr), BALANCE);
    assert.equal(c.balance(GOVERNANCE_ADDRESS), 0n);
    const final = c.query("gov/tally", { id: "1" });
    assert.equal(final.final, true);

    // The newcomer is now a member and an admin: it submits and votes for its organization.
    await c.ok(K.newcomer, submit([regulation("x-topic", "x")]));
    const v = await c.ok(K.newcomer, vote(2n, "no"));
    assert.deepEqual(attrs(v.events[0]!), {
      id: "2",
      org: "harbour",
      sector: "transport",
      voter: K.newcomer.addr,
      option: "no",
    });
  });

  it("records regulation versions and answers which text was in force at each height", async () => {
    const c = new AppChain();
    await c.ok(K.hall, submit([regulation("parking", "parking v1")]));
    await voteAll(c, 1n, PASSING);
    const first = await closeVoting(c, 1n);
    const h1 = c.height;
    assert.ok(typesOf(first.events).includes("gov.regulation_recorded"));
    // Version 2, effective 10 blocks after it is enacted.
    await c.ok(K.hospital, submit([regulation("parking", "parking v2", h1 + 20n)]));
    await voteAll(c, 2n, PASSING);
    await closeVoting(c, 2n);
    const at = (height: bigint) => c.ask("gov/regulation", { topic: "parking", at: String(height) });
    assert.deepEqual(at(h1 - 1n).code, ["gov", 12]); // no_regulation: nothing in force yet
    assert.equal(at(h1).value.documentHash, toHex(sha256(utf8("parking v1"))));
    assert.equal(at(h1 + 19n).value.proposalId, "1");
    assert.equal(at(h1 + 20n).value.documentHash, toHex(sha256(utf8("parking v2"))));
    assert.equal(at(h1 + 20n).value.proposalId, "2");
    // Without a height: what is in force at the query height (v2 is not yet).
    assert.equal(c.query("gov/regulation", { topic: "parking" }).proposalId, "1");
    assert.deepEqual(
      c.query("gov/regulations", { topic: "parking" }).regulations.map((r: any) => [r.proposalId, r.effectiveHeight]),
      [
        ["1", String(h1)],
        ["2", String(h1 + 20n)],
      ],
    );
  });

  it("spends from the treasury and changes the governance parameters", async () => {
    const c = new AppChain();
    const spend = treasurySpendMsg.wrap({ recipient: K.school.addr, denom: DENOM, amount: 25_000n });
    const newParams = { ...PARAMS, votingPeriodMs: 4n * HOUR, minApprovingSectors: 2 };
    await c.block([
      c.tx(K.hall, submit([spend], PARAMS.minDeposit, "Fund the school")),
      c.tx(K.bank, submit([updateGovParamsMsg.wrap({ params: newParams })], PARAMS.minDeposit, "Faster consensus")),
    ]);
    await c.block([1n, 2n].flatMap((id) => Object.entries(PASSING).map(([org, o]) => c.tx(VOTER[org]!, vote(id, o)))));
    const res = await closeVoting(c, 1n);
    const types = typesOf(res.events);
    assert.ok(types.includes("gov.treasury_spend"));
    assert.ok(types.includes("gov.params_updated"));
    assert.equal(c.balance(K.school.addr), BALANCE + 25_000n);
    assert.equal(c.balance(TREASURY_ADDRESS), TREASURY_BALANCE - 25_000n);
    const p = c.query("gov/params");
    assert.deepEqual([p.votingPeriodMs, p.minApprovingSectors], [String(4n * HOUR), 2]);
    // The next proposal votes for four hours.
    const sub = await c.ok(K.hall, submit([regulation("noise", "n")]));
    const started = sub.events.find((e) => e.type === "gov.voting_started")!;
    assert.equal(BigInt(attrs(started).votingEndMs!) - BigInt(attrs(started).votingStartMs!), 4n * HOUR);
  });

  it("a passed validator change reaches FinalizeBlock's validator updates", async () => {
    const c = new AppChain();
    await c.ok(K.hall, submit([addValidatorMsg.wrap({ name: "Harbour node", publicKey: vkey(9), power: 50n })]));
    await voteAll(c, 1n, PASSING);
    const res = await closeVoting(c, 1n);
    assert.equal(c.status(1n), "executed");
    assert.deepEqual(
      res.validatorUpdates.map((u) => [toHex(u.publicKey), u.power]),
      [[toHex(vkey(9)), 50n]],
    );
    const vals = c.query("validator/validators");
    assert.ok(vals.validators.some((v: any) => v.publicKey === validatorKeyToBase64(vkey(9))));
  });
});

describe("gov in UrbisApp: outcomes", () => {
  it("a vetoed proposal's deposits go to the treasury", async () => {
    const c = new AppChain();
    await c.ok(K.hall, submit([regulation("noise", "n")]));
    await voteAll(c, 1n, { "city-hall": "yes", hospital: "veto", "city-bank": "veto", water: "yes" });
    const res = await closeVoting(c, 1n);
    assert.deepEqual(typesOf(res.events), ["gov.proposal_vetoed", "gov.deposits_forfeited"]);
    assert.equal(c.status(1n), "vetoed");
    assert.equal(c.balance(TREASURY_ADDRESS), TREASURY_BALANCE + PARAMS.minDeposit);
    assert.equal(c.balance(K.hall.addr), BALANCE - PARAMS.minDeposit);
  });

  it("a proposal that never reaches the minimum deposit expires and is refunded", async () => {
    const c = new AppChain();
    await c.ok(K.hall, submit([regulation("noise", "n")], 100n));
    assert.equal(c.balance(K.hall.addr), BALANCE - 100n);
    assert.equal(c.app.nextDueTimeMs?.(), c.timeMs + HOUR); // the submission block's time + the deposit period
    const res = await c.block([], HOUR);
    assert.deepEqual(typesOf(res.events), ["gov.proposal_expired", "gov.deposit_refunded"]);
    assert.equal(c.status(1n), "expired");
    assert.equal(c.balance(K.hall.addr), BALANCE);
    assert.equal(c.app.nextDueTimeMs?.(), undefined);
  });

  it("a passed proposal that can no longer run fails with the inner error, and the chain goes on", async () => {
    const c = new AppChain();
    // Both admissions are valid at submission; the first to run takes the id.
    await c.block([
      c.tx(K.hall, submit([admit("harbour", K.newcomer)])),
      c.tx(K.hospital, submit([admit("harbour", K.outsider, "utilities")])),
    ]);
    await c.block([1n, 2n].flatMap((id) => Object.entries(PASSING).map(([org, o]) => c.tx(VOTER[org]!, vote(id, o)))));
    const res = await closeVoting(c, 1n);
    const failed = res.events.find((e) => e.type === "gov.proposal_failed")!;
    assert.deepEqual([attrs(failed).id, attrs(failed).codespace, attrs(failed).code], ["2", "org", "14"]);
    assert.deepEqual([c.status(1n), c.status(2n)], ["executed", "failed"]);
    const p = c.query("gov/proposal", { id: "2" });
    assert.deepEqual([p.failure.codespace, p.failure.code], ["org", 14]); // organization_exists
    assert.equal(p.executedHeight, String(c.height));
    assert.equal(c.query("org/organization", { id: "harbour" }).sector, "transport");
    await c.ok(K.hall, submit([regulation("noise", "n")])); // the chain goes on
  });

  it("a timelock delays execution past the end of voting", async () => {
    const c = new AppChain({ params: { ...PARAMS, timelockMs: 6n * HOUR } });
    const spend = treasurySpendMsg.wrap({ recipient: K.transit.addr, denom: DENOM, amount: 10n });
    await c.ok(K.hall, submit([spend]));
    await voteAll(c, 1n, PASSING);
    const closed = await closeVoting(c, 1n);
    assert.deepEqual(typesOf(closed.events), ["gov.proposal_passed", "gov.deposit_refunded"]);
    const p = c.query("gov/proposal", { id: "1" });
    assert.equal(p.status, "passed");
    assert.equal(BigInt(p.executeAtMs), BigInt(p.votingEndMs) + 6n * HOUR);
    assert.equal(c.app.nextDueTimeMs?.(), BigInt(p.executeAtMs));
    await c.block([], 6n * HOUR - 1n - (c.timeMs - BigInt(p.votingEndMs)));
    assert.equal(c.status(1n), "passed");
    assert.equal(c.balance(K.transit.addr), BALANCE);
    const run = await c.block([], 1n);
    assert.deepEqual(typesOf(run.events), ["gov.treasury_spend", "gov.proposal_executed"]);
    assert.equal(c.balance(K.transit.addr), BALANCE + 10n);
  });

  it("the sector rule rejects a proposal with quorum and a unanimous yes from too few sectors", async () => {
    const c = new AppChain();
    await c.ok(K.hall, submit([regulation("noise", "n")]));
    await voteAll(c, 1n, { "city-hall": "yes", hospital: "yes" }); // 5 of 10 weight, 2 sectors
    const res = await closeVoting(c, 1n);
    assert.deepEqual(typesOf(res.events), ["gov.proposal_rejected", "gov.deposit_refunded"]);
    const t = c.query("gov/tally", { id: "1" }).tally;
    assert.deepEqual(
      [t.quorumReached, t.thresholdReached, t.vetoed, t.approvingSectors, t.passed],
      [true, true, false, ["government", "health"], false],
    );
  });
});

describe("gov in UrbisApp: bad input", () => {
  it("refuses every bad vote and proposal with its own code, changing nothing", async () => {
    const c = new AppChain();
    await c.ok(K.hall, submit([regulation("noise", "n")]));
    await c.ok(K.hospital, vote(1n, "yes"));
    const before = c.stateButSequences();
    const tooMany = Array.from({ length: 17 }, (_, i) => regulation(`t-${i}`, "x"));
    const res = await c.block([
      c.tx(K.outsider, vote(1n, "yes")), // not a member
      c.tx(K.hallMember, vote(1n, "yes")), // a member, not an admin
      c.tx(K.hospital, vote(1n, "no")), // second vote of the organization
      c.tx(K.hospital, vote(7n, "no")), // unknown proposal
      c.tx(K.hall, submit([{ type: "lottery/draw", value: new Uint8Array() }])),
      c.tx(K.hall, submit([depositMsg.wrap({ proposalId: 1n, amount: 1n })])), // not governance-only
      c.tx(K.hall, submit([{ type: "gov/regulation", value: new Uint8Array([1]) }])),
      c.tx(K.hall, submit([])),
      c.tx(K.hall, submit(tooMany)),
      c.tx(K.hall, submit([regulation("noise", "n")], 0n, "")),
      c.tx(
        K.hall,
        submit([removeValidatorMsg.wrap({ publicKey: vkey(1) }), removeValidatorMsg.wrap({ publicKey: vkey(2) })]),
      ),
      c.tx(K.hall, submit([setValidatorPowerMsg.wrap({ publicKey: vkey(3), power: 300n })])),
      c.tx(K.hall, regulation("noise", "sneaky")), // governance-only, signed by an account
      c.tx(K.hall, treasurySpendMsg.wrap({ recipient: K.hall.addr, denom: DENOM, amount: 1n })),
      c.tx(K.outsider, depositMsg.wrap({ proposalId: 1n, amount: 5n })), // voting already
    ]);
    assert.deepEqual(codes(res), [
      ["org", 22], // org.not_member
      ["gov", 8], // gov.not_admin
      ["gov", 9], // gov.already_voted
      ["gov", 1], // gov.unknown_proposal
      ["gov", 2], // gov.unknown_proposal_kind
      ["gov", 2],
      ["gov", 3], // gov.invalid_proposal_content
      ["gov", 3],
      ["gov", 3],
      ["gov", 4], // gov.invalid_proposal_text
      ["validator", 9], // validator.change_too_large: 200 of 400 at once
      ["validator", 9], // a re-weight by 200 of 400
      ["app", 7], // app.governance_only
      ["app", 7],
      ["gov", 5], // gov.not_deposit_period
    ]);
    assert.deepEqual(c.stateButSequences(), before);
  });

  it("refuses a proposal that would leave no validator, with the validator module's code", async () => {
    const c = new AppChain({ validators: 1 });
    await c.block(); // genesis state is committed with the first block
    const before = c.stateButSequences();
    const res = await c.block([c.tx(K.hall, submit([removeValidatorMsg.wrap({ publicKey: vkey(1) })]))]);
    assert.deepEqual(codes(res), [["validator", 7]]); // validator.last_validator
    assert.deepEqual(c.stateButSequences(), before);
  });

  it("refuses votes and deposits after their periods", async () => {
    const c = new AppChain();
    await c.block([
      c.tx(K.hall, submit([regulation("noise", "n")])),
      c.tx(K.hall2, submit([regulation("a-b", "n")], 1n)),
    ]);
    await c.block([], 2n * HOUR);
    assert.deepEqual([c.status(1n), c.status(2n)], ["rejected", "expired"]);
    const before = c.stateButSequences();
    const res = await c.block([
      c.tx(K.hospital, vote(1n, "yes")),
      c.tx(K.hospital, vote(2n, "yes")),
      c.tx(K.outsider, depositMsg.wrap({ proposalId: 2n, amount: 5000n })),
    ]);
    assert.deepEqual(codes(res), [
      ["gov", 6], // gov.not_voting_period
      ["gov", 6],
      ["gov", 5], // gov.not_deposit_period
    ]);
    assert.deepEqual(c.stateButSequences(), before);
  });
});
