/**
 * Governance genesis. The section is optional (absent: the default
 * parameters, no proposals) and reads:
 *
 * ```json
 * {
 *   "params": {
 *     "depositDenom": "ucity", "minDeposit": "1000000000",
 *     "depositPeriodMs": "172800000", "votingPeriodMs": "259200000", "timelockMs": "0",
 *     "quorumBps": 5000, "thresholdBps": 5000, "vetoBps": 3334, "minApprovingSectors": 3,
 *     "sectorWeights": [{ "sector": "government", "weight": 3 }]
 *   },
 *   "nextProposalId": "1",
 *   "proposals": [],
 *   "regulations": []
 * }
 * ```
 *
 * Every parameter is optional (the default of `DEFAULT_GOV_PARAMS` applies);
 * integers are decimal strings or JSON integers. `proposals` and
 * `regulations` carry exported state (see {@link exportGovGenesis}): each
 * proposal in the JSON form of `proposalToJson` plus its `votes` and
 * `deposits`, every field checked, and consistent with its status. The
 * escrow account (`GOVERNANCE_ADDRESS`) must hold the deposits of proposals
 * still in their deposit or voting period: the bank section funds it, and
 * the escrow invariant checks it at InitChain. Whether `depositDenom` is an
 * asset and the weighted sectors exist is checked when governance changes the
 * parameters, not here (sections are parsed on their own). Unknown fields are
 * refused so a typo cannot silently drop state.
 */
import { base64 } from "@scure/base";
import {
  type Address,
  DEFAULT_GOV_PARAMS,
  DENOM_PATTERN,
  decodeAddress,
  encodeAddress,
  fromHex,
  type GovParams,
  govParamsToJson,
  MAX_PROPOSAL_MESSAGES,
  MAX_U64,
  MAX_U128,
  type Msg,
  ORG_ID_PATTERN,
  PROPOSAL_STATUSES,
  type Proposal,
  type ProposalStatus,
  proposalToJson,
  type Regulation,
  regulationToJson,
  type SectorTally,
  type TallyResult,
  TOPIC_PATTERN,
  titleProblem,
  UrbisError,
  VOTE_OPTIONS,
  type VoteOption,
  type VoteRecord,
  validateGovParams,
  validateProposalText,
  validateRegulationMsg,
  voteToJson,
} from "@urbis/protocol";
import { AppErrors } from "../../app/errors.js";
import { JsonReader } from "../../framework/json.js";
import type { GenesisHandler, Json } from "../../framework/module.js";
import type { KVRead } from "../../framework/store.js";
import type { DepositRecord, GovKeeper, GovView } from "./keeper.js";

/** One imported proposal with its votes and deposits. */
export interface GenesisProposal {
  proposal: Proposal;
  votes: VoteRecord[];
  deposits: DepositRecord[];
}

/** Parsed and validated governance genesis section. */
export interface GovGenesis {
  params: GovParams;
  nextProposalId: bigint;
  proposals: GenesisProposal[];
  regulations: Regulation[];
}

/** Re-throws a registered error of a stateless check as a genesis error at `j`'s path. */
function checked(j: JsonReader, check: () => void): void {
  try {
    check();
  } catch (e) {
    if (e instanceof UrbisError) j.fail(e.message);
    throw e;
  }
}

const canonical = (j: JsonReader, v: unknown): Address => encodeAddress(decodeAddress(j.address(v)));

function bool(j: JsonReader, v: unknown): boolean {
  if (typeof v !== "boolean") j.fail("expected true or false");
  return v;
}

function b64(j: JsonReader, v: unknown): Uint8Array {
  const s = j.string(v);
  try {
    const b = base64.decode(s);
    if (base64.encode(b) === s) return b;
  } catch {
    // reported below
  }
  return j.fail(`${JSON.stringify(s)} is not padded standard base64`);
}

function hash32(j: JsonReader, v: unknown): Uint8Array {
  return fromHex(j.string(v, /^[0-9a-f]{64}$/));
}

