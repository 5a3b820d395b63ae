/**
 * Governance keeper: proposals, deposits, votes, the due queue, regulation
 * versions and the parameters, and the proposal lifecycle run at the end of
 * every block.
 *
 * Lifecycle. A member submits a proposal (its messages are checked: each is a
 * registered governance-only message, decodes and validates, and the whole
 * list runs against a throwaway copy of the state, so a proposal that could
 * not run now is refused with the inner error). Deposits go to the escrow
 * account `GOVERNANCE_ADDRESS`; reaching the minimum deposit opens voting at
 * once. Admins vote for their organizations, one vote each. When a deadline
 * falls due (the first block whose time is at or after it):
 *
 * - deposit period over below the minimum → `expired`, deposits refunded;
 * - voting over → tally over the organizations active at that moment:
 *   vetoed → deposits to the treasury; rejected → refunded; passed → refunded,
 *   then executed at `votingEnd + timelock` (in the same block when the
 *   timelock is 0): its messages run as the governance authority in one
 *   checkpoint; a failure marks it `failed` with the error, and the chain goes on.
 *
 * Deadlines are exclusive: a deposit or vote in a block whose time is at or
 * after the deadline is refused, and that block's end settles the proposal.
 *
 * Every mutator checks its rules before its first write, so a refused call
 * leaves the store untouched even outside a transaction's checkpoint.
 */
import {
  type Address,
  be64,
  concatBytes,
  DEFAULT_GOV_PARAMS,
  decode,
  encode,
  GOVERNANCE_ADDRESS,
  GovErrors,
  type GovParams,
  govParamsCodec,
  InvariantViolation,
  isPendingStatus,
  MAX_FAILURE_LOG_BYTES,
  MAX_U64,
  type Msg,
  type Organization,
  type Proposal,
  type ProposalFailure,
  type ProposalStatus,
  prefixEnd,
  proposalCodec,
  type Regulation,
  type RegulationMsg,
  regulationCodec,
  type SubmitProposalMsg,
  type TallyResult,
  TREASURY_ADDRESS,
  type TreasurySpendMsg,
  tallyVotes,
  UrbisError,
  u64,
  u128,
  utf8,
  type VoteOption,
  type VoteRecord,
  voteRecordCodec,
} from "@urbis/protocol";
import type { Context, TxContext } from "../../framework/context.js";
import type { ModuleHost } from "../../framework/module.js";
import { CacheStore, type KVRead, type KVStore } from "../../framework/store.js";
import type { BankKeeper } from "../bank/keeper.js";
import type { OrgView } from "../org/view.js";
import {
  depositRefundedEvent,
  depositsForfeitedEvent,
  proposalExecutedEvent,
  proposalExpiredEvent,
  proposalFailedEvent,
  proposalPassedEvent,
  proposalRejectedEvent,
  proposalVetoedEvent,
} from "./events.js";
import {
  depositKey,
  GOV_NEXT_ID_KEY,
  GOV_PARAMS_KEY,
  GOV_PROPOSAL_PREFIX,
  GOV_QUEUE_PREFIX,
  GOV_REGULATION_PREFIX,
  parseDepositKey,
  parseQueueKey,
  proposalDepositsPrefix,
  proposalKey,
  proposalVotesPrefix,
  queueKey,
  regulationKey,
  topicPrefix,
  voteKey,
} from "./keys.js";

/** One depositor's total on a proposal. */
export interface DepositRecord {
  depositor: Address;
  amount: bigint;
}

