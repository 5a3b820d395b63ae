/**
 * Governance genesis: defaults, an export/import round trip of state holding
 * a proposal in every status (with votes, deposits and regulations) that
 * gives back the same bytes, and refusals of malformed or inconsistent sections.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DEFAULT_GOV_PARAMS,
  depositMsg,
  GOVERNANCE_ADDRESS,
  hasPrefix,
  regulationMsg,
  sha256,
  toHex,
  treasurySpendMsg,
  updateGovParamsMsg,
  utf8,
} from "@urbis/protocol";
import { MemoryStore } from "../../framework/store.js";
import { parseGovGenesis } from "./genesis.js";
import { GOV_PREFIX } from "./keys.js";
import { govModule } from "./module.js";
import { Chain, codeOf, DENOM, HOUR, K, PARAMS, PASSING, T0 } from "./test-support.js";

const regulation = (topic: string, effectiveHeight = 0n) =>
  regulationMsg.wrap({
    topic,
    title: `Rules on ${topic}`,
    documentHash: sha256(utf8(topic)),
    uri: `ipfs://rules/${topic}`,
    effectiveHeight,
  });
const spend = (amount: bigint) => treasurySpendMsg.wrap({ recipient: K.outsider.addr, denom: DENOM, amount });

/** A chain whose governance state holds a proposal in every status. */
function busyChain(): Chain {
  const c = new Chain();
  const expired = c.submit(K.hall, [regulation("a-topic")], 10n);
  const rejected = c.submit(K.hospital, [regulation("b-topic")]);
  const vetoed = c.submit(K.bank, [regulation("c-topic")]);
  const executed = c.submit(K.water, [regulation("d-topic", 50n), regulation("e-topic")]);
  // Both spends fit the treasury at submission; the first to run (the lower id) empties it for the second.
  const spent = c.submit(K.school, [spend(600_000n)]);
  const failed = c.submit(K.transit, [spend(600_000n)]);
  c.vote(rejected, { hospital: "no", "city-hall": "no" });
  c.vote(vetoed, { "city-hall": "veto", hospital: "yes", "city-bank": "yes" });
  for (const id of [executed, spent, failed]) c.vote(id, PASSING);
  c.advance(3n * HOUR);
  c.endBlock();
  assert.deepEqual(
    [expired, rejected, vetoed, executed, spent, failed].map((id) => c.status(id)),
    ["expired", "rejected", "vetoed", "executed", "executed", "failed"],
  );
  c.run(GOVERNANCE_ADDRESS, updateGovParamsMsg.wrap({ params: { ...PARAMS, timelockMs: 10n * HOUR } }));
  const passed = c.submit(K.hall, [regulation("f-topic")]);
  c.vote(passed, PASSING);
  c.closeVoting(passed);
  assert.equal(c.status(passed), "passed");
  const voting = c.submit(K.hall2, [regulation("g-topic")]);
  c.vote(voting, { hospital: "abstain", water: "veto" });
  const depositing = c.submit(K.hallMember, [regulation("h-topic")], 100n);
  c.run(K.outsider.addr, depositMsg.wrap({ proposalId: depositing, amount: 50n }));
  assert.deepEqual([c.status(voting), c.status(depositing)], ["voting_period", "deposit_period"]);
  return c;
}

function govState(store: MemoryStore): string[] {
  return [...store.iterate()].filter(([k]) => hasPrefix(k, GOV_PREFIX)).map(([k, v]) => `${toHex(k)}=${toHex(v)}`);
}