/** Parses governance parameters; every field is optional and defaults to `DEFAULT_GOV_PARAMS`. */
export function parseGovParams(j: JsonReader, v: unknown): GovParams {
  if (v === undefined) return DEFAULT_GOV_PARAMS;
  const o = j.record(v, Object.keys(govParamsToJson(DEFAULT_GOV_PARAMS)));
  const d = DEFAULT_GOV_PARAMS;
  const big = (k: string, def: bigint, max: bigint) => (o[k] === undefined ? def : j.at(k).uint(o[k], max));
  const small = (k: string, def: number) => (o[k] === undefined ? def : j.at(k).smallUint(o[k], 0xffff_ffff));
  const weights =
    o.sectorWeights === undefined
      ? d.sectorWeights
      : j
          .at("sectorWeights")
          .array(o.sectorWeights)
          .map((w, i) => {
            const jw = j.at(`sectorWeights[${i}]`);
            const wo = jw.record(w, ["sector", "weight"]);
            return {
              sector: jw.at("sector").string(wo.sector),
              weight: jw.at("weight").smallUint(wo.weight, 0xffff_ffff),
            };
          });
  const p: GovParams = {
    depositDenom: o.depositDenom === undefined ? d.depositDenom : j.at("depositDenom").string(o.depositDenom),
    minDeposit: big("minDeposit", d.minDeposit, MAX_U128),
    depositPeriodMs: big("depositPeriodMs", d.depositPeriodMs, MAX_U64),
    votingPeriodMs: big("votingPeriodMs", d.votingPeriodMs, MAX_U64),
    timelockMs: big("timelockMs", d.timelockMs, MAX_U64),
    quorumBps: small("quorumBps", d.quorumBps),
    thresholdBps: small("thresholdBps", d.thresholdBps),
    vetoBps: small("vetoBps", d.vetoBps),
    minApprovingSectors: small("minApprovingSectors", d.minApprovingSectors),
    sectorWeights: weights,
  };
  checked(j, () => validateGovParams(p));
  return p;
}

function parseTally(j: JsonReader, v: unknown): TallyResult {
  const o = j.object(v);
  const fields = ["total", "voted", "yes", "no", "abstain", "veto"] as const;
  const flags = ["quorumReached", "thresholdReached", "vetoed", "passed"] as const;
  j.noExtraKeys(o, [...fields, ...flags, "approvingSectors", "sectors"]);
  const n = Object.fromEntries(fields.map((k) => [k, j.at(k).uint(o[k], MAX_U128)])) as Record<
    (typeof fields)[number],
    bigint
  >;
  const f = Object.fromEntries(flags.map((k) => [k, bool(j.at(k), o[k])])) as Record<(typeof flags)[number], boolean>;
  const approvingSectors = j
    .at("approvingSectors")
    .array(o.approvingSectors)
    .map((s, i) => j.at(`approvingSectors[${i}]`).string(s));
  const sectors = j
    .at("sectors")
    .array(o.sectors)
    .map((s, i): SectorTally => {
      const js = j.at(`sectors[${i}]`);
      const so = js.record(s, ["sector", "weight", "organizations", "yes", "no", "abstain", "veto", "approves"]);
      return {
        sector: js.at("sector").string(so.sector),
        weight: js.at("weight").smallUint(so.weight, 0xffff_ffff),
        organizations: js.at("organizations").smallUint(so.organizations, 0xffff_ffff),
        yes: js.at("yes").uint(so.yes, MAX_U128),
        no: js.at("no").uint(so.no, MAX_U128),
        abstain: js.at("abstain").uint(so.abstain, MAX_U128),
        veto: js.at("veto").uint(so.veto, MAX_U128),
        approves: bool(js.at("approves"), so.approves),
      };
    });
  return { ...n, ...f, approvingSectors, sectors };
}

const PROPOSAL_FIELDS = [...Object.keys(proposalToJson(sampleProposal())), "votes", "deposits"];

/** A placeholder proposal, only to list the JSON field names once. */
function sampleProposal(): Proposal {
  return {
    id: 1n,
    proposer: encodeAddress(new Uint8Array(20)),
    proposerOrg: "",
    title: "",
    summary: "",
    messages: [],
    status: "deposit_period",
    submitHeight: 0n,
    submitTimeMs: 0n,
    depositDenom: "",
    minDeposit: 0n,
    depositEndMs: 0n,
    votingStartMs: undefined,
    votingEndMs: undefined,
    executeAtMs: undefined,
    totalDeposit: 0n,
    finalTally: undefined,
    decidedHeight: undefined,
    failure: undefined,
    executedHeight: undefined,
  };
}

