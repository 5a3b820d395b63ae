/** Invariants of the validator module, checked at genesis and every `invariantPeriod` blocks. */
import {
  bytesEqual,
  decode,
  isValidatorKey,
  MAX_TOTAL_VOTING_POWER,
  prefixEnd,
  validatorInfoCodec,
  validatorKeyToBase64,
} from "@urbis/protocol";
import type { Invariant } from "../../framework/module.js";
import type { ValidatorView } from "./keeper.js";
import { VALIDATOR_PENDING_PREFIX, VALIDATOR_SET_PREFIX } from "./keys.js";

/**
 * `total_power`: the set is not empty, the stored total equals the sum of the
 * powers, and it is within CometBFT's `MaxTotalVotingPower`.
 */
export function totalPowerInvariant(keeper: ValidatorView): Invariant {
  return {
    name: "total_power",
    check(ctx) {
      const stored = keeper.totalPower(ctx.store);
      let sum = 0n;
      for (const v of keeper.validators(ctx.store)) sum += v.power;
      if (sum !== stored) return `the powers add up to ${sum}, the stored total is ${stored}`;
      if (stored <= 0n) return "the validator set is empty (total power 0)";
      if (stored > MAX_TOTAL_VOTING_POWER) return `total power ${stored} exceeds ${MAX_TOTAL_VOTING_POWER}`;
      return undefined;
    },
  };
}

/**
 * `well_formed`: every validator has a strictly positive power and a valid
 * key, stored under that same key (no zero-power entries: removal deletes).
 */
export function wellFormedInvariant(): Invariant {
  return {
    name: "well_formed",
    check(ctx) {
      for (const [k, raw] of ctx.store.iterate(VALIDATOR_SET_PREFIX, prefixEnd(VALIDATOR_SET_PREFIX))) {
        const v = decode(validatorInfoCodec, raw);
        const key = validatorKeyToBase64(v.publicKey);
        if (v.power <= 0n) return `validator ${key} is stored with power ${v.power}`;
        if (!bytesEqual(k.subarray(VALIDATOR_SET_PREFIX.length), v.publicKey)) {
          return `validator ${key} is stored under another key`;
        }
        if (!isValidatorKey(v.publicKey)) return `validator key ${key} is not a valid Ed25519 key`;
      }
      return undefined;
    },
  };
}

/**
 * `no_pending_updates`: between blocks no pending change is left (the
 * `validatorUpdates` hook hands them to CometBFT and clears them every block).
 * The App checks invariants after the block hooks, so this holds whenever it looks.
 */
export function noPendingUpdatesInvariant(): Invariant {
  return {
    name: "no_pending_updates",
    check(ctx) {
      for (const _ of ctx.store.iterate(VALIDATOR_PENDING_PREFIX, prefixEnd(VALIDATOR_PENDING_PREFIX))) {
        return "pending validator changes remain after the end of the block";
      }
      return undefined;
    },
  };
}

/** Every invariant of the validator module. */
export function validatorInvariants(keeper: ValidatorView): Invariant[] {
  return [totalPowerInvariant(keeper), wellFormedInvariant(), noPendingUpdatesInvariant()];
}
