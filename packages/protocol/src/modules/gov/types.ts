/**
 * Wire and state types of the governance module: proposals, votes, deposits,
 * regulation versions, the tally record and the parameters, with the
 * stateless rules they follow (shared by the state machine, genesis and the
 * browser SDK/explorer).
 *
 * Every weight, amount and time is an integer (bigint where it can grow);
 * fractions are basis points (1/10000) compared by cross-multiplication, never
 * floats, so every node and every client computes the same outcome.
 */
import { base64 } from "@scure/base";
import { type Address, addressCodec } from "../../address.js";
import { toHex, utf8 } from "../../bytes.js";
import {
  bool,
  type Codec,
  fixedBytes,
  type Infer,
  mapped,
  option,
  string,
  struct,
  u8,
  u32,
  u64,
  u128,
  vec,
} from "../../codec/index.js";
import { CodecErrors } from "../../core-errors.js";
import { UrbisError } from "../../errors.js";
import { msgCodec } from "../../tx.js";
import { denomCodec, validateDenom } from "../bank/types.js";
import { SECTOR_PATTERN } from "../org/types.js";
import { GovErrors } from "./errors.js";

/** Basis points in one whole: 10000 bps = 100 %. */
export const BPS = 10_000;
/** Longest proposal title, in UTF-8 bytes. */
export const MAX_TITLE_BYTES = 140;
/** Longest title the codec accepts on the wire; {@link MAX_TITLE_BYTES} is the real rule. */
export const MAX_TITLE_WIRE_BYTES = 1024;
/** Longest proposal summary, in UTF-8 bytes. */
export const MAX_SUMMARY_BYTES = 10_240;
/** Longest summary the codec accepts on the wire; {@link MAX_SUMMARY_BYTES} is the real rule. */
export const MAX_SUMMARY_WIRE_BYTES = 32_768;
/** Most messages one proposal may carry. */
export const MAX_PROPOSAL_MESSAGES = 16;
/**
 * Most messages the codec accepts on the wire. Looser than
 * {@link MAX_PROPOSAL_MESSAGES} so an over-long list is refused with the
 * specific `gov.invalid_proposal_content` rather than a decoding error.
 */
export const MAX_PROPOSAL_MESSAGES_WIRE = 64;
/** Longest deposit, voting period or timelock: 366 days, so deadlines never leave the u64 range. */
export const MAX_PERIOD_MS = 366n * 24n * 3600n * 1000n;
/** Most entries of the `sectorWeights` parameter. */
export const MAX_SECTOR_WEIGHTS = 64;
/** Largest weight a sector may have. */
export const MAX_SECTOR_WEIGHT = 1000;
/** What every regulation topic must match: a lowercase slug such as `parking.zones` or `noise-limits`. */
export const TOPIC_PATTERN = /^[a-z][a-z0-9._-]{1,63}$/;
/** Longest regulation URI, in UTF-8 bytes. */
export const MAX_URI_BYTES = 512;
/** What every regulation URI must look like: a scheme (`https:`, `ipfs:`…) then no spaces or control characters. */
export const URI_PATTERN = /^[a-z][a-z0-9+.-]*:[^\s\p{Cc}]+$/u;
/** Longest failure log kept with a failed proposal, in UTF-8 bytes (longer logs are cut). */
export const MAX_FAILURE_LOG_BYTES = 1024;

/**
 * A codec for a closed set of strings stored as one byte (their index). An
 * unknown byte fails decoding with `codec.out_of_range`, so a wire message
 * carrying one is `tx.malformed`.
 */
function enumCodec<T extends string>(values: readonly T[], what: string): Codec<T> {
  return mapped(
    u8,
    (n) => {
      const v = values[n];
      if (v === undefined) throw CodecErrors.outOfRange.create(`unknown ${what} ${n}`);
      return v;
    },
    (v) => {
      const i = values.indexOf(v);
      if (i < 0) throw CodecErrors.outOfRange.create(`unknown ${what} ${JSON.stringify(v)}`);
      return i;
    },
  );
}

