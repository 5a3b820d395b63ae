/** Invariants of the bank module, checked at genesis and every `invariantPeriod` blocks. */
import { ADDRESS_LENGTH, decode, fromUtf8, MAX_U128, prefixEnd, u128 } from "@urbis/protocol";
import type { Invariant } from "../../framework/module.js";
import type { KVRead } from "../../framework/store.js";
import type { BankView } from "./keeper.js";
import { BANK_BALANCE_PREFIX, parseBalanceKey } from "./keys.js";

const DENOM_START = BANK_BALANCE_PREFIX.length + ADDRESS_LENGTH;

/**
 * Every stored balance in key order (address bytes, then denom), with its
 * key. The holder's address string is left to {@link parseBalanceKey} on a
 * failure: at genesis these checks read every account (a million of them),
 * and a Bech32m conversion each was most of their time and garbage.
 */
function* allBalances(store: KVRead): Iterable<{ key: Uint8Array; denom: string; amount: bigint }> {
  for (const [k, v] of store.iterate(BANK_BALANCE_PREFIX, prefixEnd(BANK_BALANCE_PREFIX))) {
    yield { key: k, denom: fromUtf8(k.subarray(DENOM_START)), amount: decode(u128, v) };
  }
}

/**
 * `supply`: for every denom, the sum of its balances equals its asset's
 * supply, every balance belongs to a known asset, and no supply exceeds its
 * `maxSupply` or the u128 range.
 */
export function supplyInvariant(keeper: BankView): Invariant {
  return {
    name: "supply",
    check(ctx) {
      const sums = new Map<string, bigint>();
      for (const b of allBalances(ctx.store)) sums.set(b.denom, (sums.get(b.denom) ?? 0n) + b.amount);
      for (const a of keeper.assets(ctx.store)) {
        const sum = sums.get(a.denom) ?? 0n;
        if (sum !== a.supply) return `balances of ${a.denom} add up to ${sum}, supply is ${a.supply}`;
        if (a.supply > MAX_U128) return `supply of ${a.denom} exceeds the largest u128`;
        if (a.maxSupply !== undefined && a.supply > a.maxSupply) {
          return `supply of ${a.denom} (${a.supply}) is above its maxSupply ${a.maxSupply}`;
        }
        sums.delete(a.denom);
      }
      for (const denom of sums.keys()) return `balances exist in ${denom}, which is no asset`;
      return undefined;
    },
  };
}

/** `no_zero_balances`: a balance that reaches zero is deleted, never stored as zero. */
export function noZeroBalancesInvariant(): Invariant {
  return {
    name: "no_zero_balances",
    check(ctx) {
      for (const b of allBalances(ctx.store)) {
        if (b.amount === 0n) return `zero balance stored for ${parseBalanceKey(b.key).address} in ${b.denom}`;
      }
      return undefined;
    },
  };
}

/** Every invariant of the bank module. */
export function bankInvariants(keeper: BankView): Invariant[] {
  return [supplyInvariant(keeper), noZeroBalancesInvariant()];
}
