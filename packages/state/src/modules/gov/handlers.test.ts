/**
 * Every governance message through the handlers, with the App's permission
 * checks: what each does and emits, and every refusal with its specific code
 * and an unchanged store.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addValidatorMsg,
  admitOrgMsg,
  depositMsg,
  GOVERNANCE_ADDRESS,
  type GovParams,
  type Msg,
  publicKeyOf,
  regulationMsg,
  removeValidatorMsg,
  sendMsg,
  setValidatorPowerMsg,
  sha256,
  submitProposalMsg,
  suspendOrgMsg,
  TREASURY_ADDRESS,
  treasurySpendMsg,
  UrbisError,
  updateGovParamsMsg,
  utf8,
  voteMsg,
} from "@urbis/protocol";
import { GOV_EVENTS } from "./events.js";
import { attrs, BALANCE, Chain, codeOf, DENOM, HOUR, K, PARAMS, T0, TREASURY_BALANCE, vkey } from "./test-support.js";

const regulation = (topic = "parking", patch: Partial<Parameters<typeof regulationMsg.wrap>[0]> = {}) =>
  regulationMsg.wrap({
    topic,
    title: "Parking rules",
    documentHash: sha256(utf8(topic)),
    uri: "https://city.example/parking",
    effectiveHeight: 0n,
    ...patch,
  });
const submit = (messages: Msg[], patch: { title?: string; summary?: string; initialDeposit?: bigint } = {}) =>
  submitProposalMsg.wrap({
    title: patch.title ?? "Parking",
    summary: patch.summary ?? "",
    messages,
    initialDeposit: patch.initialDeposit ?? 1000n,
  });
const vote = (proposalId: bigint, option: "yes" | "no" | "abstain" | "veto" = "yes") =>
  voteMsg.wrap({ proposalId, option });
const deposit = (proposalId: bigint, amount: bigint) => depositMsg.wrap({ proposalId, amount });

/** The error of a refused message, with details. */
function errorOf(c: Chain, signer: string, msg: Msg): UrbisError {
  const before = c.snapshot();
  try {
    c.run(signer, msg);
  } catch (e) {
    assert.deepEqual(c.snapshot(), before);
    if (e instanceof UrbisError) return e;
    throw e;
  }
  assert.fail("the message was accepted");
}

describe("gov handlers: declared permissions", () => {
  it("members submit and vote, anyone deposits, only governance runs the rest", () => {
    const c = new Chain();
    assert.deepEqual(
      c.gov.messages.map((h) => [h.msg.type, h.permission.kind]),
      [
        ["gov/submit_proposal", "member"],
        ["gov/deposit", "anyone"],
        ["gov/vote", "member"],
        ["gov/regulation", "governance"],
        ["gov/treasury_spend", "governance"],
        ["gov/update_params", "governance"],
      ],
    );
  });

  it("an account sending a governance-only message gets app.governance_only", () => {
    const c = new Chain();
    const spend = treasurySpendMsg.wrap({ recipient: K.hall.addr, denom: DENOM, amount: 1n });
    for (const m of [regulation(), spend, updateGovParamsMsg.wrap({ params: PARAMS })]) {
      assert.equal(c.refused(K.hall.addr, m), "app.governance_only", m.type);
    }
  });
});

