/**
 * Events of the governance module: one for every step of every proposal, so
 * the full history of every rule change can be rebuilt from the events alone.
 * Ids, amounts, weights, heights and times are decimal strings; `kinds` is
 * the comma-separated list of the proposal's message types.
 */
import type { Address, Proposal, ProposalFailure, Regulation, TallyResult, VoteOption } from "@urbis/protocol";
import { toHex } from "@urbis/protocol";
import { type Event, event } from "../../framework/events.js";

/** Event types the governance module emits. */
export const GOV_EVENTS = {
  proposalSubmitted: "gov.proposal_submitted",
  deposit: "gov.deposit",
  votingStarted: "gov.voting_started",
  vote: "gov.vote",
  proposalPassed: "gov.proposal_passed",
  proposalRejected: "gov.proposal_rejected",
  proposalVetoed: "gov.proposal_vetoed",
  proposalExpired: "gov.proposal_expired",
  proposalExecuted: "gov.proposal_executed",
  proposalFailed: "gov.proposal_failed",
  depositRefunded: "gov.deposit_refunded",
  depositsForfeited: "gov.deposits_forfeited",
  regulationRecorded: "gov.regulation_recorded",
  treasurySpend: "gov.treasury_spend",
  paramsUpdated: "gov.params_updated",
} as const;

const kinds = (p: Proposal) => p.messages.map((m) => m.type).join(",");

/** `gov.proposal_submitted` {id, proposer, org, title, kinds, depositEndMs}. */
export function proposalSubmittedEvent(p: Proposal): Event {
  return event(GOV_EVENTS.proposalSubmitted, {
    id: p.id,
    proposer: p.proposer,
    org: p.proposerOrg,
    title: p.title,
    kinds: kinds(p),
    depositEndMs: p.depositEndMs,
  });
}

/** `gov.deposit` {id, depositor, denom, amount, depositorTotal, totalDeposit}. */
export function depositEvent(p: Proposal, depositor: Address, amount: bigint, depositorTotal: bigint): Event {
  return event(GOV_EVENTS.deposit, {
    id: p.id,
    depositor,
    denom: p.depositDenom,
    amount,
    depositorTotal,
    totalDeposit: p.totalDeposit,
  });
}

/** `gov.voting_started` {id, votingStartMs, votingEndMs}. */
export function votingStartedEvent(p: Proposal): Event {
  return event(GOV_EVENTS.votingStarted, { id: p.id, votingStartMs: p.votingStartMs, votingEndMs: p.votingEndMs });
}

/** `gov.vote` {id, org, sector, voter, option}. */
export function voteEvent(id: bigint, org: string, sector: string, voter: Address, option: VoteOption): Event {
  return event(GOV_EVENTS.vote, { id, org, sector, voter, option });
}

function tallyAttrs(t: TallyResult) {
  return {
    total: t.total,
    voted: t.voted,
    yes: t.yes,
    no: t.no,
    abstain: t.abstain,
    veto: t.veto,
    quorumReached: t.quorumReached,
    thresholdReached: t.thresholdReached,
    approvingSectors: t.approvingSectors.join(","),
  };
}

/** `gov.proposal_passed` {id, tally…, executeAtMs}. */
export function proposalPassedEvent(p: Proposal, t: TallyResult): Event {
  return event(GOV_EVENTS.proposalPassed, { id: p.id, ...tallyAttrs(t), executeAtMs: p.executeAtMs });
}

/** `gov.proposal_rejected` {id, tally…}. */
export function proposalRejectedEvent(p: Proposal, t: TallyResult): Event {
  return event(GOV_EVENTS.proposalRejected, { id: p.id, ...tallyAttrs(t) });
}

/** `gov.proposal_vetoed` {id, tally…}: its deposits go to the treasury. */
export function proposalVetoedEvent(p: Proposal, t: TallyResult): Event {
  return event(GOV_EVENTS.proposalVetoed, { id: p.id, ...tallyAttrs(t) });
}

/** `gov.proposal_expired` {id, totalDeposit, minDeposit}: the deposit period ended below the minimum. */
export function proposalExpiredEvent(p: Proposal): Event {
  return event(GOV_EVENTS.proposalExpired, { id: p.id, totalDeposit: p.totalDeposit, minDeposit: p.minDeposit });
}

/** `gov.proposal_executed` {id, kinds, height}. */
export function proposalExecutedEvent(p: Proposal): Event {
  return event(GOV_EVENTS.proposalExecuted, { id: p.id, kinds: kinds(p), height: p.executedHeight });
}

/** `gov.proposal_failed` {id, kinds, height, codespace, code, log}: the inner error of the failing message. */
export function proposalFailedEvent(p: Proposal, f: ProposalFailure): Event {
  return event(GOV_EVENTS.proposalFailed, {
    id: p.id,
    kinds: kinds(p),
    height: p.executedHeight,
    codespace: f.codespace,
    code: f.code,
    log: f.log,
  });
}

/** `gov.deposit_refunded` {id, depositor, denom, amount}. */
export function depositRefundedEvent(id: bigint, depositor: Address, denom: string, amount: bigint): Event {
  return event(GOV_EVENTS.depositRefunded, { id, depositor, denom, amount });
}

/** `gov.deposits_forfeited` {id, recipient, denom, amount}: a vetoed proposal's deposits, paid to the treasury. */
export function depositsForfeitedEvent(p: Proposal, recipient: Address): Event {
  return event(GOV_EVENTS.depositsForfeited, {
    id: p.id,
    recipient,
    denom: p.depositDenom,
    amount: p.totalDeposit,
  });
}

/** `gov.regulation_recorded` {topic, title, documentHash (hex), uri, effectiveHeight, proposalId}. */
export function regulationRecordedEvent(r: Regulation): Event {
  return event(GOV_EVENTS.regulationRecorded, {
    topic: r.topic,
    title: r.title,
    documentHash: toHex(r.documentHash),
    uri: r.uri,
    effectiveHeight: r.effectiveHeight,
    proposalId: r.proposalId,
  });
}

/** `gov.treasury_spend` {recipient, denom, amount, proposalId}. */
export function treasurySpendEvent(recipient: Address, denom: string, amount: bigint, proposalId: bigint): Event {
  return event(GOV_EVENTS.treasurySpend, { recipient, denom, amount, proposalId });
}

/** `gov.params_updated` {proposalId, params (JSON)}. */
export function paramsUpdatedEvent(proposalId: bigint, paramsJson: string): Event {
  return event(GOV_EVENTS.paramsUpdated, { proposalId, params: paramsJson });
}
