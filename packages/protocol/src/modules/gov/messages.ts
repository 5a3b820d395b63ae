/**
 * Messages of the governance module and their stateless checks.
 *
 * Sent by accounts: `gov/submit_proposal` (a member), `gov/deposit` (anyone)
 * and `gov/vote` (an admin, for its organization). Run only by a passed
 * proposal (the governance authority): `gov/regulation`, `gov/treasury_spend`
 * and `gov/update_params`.
 */
import { addressCodec } from "../../address.js";
import { utf8 } from "../../bytes.js";
import { fixedBytes, type Infer, string, struct, u64, u128, vec } from "../../codec/index.js";
import { defineMessage, type MessageType, msgCodec } from "../../tx.js";
import { denomCodec, validateAmount, validateDenom } from "../bank/types.js";
import { GovErrors } from "./errors.js";
import {
  govParamsCodec,
  MAX_PROPOSAL_MESSAGES,
  MAX_PROPOSAL_MESSAGES_WIRE,
  MAX_SUMMARY_WIRE_BYTES,
  MAX_TITLE_WIRE_BYTES,
  MAX_URI_BYTES,
  TOPIC_PATTERN,
  titleProblem,
  URI_PATTERN,
  validateGovParams,
  validateProposalText,
  voteOptionCodec,
} from "./types.js";

/**
 * `gov/submit_proposal`: the signer (a member of an active organization)
 * proposes `messages`, to run as the governance authority if the proposal
 * passes, with an initial deposit in the `depositDenom` parameter (0 allowed).
 */
export const submitProposalMsgCodec = struct({
  title: string(MAX_TITLE_WIRE_BYTES),
  summary: string(MAX_SUMMARY_WIRE_BYTES),
  messages: vec(msgCodec, MAX_PROPOSAL_MESSAGES_WIRE),
  initialDeposit: u128,
});
/** Value of a `gov/submit_proposal` message. */
export type SubmitProposalMsg = Infer<typeof submitProposalMsgCodec>;
/** The `gov/submit_proposal` message type. */
export const submitProposalMsg: MessageType<SubmitProposalMsg> = defineMessage(
  "gov/submit_proposal",
  submitProposalMsgCodec,
);

/** `gov/deposit`: the signer adds `amount` of the proposal's deposit denom during its deposit period. */
export const depositMsgCodec = struct({ proposalId: u64, amount: u128 });
/** Value of a `gov/deposit` message. */
export type DepositMsg = Infer<typeof depositMsgCodec>;
/** The `gov/deposit` message type. */
export const depositMsg: MessageType<DepositMsg> = defineMessage("gov/deposit", depositMsgCodec);

/** `gov/vote`: an admin casts its organization's one vote during the voting period. */
export const voteMsgCodec = struct({ proposalId: u64, option: voteOptionCodec });
/** Value of a `gov/vote` message. */
export type VoteMsg = Infer<typeof voteMsgCodec>;
/** The `gov/vote` message type. */
export const voteMsg: MessageType<VoteMsg> = defineMessage("gov/vote", voteMsgCodec);

/**
 * `gov/regulation` (governance only): records a version of the rule text on
 * `topic`, identified by the SHA-256 of the text and published at `uri`, in
 * force from `effectiveHeight` (or from the height that records it, if later).
 * A text-only proposal is a regulation too.
 */
export const regulationMsgCodec = struct({
  topic: string(256),
  title: string(MAX_TITLE_WIRE_BYTES),
  documentHash: fixedBytes(32),
  uri: string(MAX_URI_BYTES * 4),
  effectiveHeight: u64,
});
/** Value of a `gov/regulation` message. */
export type RegulationMsg = Infer<typeof regulationMsgCodec>;
/** The `gov/regulation` message type. */
export const regulationMsg: MessageType<RegulationMsg> = defineMessage("gov/regulation", regulationMsgCodec);

