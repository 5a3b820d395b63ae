/**
 * Error kinds of the governance module (codespace `gov`). Codes are
 * permanent: new kinds get the next free code, retired ones are never reused.
 */
import { registerError } from "../../errors.js";

/** Errors of the governance module. */
export const GovErrors = {
  /** No proposal has the id. */
  unknownProposal: registerError("gov", 1, "unknown_proposal", "No proposal has this id.", 404),
  /**
   * A proposal message's type is not registered, or is not a governance-only
   * message (only those can be proposed: everything else any account may send itself).
   */
  unknownProposalKind: registerError(
    "gov",
    2,
    "unknown_proposal_kind",
    "A proposal message's type is not registered or is not a governance-only message.",
  ),
  /** A proposal has no messages, too many, or one that does not decode or fails its module's stateless checks. */
  invalidProposalContent: registerError(
    "gov",
    3,
    "invalid_proposal_content",
    "A proposal has no messages, more than 16, or one that does not decode or fails its module's checks.",
  ),
  /** A proposal's title or summary breaks the length or character rules. */
  invalidProposalText: registerError(
    "gov",
    4,
    "invalid_proposal_text",
    "A proposal's title (1 to 140 UTF-8 bytes, one line) or summary (at most 10240 bytes) breaks the rules.",
  ),
  /** A deposit was made to a proposal that is not (or no longer) in its deposit period. */
  notDepositPeriod: registerError(
    "gov",
    5,
    "not_deposit_period",
    "The proposal is not in its deposit period; deposits are closed.",
  ),
  /** A vote was cast on a proposal that is not (or no longer) in its voting period. */
  notVotingPeriod: registerError(
    "gov",
    6,
    "not_voting_period",
    "The proposal is not in its voting period; votes are closed or not open yet.",
  ),
  /** The signer belongs to no active organization. */
  notMember: registerError("gov", 7, "not_member", "The signer belongs to no active member organization.", 403),
  /** Only an admin of a member organization may vote for it. */
  notAdmin: registerError(
    "gov",
    8,
    "not_admin",
    "The signer is not an admin of its organization; only admins vote for it.",
    403,
  ),
  /** The signer's organization already voted on the proposal (one vote per organization). */
  alreadyVoted: registerError(
    "gov",
    9,
    "already_voted",
    "The signer's organization has already voted on this proposal.",
    409,
  ),
  /** Governance parameters break their rules (denom, periods, basis points, sector weights). */
  invalidParams: registerError(
    "gov",
    10,
    "invalid_params",
    "Governance parameters break their rules (denom, periods, basis points or sector weights).",
  ),
  /** A regulation's topic, title or URI breaks the rules. */
  invalidRegulation: registerError(
    "gov",
    11,
    "invalid_regulation",
    "A regulation's topic, title or URI breaks the rules.",
  ),
  /** No version of the regulation topic is in force at the height asked. */
  noRegulation: registerError(
    "gov",
    12,
    "no_regulation",
    "No version of this regulation topic is in force at the height asked.",
    404,
  ),
};
