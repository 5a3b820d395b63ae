/**
 * The tally: a pure function of the active organizations, their votes and
 * the rules, used by the state machine at the end of voting and by any client
 * (SDK, explorer) that wants to recompute an outcome. Integers only.
 *
 * With w(o) the weight of organization o's sector (1 when unlisted):
 *
 * - total  = Σ w(o) over the active organizations;
 * - voted  = Σ w(o) over those that voted (any option); votes of organizations
 *   not in the list (suspended or removed since) are ignored;
 * - quorum: total > 0 and voted · 10000 ≥ quorumBps · total;
 * - veto: quorum and veto · 10000 > vetoBps · voted (a vote without quorum
 *   decides nothing, so it cannot forfeit deposits either);
 * - threshold: yes · 10000 > thresholdBps · (yes + no + veto) (abstain is
 *   excluded, so it counts only towards quorum);
 * - a sector approves when, among its organizations that voted yes, no or
 *   veto, yes weight > no + veto weight;
 * - passed = quorum ∧ ¬veto ∧ threshold ∧ |approving sectors| ≥ minApprovingSectors.
 */
import { InvariantViolation } from "../../errors.js";
import { BPS, type SectorTally, type SectorWeight, sectorWeight, type TallyResult, type VoteOption } from "./types.js";

/** An organization that may vote: its id and sector. */
export interface TallyOrg {
  readonly id: string;
  readonly sector: string;
}

/** One organization's vote. */
export interface TallyVote {
  readonly org: string;
  readonly option: VoteOption;
}

/** The parameters a tally depends on (a subset of the governance parameters). */
export interface TallyRules {
  readonly quorumBps: number;
  readonly thresholdBps: number;
  readonly vetoBps: number;
  readonly minApprovingSectors: number;
  readonly sectorWeights: readonly SectorWeight[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Counts `votes` of the active organizations `orgs` under `rules`. The result
 * does not depend on the order of either list. Throws InvariantViolation when
 * an organization or a vote appears twice (state never holds either).
 */
export function tallyVotes(orgs: readonly TallyOrg[], votes: readonly TallyVote[], rules: TallyRules): TallyResult {
  const sectorOf = new Map<string, string>();
  for (const o of orgs) {
    if (sectorOf.has(o.id)) throw new InvariantViolation(`organization ${o.id} listed twice in a tally`);
    sectorOf.set(o.id, o.sector);
  }
  const optionOf = new Map<string, VoteOption>();
  for (const v of votes) {
    if (optionOf.has(v.org)) throw new InvariantViolation(`organization ${v.org} voted twice in a tally`);
    optionOf.set(v.org, v.option);
  }

  const sectors = new Map<string, SectorTally>();
  let total = 0n;
  const sums = { yes: 0n, no: 0n, abstain: 0n, veto: 0n };
  for (const [org, sector] of sectorOf) {
    const w = sectorWeight(rules.sectorWeights, sector);
    let s = sectors.get(sector);
    if (!s) {
      s = { sector, weight: Number(w), organizations: 0, yes: 0n, no: 0n, abstain: 0n, veto: 0n, approves: false };
      sectors.set(sector, s);
    }
    s.organizations += 1;
    total += w;
    const option = optionOf.get(org);
    if (option === undefined) continue;
    s[option] += w;
    sums[option] += w;
  }

  const sectorList = [...sectors.values()].sort((a, b) => cmp(a.sector, b.sector));
  for (const s of sectorList) s.approves = s.yes > s.no + s.veto;
  const approvingSectors = sectorList.filter((s) => s.approves).map((s) => s.sector);

  const bps = BigInt(BPS);
  const voted = sums.yes + sums.no + sums.abstain + sums.veto;
  const quorumReached = total > 0n && voted * bps >= BigInt(rules.quorumBps) * total;
  const vetoed = quorumReached && sums.veto * bps > BigInt(rules.vetoBps) * voted;
  const thresholdReached = sums.yes * bps > BigInt(rules.thresholdBps) * (sums.yes + sums.no + sums.veto);
  const passed = quorumReached && !vetoed && thresholdReached && approvingSectors.length >= rules.minApprovingSectors;
  return {
    total,
    voted,
    ...sums,
    quorumReached,
    thresholdReached,
    vetoed,
    approvingSectors,
    sectors: sectorList,
    passed,
  };
}