describe("gov/submit_proposal", () => {
  it("records the proposal, escrows the deposit and emits submitted, deposit and voting_started", () => {
    const c = new Chain();
    const ev = c.run(K.hall2.addr, submit([regulation()], { title: "Parking zones", summary: "Why: traffic." }));
    assert.deepEqual(
      ev.map((e) => e.type),
      [GOV_EVENTS.proposalSubmitted, GOV_EVENTS.deposit, GOV_EVENTS.votingStarted],
    );
    assert.deepEqual(attrs(ev[0]!), {
      id: "1",
      proposer: K.hall2.addr,
      org: "city-hall",
      title: "Parking zones",
      kinds: "gov/regulation",
      depositEndMs: String(T0 + HOUR),
    });
    const q = c.query("gov/proposal", { id: "1" });
    assert.equal(q.status, "voting_period");
    assert.equal(q.summary, "Why: traffic.");
    assert.equal(q.messages[0].type, "gov/regulation");
    assert.equal(c.balance(GOVERNANCE_ADDRESS), 1000n);
  });

  it("accepts a zero initial deposit (no deposit event) and a member who is no admin", () => {
    const c = new Chain();
    const ev = c.run(K.hallMember.addr, submit([regulation()], { initialDeposit: 0n }));
    assert.deepEqual(
      ev.map((e) => e.type),
      [GOV_EVENTS.proposalSubmitted],
    );
    assert.equal(c.status(1n), "deposit_period");
    assert.deepEqual(c.query("gov/deposits", { id: "1" }), { id: "1", denom: DENOM, total: "0", deposits: [] });
  });

  it("refuses non-members and members of a suspended organization (the App's member permission)", () => {
    const c = new Chain();
    assert.equal(c.refused(K.outsider.addr, submit([regulation()])), "org.not_member");
    c.run(GOVERNANCE_ADDRESS, suspendOrgMsg.wrap({ id: "hospital", reason: "audit" }));
    assert.equal(c.refused(K.hospital.addr, submit([regulation()])), "org.organization_inactive");
  });

  it("refuses the governance authority itself, which belongs to no organization", () => {
    const c = new Chain();
    assert.equal(c.refused(GOVERNANCE_ADDRESS, submit([regulation()])), "gov.not_member");
  });

  it("refuses bad titles and summaries with gov.invalid_proposal_text", () => {
    const c = new Chain();
    for (const patch of [
      { title: "" },
      { title: "x".repeat(141) },
      { title: " padded" },
      { title: "two\nlines" },
      { summary: "s".repeat(10_241) },
    ]) {
      assert.equal(
        c.refused(K.hall.addr, submit([regulation()], patch)),
        "gov.invalid_proposal_text",
        JSON.stringify(patch),
      );
    }
    c.run(K.hall.addr, submit([regulation()], { title: "é".repeat(70), summary: "s".repeat(10_240) }));
  });

  it("refuses empty and over-long message lists with gov.invalid_proposal_content", () => {
    const c = new Chain();
    assert.equal(c.refused(K.hall.addr, submit([])), "gov.invalid_proposal_content");
    const many = Array.from({ length: 17 }, (_, i) => regulation(`topic-${i}`));
    assert.equal(c.refused(K.hall.addr, submit(many)), "gov.invalid_proposal_content");
    c.run(K.hall.addr, submit(many.slice(0, 16)));
  });

  it("refuses unregistered and non-governance message types with gov.unknown_proposal_kind", () => {
    const c = new Chain();
    const unknown = errorOf(c, K.hall.addr, submit([regulation(), { type: "lottery/draw", value: new Uint8Array() }]));
    assert.equal(unknown.id, "gov.unknown_proposal_kind");
    assert.deepEqual(unknown.details, { index: 1, type: "lottery/draw" });
    // bank/send is open to anyone: proposing it would make the escrow the sender.
    const send = sendMsg.wrap({ to: K.hall.addr, denom: DENOM, amount: 1n });
    assert.equal(c.refused(K.hall.addr, submit([send])), "gov.unknown_proposal_kind");
    // Governance cannot be asked to vote or submit on its own behalf either.
    assert.equal(c.refused(K.hall.addr, submit([vote(1n)])), "gov.unknown_proposal_kind");
    assert.equal(c.refused(K.hall.addr, submit([submit([regulation()])])), "gov.unknown_proposal_kind");
  });

  it("refuses undecodable or invalid messages with gov.invalid_proposal_content, naming the inner error", () => {
    const c = new Chain();
    const garbage = errorOf(c, K.hall.addr, submit([{ type: "gov/regulation", value: new Uint8Array([1, 2, 3]) }]));
    assert.equal(garbage.id, "gov.invalid_proposal_content");
    assert.equal(garbage.details?.error, "tx.malformed");
    const zero = errorOf(
      c,
      K.hall.addr,
      submit([addValidatorMsg.wrap({ name: "Node 9", publicKey: vkey(9), power: 0n })]),
    );
    assert.equal(zero.id, "gov.invalid_proposal_content");
    assert.deepEqual([zero.details?.error, zero.details?.index], ["validator.invalid_power", 0]);
    const badTopic = errorOf(c, K.hall.addr, submit([regulation("Not A Slug")]));
    assert.equal(badTopic.details?.error, "gov.invalid_regulation");
    const badParams = errorOf(
      c,
      K.hall.addr,
      submit([updateGovParamsMsg.wrap({ params: { ...PARAMS, quorumBps: 0 } })]),
    );
    assert.equal(badParams.details?.error, "gov.invalid_params");
  });

  it("refuses, with the validator module's own codes, a proposal that would empty the set or move over a third of the power", () => {
    const lone = new Chain(PARAMS, 1);
    assert.equal(
      lone.refused(K.hall.addr, submit([removeValidatorMsg.wrap({ publicKey: vkey(1) })])),
      "validator.last_validator",
    );
    const c = new Chain(); // four validators of 100: at most 133 may change in one block
    assert.equal(
      c.refused(
        K.hall.addr,
        submit([removeValidatorMsg.wrap({ publicKey: vkey(1) }), removeValidatorMsg.wrap({ publicKey: vkey(2) })]),
      ),
      "validator.change_too_large",
    );
    assert.equal(
      c.refused(K.hall.addr, submit([setValidatorPowerMsg.wrap({ publicKey: vkey(1), power: 300n })])),
      "validator.change_too_large",
    );
    assert.equal(
      c.refused(
        K.hall.addr,
        submit([removeValidatorMsg.wrap({ publicKey: publicKeyOf(new Uint8Array(32).fill(77)) })]),
      ),
      "validator.unknown_validator",
    );
    // One removal is within the rule.
    c.run(K.hall.addr, submit([removeValidatorMsg.wrap({ publicKey: vkey(1) })]));
  });

  it("refuses, with the inner code, messages that could not run now", () => {
    const c = new Chain();
    const admitHospital = admitOrgMsg.wrap({
      id: "hospital",
      name: "Second Hospital",
      sector: "health",
      admins: [K.newcomer.addr],
      validatorKey: undefined,
      did: undefined,
    });
    assert.equal(c.refused(K.hall.addr, submit([admitHospital])), "org.organization_exists");
    const tooMuch = treasurySpendMsg.wrap({ recipient: K.hall.addr, denom: DENOM, amount: TREASURY_BALANCE + 1n });
    assert.equal(c.refused(K.hall.addr, submit([tooMuch])), "bank.insufficient_funds");
    assert.equal(c.refused(K.hall.addr, submit([regulation(), regulation()])), "gov.invalid_regulation");
  });

  it("refuses a deposit the proposer cannot pay (bank.insufficient_funds)", () => {
    const c = new Chain();
    assert.equal(
      c.refused(K.hall.addr, submit([regulation()], { initialDeposit: BALANCE + 1n })),
      "bank.insufficient_funds",
    );
  });

  it("refuses bytes that do not decode as a submission (tx.malformed)", () => {
    const c = new Chain();
    assert.equal(
      c.refused(K.hall.addr, { type: "gov/submit_proposal", value: new Uint8Array([9, 9]) }),
      "tx.malformed",
    );
  });
});