describe("gov genesis", () => {
  it("an absent section gives the default parameters; given fields override them one by one", () => {
    assert.deepEqual(parseGovGenesis(undefined), {
      params: DEFAULT_GOV_PARAMS,
      nextProposalId: 1n,
      proposals: [],
      regulations: [],
    });
    const g = parseGovGenesis({ params: { votingPeriodMs: 60000, quorumBps: "4000", minApprovingSectors: 2 } });
    assert.deepEqual(g.params, {
      ...DEFAULT_GOV_PARAMS,
      votingPeriodMs: 60000n,
      quorumBps: 4000,
      minApprovingSectors: 2,
    });
    assert.equal(g.nextProposalId, 1n);
  });

  it("exports state with a proposal in every status and imports it back to the same bytes", () => {
    const c = busyChain();
    const ctx = c.ctx([]);
    const exported = c.gov.genesis.export(ctx);
    const json = JSON.parse(JSON.stringify(exported));
    assert.equal(json.proposals.length, 9);
    assert.equal(json.nextProposalId, "10");
    assert.equal(json.regulations.length, 2); // d-topic and e-topic; f-topic waits for its timelock

    const store = new MemoryStore();
    const gov2 = govModule({ orgs: c.org.keeper, bank: c.bank.keeper });
    gov2.genesis.init({ ...ctx, store }, gov2.genesis.parse(json));
    assert.deepEqual(govState(store), govState(c.store));
    assert.deepEqual(gov2.genesis.export({ ...ctx, store }), exported);
    assert.equal(gov2.keeper.nextDueTimeMs(store), c.gov.keeper.nextDueTimeMs(c.store));
  });

  it("refuses malformed and inconsistent sections with app.invalid_genesis naming the path", () => {
    const c = busyChain();
    const good = JSON.parse(JSON.stringify(c.gov.genesis.export(c.ctx([]))));
    const withProposal = (i: number, patch: Record<string, unknown>) => ({
      ...good,
      proposals: good.proposals.map((p: any, k: number) => (k === i ? { ...p, ...patch } : p)),
    });
    const byStatus = (s: string) => good.proposals.findIndex((p: any) => p.status === s);
    const voting = byStatus("voting_period");
    const depositing = byStatus("deposit_period");
    const executed = byStatus("executed");
    const cases: [string, unknown, RegExp][] = [
      ["not an object", [], /^gov: expected an object/],
      ["unknown field", { ...good, extra: 1 }, /unknown field "extra"/],
      ["unknown param", { params: { quorum: 1 } }, /gov\.params: unknown field "quorum"/],
      ["zero quorum", { params: { quorumBps: 0 } }, /gov\.params: quorumBps must be 1 to 10000/],
      ["bad denom", { params: { depositDenom: "U" } }, /depositDenom/],
      ["negative deposit", { params: { minDeposit: "-1" } }, /gov\.params\.minDeposit/],
      ["bad weight", { params: { sectorWeights: [{ sector: "health", weight: 0 }] } }, /weight of sector health/],
      ["duplicate id", { ...good, proposals: [...good.proposals, good.proposals[0]] }, /duplicate proposal id 1/],
      ["next id too low", { ...good, nextProposalId: "9" }, /nextProposalId: must be above every proposal id/],
      ["id 0", withProposal(0, { id: "0" }), /proposals\[0\]\.id: proposal ids start at 1/],
      ["unknown status", withProposal(0, { status: "lost" }), /proposals\[0\]\.status/],
      ["voting without an end", withProposal(voting, { votingEndMs: null }), /needs votingStartMs and votingEndMs/],
      ["deposit period with a tally", withProposal(depositing, { decidedHeight: "3" }), /has no decidedHeight/],
      ["executed without a height", withProposal(executed, { executedHeight: null }), /needs executedHeight/],
      [
        "failure on success",
        withProposal(executed, { failure: { codespace: "bank", code: 1, log: "x" } }),
        /has no failure/,
      ],
      [
        "tally contradicting the status",
        withProposal(executed, { finalTally: { ...good.proposals[executed].finalTally, passed: false } }),
        /contradicts status executed/,
      ],
      ["deposits off the total", withProposal(depositing, { totalDeposit: "151" }), /deposits add up to 150/],
      [
        "deposit period above the minimum",
        withProposal(depositing, { totalDeposit: "1000", deposits: [{ depositor: K.outsider.addr, amount: "1000" }] }),
        /below its minimum deposit/,
      ],
      [
        "duplicate depositor",
        withProposal(depositing, {
          deposits: [
            { depositor: K.outsider.addr, amount: "75" },
            { depositor: K.outsider.addr, amount: "75" },
          ],
        }),
        /duplicate depositor/,
      ],
      [
        "duplicate vote",
        withProposal(voting, { votes: [good.proposals[voting].votes[0], good.proposals[voting].votes[0]] }),
        /voted twice/,
      ],
      [
        "vote before voting",
        withProposal(depositing, { votes: [good.proposals[voting].votes[0]] }),
        /in status deposit_period has no votes/,
      ],
      [
        "bad option",
        withProposal(voting, { votes: [{ ...good.proposals[voting].votes[0], option: "maybe" }] }),
        /option/,
      ],
      ["no messages", withProposal(0, { messages: [] }), /carries 1 to 16 messages/],
      ["bad base64", withProposal(0, { messages: [{ type: "gov/regulation", value: "%%%" }] }), /base64/],
      ["bad message type", withProposal(0, { messages: [{ type: "Gov", value: "" }] }), /type/],
      ["bad title", withProposal(0, { title: "" }), /title must be 1 to 140/],
      ["bad proposer", withProposal(0, { proposer: "urbis1nope" }), /proposer/],
      [
        "bad regulation topic",
        { ...good, regulations: [{ ...good.regulations[0], topic: "A" }] },
        /regulations\[0\]\.topic/,
      ],
      ["bad document hash", { ...good, regulations: [{ ...good.regulations[0], documentHash: "00" }] }, /documentHash/],
      [
        "effective before recorded",
        { ...good, regulations: [{ ...good.regulations[0], effectiveHeight: "0" }] },
        /is below recordedHeight/,
      ],
      [
        "duplicate regulation",
        { ...good, regulations: [good.regulations[0], good.regulations[0]] },
        /duplicate version/,
      ],
    ];
    for (const [name, json, re] of cases) {
      let err: unknown;
      try {
        parseGovGenesis(json);
      } catch (e) {
        err = e;
      }
      assert.equal(
        codeOf(() => {
          if (err) throw err;
        }),
        "app.invalid_genesis",
        name,
      );
      assert.match((err as Error).message, re, name);
    }
  });

  it("imports the deadlines of pending proposals, settled by the first blocks as usual", () => {
    const json = {
      params: { depositDenom: DENOM, minDeposit: "100", votingPeriodMs: String(HOUR) },
      proposals: [
        {
          id: "4",
          proposer: K.hall.addr,
          proposerOrg: "city-hall",
          title: "Old",
          summary: "",
          messages: [{ type: "gov/regulation", value: "" }],
          status: "deposit_period",
          submitHeight: "1",
          submitTimeMs: String(T0 - 10n * HOUR),
          depositDenom: DENOM,
          minDeposit: "100",
          depositEndMs: String(T0 - HOUR),
          votingStartMs: null,
          votingEndMs: null,
          executeAtMs: null,
          totalDeposit: "0",
          finalTally: null,
          decidedHeight: null,
          failure: null,
          executedHeight: null,
        },
      ],
    };
    const g = parseGovGenesis(json);
    assert.equal(g.nextProposalId, 5n);
    const c = new Chain();
    const store = new MemoryStore();
    const gov2 = govModule({ orgs: c.org.keeper, bank: c.bank.keeper });
    gov2.genesis.init({ ...c.ctx([]), store }, g);
    assert.equal(gov2.keeper.nextDueTimeMs(store), T0 - HOUR);
  });
});
