import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  InvariantViolation,
  MAX_TOTAL_VOTING_POWER,
  publicKeyOf,
  toHex,
  UrbisError,
  validatorKeyToBase64,
} from "@urbis/protocol";
import { CacheStore, MemoryStore } from "../../framework/store.js";
import { parseValidatorGenesis } from "./genesis.js";
import { ValidatorKeeper } from "./keeper.js";
import { VALIDATOR_TOTAL_KEY, validatorKey } from "./keys.js";
import { validatorModule } from "./module.js";

const key = (n: number) => publicKeyOf(new Uint8Array(32).fill(n));
const [K1, K2, K3] = [1, 2, 3].map(key) as [Uint8Array, Uint8Array, Uint8Array];

/** K1 = 200 and K2 = 100 (total 300: a block may change at most 100). */
function setup(
  validators: [Uint8Array, bigint][] = [
    [K1, 200n],
    [K2, 100n],
  ],
) {
  const keeper = new ValidatorKeeper();
  const store = new MemoryStore();
  const g = parseValidatorGenesis({
    validators: validators.map(([k, p], i) => ({ name: `V${i}`, publicKey: validatorKeyToBase64(k), power: `${p}` })),
  });
  keeper.initGenesis(store, g.params, g.validators, 1n);
  return { keeper, store };
}

const dump = (s: MemoryStore) => [...s.iterate()].map(([k, v]) => `${toHex(k)}=${toHex(v)}`);

function refuses(store: MemoryStore, fn: () => unknown, id: string): void {
  const before = dump(store);
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UrbisError, String(e));
    assert.equal(e.id, id, e.message);
    return true;
  });
  assert.deepEqual(dump(store), before, `${id} left the store unchanged`);
}

