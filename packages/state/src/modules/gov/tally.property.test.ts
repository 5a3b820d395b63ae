/**
 * Property tests of the tally (`tallyVotes`, the pure function the keeper
 * uses at the end of voting): order independence, monotonicity in yes
 * votes, invariance under scaling every weight, the sector rule, exact
 * integer quorum, threshold and veto boundaries, and agreement with the
 * keeper's own tally of stored votes.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BPS,
  regulationMsg,
  type SectorWeight,
  type TallyOrg,
  type TallyResult,
  type TallyRules,
  type TallyVote,
  tallyVotes,
  type VoteOption,
  voteMsg,
} from "@urbis/protocol";
import fc from "fast-check";
import { Chain, K, ORGS, VOTER } from "./test-support.js";

const SECTORS = ["government", "health", "finance", "utilities", "education", "transport"] as const;
const OPTIONS: VoteOption[] = ["yes", "no", "abstain", "veto"];

interface Case {
  orgs: TallyOrg[];
  votes: TallyVote[];
  rules: TallyRules;
}

const rulesArb = fc
  .record(
    {
      quorumBps: fc.integer({ min: 1, max: BPS }),
      thresholdBps: fc.integer({ min: BPS / 2, max: BPS - 1 }),
      vetoBps: fc.integer({ min: 1, max: BPS }),
      minApprovingSectors: fc.integer({ min: 0, max: 4 }),
      weights: fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: SECTORS.length, maxLength: SECTORS.length }),
      weighted: fc.array(fc.boolean(), { minLength: SECTORS.length, maxLength: SECTORS.length }),
    },
    { noNullPrototype: true },
  )
  .map(
    (r): TallyRules => ({
      quorumBps: r.quorumBps,
      thresholdBps: r.thresholdBps,
      vetoBps: r.vetoBps,
      minApprovingSectors: r.minApprovingSectors,
      // Some sectors listed, the others weigh 1.
      sectorWeights: SECTORS.flatMap((sector, i): SectorWeight[] =>
        r.weighted[i] ? [{ sector, weight: r.weights[i] as number }] : [],
      ),
    }),
  );

/** Up to 12 organizations in random sectors, each voting an option or abstaining from voting (null). */
const caseArb: fc.Arbitrary<Case> = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom(...SECTORS), fc.option(fc.constantFrom(...OPTIONS), { nil: undefined })), {
      minLength: 0,
      maxLength: 12,
    }),
    rulesArb,
  )
  .map(([entries, rules]) => ({
    orgs: entries.map(([sector], i) => ({ id: `org-${i}`, sector })),
    votes: entries.flatMap(([, option], i) => (option ? [{ org: `org-${i}`, option }] : [])),
    rules,
  }));

const outcome = (t: TallyResult) => ({
  passed: t.passed,
  vetoed: t.vetoed,
  quorumReached: t.quorumReached,
  thresholdReached: t.thresholdReached,
  approvingSectors: t.approvingSectors,
});

const run = (c: Case) => tallyVotes(c.orgs, c.votes, c.rules);
const RUNS = { numRuns: 400 };