/** `gov/treasury_spend` (governance only): pays `amount` of `denom` from the city treasury to `recipient`. */
export const treasurySpendMsgCodec = struct({ recipient: addressCodec, denom: denomCodec, amount: u128 });
/** Value of a `gov/treasury_spend` message. */
export type TreasurySpendMsg = Infer<typeof treasurySpendMsgCodec>;
/** The `gov/treasury_spend` message type. */
export const treasurySpendMsg: MessageType<TreasurySpendMsg> = defineMessage(
  "gov/treasury_spend",
  treasurySpendMsgCodec,
);

/** `gov/update_params` (governance only): replaces the governance parameters. */
export const updateGovParamsMsgCodec = struct({ params: govParamsCodec });
/** Value of a `gov/update_params` message. */
export type UpdateGovParamsMsg = Infer<typeof updateGovParamsMsgCodec>;
/** The `gov/update_params` message type. */
export const updateGovParamsMsg: MessageType<UpdateGovParamsMsg> = defineMessage(
  "gov/update_params",
  updateGovParamsMsgCodec,
);

/** Every governance message type, in code order. */
export const GOV_MESSAGES = [
  submitProposalMsg,
  depositMsg,
  voteMsg,
  regulationMsg,
  treasurySpendMsg,
  updateGovParamsMsg,
] as const;

/**
 * Stateless checks of `gov/submit_proposal`: title and summary rules
 * (`gov.invalid_proposal_text`), 1 to {@link MAX_PROPOSAL_MESSAGES} messages
 * (`gov.invalid_proposal_content`). Whether each message is a known
 * governance-only message that validates and would run is checked at submission.
 */
export function validateSubmitProposalMsg(m: SubmitProposalMsg): void {
  validateProposalText(m.title, m.summary);
  if (m.messages.length === 0) {
    throw GovErrors.invalidProposalContent.create("a proposal needs at least one message");
  }
  if (m.messages.length > MAX_PROPOSAL_MESSAGES) {
    throw GovErrors.invalidProposalContent.create(
      `a proposal carries at most ${MAX_PROPOSAL_MESSAGES} messages, got ${m.messages.length}`,
    );
  }
}

/** Stateless checks of `gov/deposit`: a strictly positive amount (`bank.invalid_amount`). */
export function validateDepositMsg(m: DepositMsg): void {
  validateAmount(m.amount);
}

/** Stateless checks of `gov/vote`: none beyond decoding (the option is one of four). */
export function validateVoteMsg(_m: VoteMsg): void {}

/**
 * Stateless checks of `gov/regulation` (all `gov.invalid_regulation`): topic
 * matching {@link TOPIC_PATTERN}, a one-line title of 1 to 140 bytes, a URI of
 * at most {@link MAX_URI_BYTES} bytes matching {@link URI_PATTERN}.
 */
export function validateRegulationMsg(m: RegulationMsg): void {
  if (!TOPIC_PATTERN.test(m.topic)) {
    throw GovErrors.invalidRegulation.create(`topic ${JSON.stringify(m.topic)} does not match ${TOPIC_PATTERN}`);
  }
  const p = titleProblem(m.title);
  if (p) throw GovErrors.invalidRegulation.create(p);
  if (utf8(m.uri).length > MAX_URI_BYTES || !URI_PATTERN.test(m.uri)) {
    throw GovErrors.invalidRegulation.create(
      `uri must be at most ${MAX_URI_BYTES} bytes, start with a scheme (https:, ipfs:…) and hold no spaces`,
    );
  }
}

/** Stateless checks of `gov/treasury_spend`: valid denom, strictly positive amount (bank's errors). */
export function validateTreasurySpendMsg(m: TreasurySpendMsg): void {
  validateDenom(m.denom);
  validateAmount(m.amount);
}

/** Stateless checks of `gov/update_params`: see `validateGovParams` (`gov.invalid_params`). */
export function validateUpdateGovParamsMsg(m: UpdateGovParamsMsg): void {
  validateGovParams(m.params);
}