/** What other modules (and queries) may read of governance. */
export interface GovView {
  /** Governance parameters (the defaults before genesis wrote any). */
  params(store: KVRead): GovParams;
  /** The proposal with this id, or undefined. */
  proposal(store: KVRead, id: bigint): Proposal | undefined;
  /** Every proposal (with `status`, only those), by id. */
  proposals(store: KVRead, status?: ProposalStatus): Proposal[];
  /** Every vote on a proposal, by organization id. */
  votes(store: KVRead, id: bigint): VoteRecord[];
  /** Every deposit on a proposal, by depositor address bytes. */
  deposits(store: KVRead, id: bigint): DepositRecord[];
  /** The tally of a proposal's votes over the organizations active now, under the current parameters. */
  liveTally(store: KVRead, p: Proposal): TallyResult;
  /** The version of `topic` in force at `height` (latest effective height ≤ height), or undefined. */
  regulationAt(store: KVRead, topic: string, height: bigint): Regulation | undefined;
  /** Every recorded regulation version (of `topic` only, if given), by topic, effective height, proposal id. */
  regulations(store: KVRead, topic?: string): Regulation[];
  /** The earliest deadline of a proposal still pending, or undefined. */
  nextDueTimeMs(store: KVRead): bigint | undefined;
  /** The next proposal id. */
  nextId(store: KVRead): bigint;
  /** The proposal with this id; fails with `gov.unknown_proposal`. */
  requireProposal(store: KVRead, id: bigint): Proposal;
}

/** The modules governance reads and pays through. */
export interface GovDeps {
  /** Organizations: who may submit and vote, and the sectors that weigh votes. */
  orgs: OrgView;
  /** Deposits, refunds and treasury spends. */
  bank: BankKeeper;
}

/** What a submission did. */
export interface Submitted {
  proposal: Proposal;
  /** Whether the initial deposit reached the minimum, opening voting at once. */
  votingStarted: boolean;
}

/** What a deposit did. */
export interface Deposited {
  proposal: Proposal;
  /** The depositor's total on the proposal after this deposit. */
  depositorTotal: bigint;
  votingStarted: boolean;
}

/** What a vote did. */
export interface Voted {
  vote: VoteRecord;
  sector: string;
}

/** The proposal id of a dispatch origin `proposal/<id>` (0 when the message did not come from a proposal). */
export function proposalIdOfOrigin(origin: string): bigint {
  const m = /^proposal\/([1-9][0-9]{0,19})$/.exec(origin);
  return m ? BigInt(m[1] as string) : 0n;
}

/** Cuts `s` to at most `max` UTF-8 bytes, on a character boundary. */
function cutUtf8(s: string, max: number): string {
  if (utf8(s).length <= max) return s;
  let out = "";
  for (const ch of s) {
    if (utf8(out + ch).length > max) break;
    out += ch;
  }
  return out;
}

/** Governance keeper: the only code that writes governance state. */
export class GovKeeper implements GovView {
  private host: ModuleHost | undefined;

  constructor(private readonly deps: GovDeps) {}

  /** Gives the keeper the App's host, through which proposals are checked and executed (the module's `bind`). */
  bind(host: ModuleHost): void {
    this.host = host;
  }

  private requireHost(): ModuleHost {
    if (!this.host) throw new InvariantViolation("the gov module was not bound to an App (no ModuleHost)");
    return this.host;
  }

  // --- reads ---------------------------------------------------------------

  /** Governance parameters (the defaults before genesis wrote any). */
  params(store: KVRead): GovParams {
    const raw = store.get(GOV_PARAMS_KEY);
    return raw ? decode(govParamsCodec, raw) : DEFAULT_GOV_PARAMS;
  }

  /** The next proposal id (1 on a new chain). */
  nextId(store: KVRead): bigint {
    const raw = store.get(GOV_NEXT_ID_KEY);
    return raw ? decode(u64, raw) : 1n;
  }

  /** The proposal with this id, or undefined. */
  proposal(store: KVRead, id: bigint): Proposal | undefined {
    if (id < 0n || id >= 1n << 64n) return undefined;
    const raw = store.get(proposalKey(id));
    return raw ? decode(proposalCodec, raw) : undefined;
  }

