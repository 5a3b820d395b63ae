/**
 * Test support for the governance tests only (not exported from the package):
 * a small consortium — six organizations in six sectors, a currency, a funded
 * treasury, four validators — over a plain memory store, with the real bank,
 * org, validator, gov and upgrade modules, and a stand-in for the App that
 * runs messages exactly as the App does (permission, decode, validate,
 * handle, all in a checkpoint that is dropped on failure).
 */

import assert from "node:assert/strict";
import {
  type Address,
  DEFAULT_MAX_CHANGE_FRACTION,
  type GovParams,
  type Msg,
  publicKeyOf,
  submitProposalMsg,
  TREASURY_ADDRESS,
  toHex,
  type ValidatorParams,
  type VoteOption,
  voteMsg,
} from "@urbis/protocol";
import { codeOf } from "@urbis/protocol/test-support";
import { MessageRouter } from "../../app/router.js";
import type { Context, TxContext } from "../../framework/context.js";
import type { Event } from "../../framework/events.js";
import type { Module } from "../../framework/module.js";
import { CacheStore, MemoryStore } from "../../framework/store.js";
import { account, type ChainResume, type Key, TestAppChain } from "../../testing/app-chain.js";
import { TestCommitStore } from "../../testing/commit-store.js";
import { authModule } from "../auth/module.js";
import { bankModule } from "../bank/module.js";
import { orgModule } from "../org/module.js";
import { type UpgradeHandler, upgradeModule } from "../upgrade/module.js";
import { buildValidatorGenesis } from "../validator/genesis.js";
import { validatorModule } from "../validator/module.js";
import { govModule } from "./module.js";

/** The currency deposits are made in. */
export const DENOM = "ucity";
/** Block time of the genesis. */
export const T0 = 1_700_000_000_000n;
/** One hour in ms. */
export const HOUR = 3_600_000n;

/** Accounts of the consortium. */
export const K = {
  issuer: account(1),
  hall: account(2),
  hall2: account(3),
  hallMember: account(4),
  hospital: account(5),
  bank: account(6),
  water: account(7),
  school: account(8),
  transit: account(9),
  outsider: account(10),
  newcomer: account(11),
};

/** The founding organizations: id, sector, admins (and members). Weights: government 3, health 2, finance 2, others 1. */
export const ORGS = [
  { id: "city-hall", sector: "government", admins: [K.hall, K.hall2], members: [K.hallMember] },
  { id: "hospital", sector: "health", admins: [K.hospital], members: [] },
  { id: "city-bank", sector: "finance", admins: [K.bank], members: [] },
  { id: "water", sector: "utilities", admins: [K.water], members: [] },
  { id: "school", sector: "education", admins: [K.school], members: [] },
  { id: "transit", sector: "transport", admins: [K.transit], members: [] },
] as const;

/** The admin of each founding organization who votes in tests. */
export const VOTER: Record<string, Key> = {
  "city-hall": K.hall,
  hospital: K.hospital,
  "city-bank": K.bank,
  water: K.water,
  school: K.school,
  transit: K.transit,
};

/** Governance parameters of the tests: deposit 1000, 1 h deposit and 2 h voting periods, 3 approving sectors. */
export const PARAMS: GovParams = {
  depositDenom: DENOM,
  minDeposit: 1000n,
  depositPeriodMs: HOUR,
  votingPeriodMs: 2n * HOUR,
  timelockMs: 0n,
  quorumBps: 5000,
  thresholdBps: 5000,
  vetoBps: 3334,
  minApprovingSectors: 3,
  sectorWeights: [
    { sector: "government", weight: 3 },
    { sector: "health", weight: 2 },
    { sector: "finance", weight: 2 },
  ],
};

/** Starting balance of every account of {@link K} (but the issuer), and of the treasury. */
export const BALANCE = 100_000n;
export const TREASURY_BALANCE = 1_000_000n;

/** Consensus keys of the genesis validators (distinct from account keys). */
export const vkey = (n: number) => publicKeyOf(new Uint8Array(32).fill(100 + n));