describe("gov/deposit", () => {
  it("adds to the deposit and emits gov.deposit", () => {
    const c = new Chain();
    c.run(K.hall.addr, submit([regulation()], { initialDeposit: 10n }));
    const ev = c.run(K.outsider.addr, deposit(1n, 5n));
    assert.deepEqual(attrs(ev[0]!), {
      id: "1",
      depositor: K.outsider.addr,
      denom: DENOM,
      amount: "5",
      depositorTotal: "5",
      totalDeposit: "15",
    });
  });

  it("refuses unknown proposals, closed deposit periods, zero amounts and missing funds", () => {
    const c = new Chain();
    c.run(K.hall.addr, submit([regulation()], { initialDeposit: 10n }));
    c.run(K.hall.addr, submit([regulation("noise")])); // proposal 2 is voting
    assert.equal(c.refused(K.outsider.addr, deposit(3n, 5n)), "gov.unknown_proposal");
    assert.equal(c.refused(K.outsider.addr, deposit(0n, 5n)), "gov.unknown_proposal");
    assert.equal(c.refused(K.outsider.addr, deposit(2n, 5n)), "gov.not_deposit_period");
    assert.equal(c.refused(K.outsider.addr, deposit(1n, 0n)), "bank.invalid_amount");
    assert.equal(c.refused(K.outsider.addr, deposit(1n, BALANCE + 1n)), "bank.insufficient_funds");
    c.advance(HOUR); // the deadline itself is closed; this block's end expires it
    assert.equal(c.refused(K.outsider.addr, deposit(1n, 5n)), "gov.not_deposit_period");
    c.endBlock();
    assert.equal(c.refused(K.outsider.addr, deposit(1n, 5n)), "gov.not_deposit_period");
  });
});