describe("tally properties", () => {
  it("does not depend on the order of organizations or votes", () => {
    fc.assert(
      fc.property(
        caseArb.chain((c) =>
          fc.tuple(
            fc.constant(c),
            fc.shuffledSubarray(c.orgs, { minLength: c.orgs.length }),
            fc.shuffledSubarray(c.votes, { minLength: c.votes.length }),
          ),
        ),
        ([c, orgs, votes]) => {
          assert.deepEqual(tallyVotes(orgs, votes, c.rules), run(c));
        },
      ),
      RUNS,
    );
  });

  it("keeps its sums consistent: options add up to voted ≤ total, sectors add up to the options", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const t = run(c);
        assert.equal(t.yes + t.no + t.abstain + t.veto, t.voted);
        assert.ok(t.voted <= t.total);
        const sum = (k: "yes" | "no" | "abstain" | "veto") => t.sectors.reduce((s, x) => s + x[k], 0n);
        assert.deepEqual([sum("yes"), sum("no"), sum("abstain"), sum("veto")], [t.yes, t.no, t.abstain, t.veto]);
        assert.equal(
          t.sectors.reduce((s, x) => s + BigInt(x.weight * x.organizations), 0n),
          t.total,
        );
        assert.deepEqual(
          t.approvingSectors,
          t.sectors.filter((s) => s.approves).map((s) => s.sector),
        );
        assert.equal(
          t.passed,
          t.quorumReached &&
            !t.vetoed &&
            t.thresholdReached &&
            t.approvingSectors.length >= c.rules.minApprovingSectors,
        );
      }),
      RUNS,
    );
  });

  it("turning any vote into yes never makes a passing proposal fail", () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), (c, pick) => {
        fc.pre(c.votes.length > 0 && run(c).passed);
        const i = pick % c.votes.length;
        const votes = c.votes.map((v, k) => (k === i ? { ...v, option: "yes" as const } : v));
        assert.equal(tallyVotes(c.orgs, votes, c.rules).passed, true);
      }),
      RUNS,
    );
  });

  it("a yes from an organization that had not voted never makes a passing proposal fail", () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), (c, pick) => {
        const silent = c.orgs.filter((o) => !c.votes.some((v) => v.org === o.id));
        fc.pre(silent.length > 0 && run(c).passed);
        const o = silent[pick % silent.length]!;
        assert.equal(tallyVotes(c.orgs, [...c.votes, { org: o.id, option: "yes" }], c.rules).passed, true);
      }),
      RUNS,
    );
  });

  it("turning a yes into no or veto never makes a failing proposal pass", () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), fc.constantFrom<VoteOption>("no", "veto"), (c, pick, option) => {
        const yes = c.votes.filter((v) => v.option === "yes");
        fc.pre(yes.length > 0 && !run(c).passed);
        const target = yes[pick % yes.length]!.org;
        const votes = c.votes.map((v) => (v.org === target ? { ...v, option } : v));
        assert.equal(tallyVotes(c.orgs, votes, c.rules).passed, false);
      }),
      RUNS,
    );
  });

  it("scaling every sector weight by the same factor leaves the outcome unchanged", () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 2, max: 1000 }), (c, k) => {
        // List every sector explicitly so the unlisted default of 1 scales too.
        const weightOf = (s: string) => c.rules.sectorWeights.find((w) => w.sector === s)?.weight ?? 1;
        const all = SECTORS.map((sector) => ({ sector, weight: weightOf(sector) }));
        const base = tallyVotes(c.orgs, c.votes, { ...c.rules, sectorWeights: all });
        const scaled = tallyVotes(c.orgs, c.votes, {
          ...c.rules,
          sectorWeights: all.map((w) => ({ ...w, weight: w.weight * k })),
        });
        assert.deepEqual(outcome(scaled), outcome(base));
        assert.deepEqual(outcome(base), outcome(run(c)));
        assert.equal(scaled.total, base.total * BigInt(k));
      }),
      RUNS,
    );
  });

  it("nothing passes when more approving sectors are required than there are sectors", () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 5 }), (c, extra) => {
        const sectors = new Set(c.orgs.map((o) => o.sector)).size;
        const t = tallyVotes(c.orgs, c.votes, { ...c.rules, minApprovingSectors: sectors + extra });
        assert.equal(t.passed, false);
      }),
      RUNS,
    );
  });

  it("ignores votes of organizations that are not active (not in the list)", () => {
    fc.assert(
      fc.property(caseArb, fc.array(fc.constantFrom(...OPTIONS), { maxLength: 5 }), (c, ghosts) => {
        const extra = ghosts.map((option, i) => ({ org: `gone-${i}`, option }));
        assert.deepEqual(tallyVotes(c.orgs, [...c.votes, ...extra], c.rules), run(c));
      }),
      RUNS,
    );
  });

  it("meets the quorum exactly at voted · 10000 ≥ quorumBps · total (no rounding)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.nat(), fc.integer({ min: 1, max: BPS }), (n, k0, q) => {
        const k = k0 % (n + 1);
        const orgs = Array.from({ length: n }, (_, i) => ({ id: `o-${i}`, sector: "health" }));
        const votes = orgs.slice(0, k).map((o) => ({ org: o.id, option: "abstain" as const }));
        const t = tallyVotes(orgs, votes, {
          quorumBps: q,
          thresholdBps: 5000,
          vetoBps: BPS,
          minApprovingSectors: 0,
          sectorWeights: [],
        });
        assert.equal(t.quorumReached, k * BPS >= q * n);
      }),
      RUNS,
    );
    // The boundary itself: 1 of 3 at 3333 bps is enough (10000 ≥ 9999), at 3334 it is not (10000 < 10002).
    const three = ["a", "b", "c"].map((id) => ({ id: `${id}-org`, sector: "health" }));
    const one = [{ org: "a-org", option: "yes" as const }];
    const rules = (quorumBps: number): TallyRules => ({
      quorumBps,
      thresholdBps: 5000,
      vetoBps: BPS,
      minApprovingSectors: 0,
      sectorWeights: [],
    });
    assert.equal(tallyVotes(three, one, rules(3333)).quorumReached, true);
    assert.equal(tallyVotes(three, one, rules(3334)).quorumReached, false);
  });

  it("threshold and veto are strict: exactly at the ratio is not enough", () => {
    const orgs = ["a", "b", "c", "d"].map((id) => ({ id: `${id}-org`, sector: "health" }));
    const v = (...options: VoteOption[]) => options.map((option, i) => ({ org: orgs[i]!.id, option }));
    const rules: TallyRules = {
      quorumBps: 1,
      thresholdBps: 5000,
      vetoBps: 2500,
      minApprovingSectors: 0,
      sectorWeights: [],
    };
    assert.equal(tallyVotes(orgs, v("yes", "no"), rules).thresholdReached, false); // 50 % is not above 50 %
    assert.equal(tallyVotes(orgs, v("yes", "yes", "no"), rules).thresholdReached, true);
    assert.equal(tallyVotes(orgs, v("yes", "abstain", "abstain", "no"), rules).thresholdReached, false); // abstain excluded
    assert.equal(tallyVotes(orgs, v("veto", "yes", "yes", "yes"), rules).vetoed, false); // 25 % is not above 25 %
    assert.equal(tallyVotes(orgs, v("veto", "yes", "yes"), rules).vetoed, true);
    // A veto without quorum decides nothing.
    assert.equal(tallyVotes(orgs, v("veto"), { ...rules, quorumBps: 5000 }).vetoed, false);
    // No organization at all: no quorum, nothing passes.
    const empty = tallyVotes([], [], { ...rules, minApprovingSectors: 0 });
    assert.deepEqual([empty.quorumReached, empty.passed, empty.total], [false, false, 0n]);
  });

  it("refuses an organization or a vote listed twice (state never holds either)", () => {
    const rules: TallyRules = {
      quorumBps: 1,
      thresholdBps: 5000,
      vetoBps: 1,
      minApprovingSectors: 0,
      sectorWeights: [],
    };
    assert.throws(
      () =>
        tallyVotes(
          [
            { id: "a-org", sector: "x" },
            { id: "a-org", sector: "y" },
          ],
          [],
          rules,
        ),
      /listed twice/,
    );
    assert.throws(
      () =>
        tallyVotes(
          [{ id: "a-org", sector: "x" }],
          [
            { org: "a-org", option: "yes" },
            { org: "a-org", option: "no" },
          ],
          rules,
        ),
      /voted twice/,
    );
  });

  it("agrees with the keeper's tally of votes cast through the chain", () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.constantFrom(...OPTIONS), { nil: undefined }), {
          minLength: ORGS.length,
          maxLength: ORGS.length,
        }),
        (options) => {
          const c = new Chain();
          const id = c.submit(K.hall, [
            regulationMsg.wrap({
              topic: "parking",
              title: "Parking",
              documentHash: new Uint8Array(32),
              uri: "https://city.example/parking",
              effectiveHeight: 0n,
            }),
          ]);
          const votes: TallyVote[] = [];
          ORGS.forEach((o, i) => {
            const option = options[i];
            if (!option) return;
            c.run(VOTER[o.id]!.addr, voteMsg.wrap({ proposalId: id, option }));
            votes.push({ org: o.id, option });
          });
          const p = c.gov.keeper.proposal(c.store, id)!;
          const expected = tallyVotes(
            ORGS.map((o) => ({ id: o.id, sector: o.sector })),
            votes,
            c.gov.keeper.params(c.store),
          );
          assert.deepEqual(c.gov.keeper.liveTally(c.store, p), expected);
          c.closeVoting(id);
          assert.deepEqual(c.gov.keeper.proposal(c.store, id)!.finalTally, expected);
          assert.equal(c.status(id), expected.passed ? "executed" : expected.vetoed ? "vetoed" : "rejected");
        },
      ),
      { numRuns: 40 },
    );
  });
});
