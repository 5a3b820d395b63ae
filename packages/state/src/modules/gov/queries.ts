/**
 * Queries of the governance module. Answers are JSON: ids, amounts, weights,
 * heights and times as decimal strings, proposal messages as base64, document
 * hashes as hex. An id naming no proposal fails with `gov.unknown_proposal`.
 */
import {
  GovErrors,
  govParamsToJson,
  MAX_U64,
  PROPOSAL_STATUSES,
  type ProposalStatus,
  proposalToJson,
  regulationToJson,
  TOPIC_PATTERN,
  tallyToJson,
  voteToJson,
} from "@urbis/protocol";
import { AppErrors } from "../../app/errors.js";
import type { Context } from "../../framework/context.js";
import { JsonReader } from "../../framework/json.js";
import type { QueryHandler } from "../../framework/module.js";
import type { GovView } from "./keeper.js";

/**
 * Queries of the governance module:
 * - `gov/proposal` {id} → the proposal (see `proposalToJson`)
 * - `gov/proposals` {status?} → {proposals: [...]} by id
 * - `gov/votes` {id} → {id, votes: [{org, voter, option, height, timeMs}]} by organization id
 * - `gov/tally` {id} → {id, status, final, tally}: the stored final tally once voting ended,
 *   else the live tally over the organizations active at the query height
 * - `gov/deposits` {id} → {id, denom, total, deposits: [{depositor, amount}]}
 * - `gov/params` {} → the parameters
 * - `gov/regulation` {topic, height?} → the version in force at `height` (default: the query height),
 *   or `gov.no_regulation`
 * - `gov/regulations` {topic?} → {regulations: [...]} by topic, effective height, proposal id
 */
export function govQueries(keeper: GovView): QueryHandler[] {
  const j = new JsonReader(AppErrors.invalidQuery);
  const proposalOf = (ctx: Context, params: Readonly<Record<string, string>>) => {
    const id = j.at("id").uint(params.id, MAX_U64);
    return keeper.requireProposal(ctx.store, id);
  };
  return [
    {
      path: "gov/proposal",
      handle(ctx, params) {
        return { ...proposalToJson(proposalOf(ctx, params)) };
      },
    },
    {
      path: "gov/proposals",
      handle(ctx, params) {
        let status: ProposalStatus | undefined;
        if (params.status !== undefined) {
          const s = j.at("status").string(params.status);
          if (!(PROPOSAL_STATUSES as readonly string[]).includes(s)) {
            j.at("status").fail(`${JSON.stringify(s)} is not one of ${PROPOSAL_STATUSES.join(", ")}`);
          }
          status = s as ProposalStatus;
        }
        return { proposals: keeper.proposals(ctx.store, status).map(proposalToJson) };
      },
    },
    {
      path: "gov/votes",
      handle(ctx, params) {
        const p = proposalOf(ctx, params);
        return { id: p.id.toString(), votes: keeper.votes(ctx.store, p.id).map((v) => ({ ...voteToJson(v) })) };
      },
    },
    {
      path: "gov/tally",
      handle(ctx, params) {
        const p = proposalOf(ctx, params);
        const final = p.finalTally !== undefined;
        const tally = p.finalTally ?? keeper.liveTally(ctx.store, p);
        return { id: p.id.toString(), status: p.status, final, tally: tallyToJson(tally) };
      },
    },
    {
      path: "gov/deposits",
      handle(ctx, params) {
        const p = proposalOf(ctx, params);
        return {
          id: p.id.toString(),
          denom: p.depositDenom,
          total: p.totalDeposit.toString(),
          deposits: keeper
            .deposits(ctx.store, p.id)
            .map((d) => ({ depositor: d.depositor, amount: d.amount.toString() })),
        };
      },
    },
    {
      path: "gov/params",
      handle(ctx) {
        return { ...govParamsToJson(keeper.params(ctx.store)) };
      },
    },
    {
      path: "gov/regulation",
      handle(ctx, params) {
        const topic = j.at("topic").string(params.topic, TOPIC_PATTERN);
        // `at`, not `height`: the API uses `height` for the state version a query reads, and the rule
        // history lives in the latest state, so "in force at H" reads today's state with at=H.
        const height = params.at === undefined ? ctx.block.height : j.at("at").uint(params.at, MAX_U64);
        const r = keeper.regulationAt(ctx.store, topic, height);
        if (!r) {
          throw GovErrors.noRegulation.create(`no version of ${topic} is in force at height ${height}`, {
            topic,
            height: height.toString(),
          });
        }
        return { ...regulationToJson(r) };
      },
    },
    {
      path: "gov/regulations",
      handle(ctx, params) {
        const topic = params.topic === undefined ? undefined : j.at("topic").string(params.topic, TOPIC_PATTERN);
        return { regulations: keeper.regulations(ctx.store, topic).map((r) => ({ ...regulationToJson(r) })) };
      },
    },
  ];
}