describe("gov/vote", () => {
  it("records the organization's vote and emits gov.vote with its sector", () => {
    const c = new Chain();
    c.run(K.hall.addr, submit([regulation()]));
    const ev = c.run(K.hospital.addr, vote(1n, "abstain"));
    assert.deepEqual(attrs(ev[0]!), {
      id: "1",
      org: "hospital",
      sector: "health",
      voter: K.hospital.addr,
      option: "abstain",
    });
    assert.deepEqual(c.query("gov/votes", { id: "1" }).votes, [
      { org: "hospital", voter: K.hospital.addr, option: "abstain", height: "1", timeMs: String(T0) },
    ]);
  });

  it("refuses non-members, members who are no admin, and admins of a suspended organization", () => {
    const c = new Chain();
    c.run(K.hall.addr, submit([regulation()]));
    assert.equal(c.refused(K.outsider.addr, vote(1n)), "org.not_member");
    const notAdmin = errorOf(c, K.hallMember.addr, vote(1n));
    assert.equal(notAdmin.id, "gov.not_admin");
    assert.equal(notAdmin.def.httpStatus, 403);
    c.run(GOVERNANCE_ADDRESS, suspendOrgMsg.wrap({ id: "water", reason: "audit" }));
    assert.equal(c.refused(K.water.addr, vote(1n)), "org.organization_inactive");
  });

  it("refuses a second vote of the same organization, by the same or another admin", () => {
    const c = new Chain();
    c.run(K.hall.addr, submit([regulation()]));
    c.run(K.hall.addr, vote(1n, "yes"));
    const again = errorOf(c, K.hall.addr, vote(1n, "no"));
    assert.equal(again.id, "gov.already_voted");
    assert.equal(again.def.httpStatus, 409);
    assert.equal(c.refused(K.hall2.addr, vote(1n, "yes")), "gov.already_voted");
  });

  it("refuses votes on unknown proposals, before voting opens and after it closes", () => {
    const c = new Chain();
    c.run(K.hall.addr, submit([regulation()], { initialDeposit: 0n })); // 1: deposit period
    c.run(K.hall.addr, submit([regulation("noise")])); // 2: voting
    const unknown = errorOf(c, K.hall.addr, vote(9n));
    assert.equal(unknown.id, "gov.unknown_proposal");
    assert.equal(unknown.def.httpStatus, 404);
    assert.equal(c.refused(K.hall.addr, vote(1n)), "gov.not_voting_period");
    c.advance(2n * HOUR);
    assert.equal(c.refused(K.hall.addr, vote(2n)), "gov.not_voting_period");
    c.endBlock();
    assert.equal(c.status(2n), "rejected");
    assert.equal(c.refused(K.hall.addr, vote(2n)), "gov.not_voting_period");
  });

  it("refuses an unknown option byte as malformed", () => {
    const c = new Chain();
    c.run(K.hall.addr, submit([regulation()]));
    const bytes = new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 4]);
    assert.equal(c.refused(K.hall.addr, { type: "gov/vote", value: bytes }), "tx.malformed");
  });
});