/** Which optional fields a proposal in each status must (true) or must not (false) have. */
const SHAPE: Record<ProposalStatus, [voting: boolean, decided: boolean, executeAt: boolean, executed: boolean]> = {
  deposit_period: [false, false, false, false],
  voting_period: [true, false, false, false],
  passed: [true, true, true, false],
  executed: [true, true, true, true],
  failed: [true, true, true, true],
  rejected: [true, true, false, false],
  vetoed: [true, true, false, false],
  expired: [false, true, false, false],
};

function parseProposal(j: JsonReader, v: unknown): GenesisProposal {
  const o = j.record(v, PROPOSAL_FIELDS);
  const opt = (k: string) => (o[k] === undefined || o[k] === null ? undefined : j.at(k).uint(o[k], MAX_U64));
  const id = j.at("id").uint(o.id, MAX_U64);
  if (id === 0n) j.at("id").fail("proposal ids start at 1");
  const statusText = j.at("status").string(o.status);
  if (!(PROPOSAL_STATUSES as readonly string[]).includes(statusText)) {
    j.at("status").fail(`${JSON.stringify(statusText)} is not one of ${PROPOSAL_STATUSES.join(", ")}`);
  }
  const status = statusText as ProposalStatus;
  const title = j.at("title").string(o.title);
  const summary = j.at("summary").string(o.summary);
  checked(j, () => validateProposalText(title, summary));
  const messages = j
    .at("messages")
    .array(o.messages)
    .map((m, i): Msg => {
      const jm = j.at(`messages[${i}]`);
      const mo = jm.record(m, ["type", "value"]);
      return {
        type: jm.at("type").string(mo.type, /^[a-z][a-z0-9_]*\/[a-z][a-z0-9_]*$/),
        value: b64(jm.at("value"), mo.value),
      };
    });
  if (messages.length === 0 || messages.length > MAX_PROPOSAL_MESSAGES) {
    j.at("messages").fail(`a proposal carries 1 to ${MAX_PROPOSAL_MESSAGES} messages`);
  }
  let failure: Proposal["failure"];
  if (o.failure !== undefined && o.failure !== null) {
    const jf = j.at("failure");
    const fo = jf.record(o.failure, ["codespace", "code", "log"]);
    failure = {
      codespace: jf.at("codespace").string(fo.codespace, /^[a-z][a-z0-9_]*$/),
      code: jf.at("code").smallUint(fo.code, 0xffff_ffff),
      log: jf.at("log").string(fo.log),
    };
  }
  const p: Proposal = {
    id,
    proposer: canonical(j.at("proposer"), o.proposer),
    proposerOrg: j.at("proposerOrg").string(o.proposerOrg, ORG_ID_PATTERN),
    title,
    summary,
    messages,
    status,
    submitHeight: j.at("submitHeight").uint(o.submitHeight, MAX_U64),
    submitTimeMs: j.at("submitTimeMs").uint(o.submitTimeMs, MAX_U64),
    depositDenom: j.at("depositDenom").string(o.depositDenom, DENOM_PATTERN),
    minDeposit: j.at("minDeposit").uint(o.minDeposit, MAX_U128),
    depositEndMs: j.at("depositEndMs").uint(o.depositEndMs, MAX_U64),
    votingStartMs: opt("votingStartMs"),
    votingEndMs: opt("votingEndMs"),
    executeAtMs: opt("executeAtMs"),
    totalDeposit: j.at("totalDeposit").uint(o.totalDeposit, MAX_U128),
    finalTally:
      o.finalTally === undefined || o.finalTally === null ? undefined : parseTally(j.at("finalTally"), o.finalTally),
    decidedHeight: opt("decidedHeight"),
    failure,
    executedHeight: opt("executedHeight"),
  };
  if (p.minDeposit === 0n) j.at("minDeposit").fail("must be strictly positive");

  // The optional fields must match the status.
  const [voting, decided, executeAt, executed] = SHAPE[status];
  const has = (present: boolean, want: boolean, what: string) => {
    if (present !== want) j.fail(`a proposal in status ${status} ${want ? "needs" : "has no"} ${what}`);
  };
  has(p.votingStartMs !== undefined && p.votingEndMs !== undefined, voting, "votingStartMs and votingEndMs");
  if (!voting) has(p.votingStartMs !== undefined || p.votingEndMs !== undefined, false, "voting period");
  has(p.decidedHeight !== undefined, decided, "decidedHeight");
  has(p.finalTally !== undefined, decided && voting, "finalTally");
  has(p.executeAtMs !== undefined, executeAt, "executeAtMs");
  has(p.executedHeight !== undefined, executed, "executedHeight");
  has(p.failure !== undefined, status === "failed", "failure");
  if (p.finalTally && p.finalTally.passed !== (executeAt || status === "executed" || status === "failed")) {
    j.at("finalTally").fail(`passed is ${p.finalTally.passed}, which contradicts status ${status}`);
  }
  if (status === "deposit_period" && p.totalDeposit >= p.minDeposit) {
    j.at("totalDeposit").fail("a proposal in its deposit period is below its minimum deposit");
  }

  // Deposits add up to the total.
  const depositors = new Set<string>();
  let sum = 0n;
  const depositsRaw = o.deposits === undefined ? [] : j.at("deposits").array(o.deposits);
  const deposits = depositsRaw.map((d, i): DepositRecord => {
    const jd = j.at(`deposits[${i}]`);
    const dobj = jd.record(d, ["depositor", "amount"]);
    const depositor = canonical(jd.at("depositor"), dobj.depositor);
    if (depositors.has(depositor)) jd.at("depositor").fail(`duplicate depositor ${depositor}`);
    depositors.add(depositor);
    const amount = jd.at("amount").uint(dobj.amount, MAX_U128);
    if (amount === 0n) jd.at("amount").fail("must be strictly positive");
    sum += amount;
    return { depositor, amount };
  });
  if (sum !== p.totalDeposit) j.at("deposits").fail(`deposits add up to ${sum}, totalDeposit is ${p.totalDeposit}`);

  // One vote per organization, and none before voting opened.
  const orgs = new Set<string>();
  const votesRaw = o.votes === undefined ? [] : j.at("votes").array(o.votes);
  if (!voting && votesRaw.length > 0) j.at("votes").fail(`a proposal in status ${status} has no votes`);
  const votes = votesRaw.map((x, i): VoteRecord => {
    const jv = j.at(`votes[${i}]`);
    const vo = jv.record(x, ["org", "voter", "option", "height", "timeMs"]);
    const org = jv.at("org").string(vo.org, ORG_ID_PATTERN);
    if (orgs.has(org)) jv.at("org").fail(`${org} voted twice`);
    orgs.add(org);
    const option = jv.at("option").string(vo.option);
    if (!(VOTE_OPTIONS as readonly string[]).includes(option)) {
      jv.at("option").fail(`${JSON.stringify(option)} is not one of ${VOTE_OPTIONS.join(", ")}`);
    }
    return {
      org,
      voter: canonical(jv.at("voter"), vo.voter),
      option: option as VoteOption,
      height: jv.at("height").uint(vo.height, MAX_U64),
      timeMs: jv.at("timeMs").uint(vo.timeMs, MAX_U64),
    };
  });
  return { proposal: p, votes, deposits };
}