/** The genesis sections of the consortium (validators given separately, see {@link Chain}). */
export function genesisSections(params: GovParams = PARAMS) {
  const holders = [...Object.values(K).filter((k) => k !== K.issuer)].map((k) => k.addr);
  return {
    bank: {
      assets: [{ denom: DENOM, name: "City Credit", symbol: "UCC", decimals: 0, issuer: K.issuer.addr }],
      balances: [
        ...holders.map((address) => ({ address, coins: [{ denom: DENOM, amount: BALANCE.toString() }] })),
        { address: TREASURY_ADDRESS, coins: [{ denom: DENOM, amount: TREASURY_BALANCE.toString() }] },
      ],
    },
    org: {
      organizations: ORGS.map((o) => ({
        id: o.id,
        name: o.id.replace(/-/g, " "),
        sector: o.sector,
        admins: o.admins.map((k) => k.addr),
        members: o.members.map((k) => k.addr),
      })),
    },
    gov: {
      params: {
        depositDenom: params.depositDenom,
        minDeposit: params.minDeposit.toString(),
        depositPeriodMs: params.depositPeriodMs.toString(),
        votingPeriodMs: params.votingPeriodMs.toString(),
        timelockMs: params.timelockMs.toString(),
        quorumBps: params.quorumBps,
        thresholdBps: params.thresholdBps,
        vetoBps: params.vetoBps,
        minApprovingSectors: params.minApprovingSectors,
        sectorWeights: params.sectorWeights.map((w) => ({ ...w })),
      },
    },
  };
}

export { codeOf };

/** Attributes of an event as a record. */
export const attrs = (e: Event) => Object.fromEntries(e.attributes.map((a) => [a.key, a.value]));

/**
 * The consortium on a memory store, with the real modules and an App
 * stand-in. Time moves only when a test says so.
 */
export class Chain {
  readonly store = new MemoryStore();
  readonly bank = bankModule();
  readonly org = orgModule();
  readonly validator = validatorModule();
  readonly gov;
  readonly upgrade = upgradeModule();
  readonly modules: Module<any>[];
  height = 1n;
  timeMs = T0;
  private readonly router: MessageRouter;

  constructor(params: GovParams = PARAMS, validators = 4) {
    this.gov = govModule({ orgs: this.org.keeper, bank: this.bank.keeper });
    this.modules = [this.bank, this.org, this.validator, this.gov, this.upgrade];
    this.router = new MessageRouter(this.modules);
    this.gov.bind?.(this.router.host());
    const sections: Record<string, unknown> = genesisSections(params);
    const ctx = this.ctx([]);
    for (const m of this.modules) {
      if (m === this.validator) {
        const p = { maxChangeFraction: DEFAULT_MAX_CHANGE_FRACTION } as ValidatorParams;
        const vals = Array.from({ length: validators }, (_, i) => ({
          name: `Node ${i + 1}`,
          publicKey: vkey(i + 1),
          power: 100n,
        }));
        this.validator.keeper.initGenesis(this.store, p, vals, this.height);
        continue;
      }
      m.genesis.init(ctx, m.genesis.parse(sections[m.name]));
    }
    this.checkInvariants();
  }

  /** A block context at the current height and time, collecting events into `sink`. */
  ctx(sink: Event[], store = this.store): Context {
    return { block: { chainId: "test", height: this.height, timeMs: this.timeMs }, store, emit: (e) => sink.push(e) };
  }

  /** Moves to a later block: height + 1, time + `ms`. */
  advance(ms: bigint): void {
    this.height += 1n;
    this.timeMs += ms;
  }

  /** Runs `msgs` signed by `signer` as one transaction; returns its events, or throws (and writes nothing). */
  run(signer: Address, ...msgs: Msg[]): Event[] {
    const store = new CacheStore(this.store);
    const events: Event[] = [];
    const tctx: TxContext = {
      block: { chainId: "test", height: this.height, timeMs: this.timeMs },
      store,
      signer,
      txHash: "00",
      emit: (e) => events.push(e),
    };
    this.router.runAll(tctx, msgs);
    store.writeTo(this.store);
    return events;
  }

  /** The error id a transaction fails with; asserts that it changed nothing. */
  refused(signer: Address, ...msgs: Msg[]): string {
    const before = this.snapshot();
    const id = codeOf(() => this.run(signer, ...msgs));
    assert.deepEqual(this.snapshot(), before, `state changed by the refused ${msgs.map((m) => m.type).join(",")}`);
    return id;
  }

  /** Ends the block: governance's end of block, then the validator changes handed over; returns the events. */
  endBlock(): Event[] {
    const events: Event[] = [];
    const ctx = this.ctx(events);
    for (const m of this.modules) m.endBlock?.(ctx);
    for (const m of this.modules) m.validatorUpdates?.(ctx);
    this.checkInvariants();
    return events;
  }