describe("gov/regulation, gov/treasury_spend, gov/update_params (run by governance)", () => {
  it("gov/regulation records a version, from the current height when asked for an earlier one", () => {
    const c = new Chain();
    c.height = 5n;
    const ev = c.run(GOVERNANCE_ADDRESS, regulation("parking", { effectiveHeight: 3n }));
    assert.equal(attrs(ev[0]!).effectiveHeight, "5");
    assert.equal(attrs(ev[0]!).proposalId, "0"); // not run by a proposal
    c.run(GOVERNANCE_ADDRESS, regulation("parking", { effectiveHeight: 9n, title: "Parking rules v2" }));
    assert.equal(c.query("gov/regulation", { topic: "parking", at: "8" }).effectiveHeight, "5");
    assert.equal(c.query("gov/regulation", { topic: "parking", at: "9" }).title, "Parking rules v2");
  });

  it("gov/regulation refuses bad topics, titles and URIs with gov.invalid_regulation", () => {
    const c = new Chain();
    for (const m of [
      regulation("x"),
      regulation("Parking"),
      regulation("a/b"),
      regulation("p".repeat(65)),
      regulation("parking", { title: "" }),
      regulation("parking", { title: "t".repeat(141) }),
      regulation("parking", { uri: "" }),
      regulation("parking", { uri: "no scheme" }),
      regulation("parking", { uri: "https://city.example/a b" }),
      regulation("parking", { uri: `https://${"u".repeat(505)}` }),
    ]) {
      assert.equal(c.refused(GOVERNANCE_ADDRESS, m), "gov.invalid_regulation");
    }
    assert.equal(c.refused(GOVERNANCE_ADDRESS, { type: "gov/regulation", value: new Uint8Array(10) }), "tx.malformed");
  });

  it("gov/treasury_spend pays from the treasury with bank's checks", () => {
    const c = new Chain();
    const ev = c.run(
      GOVERNANCE_ADDRESS,
      treasurySpendMsg.wrap({ recipient: K.school.addr, denom: DENOM, amount: 250n }),
    );
    assert.deepEqual(attrs(ev[0]!), { recipient: K.school.addr, denom: DENOM, amount: "250", proposalId: "0" });
    assert.equal(c.balance(K.school.addr), BALANCE + 250n);
    assert.equal(c.balance(TREASURY_ADDRESS), TREASURY_BALANCE - 250n);
    const spend = (recipient: string, denom: string, amount: bigint) =>
      treasurySpendMsg.wrap({ recipient, denom, amount });
    assert.equal(
      c.refused(GOVERNANCE_ADDRESS, spend(K.school.addr, DENOM, TREASURY_BALANCE)),
      "bank.insufficient_funds",
    );
    assert.equal(c.refused(GOVERNANCE_ADDRESS, spend(K.school.addr, DENOM, 0n)), "bank.invalid_amount");
    assert.equal(c.refused(GOVERNANCE_ADDRESS, spend(K.school.addr, "X", 1n)), "bank.invalid_denom");
    assert.equal(c.refused(GOVERNANCE_ADDRESS, spend(K.school.addr, "nocoin", 1n)), "bank.unknown_denom");
    assert.equal(c.refused(GOVERNANCE_ADDRESS, spend(TREASURY_ADDRESS, DENOM, 1n)), "bank.self_send");
  });

  it("gov/update_params replaces the parameters and emits them", () => {
    const c = new Chain();
    const next: GovParams = { ...PARAMS, votingPeriodMs: 5n * HOUR, sectorWeights: [{ sector: "health", weight: 4 }] };
    const ev = c.run(GOVERNANCE_ADDRESS, updateGovParamsMsg.wrap({ params: next }));
    assert.equal(ev[0]?.type, GOV_EVENTS.paramsUpdated);
    assert.equal(JSON.parse(attrs(ev[0]!).params!).votingPeriodMs, String(5n * HOUR));
    assert.deepEqual(c.gov.keeper.params(c.store), next);
    assert.equal(c.query("gov/params").sectorWeights[0].weight, 4);
  });

  it("gov/update_params refuses every broken rule with gov.invalid_params", () => {
    const c = new Chain();
    const bad: Partial<GovParams>[] = [
      { depositDenom: "X" },
      { depositDenom: "nocoin" },
      { minDeposit: 0n },
      { depositPeriodMs: 0n },
      { votingPeriodMs: 0n },
      { votingPeriodMs: 367n * 24n * HOUR },
      { timelockMs: 367n * 24n * HOUR },
      { quorumBps: 0 },
      { quorumBps: 10_001 },
      { thresholdBps: 4999 },
      { thresholdBps: 10_000 },
      { vetoBps: 0 },
      { vetoBps: 10_001 },
      { minApprovingSectors: 10 },
      { sectorWeights: [{ sector: "health", weight: 0 }] },
      { sectorWeights: [{ sector: "health", weight: 1001 }] },
      { sectorWeights: [{ sector: "Health", weight: 1 }] },
      { sectorWeights: [{ sector: "space", weight: 1 }] },
      {
        sectorWeights: [
          { sector: "health", weight: 1 },
          { sector: "health", weight: 2 },
        ],
      },
    ];
    for (const patch of bad) {
      const m = updateGovParamsMsg.wrap({ params: { ...PARAMS, ...patch } });
      assert.equal(
        c.refused(GOVERNANCE_ADDRESS, m),
        "gov.invalid_params",
        JSON.stringify(patch, (_, v) => (typeof v === "bigint" ? `${v}` : v)),
      );
    }
  });
});

