/** Invariants of the governance module, checked at genesis and every `invariantPeriod` blocks. */
import { GOVERNANCE_ADDRESS, holdsDeposits, prefixEnd, readBe64 } from "@urbis/protocol";
import type { Invariant } from "../../framework/module.js";
import type { BankView } from "../bank/keeper.js";
import { type GovView, pendingDeadline } from "./keeper.js";
import { GOV_QUEUE_PREFIX, GOV_VOTE_PREFIX, parseQueueKey } from "./keys.js";

/**
 * `escrow`: every proposal's deposits add up to its `totalDeposit`, and for
 * every denom the escrow account `GOVERNANCE_ADDRESS` holds at least the
 * deposits of the proposals in their deposit or voting period. At least, not
 * exactly: anyone may send funds to the escrow address with `bank/send`, and
 * nothing can take them out again (no key signs for it), so a surplus is
 * possible and harmless.
 */
export function escrowInvariant(keeper: GovView, bank: BankView): Invariant {
  return {
    name: "escrow",
    check(ctx) {
      const held = new Map<string, bigint>();
      for (const p of keeper.proposals(ctx.store)) {
        let sum = 0n;
        for (const d of keeper.deposits(ctx.store, p.id)) sum += d.amount;
        if (sum !== p.totalDeposit)
          return `deposits of proposal ${p.id} add up to ${sum}, its total is ${p.totalDeposit}`;
        if (holdsDeposits(p.status)) held.set(p.depositDenom, (held.get(p.depositDenom) ?? 0n) + p.totalDeposit);
      }
      for (const [denom, amount] of [...held].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const balance = bank.balance(ctx.store, GOVERNANCE_ADDRESS, denom);
        if (balance < amount) return `escrow holds ${balance}${denom}, pending deposits are ${amount}${denom}`;
      }
      return undefined;
    },
  };
}

/**
 * `queue`: the due queue has exactly one entry per pending proposal (deposit
 * period, voting period, or passed and waiting for its timelock), at that
 * proposal's deadline; ids are below `nextId`; votes exist only on proposals
 * that opened voting.
 */
export function queueInvariant(keeper: GovView): Invariant {
  return {
    name: "queue",
    check(ctx) {
      const next = keeper.nextId(ctx.store);
      let pending = 0;
      for (const p of keeper.proposals(ctx.store)) {
        if (p.id >= next) return `proposal ${p.id} is not below the next id ${next}`;
        if (pendingDeadline(p) !== undefined) pending++;
      }
      let entries = 0;
      for (const [k] of ctx.store.iterate(GOV_QUEUE_PREFIX, prefixEnd(GOV_QUEUE_PREFIX))) {
        const { dueMs, id } = parseQueueKey(k);
        const p = keeper.proposal(ctx.store, id);
        if (!p) return `the queue names proposal ${id}, which does not exist`;
        const due = pendingDeadline(p);
        if (due !== dueMs) return `the queue has proposal ${id} at ${dueMs}, its deadline is ${due ?? "none"}`;
        entries++;
      }
      if (entries !== pending) return `${pending} proposals are pending but the queue has ${entries} entries`;
      for (const [k] of ctx.store.iterate(GOV_VOTE_PREFIX, prefixEnd(GOV_VOTE_PREFIX))) {
        const id = readBe64(k, GOV_VOTE_PREFIX.length);
        const p = keeper.proposal(ctx.store, id);
        if (!p || p.votingStartMs === undefined) return `a vote exists on proposal ${id}, which never opened voting`;
      }
      return undefined;
    },
  };
}

/** Every invariant of the governance module. */
export function govInvariants(keeper: GovView, bank: BankView): Invariant[] {
  return [escrowInvariant(keeper, bank), queueInvariant(keeper)];
}