  /** Every proposal (with `status`, only those), by id. */
  proposals(store: KVRead, status?: ProposalStatus): Proposal[] {
    const out: Proposal[] = [];
    for (const [, v] of store.iterate(GOV_PROPOSAL_PREFIX, prefixEnd(GOV_PROPOSAL_PREFIX))) {
      const p = decode(proposalCodec, v);
      if (status === undefined || p.status === status) out.push(p);
    }
    return out;
  }

  /** Every vote on a proposal, by organization id. */
  votes(store: KVRead, id: bigint): VoteRecord[] {
    const prefix = proposalVotesPrefix(id);
    const out: VoteRecord[] = [];
    for (const [, v] of store.iterate(prefix, prefixEnd(prefix))) out.push(decode(voteRecordCodec, v));
    return out;
  }

  /** Every deposit on a proposal, by depositor address bytes. */
  deposits(store: KVRead, id: bigint): DepositRecord[] {
    const prefix = proposalDepositsPrefix(id);
    const out: DepositRecord[] = [];
    for (const [k, v] of store.iterate(prefix, prefixEnd(prefix))) {
      out.push({ depositor: parseDepositKey(k).depositor, amount: decode(u128, v) });
    }
    return out;
  }

  /** The tally of a proposal's votes over the organizations active now, under the current parameters. */
  liveTally(store: KVRead, p: Proposal): TallyResult {
    const orgs = this.deps.orgs.activeOrganizations(store).map((o) => ({ id: o.id, sector: o.sector }));
    const votes = this.votes(store, p.id).map((v) => ({ org: v.org, option: v.option }));
    return tallyVotes(orgs, votes, this.params(store));
  }

  /** The version of `topic` in force at `height` (latest effective height ≤ height; the higher proposal id on a tie). */
  regulationAt(store: KVRead, topic: string, height: bigint): Regulation | undefined {
    const prefix = topicPrefix(topic);
    // Keys below prefix ‖ (height + 1) are exactly the versions effective at or before `height`.
    const end = height >= MAX_U64 ? prefixEnd(prefix) : concatBytes(prefix, be64(height + 1n));
    for (const [, v] of store.iterate(prefix, end, true)) return decode(regulationCodec, v);
    return undefined;
  }

  /** Every recorded regulation version (of `topic` only, if given), by topic, effective height, proposal id. */
  regulations(store: KVRead, topic?: string): Regulation[] {
    const prefix = topic === undefined ? GOV_REGULATION_PREFIX : topicPrefix(topic);
    const out: Regulation[] = [];
    for (const [, v] of store.iterate(prefix, prefixEnd(prefix))) out.push(decode(regulationCodec, v));
    return out;
  }

  /** The earliest deadline of a proposal still pending, or undefined. */
  nextDueTimeMs(store: KVRead): bigint | undefined {
    for (const [k] of store.iterate(GOV_QUEUE_PREFIX, prefixEnd(GOV_QUEUE_PREFIX))) return parseQueueKey(k).dueMs;
    return undefined;
  }

  /** The proposal with this id; fails with `gov.unknown_proposal`. */
  requireProposal(store: KVRead, id: bigint): Proposal {
    const p = this.proposal(store, id);
    if (!p) throw GovErrors.unknownProposal.create(`no proposal has id ${id}`, { id: id.toString() });
    return p;
  }

  /** The active organization `signer` belongs to; fails with `gov.not_member`. */
  requireMemberOrg(store: KVRead, signer: Address): Organization {
    const id = this.deps.orgs.orgOf(store, signer);
    const org = id === undefined ? undefined : this.deps.orgs.organization(store, id);
    if (org?.status !== "active") {
      throw GovErrors.notMember.create(`${signer} belongs to no active member organization`, { signer });
    }
    return org;
  }

  // --- writes --------------------------------------------------------------