/** How an organization votes. `veto` is a no that, above `vetoBps`, also forfeits the deposits. */
export type VoteOption = "yes" | "no" | "abstain" | "veto";
/** Every vote option, in wire order (0 yes, 1 no, 2 abstain, 3 veto). */
export const VOTE_OPTIONS: readonly VoteOption[] = ["yes", "no", "abstain", "veto"];
/** A {@link VoteOption} on the wire: one byte. */
export const voteOptionCodec: Codec<VoteOption> = enumCodec(VOTE_OPTIONS, "vote option");

/**
 * Where a proposal stands. `deposit_period` → `voting_period` → `passed`
 * (waiting for its timelock) → `executed` | `failed`; or it ends `rejected`,
 * `vetoed` or `expired` (the deposit period ended below the minimum deposit).
 */
export type ProposalStatus =
  | "deposit_period"
  | "voting_period"
  | "passed"
  | "executed"
  | "failed"
  | "rejected"
  | "vetoed"
  | "expired";
/** Every proposal status, in wire order. */
export const PROPOSAL_STATUSES: readonly ProposalStatus[] = [
  "deposit_period",
  "voting_period",
  "passed",
  "executed",
  "failed",
  "rejected",
  "vetoed",
  "expired",
];
/** A {@link ProposalStatus} on the wire: one byte. */
export const proposalStatusCodec: Codec<ProposalStatus> = enumCodec(PROPOSAL_STATUSES, "proposal status");

/** Whether a proposal in `status` still has a deadline ahead (deposit end, voting end or execution). */
export function isPendingStatus(status: ProposalStatus): boolean {
  return status === "deposit_period" || status === "voting_period" || status === "passed";
}

/** Whether a proposal in `status` still holds its deposits in escrow (refunded or forfeited once voting ends). */
export function holdsDeposits(status: ProposalStatus): boolean {
  return status === "deposit_period" || status === "voting_period";
}

/** One entry of the `sectorWeights` parameter. */
export const sectorWeightCodec = struct({ sector: string(64), weight: u32 });
/** The voting weight of every organization of one sector. */
export type SectorWeight = Infer<typeof sectorWeightCodec>;

/** Governance parameters (changed by governance itself with `gov/update_params`). */
export const govParamsCodec = struct({
  /** Denom of deposits (the city currency). */
  depositDenom: denomCodec,
  /** Total deposit that opens the voting period. */
  minDeposit: u128,
  /** How long a proposal may collect deposits, in ms. */
  depositPeriodMs: u64,
  /** How long organizations may vote, in ms. */
  votingPeriodMs: u64,
  /** Delay between the end of voting and execution of a passed proposal, in ms (0 = at once). */
  timelockMs: u64,
  /** Share of the total weight that must vote (any option), in basis points. */
  quorumBps: u32,
  /** Share of yes among yes + no + veto that must be exceeded, in basis points. */
  thresholdBps: u32,
  /** Share of veto among all votes that, when exceeded, vetoes the proposal, in basis points. */
  vetoBps: u32,
  /** Fewest sectors that must approve (more yes than no + veto weight among their voters). */
  minApprovingSectors: u32,
  /** Weight of each organization of a sector; sectors without an entry weigh 1. */
  sectorWeights: vec(sectorWeightCodec, MAX_SECTOR_WEIGHTS * 4),
});
/** Governance parameters. */
export type GovParams = Infer<typeof govParamsCodec>;

/**
 * Parameters of a chain whose genesis gives none: deposits of 1000 UCC (in
 * micro-units of `ucity`), two-day deposit and three-day voting periods, no
 * timelock, half the weight as quorum, a strict majority of yes, a third of
 * veto, and approval in at least three sectors.
 */
