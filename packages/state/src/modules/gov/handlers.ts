/** Message handlers of the governance module: stateless validation, then the keeper, then events. */
import {
  depositMsg,
  govParamsToJson,
  regulationMsg,
  submitProposalMsg,
  treasurySpendMsg,
  updateGovParamsMsg,
  validateDepositMsg,
  validateRegulationMsg,
  validateSubmitProposalMsg,
  validateTreasurySpendMsg,
  validateUpdateGovParamsMsg,
  validateVoteMsg,
  voteMsg,
} from "@urbis/protocol";
import { ANYONE, GOVERNANCE, handler, MEMBER, type MessageHandler } from "../../framework/module.js";
import {
  depositEvent,
  paramsUpdatedEvent,
  proposalSubmittedEvent,
  regulationRecordedEvent,
  treasurySpendEvent,
  voteEvent,
  votingStartedEvent,
} from "./events.js";
import { type GovKeeper, proposalIdOfOrigin } from "./keeper.js";

/**
 * Handlers of the governance messages:
 * - `gov/submit_proposal` (member), `gov/deposit` (anyone), `gov/vote` (member; an admin of its organization);
 * - `gov/regulation`, `gov/treasury_spend`, `gov/update_params` (governance only: a passed proposal).
 */
export function govHandlers(keeper: GovKeeper): MessageHandler<unknown>[] {
  return [
    handler(submitProposalMsg, MEMBER, validateSubmitProposalMsg, (ctx, m) => {
      const { proposal, votingStarted } = keeper.submit(ctx, m);
      ctx.emit(proposalSubmittedEvent(proposal));
      if (m.initialDeposit > 0n) ctx.emit(depositEvent(proposal, ctx.signer, m.initialDeposit, m.initialDeposit));
      if (votingStarted) ctx.emit(votingStartedEvent(proposal));
    }),
    handler(depositMsg, ANYONE, validateDepositMsg, (ctx, m) => {
      const d = keeper.deposit(ctx.store, ctx.block.timeMs, ctx.signer, m.proposalId, m.amount);
      ctx.emit(depositEvent(d.proposal, ctx.signer, m.amount, d.depositorTotal));
      if (d.votingStarted) ctx.emit(votingStartedEvent(d.proposal));
    }),
    handler(voteMsg, MEMBER, validateVoteMsg, (ctx, m) => {
      const { vote, sector } = keeper.vote(ctx.store, ctx.block, ctx.signer, m.proposalId, m.option);
      ctx.emit(voteEvent(m.proposalId, vote.org, sector, vote.voter, vote.option));
    }),
    handler(regulationMsg, GOVERNANCE, validateRegulationMsg, (ctx, m) => {
      const id = proposalIdOfOrigin(ctx.txHash);
      const r = keeper.recordRegulation(ctx.store, ctx.block.height, ctx.block.timeMs, id, m);
      ctx.emit(regulationRecordedEvent(r));
    }),
    handler(treasurySpendMsg, GOVERNANCE, validateTreasurySpendMsg, (ctx, m) => {
      keeper.treasurySpend(ctx.store, m);
      ctx.emit(treasurySpendEvent(m.recipient, m.denom, m.amount, proposalIdOfOrigin(ctx.txHash)));
    }),
    handler(updateGovParamsMsg, GOVERNANCE, validateUpdateGovParamsMsg, (ctx, m) => {
      keeper.updateParams(ctx.store, m.params);
      ctx.emit(paramsUpdatedEvent(proposalIdOfOrigin(ctx.txHash), JSON.stringify(govParamsToJson(m.params))));
    }),
  ];
}