  /**
   * Replaces the parameters after the checks that need state (the caller ran
   * `validateGovParams`): every weighted sector exists, `minApprovingSectors`
   * is at most the number of sectors, and the deposit denom is an asset
   * (all `gov.invalid_params`). Proposals keep the deposit rules they were submitted under.
   */
  updateParams(store: KVStore, p: GovParams): void {
    const sectors = this.deps.orgs.sectors(store);
    for (const w of p.sectorWeights) {
      if (!sectors.includes(w.sector)) {
        throw GovErrors.invalidParams.create(`sector ${w.sector} is not in the organization sectors parameter`);
      }
    }
    if (p.minApprovingSectors > sectors.length) {
      throw GovErrors.invalidParams.create(
        `minApprovingSectors is ${p.minApprovingSectors}, but there are only ${sectors.length} sectors: nothing could pass`,
      );
    }
    if (!this.deps.bank.asset(store, p.depositDenom)) {
      throw GovErrors.invalidParams.create(`deposit denom ${p.depositDenom} is no asset`);
    }
    this.setParams(store, p);
  }

  /** Writes the parameters as is (genesis; the caller validated them). */
  setParams(store: KVStore, p: GovParams): void {
    store.set(GOV_PARAMS_KEY, encode(govParamsCodec, p));
  }

  /**
   * Checks a proposal's messages: each type is registered with the
   * `governance` permission (`gov.unknown_proposal_kind`), decodes and passes
   * its module's stateless checks (`gov.invalid_proposal_content`, the inner
   * error in details), and the whole list runs against a throwaway copy of
   * the state as the governance authority (the inner error, unchanged, if not:
   * e.g. `validator.last_validator`, `org.exists`).
   */
  checkProposalMessages(ctx: Context, messages: readonly Msg[], id: bigint): void {
    const host = this.requireHost();
    messages.forEach((m, index) => {
      const permission = host.permissionOf(m.type);
      if (permission?.kind !== "governance") {
        throw GovErrors.unknownProposalKind.create(
          permission
            ? `message ${index}: ${m.type} is not a governance-only message (anyone allowed may send it directly)`
            : `message ${index}: ${m.type} is not a registered message type`,
          { index, type: m.type },
        );
      }
      try {
        host.validate(m);
      } catch (e) {
        if (!(e instanceof UrbisError)) throw e;
        throw GovErrors.invalidProposalContent.create(`message ${index} (${m.type}): ${e.message}`, {
          index,
          type: m.type,
          error: e.id,
          codespace: e.codespace,
          code: e.code,
        });
      }
    });
    const scratch = new CacheStore(ctx.store);
    host.dispatch({ block: ctx.block, store: scratch, emit: () => {} }, GOVERNANCE_ADDRESS, messages, `proposal/${id}`);
  }

  /**
   * Submits a proposal by `ctx.signer`, a member of an active organization
   * (`gov.not_member`): checks its messages (see {@link checkProposalMessages}),
   * moves the initial deposit into escrow (bank's errors) and opens voting at
   * once if it reaches the minimum deposit.
   */
  submit(ctx: TxContext, m: SubmitProposalMsg): Submitted {
    const store = ctx.store;
    const now = ctx.block.timeMs;
    const params = this.params(store);
    const org = this.requireMemberOrg(store, ctx.signer);
    const id = this.nextId(store);
    this.checkProposalMessages(ctx, m.messages, id);
    if (m.initialDeposit > 0n) {
      this.deps.bank.send(store, ctx.signer, GOVERNANCE_ADDRESS, params.depositDenom, m.initialDeposit);
    }
    const p: Proposal = {
      id,
      proposer: ctx.signer,
      proposerOrg: org.id,
      title: m.title,
      summary: m.summary,
      messages: m.messages.map((x) => ({ type: x.type, value: x.value.slice() })),
      status: "deposit_period",
      submitHeight: ctx.block.height,
      submitTimeMs: now,
      depositDenom: params.depositDenom,
      minDeposit: params.minDeposit,
      depositEndMs: now + params.depositPeriodMs,
      votingStartMs: undefined,
      votingEndMs: undefined,
      executeAtMs: undefined,
      totalDeposit: m.initialDeposit,
      finalTally: undefined,
      decidedHeight: undefined,
      failure: undefined,
      executedHeight: undefined,
    };
    store.set(GOV_NEXT_ID_KEY, encode(u64, id + 1n));
    if (m.initialDeposit > 0n) store.set(depositKey(id, ctx.signer), encode(u128, m.initialDeposit));
    const votingStarted = p.totalDeposit >= p.minDeposit;
    if (votingStarted) this.openVoting(store, p, now);
    else store.set(queueKey(p.depositEndMs, id), new Uint8Array(0));
    this.save(store, p);
    return { proposal: p, votingStarted };
  }