export const DEFAULT_GOV_PARAMS: GovParams = {
  depositDenom: "ucity",
  minDeposit: 1_000_000_000n,
  depositPeriodMs: 2n * 24n * 3600n * 1000n,
  votingPeriodMs: 3n * 24n * 3600n * 1000n,
  timelockMs: 0n,
  quorumBps: 5000,
  thresholdBps: 5000,
  vetoBps: 3334,
  minApprovingSectors: 3,
  sectorWeights: [],
};

function paramsFail(msg: string): never {
  throw GovErrors.invalidParams.create(msg);
}

/**
 * Stateless checks of governance parameters (all `gov.invalid_params`): a
 * valid denom; a strictly positive minimum deposit; deposit and voting periods
 * of 1 ms to {@link MAX_PERIOD_MS} and a timelock of at most that; quorum and
 * veto of 1 to 10000 bps; a threshold of 5000 to 9999 bps (at least a strict
 * majority, and reachable); sector weights of 1 to {@link MAX_SECTOR_WEIGHT}
 * for at most {@link MAX_SECTOR_WEIGHTS} distinct well-formed sectors.
 * Whether the sectors exist and whether `minApprovingSectors` is reachable is
 * checked against the organization module when the parameters change.
 */
export function validateGovParams(p: GovParams): void {
  try {
    validateDenom(p.depositDenom);
  } catch (e) {
    if (e instanceof UrbisError) paramsFail(`depositDenom: ${e.message}`);
    throw e;
  }
  if (p.minDeposit <= 0n) paramsFail("minDeposit must be strictly positive");
  for (const [name, v] of [
    ["depositPeriodMs", p.depositPeriodMs],
    ["votingPeriodMs", p.votingPeriodMs],
  ] as const) {
    if (v <= 0n || v > MAX_PERIOD_MS) paramsFail(`${name} must be 1 to ${MAX_PERIOD_MS} ms, got ${v}`);
  }
  if (p.timelockMs < 0n || p.timelockMs > MAX_PERIOD_MS) {
    paramsFail(`timelockMs must be 0 to ${MAX_PERIOD_MS} ms, got ${p.timelockMs}`);
  }
  if (!Number.isInteger(p.quorumBps) || p.quorumBps < 1 || p.quorumBps > BPS) {
    paramsFail(`quorumBps must be 1 to ${BPS}, got ${p.quorumBps}`);
  }
  if (!Number.isInteger(p.vetoBps) || p.vetoBps < 1 || p.vetoBps > BPS) {
    paramsFail(`vetoBps must be 1 to ${BPS}, got ${p.vetoBps}`);
  }
  if (!Number.isInteger(p.thresholdBps) || p.thresholdBps < BPS / 2 || p.thresholdBps >= BPS) {
    paramsFail(`thresholdBps must be ${BPS / 2} to ${BPS - 1}, got ${p.thresholdBps}`);
  }
  if (!Number.isInteger(p.minApprovingSectors) || p.minApprovingSectors < 0) {
    paramsFail(`minApprovingSectors must be a non-negative integer, got ${p.minApprovingSectors}`);
  }
  if (p.sectorWeights.length > MAX_SECTOR_WEIGHTS) {
    paramsFail(`at most ${MAX_SECTOR_WEIGHTS} sector weights, got ${p.sectorWeights.length}`);
  }
  const seen = new Set<string>();
  for (const w of p.sectorWeights) {
    if (!SECTOR_PATTERN.test(w.sector))
      paramsFail(`sector ${JSON.stringify(w.sector)} does not match ${SECTOR_PATTERN}`);
    if (seen.has(w.sector)) paramsFail(`sector ${w.sector} has two weights`);
    seen.add(w.sector);
    if (!Number.isInteger(w.weight) || w.weight < 1 || w.weight > MAX_SECTOR_WEIGHT) {
      paramsFail(`weight of sector ${w.sector} must be 1 to ${MAX_SECTOR_WEIGHT}, got ${w.weight}`);
    }
  }
}