  /** Every invariant of every module holds. */
  checkInvariants(): void {
    const ctx = this.ctx([]);
    for (const m of this.modules) for (const inv of m.invariants) assert.equal(inv.check(ctx), undefined, inv.name);
  }

  /** A query answer. */
  query(path: string, params: Record<string, string> = {}): any {
    const mod = this.modules.find((m) => m.queries.some((q) => q.path === path));
    const q = mod?.queries.find((x) => x.path === path);
    assert.ok(q, `no query ${path}`);
    return q.handle(this.ctx([]), params);
  }

  /** Every stored key and value, as hex. */
  snapshot(): string[] {
    return [...this.store.iterate()].map(([k, v]) => `${toHex(k)}=${toHex(v)}`);
  }

  /** Balance of `addr` in the test currency. */
  balance(addr: Address): bigint {
    return this.bank.keeper.balance(this.store, addr, DENOM);
  }

  /** Submits a proposal by `by` with `deposit` (default: the minimum); returns its id. */
  submit(by: Key, msgs: Msg[], deposit = PARAMS.minDeposit, title = "A proposal"): bigint {
    const id = this.gov.keeper.nextId(this.store);
    this.run(by.addr, submitProposalMsg.wrap({ title, summary: "", messages: msgs, initialDeposit: deposit }));
    return id;
  }

  /** Votes `option` on proposal `id` for each organization listed, by its voting admin. */
  vote(id: bigint, votes: Record<string, VoteOption>): void {
    for (const [org, option] of Object.entries(votes)) {
      const k = VOTER[org];
      assert.ok(k, `no voter for ${org}`);
      this.run(k.addr, voteMsg.wrap({ proposalId: id, option }));
    }
  }

  /** Moves past the voting period of proposal `id` and ends that block; returns its events. */
  closeVoting(id: bigint): Event[] {
    const p = this.gov.keeper.proposal(this.store, id);
    assert.ok(p?.votingEndMs !== undefined, `proposal ${id} is not voting`);
    this.advance(p.votingEndMs - this.timeMs);
    return this.endBlock();
  }

  /** Status of proposal `id`. */
  status(id: bigint): string | undefined {
    return this.gov.keeper.proposal(this.store, id)?.status;
  }
}

/** Votes that pass a proposal under {@link PARAMS}: yes from government, health, finance and utilities. */
export const PASSING: Record<string, VoteOption> = {
  "city-hall": "yes",
  hospital: "yes",
  "city-bank": "yes",
  water: "yes",
};

export { account, type Key, TestCommitStore };

/** Options of {@link AppChain}. */
export interface AppChainOptions {
  params?: GovParams;
  /** Genesis validators of power 100 (default 4). */
  validators?: number;
  /** Upgrade handlers the software implements. */
  upgrades?: Record<string, UpgradeHandler>;
  /** Extra genesis sections (e.g. `upgrade`). */
  sections?: Record<string, unknown>;
  /** Resume over an existing store instead of starting a chain (a node restart). */
  resume?: ChainResume;
}

const CHAIN_ID = "urbis-gov-test";

/**
 * The consortium as a real UrbisApp (auth, bank, org, validator, gov,
 * upgrade) over a {@link TestCommitStore}: signed transactions, blocks with
 * times, queries through the App.
 */
export class AppChain extends TestAppChain {
  constructor(opts: AppChainOptions = {}) {
    const bank = bankModule();
    const org = orgModule();
    const validators = Array.from({ length: opts.validators ?? 4 }, (_, i) => ({
      name: `Node ${i + 1}`,
      publicKey: vkey(i + 1),
      power: 100n,
    }));
    super({
      chainId: CHAIN_ID,
      genesisTimeMs: T0,
      modules: [
        authModule(),
        bank,
        org,
        validatorModule(),
        govModule({ orgs: org.keeper, bank: bank.keeper }),
        upgradeModule({ handlers: opts.upgrades ?? {} }),
      ],
      appState: {
        ...genesisSections(opts.params ?? PARAMS),
        validator: buildValidatorGenesis({ validators }),
        ...opts.sections,
      },
      resume: opts.resume,
    });
  }

  /** Balance of `addr` in the test currency, from committed state. */
  balance(addr: Address): bigint {
    return BigInt(this.query("bank/balance", { address: addr, denom: DENOM }).amount);
  }

  /** Status of a proposal, from committed state. */
  status(id: bigint): string {
    return this.query("gov/proposal", { id: String(id) }).status;
  }
}