  /**
   * Adds `amount` of the proposal's deposit denom from `depositor` during the
   * deposit period (`gov.unknown_proposal`, `gov.not_deposit_period`, bank's
   * errors); reaching the minimum deposit opens voting at once.
   */
  deposit(store: KVStore, now: bigint, depositor: Address, id: bigint, amount: bigint): Deposited {
    const p = this.requireProposal(store, id);
    if (p.status !== "deposit_period" || now >= p.depositEndMs) {
      throw GovErrors.notDepositPeriod.create(
        p.status === "deposit_period"
          ? `the deposit period of proposal ${id} ended at ${p.depositEndMs}`
          : `proposal ${id} is in status ${p.status}`,
        { id: id.toString(), status: p.status },
      );
    }
    this.deps.bank.send(store, depositor, GOVERNANCE_ADDRESS, p.depositDenom, amount);
    const key = depositKey(id, depositor);
    const prev = store.get(key);
    const depositorTotal = (prev ? decode(u128, prev) : 0n) + amount;
    store.set(key, encode(u128, depositorTotal));
    p.totalDeposit += amount;
    const votingStarted = p.totalDeposit >= p.minDeposit;
    if (votingStarted) {
      store.delete(queueKey(p.depositEndMs, id));
      this.openVoting(store, p, now);
    }
    this.save(store, p);
    return { proposal: p, depositorTotal, votingStarted };
  }

  /**
   * Casts the vote of `voter`'s organization during the voting period:
   * `gov.unknown_proposal`, `gov.not_voting_period`, `gov.not_member`,
   * `gov.not_admin` (only admins vote for their organization), `gov.already_voted`
   * (one vote per organization, whichever admin casts it).
   */
  vote(
    store: KVStore,
    block: { height: bigint; timeMs: bigint },
    voter: Address,
    id: bigint,
    option: VoteOption,
  ): Voted {
    const p = this.requireProposal(store, id);
    if (p.status !== "voting_period" || p.votingEndMs === undefined || block.timeMs >= p.votingEndMs) {
      throw GovErrors.notVotingPeriod.create(
        p.status === "voting_period"
          ? `the voting period of proposal ${id} ended at ${p.votingEndMs}`
          : `proposal ${id} is in status ${p.status}`,
        { id: id.toString(), status: p.status },
      );
    }
    const org = this.requireMemberOrg(store, voter);
    if (!this.deps.orgs.isAdmin(store, org.id, voter)) {
      throw GovErrors.notAdmin.create(`${voter} is not an admin of ${org.id}; only admins vote for it`, {
        org: org.id,
        voter,
      });
    }
    const key = voteKey(id, org.id);
    const prev = store.get(key);
    if (prev) {
      const v = decode(voteRecordCodec, prev);
      throw GovErrors.alreadyVoted.create(`${org.id} already voted ${v.option} on proposal ${id} (by ${v.voter})`, {
        org: org.id,
        voter: v.voter,
        option: v.option,
      });
    }
    const vote: VoteRecord = { org: org.id, voter, option, height: block.height, timeMs: block.timeMs };
    store.set(key, encode(voteRecordCodec, vote));
    return { vote, sector: org.sector };
  }