/** The weight every organization of `sector` votes with (1 when the parameter names no weight). */
export function sectorWeight(weights: readonly SectorWeight[], sector: string): bigint {
  return BigInt(weights.find((w) => w.sector === sector)?.weight ?? 1);
}

/** The votes of one sector in a tally, and whether the sector approves. */
export const sectorTallyCodec = struct({
  sector: string(64),
  /** Weight of each of its organizations. */
  weight: u32,
  /** Active organizations of the sector at the tally. */
  organizations: u32,
  yes: u128,
  no: u128,
  abstain: u128,
  veto: u128,
  /** yes > no + veto among the sector's voters. */
  approves: bool,
});
/** The votes of one sector in a tally. */
export type SectorTally = Infer<typeof sectorTallyCodec>;

/** The outcome of counting a proposal's votes (see `tallyVotes`); stored as the proposal's final tally. */
export const tallyResultCodec = struct({
  /** Σ weight of every active organization. */
  total: u128,
  /** Σ weight of the active organizations that voted (any option). */
  voted: u128,
  yes: u128,
  no: u128,
  abstain: u128,
  veto: u128,
  quorumReached: bool,
  thresholdReached: bool,
  vetoed: bool,
  /** Sectors that approve, sorted. */
  approvingSectors: vec(string(64), 1024),
  /** Every sector with an active organization, sorted by name. */
  sectors: vec(sectorTallyCodec, 1024),
  passed: bool,
});
/** The outcome of counting a proposal's votes. */
export type TallyResult = Infer<typeof tallyResultCodec>;

/** Why a passed proposal's execution failed: the error of the failing message. */
export const proposalFailureCodec = struct({
  codespace: string(64),
  code: u32,
  log: string(MAX_FAILURE_LOG_BYTES * 4),
});
/** Why a passed proposal's execution failed. */
export type ProposalFailure = Infer<typeof proposalFailureCodec>;

/** The record of one proposal, stored under its id. */
export const proposalCodec = struct({
  /** Sequential from 1. */
  id: u64,
  /** The account that submitted it. */
  proposer: addressCodec,
  /** The proposer's organization at submission. */
  proposerOrg: string(64),
  title: string(MAX_TITLE_WIRE_BYTES),
  summary: string(MAX_SUMMARY_WIRE_BYTES),
  /** What runs, as the governance authority, if it passes: 1 to 16 governance-only messages. */
  messages: vec(msgCodec, MAX_PROPOSAL_MESSAGES_WIRE),
  status: proposalStatusCodec,
  submitHeight: u64,
  submitTimeMs: u64,
  /** Denom deposits are made in (the parameter at submission). */
  depositDenom: denomCodec,
  /** Total deposit that opens voting (the parameter at submission). */
  minDeposit: u128,
  /** End of the deposit period (exclusive): a block at or after it expires a proposal still below the minimum. */
  depositEndMs: u64,
  votingStartMs: option(u64),
  /** End of the voting period (exclusive): the first block at or after it tallies. */
  votingEndMs: option(u64),
  /** When a passed proposal runs: votingEndMs + the timelock at the end of voting. */
  executeAtMs: option(u64),
  /** Sum of every deposit. */
  totalDeposit: u128,
  finalTally: option(tallyResultCodec),
  /** Height at which the outcome (expired, rejected, vetoed, passed) was decided. */
  decidedHeight: option(u64),
  failure: option(proposalFailureCodec),
  /** Height at which it ran (executed or failed). */
  executedHeight: option(u64),
});
/** The record of one proposal. */
export type Proposal = Infer<typeof proposalCodec>;

/** One organization's vote on a proposal, stored under (proposal id, organization id). */
export const voteRecordCodec = struct({
  org: string(64),
  /** The admin who cast it. */
  voter: addressCodec,
  option: voteOptionCodec,
  height: u64,
  timeMs: u64,
});
/** One organization's vote on a proposal. */
export type VoteRecord = Infer<typeof voteRecordCodec>;

