/**
 * The governance keeper's lifecycle on a memory store with the real bank,
 * org and validator modules: deposits and escrow, voting, every outcome
 * (passed, rejected, vetoed, expired, executed, failed), the timelock, the
 * sector rule, deadline edges, regulation versions and parameter checks.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  depositMsg,
  GOVERNANCE_ADDRESS,
  type GovParams,
  prefixEnd,
  regulationMsg,
  sha256,
  suspendOrgMsg,
  TREASURY_ADDRESS,
  treasurySpendMsg,
  utf8,
  voteMsg,
} from "@urbis/protocol";
import { GOV_EVENTS } from "./events.js";
import { proposalIdOfOrigin } from "./keeper.js";
import { GOV_QUEUE_PREFIX } from "./keys.js";
import {
  attrs,
  BALANCE,
  Chain,
  codeOf,
  DENOM,
  HOUR,
  K,
  PARAMS,
  PASSING,
  T0,
  TREASURY_BALANCE,
} from "./test-support.js";

const regulation = (topic: string, text: string, effectiveHeight = 0n) =>
  regulationMsg.wrap({
    topic,
    title: `Rules on ${topic}`,
    documentHash: sha256(utf8(text)),
    uri: `https://city.example/rules/${topic}`,
    effectiveHeight,
  });
const spend = (amount: bigint, recipient = K.outsider.addr) =>
  treasurySpendMsg.wrap({ recipient, denom: DENOM, amount });
const types = (events: { type: string }[]) => events.map((e) => e.type);
const queueSize = (c: Chain) => [...c.store.iterate(GOV_QUEUE_PREFIX, prefixEnd(GOV_QUEUE_PREFIX))].length;

describe("gov keeper: deposits", () => {
  it("an initial deposit at the minimum goes to escrow and opens voting at once", () => {
    const c = new Chain();
    const id = c.submit(K.hall, [regulation("parking", "v1")]);
    assert.equal(id, 1n);
    const p = c.gov.keeper.proposal(c.store, id)!;
    assert.equal(p.status, "voting_period");
    assert.equal(p.proposerOrg, "city-hall");
    assert.equal(p.votingStartMs, T0);
    assert.equal(p.votingEndMs, T0 + PARAMS.votingPeriodMs);
    assert.equal(p.depositEndMs, T0 + PARAMS.depositPeriodMs);
    assert.equal(c.balance(K.hall.addr), BALANCE - 1000n);
    assert.equal(c.balance(GOVERNANCE_ADDRESS), 1000n);
    assert.equal(c.gov.keeper.nextDueTimeMs(c.store), T0 + PARAMS.votingPeriodMs);
    assert.equal(queueSize(c), 1);
    c.checkInvariants();
  });

  it("deposits below the minimum wait; anyone may add; reaching the minimum opens voting", () => {
    const c = new Chain();
    const id = c.submit(K.hall, [regulation("parking", "v1")], 300n);
    assert.equal(c.status(id), "deposit_period");
    assert.equal(c.gov.keeper.nextDueTimeMs(c.store), T0 + HOUR);
    c.advance(1000n);
    const ev1 = c.run(K.outsider.addr, depositMsg.wrap({ proposalId: id, amount: 200n }));
    assert.deepEqual(types(ev1), [GOV_EVENTS.deposit]);
    assert.equal(attrs(ev1[0]!).totalDeposit, "500");
    const ev2 = c.run(K.hall.addr, depositMsg.wrap({ proposalId: id, amount: 100n }));
    assert.equal(attrs(ev2[0]!).depositorTotal, "400");
    assert.equal(c.status(id), "deposit_period");
    const ev3 = c.run(K.outsider.addr, depositMsg.wrap({ proposalId: id, amount: 600n }));
    assert.deepEqual(types(ev3), [GOV_EVENTS.deposit, GOV_EVENTS.votingStarted]);
    const p = c.gov.keeper.proposal(c.store, id)!;
    assert.equal(p.status, "voting_period");
    assert.equal(p.totalDeposit, 1200n);
    assert.equal(p.votingEndMs, T0 + 1000n + PARAMS.votingPeriodMs);
    // The deposit deadline left the queue; only the voting deadline is due.
    assert.equal(queueSize(c), 1);
    assert.equal(c.gov.keeper.nextDueTimeMs(c.store), p.votingEndMs);
    assert.deepEqual(
      c.gov.keeper
        .deposits(c.store, id)
        .map((d) => [d.depositor, d.amount])
        .sort(),
      [
        [K.hall.addr, 400n],
        [K.outsider.addr, 800n],
      ].sort(),
    );
    assert.equal(c.balance(GOVERNANCE_ADDRESS), 1200n);
    c.checkInvariants();
  });

  it("a deposit period ending below the minimum expires the proposal and refunds every depositor", () => {
    const c = new Chain();
    const id = c.submit(K.hall, [regulation("parking", "v1")], 300n);
    c.run(K.outsider.addr, depositMsg.wrap({ proposalId: id, amount: 200n }));
    c.advance(HOUR - 1n);
    assert.deepEqual(c.endBlock(), []);
    assert.equal(c.status(id), "deposit_period");
    c.advance(1n);
    const ev = c.endBlock();
    assert.deepEqual(types(ev), [GOV_EVENTS.proposalExpired, GOV_EVENTS.depositRefunded, GOV_EVENTS.depositRefunded]);
    assert.equal(c.status(id), "expired");
    assert.equal(c.balance(K.hall.addr), BALANCE);
    assert.equal(c.balance(K.outsider.addr), BALANCE);
    assert.equal(c.balance(GOVERNANCE_ADDRESS), 0n);
    assert.equal(c.gov.keeper.nextDueTimeMs(c.store), undefined);
    assert.equal(c.gov.keeper.proposal(c.store, id)?.decidedHeight, c.height);
  });
});

describe("gov keeper: outcomes", () => {
  it("passes, refunds and executes at the end of voting when there is no timelock", () => {
    const c = new Chain();
    const id = c.submit(K.hall, [regulation("parking", "v1"), spend(5000n)]);
    c.vote(id, PASSING);
    const ev = c.closeVoting(id);
    assert.deepEqual(types(ev), [
      GOV_EVENTS.proposalPassed,
      GOV_EVENTS.depositRefunded,
      GOV_EVENTS.regulationRecorded,
      GOV_EVENTS.treasurySpend,
      GOV_EVENTS.proposalExecuted,
    ]);
    const p = c.gov.keeper.proposal(c.store, id)!;
    assert.equal(p.status, "executed");
    assert.equal(p.executedHeight, c.height);
    assert.equal(p.finalTally?.passed, true);
    assert.deepEqual(p.finalTally?.approvingSectors, ["finance", "government", "health", "utilities"]);
    assert.equal(c.balance(K.outsider.addr), BALANCE + 5000n);
    assert.equal(c.balance(TREASURY_ADDRESS), TREASURY_BALANCE - 5000n);
    assert.equal(c.balance(K.hall.addr), BALANCE);
    assert.equal(c.gov.keeper.regulationAt(c.store, "parking", c.height)?.proposalId, id);
    assert.equal(attrs(ev[0]!).approvingSectors, "finance,government,health,utilities");
  });

  it("rejects without quorum, refunding the deposit", () => {
    const c = new Chain();
    const id = c.submit(K.hall, [regulation("parking", "v1")]);
    c.vote(id, { hospital: "yes", "city-bank": "yes" }); // 4 of 10 < 50 %
    const ev = c.closeVoting(id);
    assert.deepEqual(types(ev), [GOV_EVENTS.proposalRejected, GOV_EVENTS.depositRefunded]);
    const t = c.gov.keeper.proposal(c.store, id)!.finalTally!;
    assert.equal(t.quorumReached, false);
    assert.equal(t.passed, false);
    assert.equal(c.status(id), "rejected");
    assert.equal(c.balance(K.hall.addr), BALANCE);
    assert.deepEqual(c.gov.keeper.regulations(c.store), []);
  });

  it("rejects below the threshold", () => {
    const c = new Chain();
    const id = c.submit(K.hall, [regulation("parking", "v1")]);
    c.vote(id, { "city-hall": "no", hospital: "no", "city-bank": "yes", water: "yes", school: "yes" });
    c.closeVoting(id);
    const t = c.gov.keeper.proposal(c.store, id)!.finalTally!;
    assert.deepEqual([t.quorumReached, t.thresholdReached, t.yes, t.no], [true, false, 4n, 5n]);
    assert.equal(c.status(id), "rejected");
  });

  it("the sector rule blocks a proposal with enough weight but too few approving sectors", () => {
    const c = new Chain();
    const id = c.submit(K.hall, [regulation("parking", "v1")]);
    c.vote(id, { "city-hall": "yes", hospital: "yes" }); // 5 of 10: quorum, 100 % yes, 2 sectors < 3
    c.closeVoting(id);
    const t = c.gov.keeper.proposal(c.store, id)!.finalTally!;
    assert.deepEqual([t.quorumReached, t.thresholdReached, t.vetoed], [true, true, false]);
    assert.deepEqual(t.approvingSectors, ["government", "health"]);
    assert.equal(c.status(id), "rejected");
  });

  it("a veto above a third forfeits the deposits to the treasury", () => {
    const c = new Chain();
    const id = c.submit(K.hall, [regulation("parking", "v1")], 600n);
    c.run(K.bank.addr, depositMsg.wrap({ proposalId: id, amount: 400n }));
    c.vote(id, { "city-hall": "veto", hospital: "yes", "city-bank": "yes", water: "yes" });
    const ev = c.closeVoting(id);
    assert.deepEqual(types(ev), [GOV_EVENTS.proposalVetoed, GOV_EVENTS.depositsForfeited]);
    assert.equal(attrs(ev[1]!).amount, "1000");
    assert.equal(c.status(id), "vetoed");
    assert.equal(c.balance(TREASURY_ADDRESS), TREASURY_BALANCE + 1000n);
    assert.equal(c.balance(K.hall.addr), BALANCE - 600n);
    assert.equal(c.balance(K.bank.addr), BALANCE - 400n);
    assert.equal(c.balance(GOVERNANCE_ADDRESS), 0n);
  });

  it("a failed execution is recorded with the inner error, runs none of its messages, and the chain goes on", () => {
    const c = new Chain();
    // Both spends fit the treasury at submission; only one fits when they run.
    const a = c.submit(K.hall, [spend(600_000n)]);
    const b = c.submit(K.hospital, [regulation("parking", "v1"), spend(600_000n)]);
    c.vote(a, PASSING);
    c.vote(b, PASSING);
    const ev = c.closeVoting(b);
    assert.equal(c.status(a), "executed");
    assert.equal(c.status(b), "failed");
    const p = c.gov.keeper.proposal(c.store, b)!;
    assert.equal(p.failure?.codespace, "bank");
    assert.equal(p.failure?.code, 1); // insufficient_funds
    assert.match(p.failure?.log ?? "", /message 1 \(gov\/treasury_spend\)/);
    assert.equal(p.executedHeight, c.height);
    const failed = ev.find((e) => e.type === GOV_EVENTS.proposalFailed)!;
    assert.deepEqual([attrs(failed).codespace, attrs(failed).code], ["bank", "1"]);
    // All or nothing: the regulation of the failed proposal was not recorded.
    assert.deepEqual(c.gov.keeper.regulations(c.store), []);
    assert.equal(c.balance(TREASURY_ADDRESS), TREASURY_BALANCE - 600_000n);
    // The deposits of both were refunded (they passed).
    assert.equal(c.balance(K.hospital.addr), BALANCE);
  });

  it("settles proposals due in the same block in deadline, then id, order", () => {
    const c = new Chain();
    const a = c.submit(K.hall, [spend(1n)]);
    c.advance(10n);
    const b = c.submit(K.hospital, [spend(2n)]);
    const d = c.submit(K.bank, [spend(3n)]);
    for (const id of [a, b, d]) c.vote(id, PASSING);
    c.advance(3n * HOUR);
    const executed = c
      .endBlock()
      .filter((e) => e.type === GOV_EVENTS.proposalExecuted)
      .map((e) => attrs(e).id);
    assert.deepEqual(executed, ["1", "2", "3"]);
    assert.equal(c.gov.keeper.nextDueTimeMs(c.store), undefined);
  });
});

describe("gov keeper: voting rules", () => {
  it("votes close at the deadline (exclusive) and the next block settles", () => {
    const c = new Chain();
    const id = c.submit(K.hall, [regulation("parking", "v1")]);
    const end = c.gov.keeper.proposal(c.store, id)!.votingEndMs!;
    c.advance(end - 1n - c.timeMs);
    c.run(K.hall.addr, voteMsg.wrap({ proposalId: id, option: "yes" }));
    c.advance(1n);
    assert.equal(c.refused(K.hospital.addr, voteMsg.wrap({ proposalId: id, option: "yes" })), "gov.not_voting_period");
    c.endBlock();
    assert.equal(c.status(id), "rejected");
  });

  it("ignores the votes of organizations suspended before the end of voting", () => {
    const c = new Chain();
    const id = c.submit(K.hall, [regulation("parking", "v1")]);
    c.vote(id, { "city-hall": "yes", hospital: "yes", "city-bank": "yes", water: "yes" });
    c.run(GOVERNANCE_ADDRESS, suspendOrgMsg.wrap({ id: "hospital", reason: "audit" }));
    c.closeVoting(id);
    const t = c.gov.keeper.proposal(c.store, id)!.finalTally!;
    assert.equal(t.total, 8n); // hospital's 2 no longer count
    assert.equal(t.voted, 6n);
    assert.deepEqual(t.approvingSectors, ["finance", "government", "utilities"]);
    assert.equal(c.status(id), "executed");
  });

  it("one vote per organization, whichever admin casts it", () => {
    const c = new Chain();
    const id = c.submit(K.hall, [regulation("parking", "v1")]);
    c.run(K.hall2.addr, voteMsg.wrap({ proposalId: id, option: "no" }));
    assert.equal(c.refused(K.hall.addr, voteMsg.wrap({ proposalId: id, option: "yes" })), "gov.already_voted");
    assert.deepEqual(
      c.gov.keeper.votes(c.store, id).map((v) => [v.org, v.voter, v.option]),
      [["city-hall", K.hall2.addr, "no"]],
    );
  });
});

describe("gov keeper: timelock", () => {
  it("a passed proposal waits for its timelock, then runs", () => {
    const params: GovParams = { ...PARAMS, timelockMs: HOUR };
    const c = new Chain(params);
    const id = c.submit(K.hall, [spend(7n)]);
    c.vote(id, PASSING);
    const ev = c.closeVoting(id);
    assert.deepEqual(types(ev), [GOV_EVENTS.proposalPassed, GOV_EVENTS.depositRefunded]);
    const p = c.gov.keeper.proposal(c.store, id)!;
    assert.equal(p.status, "passed");
    assert.equal(p.executeAtMs, p.votingEndMs! + HOUR);
    assert.equal(c.gov.keeper.nextDueTimeMs(c.store), p.executeAtMs);
    assert.equal(c.balance(K.hall.addr), BALANCE); // refunded at the end of voting
    c.advance(HOUR - 1n);
    assert.deepEqual(c.endBlock(), []);
    assert.equal(c.balance(K.outsider.addr), BALANCE);
    c.advance(1n);
    assert.deepEqual(types(c.endBlock()), [GOV_EVENTS.treasurySpend, GOV_EVENTS.proposalExecuted]);
    assert.equal(c.status(id), "executed");
    assert.equal(c.balance(K.outsider.addr), BALANCE + 7n);
    assert.equal(c.gov.keeper.nextDueTimeMs(c.store), undefined);
  });

  it("runs at once when the first block after voting is already past the timelock", () => {
    const c = new Chain({ ...PARAMS, timelockMs: HOUR });
    const id = c.submit(K.hall, [spend(7n)]);
    c.vote(id, PASSING);
    c.advance(10n * HOUR);
    c.endBlock();
    assert.equal(c.status(id), "executed");
  });
});

describe("gov keeper: regulations", () => {
  it("answers which version was in force at any height, effective heights never before recording", () => {
    const c = new Chain();
    const rec = (topic: string, text: string, effective: bigint) =>
      c.gov.keeper.recordRegulation(
        c.store,
        c.height,
        c.timeMs,
        1n + BigInt(c.gov.keeper.regulations(c.store).length),
        {
          topic,
          title: "t",
          documentHash: sha256(utf8(text)),
          uri: "https://x",
          effectiveHeight: effective,
        },
      );
    c.height = 10n;
    assert.equal(rec("noise", "v1", 0n).effectiveHeight, 10n); // in the past: from the recording height
    rec("noise", "v3", 100n); // scheduled
    c.height = 20n;
    rec("noise", "v2", 50n);
    rec("parking", "p1", 30n);
    const at = (h: bigint) => c.gov.keeper.regulationAt(c.store, "noise", h)?.proposalId;
    assert.equal(at(9n), undefined);
    assert.equal(at(10n), 1n);
    assert.equal(at(49n), 1n);
    assert.equal(at(50n), 3n);
    assert.equal(at(99n), 3n);
    assert.equal(at(100n), 2n);
    assert.equal(at((1n << 64n) - 1n), 2n);
    assert.equal(c.gov.keeper.regulationAt(c.store, "parking", 29n), undefined);
    assert.equal(c.gov.keeper.regulationAt(c.store, "parking", 30n)?.proposalId, 4n);
    assert.equal(c.gov.keeper.regulationAt(c.store, "nois", 1000n), undefined); // a prefix is another topic
    assert.deepEqual(
      c.gov.keeper.regulations(c.store, "noise").map((r) => r.effectiveHeight),
      [10n, 50n, 100n],
    );
    assert.equal(c.gov.keeper.regulations(c.store).length, 4);
    // Two versions of a topic at the same height: the later proposal is in force.
    c.gov.keeper.recordRegulation(c.store, 20n, c.timeMs, 9n, {
      topic: "noise",
      title: "t",
      documentHash: sha256(utf8("v9")),
      uri: "https://x",
      effectiveHeight: 50n,
    });
    assert.equal(at(60n), 9n);
  });
});

describe("gov keeper: parameters", () => {
  it("checks weighted sectors, reachable sector approval and the deposit asset against state", () => {
    const c = new Chain();
    const before = c.snapshot();
    assert.equal(
      codeOf(() => c.gov.keeper.updateParams(c.store, { ...PARAMS, sectorWeights: [{ sector: "space", weight: 2 }] })),
      "gov.invalid_params",
    );
    assert.equal(
      codeOf(() => c.gov.keeper.updateParams(c.store, { ...PARAMS, minApprovingSectors: 10 })),
      "gov.invalid_params",
    );
    assert.equal(
      codeOf(() => c.gov.keeper.updateParams(c.store, { ...PARAMS, depositDenom: "nocoin" })),
      "gov.invalid_params",
    );
    assert.deepEqual(c.snapshot(), before);
    c.gov.keeper.updateParams(c.store, { ...PARAMS, minApprovingSectors: 9 });
    assert.equal(c.gov.keeper.params(c.store).minApprovingSectors, 9);
  });

  it("a proposal keeps the deposit rules it was submitted under", () => {
    const c = new Chain();
    const id = c.submit(K.hall, [spend(1n)], 500n);
    c.gov.keeper.updateParams(c.store, { ...PARAMS, minDeposit: 100n });
    assert.equal(c.status(id), "deposit_period");
    c.run(K.hall.addr, depositMsg.wrap({ proposalId: id, amount: 499n }));
    assert.equal(c.status(id), "deposit_period");
    c.run(K.hall.addr, depositMsg.wrap({ proposalId: id, amount: 1n }));
    assert.equal(c.status(id), "voting_period");
  });
});

describe("gov keeper: helpers", () => {
  it("reads the proposal id of a dispatch origin", () => {
    assert.equal(proposalIdOfOrigin("proposal/7"), 7n);
    assert.equal(proposalIdOfOrigin("proposal/18446744073709551615"), 18446744073709551615n);
    for (const o of ["test", "proposal/", "proposal/07", "proposal/0", "proposal/1x", "xproposal/1"]) {
      assert.equal(proposalIdOfOrigin(o), 0n, o);
    }
  });
});