  /**
   * Records a regulation version enacted by proposal `proposalId`, in force
   * from `m.effectiveHeight` or `height`, whichever is later. A proposal may
   * record one version per topic and effective height (`gov.invalid_regulation`).
   */
  recordRegulation(store: KVStore, height: bigint, timeMs: bigint, proposalId: bigint, m: RegulationMsg): Regulation {
    const effectiveHeight = m.effectiveHeight > height ? m.effectiveHeight : height;
    const key = regulationKey(m.topic, effectiveHeight, proposalId);
    if (store.get(key)) {
      throw GovErrors.invalidRegulation.create(
        `proposal ${proposalId} already records a version of ${m.topic} effective at height ${effectiveHeight}`,
      );
    }
    const r: Regulation = {
      topic: m.topic,
      title: m.title,
      documentHash: m.documentHash.slice(),
      uri: m.uri,
      effectiveHeight,
      proposalId,
      recordedHeight: height,
      recordedTimeMs: timeMs,
    };
    store.set(key, encode(regulationCodec, r));
    return r;
  }

  /** Pays from the city treasury (bank's errors, e.g. `bank.insufficient_funds`). */
  treasurySpend(store: KVStore, m: TreasurySpendMsg): void {
    this.deps.bank.send(store, TREASURY_ADDRESS, m.recipient, m.denom, m.amount);
  }

  /**
   * Settles every proposal whose deadline is at or before the block time, in
   * deadline then id order, emitting an event for every step (the module's `endBlock`).
   */
  endBlock(ctx: Context): void {
    const now = ctx.block.timeMs;
    const due: { dueMs: bigint; id: bigint }[] = [];
    // Keys below prefix ‖ (now + 1) are exactly the deadlines at or before `now`.
    const end = concatBytes(GOV_QUEUE_PREFIX, be64(now + 1n));
    for (const [k] of ctx.store.iterate(GOV_QUEUE_PREFIX, end)) due.push(parseQueueKey(k));
    for (const { dueMs, id } of due) {
      ctx.store.delete(queueKey(dueMs, id));
      const p = this.proposal(ctx.store, id);
      if (!p) throw new InvariantViolation(`the due queue names proposal ${id}, which does not exist`);
      if (p.status === "deposit_period") this.expire(ctx, p);
      else if (p.status === "voting_period") this.closeVoting(ctx, p);
      else if (p.status === "passed") this.execute(ctx, p);
      else throw new InvariantViolation(`the due queue names proposal ${id}, which is ${p.status}`);
    }
  }

  /** Imports a proposal with its votes and deposits as is, queueing its deadline (genesis; the caller validated it). */
  importProposal(store: KVStore, p: Proposal, votes: readonly VoteRecord[], deposits: readonly DepositRecord[]): void {
    this.save(store, p);
    for (const v of votes) store.set(voteKey(p.id, v.org), encode(voteRecordCodec, v));
    for (const d of deposits) store.set(depositKey(p.id, d.depositor), encode(u128, d.amount));
    const due = pendingDeadline(p);
    if (due !== undefined) store.set(queueKey(due, p.id), new Uint8Array(0));
  }

  /** Sets the next proposal id (genesis). */
  setNextId(store: KVStore, id: bigint): void {
    store.set(GOV_NEXT_ID_KEY, encode(u64, id));
  }

  /** Writes a regulation version as is (genesis; the caller validated it). */
  importRegulation(store: KVStore, r: Regulation): void {
    store.set(regulationKey(r.topic, r.effectiveHeight, r.proposalId), encode(regulationCodec, r));
  }

  // --- lifecycle -----------------------------------------------------------

  private save(store: KVStore, p: Proposal): void {
    store.set(proposalKey(p.id), encode(proposalCodec, p));
  }

  private openVoting(store: KVStore, p: Proposal, now: bigint): void {
    p.status = "voting_period";
    p.votingStartMs = now;
    p.votingEndMs = now + this.params(store).votingPeriodMs;
    store.set(queueKey(p.votingEndMs, p.id), new Uint8Array(0));
  }