/** One version of a regulation, as a passed `gov/regulation` recorded it. */
export const regulationCodec = struct({
  topic: string(64),
  title: string(MAX_TITLE_WIRE_BYTES),
  /** SHA-256 of the rule text: anyone holding the text can check it is this version. */
  documentHash: fixedBytes(32),
  /** Where the text is published. */
  uri: string(MAX_URI_BYTES * 4),
  /** First height at which this version is in force (never before the height that recorded it). */
  effectiveHeight: u64,
  /** The proposal that enacted it. */
  proposalId: u64,
  /** Height and block time at which it was recorded. */
  recordedHeight: u64,
  recordedTimeMs: u64,
});
/** One version of a regulation. */
export type Regulation = Infer<typeof regulationCodec>;

const CONTROL = /\p{Cc}/u;

/**
 * Checks a one-line title: 1 to {@link MAX_TITLE_BYTES} UTF-8 bytes, no
 * control characters, no surrounding whitespace. Returns a reason, or undefined when it is fine.
 */
export function titleProblem(title: string): string | undefined {
  if (title.length === 0 || utf8(title).length > MAX_TITLE_BYTES) {
    return `title must be 1 to ${MAX_TITLE_BYTES} UTF-8 bytes`;
  }
  if (CONTROL.test(title) || title.trim() !== title) {
    return "title must have no control characters or surrounding whitespace";
  }
  return undefined;
}

/** Fails with `gov.invalid_proposal_text` unless the title passes {@link titleProblem} and the summary has at most {@link MAX_SUMMARY_BYTES} bytes. */
export function validateProposalText(title: string, summary: string): void {
  const p = titleProblem(title);
  if (p) throw GovErrors.invalidProposalText.create(p);
  if (utf8(summary).length > MAX_SUMMARY_BYTES) {
    throw GovErrors.invalidProposalText.create(`summary must be at most ${MAX_SUMMARY_BYTES} UTF-8 bytes`);
  }
}

/** Governance parameters as JSON: u64/u128 as decimal strings, basis points and weights as numbers. */
export type GovParamsJson = {
  depositDenom: string;
  minDeposit: string;
  depositPeriodMs: string;
  votingPeriodMs: string;
  timelockMs: string;
  quorumBps: number;
  thresholdBps: number;
  vetoBps: number;
  minApprovingSectors: number;
  sectorWeights: { sector: string; weight: number }[];
};

/** JSON form of governance parameters (what genesis and `gov/params` use). */
export function govParamsToJson(p: GovParams): GovParamsJson {
  return {
    depositDenom: p.depositDenom,
    minDeposit: p.minDeposit.toString(),
    depositPeriodMs: p.depositPeriodMs.toString(),
    votingPeriodMs: p.votingPeriodMs.toString(),
    timelockMs: p.timelockMs.toString(),
    quorumBps: p.quorumBps,
    thresholdBps: p.thresholdBps,
    vetoBps: p.vetoBps,
    minApprovingSectors: p.minApprovingSectors,
    sectorWeights: p.sectorWeights.map((w) => ({ sector: w.sector, weight: w.weight })),
  };
}

/** A sector's votes as JSON (weights as decimal strings). */
export type SectorTallyJson = {
  sector: string;
  weight: number;
  organizations: number;
  yes: string;
  no: string;
  abstain: string;
  veto: string;
  approves: boolean;
};

/** A tally as JSON (weights as decimal strings). */
export type TallyJson = {
  total: string;
  voted: string;
  yes: string;
  no: string;
  abstain: string;
  veto: string;
  quorumReached: boolean;
  thresholdReached: boolean;
  vetoed: boolean;
  approvingSectors: string[];
  sectors: SectorTallyJson[];
  passed: boolean;
};