function parseRegulation(j: JsonReader, v: unknown): Regulation {
  const o = j.record(v, Object.keys(regulationToJson(sampleRegulation)));
  const r: Regulation = {
    topic: j.at("topic").string(o.topic, TOPIC_PATTERN),
    title: j.at("title").string(o.title),
    documentHash: hash32(j.at("documentHash"), o.documentHash),
    uri: j.at("uri").string(o.uri),
    effectiveHeight: j.at("effectiveHeight").uint(o.effectiveHeight, MAX_U64),
    proposalId: j.at("proposalId").uint(o.proposalId, MAX_U64),
    recordedHeight: j.at("recordedHeight").uint(o.recordedHeight, MAX_U64),
    recordedTimeMs: j.at("recordedTimeMs").uint(o.recordedTimeMs, MAX_U64),
  };
  const problem = titleProblem(r.title);
  if (problem) j.at("title").fail(problem);
  checked(j, () => validateRegulationMsg(r));
  if (r.effectiveHeight < r.recordedHeight) j.at("effectiveHeight").fail("is below recordedHeight");
  return r;
}

const sampleRegulation: Regulation = {
  topic: "",
  title: "",
  documentHash: new Uint8Array(32),
  uri: "",
  effectiveHeight: 0n,
  proposalId: 0n,
  recordedHeight: 0n,
  recordedTimeMs: 0n,
};