  private expire(ctx: Context, p: Proposal): void {
    p.status = "expired";
    p.decidedHeight = ctx.block.height;
    this.save(ctx.store, p);
    ctx.emit(proposalExpiredEvent(p));
    this.refund(ctx, p);
  }

  private closeVoting(ctx: Context, p: Proposal): void {
    const tally = this.liveTally(ctx.store, p);
    p.finalTally = tally;
    p.decidedHeight = ctx.block.height;
    if (tally.vetoed) {
      p.status = "vetoed";
      this.save(ctx.store, p);
      ctx.emit(proposalVetoedEvent(p, tally));
      if (p.totalDeposit > 0n) {
        this.pay(ctx.store, TREASURY_ADDRESS, p.depositDenom, p.totalDeposit);
        ctx.emit(depositsForfeitedEvent(p, TREASURY_ADDRESS));
      }
      return;
    }
    if (!tally.passed) {
      p.status = "rejected";
      this.save(ctx.store, p);
      ctx.emit(proposalRejectedEvent(p, tally));
      this.refund(ctx, p);
      return;
    }
    p.status = "passed";
    p.executeAtMs = (p.votingEndMs ?? ctx.block.timeMs) + this.params(ctx.store).timelockMs;
    this.save(ctx.store, p);
    ctx.emit(proposalPassedEvent(p, tally));
    this.refund(ctx, p);
    if (p.executeAtMs <= ctx.block.timeMs) this.execute(ctx, p);
    else ctx.store.set(queueKey(p.executeAtMs, p.id), new Uint8Array(0));
  }

  private execute(ctx: Context, p: Proposal): void {
    const host = this.requireHost();
    let failure: ProposalFailure | undefined;
    try {
      host.dispatch(ctx, GOVERNANCE_ADDRESS, p.messages, `proposal/${p.id}`);
    } catch (e) {
      if (e instanceof InvariantViolation) throw e;
      // A handler bug fails the proposal as it would fail a transaction (app.internal), deterministically.
      failure =
        e instanceof UrbisError
          ? { codespace: e.codespace, code: e.code, log: cutUtf8(e.message, MAX_FAILURE_LOG_BYTES) }
          : {
              codespace: "app",
              code: 1,
              log: cutUtf8(`internal error: ${e instanceof Error ? e.message : String(e)}`, MAX_FAILURE_LOG_BYTES),
            };
    }
    p.status = failure ? "failed" : "executed";
    p.failure = failure;
    p.executedHeight = ctx.block.height;
    this.save(ctx.store, p);
    ctx.emit(failure ? proposalFailedEvent(p, failure) : proposalExecutedEvent(p));
  }

  /** Returns every deposit of `p` from escrow to its depositor. */
  private refund(ctx: Context, p: Proposal): void {
    for (const d of this.deposits(ctx.store, p.id)) {
      this.pay(ctx.store, d.depositor, p.depositDenom, d.amount);
      ctx.emit(depositRefundedEvent(p.id, d.depositor, p.depositDenom, d.amount));
    }
  }

  /** Pays out of escrow; escrow always covers the deposits it holds, so a failure is a broken invariant. */
  private pay(store: KVStore, to: Address, denom: string, amount: bigint): void {
    try {
      this.deps.bank.send(store, GOVERNANCE_ADDRESS, to, denom, amount);
    } catch (e) {
      if (e instanceof UrbisError) {
        throw new InvariantViolation(`governance escrow cannot pay ${amount}${denom} to ${to}: ${e.message}`);
      }
      throw e;
    }
  }
}

/** The deadline a proposal in `p.status` waits for, or undefined when it has none left. */
export function pendingDeadline(p: Proposal): bigint | undefined {
  if (!isPendingStatus(p.status)) return undefined;
  if (p.status === "deposit_period") return p.depositEndMs;
  if (p.status === "voting_period") return p.votingEndMs;
  return p.executeAtMs;
}