describe("gov queries", () => {
  it("answer lists, tallies and deposits, and refuse bad parameters with their codes", () => {
    const c = new Chain();
    c.run(K.hall.addr, submit([regulation()], { initialDeposit: 10n }));
    c.run(K.hall.addr, submit([regulation("noise")]));
    c.run(K.hall.addr, vote(2n, "yes"));
    assert.deepEqual(
      c.query("gov/proposals").proposals.map((p: any) => [p.id, p.status]),
      [
        ["1", "deposit_period"],
        ["2", "voting_period"],
      ],
    );
    assert.deepEqual(
      c.query("gov/proposals", { status: "voting_period" }).proposals.map((p: any) => p.id),
      ["2"],
    );
    const live = c.query("gov/tally", { id: "2" });
    assert.deepEqual([live.final, live.tally.yes, live.tally.total, live.tally.passed], [false, "3", "10", false]);
    assert.equal(c.query("gov/deposits", { id: "2" }).deposits[0].amount, "1000");
    for (const [path, params, id] of [
      ["gov/proposal", { id: "9" }, "gov.unknown_proposal"],
      ["gov/proposal", { id: "x" }, "app.invalid_query"],
      ["gov/proposal", {}, "app.invalid_query"],
      ["gov/votes", { id: "9" }, "gov.unknown_proposal"],
      ["gov/tally", { id: "-1" }, "app.invalid_query"],
      ["gov/deposits", { id: "18446744073709551616" }, "app.invalid_query"],
      ["gov/proposals", { status: "done" }, "app.invalid_query"],
      ["gov/regulation", { topic: "parking" }, "gov.no_regulation"],
      ["gov/regulation", { topic: "BAD" }, "app.invalid_query"],
      ["gov/regulation", { topic: "parking", at: "x" }, "app.invalid_query"],
      ["gov/regulations", { topic: "a" }, "app.invalid_query"],
    ] as const) {
      assert.equal(
        codeOf(() => c.query(path, params)),
        id,
        `${path} ${JSON.stringify(params)}`,
      );
    }
  });
});