describe("ValidatorKeeper", () => {
  it("checks every rule itself, before any write, even without the handlers' stateless checks", () => {
    const { keeper, store } = setup();
    const v = (publicKey: Uint8Array, power: bigint, name = "N") => ({ name, publicKey, power });
    refuses(store, () => keeper.add(store, 5n, v(K3, 1n, "")), "validator.invalid_name");
    refuses(store, () => keeper.add(store, 5n, v(K3.subarray(1), 1n)), "validator.invalid_public_key");
    refuses(store, () => keeper.add(store, 5n, v(K3, 0n)), "validator.invalid_power");
    refuses(store, () => keeper.add(store, 5n, v(K3, -1n)), "validator.invalid_power");
    refuses(store, () => keeper.add(store, 5n, v(K1, 1n)), "validator.validator_exists");
    refuses(store, () => keeper.add(store, 5n, v(K3, 101n)), "validator.change_too_large");
    refuses(store, () => keeper.remove(store, K3), "validator.unknown_validator");
    refuses(store, () => keeper.remove(store, new Uint8Array(32)), "validator.invalid_public_key");
    refuses(store, () => keeper.remove(store, K1), "validator.change_too_large");
    refuses(store, () => keeper.setPower(store, 5n, K2, 0n), "validator.invalid_power");
    refuses(store, () => keeper.setPower(store, 5n, K3, 5n), "validator.unknown_validator");
    refuses(store, () => keeper.setPower(store, 5n, K2, 100n), "validator.power_unchanged");
    refuses(store, () => keeper.setPower(store, 5n, K2, 201n), "validator.change_too_large");
    refuses(store, () => keeper.setPower(store, 5n, K2, MAX_TOTAL_VOTING_POWER + 1n), "validator.invalid_power");
  });

  it("refuses removing the last validator and a total beyond the maximum", () => {
    const one = setup([[K1, 10n]]);
    refuses(one.store, () => one.keeper.remove(one.store, K1), "validator.last_validator");
    const big = setup([[K1, MAX_TOTAL_VOTING_POWER]]);
    refuses(
      big.store,
      () => big.keeper.add(big.store, 5n, { name: "N", publicKey: K2, power: 1n }),
      "validator.total_power_too_large",
    );
  });

  it("keeps the stored total and the block baselines; takeUpdates nets them and clears them", () => {
    const { keeper, store } = setup();
    const info = keeper.add(store, 5n, { name: "New", publicKey: K3, power: 60n });
    assert.equal(info.effectiveHeight, 7n);
    keeper.setPower(store, 5n, K2, 80n);
    assert.equal(keeper.totalPower(store), 340n);
    assert.deepEqual(keeper.blockChange(store), { startTotal: 300n, changed: 80n });
    assert.deepEqual(
      keeper.pendingUpdates(store).map((u) => [toHex(u.publicKey), u.power]),
      [
        [toHex(K2), 80n],
        [toHex(K3), 60n],
      ].sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1)),
    );
    assert.equal(keeper.takeUpdates(store).length, 2);
    assert.deepEqual(keeper.pendingUpdates(store), []);
    assert.deepEqual(keeper.blockChange(store), { startTotal: 340n, changed: 0n });
  });

  it("works through a cache: a dropped cache drops the block's pending changes too", () => {
    const { keeper, store } = setup();
    const cache = new CacheStore(store);
    keeper.setPower(cache, 5n, K1, 250n);
    assert.equal(keeper.pendingUpdates(cache).length, 1);
    cache.discard();
    assert.deepEqual(keeper.pendingUpdates(store), []);
    assert.equal(keeper.validator(store, K1)?.power, 200n);
  });

  it("the invariants catch a wrong total, a zero power and leftover pending changes", () => {
    const mod = validatorModule();
    const { keeper, store } = setup();
    const ctx = { block: { chainId: "t", height: 2n, timeMs: 0n }, store, emit: () => {} };
    const broken = () => mod.invariants.map((i) => i.check(ctx)).filter((x) => x !== undefined);
    assert.deepEqual(broken(), []);
    keeper.setPower(store, 5n, K2, 90n);
    assert.match(broken().join(), /pending validator changes remain/);
    keeper.takeUpdates(store);
    store.set(VALIDATOR_TOTAL_KEY, new Uint8Array(8));
    assert.match(broken().join(), /the stored total is 0/);
    const raw = store.get(validatorKey(K1))!.slice();
    raw.fill(0, raw.length - 16, raw.length - 8); // zero the power field
    store.set(validatorKey(K1), raw);
    assert.match(broken().join(), /stored with power 0/);
  });

  it("updateParams replaces maxChangeFraction, binds the rest of the block, and refuses 0 or above 1/3", () => {
    const { keeper, store } = setup(); // total 300
    const frac = (numerator: bigint, denominator: bigint) => ({ numerator, denominator });
    refuses(store, () => keeper.updateParams(store, frac(1n, 2n)), "validator.invalid_params");
    refuses(store, () => keeper.updateParams(store, frac(0n, 3n)), "validator.invalid_params");
    refuses(store, () => keeper.updateParams(store, frac(1n, 0n)), "validator.invalid_params");
    refuses(store, () => keeper.updateParams(store, frac(334n, 1000n)), "validator.invalid_params");
    const r = keeper.updateParams(store, frac(1n, 10n));
    assert.deepEqual(r.previous, { maxChangeFraction: frac(1n, 3n) });
    assert.deepEqual(r.params, { maxChangeFraction: frac(1n, 10n) });
    assert.deepEqual(keeper.params(store), { maxChangeFraction: frac(1n, 10n) });
    // 1/10 of 300 is 30: 31 is refused in this very block, 30 passes.
    refuses(store, () => keeper.setPower(store, 5n, K2, 131n), "validator.change_too_large");
    keeper.setPower(store, 5n, K2, 130n);
    // Exactly 1/3 is still allowed.
    keeper.updateParams(store, frac(1n, 3n));
    assert.deepEqual(keeper.params(store).maxChangeFraction, frac(1n, 3n));
  });

  it("reading params before genesis is an invariant violation, not a user error", () => {
    assert.throws(() => new ValidatorKeeper().params(new MemoryStore()), InvariantViolation);
  });
});