/** Parses and validates a governance genesis section; fails with `app.invalid_genesis`. */
export function parseGovGenesis(json: unknown): GovGenesis {
  const j = new JsonReader(AppErrors.invalidGenesis, "gov");
  if (json === undefined) return { params: DEFAULT_GOV_PARAMS, nextProposalId: 1n, proposals: [], regulations: [] };
  const o = j.record(json, ["params", "nextProposalId", "proposals", "regulations"]);
  const params = parseGovParams(j.at("params"), o.params);

  const ids = new Set<bigint>();
  let maxId = 0n;
  const proposalsRaw = o.proposals === undefined ? [] : j.at("proposals").array(o.proposals);
  const proposals = proposalsRaw.map((p, i) => {
    const gp = parseProposal(j.at(`proposals[${i}]`), p);
    if (ids.has(gp.proposal.id)) j.at(`proposals[${i}].id`).fail(`duplicate proposal id ${gp.proposal.id}`);
    ids.add(gp.proposal.id);
    if (gp.proposal.id > maxId) maxId = gp.proposal.id;
    return gp;
  });
  const nextProposalId =
    o.nextProposalId === undefined ? maxId + 1n : j.at("nextProposalId").uint(o.nextProposalId, MAX_U64);
  if (nextProposalId === 0n || nextProposalId <= maxId) {
    j.at("nextProposalId").fail(`must be above every proposal id (the largest is ${maxId})`);
  }

  const keys = new Set<string>();
  const regulationsRaw = o.regulations === undefined ? [] : j.at("regulations").array(o.regulations);
  const regulations = regulationsRaw.map((r, i) => {
    const reg = parseRegulation(j.at(`regulations[${i}]`), r);
    const key = `${reg.topic}/${reg.effectiveHeight}/${reg.proposalId}`;
    if (keys.has(key)) j.at(`regulations[${i}]`).fail(`duplicate version ${key}`);
    keys.add(key);
    return reg;
  });
  return { params, nextProposalId, proposals, regulations };
}

/** Exports governance state as a genesis section that {@link parseGovGenesis} reads back to the same state. */
export function exportGovGenesis(keeper: GovView, store: KVRead): Json {
  return {
    params: { ...govParamsToJson(keeper.params(store)) },
    nextProposalId: keeper.nextId(store).toString(),
    proposals: keeper.proposals(store).map((p) => ({
      ...proposalToJson(p),
      votes: keeper.votes(store, p.id).map((v) => ({ ...voteToJson(v) })),
      deposits: keeper.deposits(store, p.id).map((d) => ({ depositor: d.depositor, amount: d.amount.toString() })),
    })),
    regulations: keeper.regulations(store).map((r) => ({ ...regulationToJson(r) })),
  };
}

/** Genesis handler of the governance module. */
export function govGenesis(keeper: GovKeeper): GenesisHandler<GovGenesis> {
  return {
    parse: parseGovGenesis,
    init(ctx, g) {
      keeper.setParams(ctx.store, g.params);
      keeper.setNextId(ctx.store, g.nextProposalId);
      for (const p of g.proposals) keeper.importProposal(ctx.store, p.proposal, p.votes, p.deposits);
      for (const r of g.regulations) keeper.importRegulation(ctx.store, r);
    },
    export: (ctx) => exportGovGenesis(keeper, ctx.store),
  };
}
