/**
 * Queries of the validator module. Answers are JSON with powers and heights as
 * decimal strings and keys as base64.
 *
 * The set answered is the app's: a change made in block H shows at once, while
 * CometBFT signs with it from block H + 2 (each validator's `effectiveHeight`
 * says from when its current power is used; a removed validator disappears at
 * once but still signs blocks H + 1).
 */
import { formatChangeFraction, validatorToJson } from "@urbis/protocol";
import type { QueryHandler } from "../../framework/module.js";
import type { ValidatorView } from "./keeper.js";

/**
 * Queries of the validator module:
 * - `validator/validators` {} → {validators: [{name, publicKey, address, power, effectiveHeight}],
 *   totalPower, count}, in key byte order; `address` is the CometBFT address (upper-case hex)
 * - `validator/params` {} → {maxChangeFraction: "n/d"}
 */
export function validatorQueries(keeper: ValidatorView): QueryHandler[] {
  return [
    {
      path: "validator/validators",
      handle(ctx) {
        const validators = keeper.validators(ctx.store).map((v) => ({ ...validatorToJson(v) }));
        return { validators, totalPower: keeper.totalPower(ctx.store).toString(), count: validators.length };
      },
    },
    {
      path: "validator/params",
      handle(ctx) {
        const p = keeper.params(ctx.store);
        return { maxChangeFraction: formatChangeFraction(p.maxChangeFraction) };
      },
    },
  ];
}