/** JSON form of a tally. */
export function tallyToJson(t: TallyResult): TallyJson {
  return {
    total: t.total.toString(),
    voted: t.voted.toString(),
    yes: t.yes.toString(),
    no: t.no.toString(),
    abstain: t.abstain.toString(),
    veto: t.veto.toString(),
    quorumReached: t.quorumReached,
    thresholdReached: t.thresholdReached,
    vetoed: t.vetoed,
    approvingSectors: [...t.approvingSectors],
    sectors: t.sectors.map((s) => ({
      sector: s.sector,
      weight: s.weight,
      organizations: s.organizations,
      yes: s.yes.toString(),
      no: s.no.toString(),
      abstain: s.abstain.toString(),
      veto: s.veto.toString(),
      approves: s.approves,
    })),
    passed: t.passed,
  };
}

/** A proposal message as JSON: its type and its canonical bytes in standard base64. */
export type ProposalMessageJson = {
  type: string;
  value: string;
};

/** A proposal as JSON: u64/u128 as decimal strings, absent optional fields as null. */
export type ProposalJson = {
  id: string;
  proposer: Address;
  proposerOrg: string;
  title: string;
  summary: string;
  messages: ProposalMessageJson[];
  status: ProposalStatus;
  submitHeight: string;
  submitTimeMs: string;
  depositDenom: string;
  minDeposit: string;
  depositEndMs: string;
  votingStartMs: string | null;
  votingEndMs: string | null;
  executeAtMs: string | null;
  totalDeposit: string;
  finalTally: TallyJson | null;
  decidedHeight: string | null;
  failure: { codespace: string; code: number; log: string } | null;
  executedHeight: string | null;
};

const optStr = (v: bigint | undefined) => (v === undefined ? null : v.toString());

/** JSON form of a proposal. */
export function proposalToJson(p: Proposal): ProposalJson {
  return {
    id: p.id.toString(),
    proposer: p.proposer,
    proposerOrg: p.proposerOrg,
    title: p.title,
    summary: p.summary,
    messages: p.messages.map((m) => ({ type: m.type, value: base64.encode(m.value) })),
    status: p.status,
    submitHeight: p.submitHeight.toString(),
    submitTimeMs: p.submitTimeMs.toString(),
    depositDenom: p.depositDenom,
    minDeposit: p.minDeposit.toString(),
    depositEndMs: p.depositEndMs.toString(),
    votingStartMs: optStr(p.votingStartMs),
    votingEndMs: optStr(p.votingEndMs),
    executeAtMs: optStr(p.executeAtMs),
    totalDeposit: p.totalDeposit.toString(),
    finalTally: p.finalTally ? tallyToJson(p.finalTally) : null,
    decidedHeight: optStr(p.decidedHeight),
    failure: p.failure ? { ...p.failure } : null,
    executedHeight: optStr(p.executedHeight),
  };
}

/** A vote as JSON. */
export type VoteJson = {
  org: string;
  voter: Address;
  option: VoteOption;
  height: string;
  timeMs: string;
};

/** JSON form of a vote record. */
export function voteToJson(v: VoteRecord): VoteJson {
  return { org: v.org, voter: v.voter, option: v.option, height: v.height.toString(), timeMs: v.timeMs.toString() };
}

/** A regulation version as JSON: the document hash in lowercase hex. */
export type RegulationJson = {
  topic: string;
  title: string;
  documentHash: string;
  uri: string;
  effectiveHeight: string;
  proposalId: string;
  recordedHeight: string;
  recordedTimeMs: string;
};

/** JSON form of a regulation version. */
export function regulationToJson(r: Regulation): RegulationJson {
  return {
    topic: r.topic,
    title: r.title,
    documentHash: toHex(r.documentHash),
    uri: r.uri,
    effectiveHeight: r.effectiveHeight.toString(),
    proposalId: r.proposalId.toString(),
    recordedHeight: r.recordedHeight.toString(),
    recordedTimeMs: r.recordedTimeMs.toString(),
  };
}
