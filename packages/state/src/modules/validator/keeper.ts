/**
 * Validator keeper: the validator set as app state, its total power, and the
 * current block's pending changes. Who may change them is not its concern:
 * the messages are governance-only and the App checks that before a handler
 * runs, so the keeper enforces only the set's own rules.
 *
 * A change (add, remove, set-power) is applied to the stored set at once, and
 * the key's power at the start of the block is remembered the first time the
 * block touches it. At the end of the block {@link ValidatorKeeper.takeUpdates}
 * turns those baselines into CometBFT's validator updates (every touched key
 * whose power differs from its baseline; power 0 = removal), sorted by key
 * bytes, and clears them. CometBFT applies the updates of block H from block
 * H + 2, so the app's set runs two blocks ahead of the set signing blocks.
 *
 * The block change rule: with `f` the `maxChangeFraction` parameter (1/3 by
 * default), a change is refused with `validator.change_too_large` when
 *
 *     changed · f.denominator > startTotal · f.numerator     (3 · changed > startTotal for 1/3)
 *
 * where `startTotal` is the total power at the start of the block and
 * `changed` = Σ |power now − power at block start| over the keys the block
 * touched (a removal counts the validator's whole power, an addition its whole
 * new power, and changes that cancel out within the block count only their
 * net). Integer arithmetic only.
 *
 * Every mutator checks all its rules before its first write, so a failed call
 * leaves the store untouched even outside a transaction's cache.
 */
import {
  bytesEqual,
  type ChangeFraction,
  decode,
  encode,
  InvariantViolation,
  MAX_TOTAL_VOTING_POWER,
  prefixEnd,
  u64,
  ValidatorErrors,
  type ValidatorInfo,
  type ValidatorParams,
  validateChangeFraction,
  validateValidatorKey,
  validateValidatorName,
  validateVotingPower,
  validatorInfoCodec,
  validatorKeyToBase64,
  validatorParamsCodec,
} from "@urbis/protocol";
import type { ValidatorUpdate } from "../../app/types.js";
import type { KVRead, KVStore } from "../../framework/store.js";
import {
  parsePendingKey,
  pendingKey,
  VALIDATOR_PARAMS_KEY,
  VALIDATOR_PENDING_PREFIX,
  VALIDATOR_SET_PREFIX,
  VALIDATOR_TOTAL_KEY,
  validatorKey,
} from "./keys.js";

/** How far the current block has moved the set (see the block change rule in the module doc). */
export interface BlockChange {
  /** Total power at the start of the block. */
  startTotal: bigint;
  /** Σ |power now − power at block start| over the keys the block touched. */
  changed: bigint;
}

/** What other modules may read of the validator set. */
export interface ValidatorView {
  /** Validator parameters. */
  params(store: KVRead): ValidatorParams;
  /** The validator with this key, or undefined. */
  validator(store: KVRead, publicKey: Uint8Array): ValidatorInfo | undefined;
  /** Every validator, in key byte order. */
  validators(store: KVRead): ValidatorInfo[];
  /** The stored total voting power. */
  totalPower(store: KVRead): bigint;
  /** How far the current block has moved the set (committed state: changed = 0). */
  blockChange(store: KVRead): BlockChange;
  /** The updates the block would hand CometBFT if it ended now, in key byte order. */
  pendingUpdates(store: KVRead): ValidatorUpdate[];
}

/** A validator as genesis or `validator/add` gives it. */
export interface NewValidator {
  name: string;
  publicKey: Uint8Array;
  power: bigint;
}

const abs = (n: bigint) => (n < 0n ? -n : n);

/** Validator keeper: the only code that writes validator state. */
export class ValidatorKeeper implements ValidatorView {
  /** Validator parameters; genesis always sets them. */
  params(store: KVRead): ValidatorParams {
    const raw = store.get(VALIDATOR_PARAMS_KEY);
    if (!raw) throw new InvariantViolation("validator parameters are missing (the validator genesis did not run)");
    return decode(validatorParamsCodec, raw);
  }

  /** Writes the parameters as given (genesis; the caller validated them). */
  setParams(store: KVStore, p: ValidatorParams): void {
    store.set(VALIDATOR_PARAMS_KEY, encode(validatorParamsCodec, p));
  }

  /**
   * Replaces the parameters (`validator/update_params`, run by governance) and
   * returns the previous ones. Fails with `validator.invalid_params` unless
   * 0 < maxChangeFraction ≤ 1/3. A smaller fraction also binds the rest of the
   * current block: later changes in it are measured against the new one.
   */
  updateParams(
    store: KVStore,
    maxChangeFraction: ChangeFraction,
  ): { previous: ValidatorParams; params: ValidatorParams } {
    validateChangeFraction(maxChangeFraction);
    const previous = this.params(store);
    const params: ValidatorParams = { maxChangeFraction: { ...maxChangeFraction } };
    this.setParams(store, params);
    return { previous, params };
  }

  /** The validator with this key, or undefined (also for keys of the wrong length). */
  validator(store: KVRead, publicKey: Uint8Array): ValidatorInfo | undefined {
    const raw = store.get(validatorKey(publicKey));
    return raw ? decode(validatorInfoCodec, raw) : undefined;
  }

  /** Every validator, in key byte order (one prefix scan). */
  validators(store: KVRead): ValidatorInfo[] {
    const out: ValidatorInfo[] = [];
    for (const [, v] of store.iterate(VALIDATOR_SET_PREFIX, prefixEnd(VALIDATOR_SET_PREFIX))) {
      out.push(decode(validatorInfoCodec, v));
    }
    return out;
  }

  /** The stored total voting power (0 before genesis). */
  totalPower(store: KVRead): bigint {
    const raw = store.get(VALIDATOR_TOTAL_KEY);
    return raw ? decode(u64, raw) : 0n;
  }

  /** How far the current block has moved the set. */
  blockChange(store: KVRead): BlockChange {
    return this.changeWith(store, undefined, 0n);
  }

  /** The updates the block would hand CometBFT if it ended now, in key byte order. */
  pendingUpdates(store: KVRead): ValidatorUpdate[] {
    const out: ValidatorUpdate[] = [];
    for (const [publicKey, base] of this.baselines(store)) {
      const power = this.powerOf(store, publicKey);
      if (power !== base) out.push({ publicKey, power });
    }
    return out;
  }

  /**
   * Ends the block: returns {@link pendingUpdates} and forgets every baseline,
   * so the next block starts from the current set. A key added and removed
   * within the block (or set back to its old power) yields no update.
   */
  takeUpdates(store: KVStore): ValidatorUpdate[] {
    const updates = this.pendingUpdates(store);
    for (const [publicKey] of this.baselines(store)) store.delete(pendingKey(publicKey));
    return updates;
  }

  /**
   * Writes the parameters and the genesis set as is, each validator effective
   * from `height` (the initial height), and the total. Bypasses the block
   * change rule: for genesis and tests only; the caller validated `validators`.
   */
  initGenesis(store: KVStore, params: ValidatorParams, validators: readonly NewValidator[], height: bigint): void {
    this.setParams(store, params);
    let total = 0n;
    for (const v of validators) {
      store.set(validatorKey(v.publicKey), encode(validatorInfoCodec, { ...v, effectiveHeight: height }));
      total += v.power;
    }
    if (total > MAX_TOTAL_VOTING_POWER) throw new InvariantViolation(`genesis total power ${total} is too large`);
    store.set(VALIDATOR_TOTAL_KEY, encode(u64, total));
  }

  /** The validator with this key; fails with `validator.invalid_public_key` or `validator.unknown_validator`. */
  requireValidator(store: KVRead, publicKey: Uint8Array): ValidatorInfo {
    validateValidatorKey(publicKey);
    const v = this.validator(store, publicKey);
    if (!v) {
      const key = validatorKeyToBase64(publicKey);
      throw ValidatorErrors.unknownValidator.create(`no validator has key ${key}`, { publicKey: key });
    }
    return v;
  }

  /**
   * Adds a validator in block `height`; it signs from `height + 2`. Fails with
   * `validator.invalid_name`, `validator.invalid_public_key`, `validator.invalid_power`,
   * `validator.validator_exists`, `validator.total_power_too_large` or
   * `validator.change_too_large`.
   */
  add(store: KVStore, height: bigint, v: NewValidator): ValidatorInfo {
    validateValidatorName(v.name);
    validateValidatorKey(v.publicKey);
    validateVotingPower(v.power);
    if (this.validator(store, v.publicKey)) {
      const key = validatorKeyToBase64(v.publicKey);
      throw ValidatorErrors.validatorExists.create(`a validator with key ${key} is already in the set`, {
        publicKey: key,
      });
    }
    const info: ValidatorInfo = {
      name: v.name,
      publicKey: v.publicKey.slice(),
      power: v.power,
      effectiveHeight: height + 2n,
    };
    this.apply(store, v.publicKey, 0n, info);
    return info;
  }

  /**
   * Removes a validator; removed in block H, it stops signing from H + 2.
   * Returns the removed record. Fails with `validator.invalid_public_key`,
   * `validator.unknown_validator`, `validator.last_validator` or
   * `validator.change_too_large`.
   */
  remove(store: KVStore, publicKey: Uint8Array): ValidatorInfo {
    const v = this.requireValidator(store, publicKey);
    this.apply(store, publicKey, v.power, undefined);
    return v;
  }

  /**
   * Gives a validator a new power in block `height`; CometBFT uses it from
   * `height + 2`. Returns the previous power and the new record. Fails with
   * `validator.invalid_public_key`, `validator.invalid_power` (0 included: use
   * {@link remove}), `validator.unknown_validator`, `validator.power_unchanged`,
   * `validator.total_power_too_large` or `validator.change_too_large`.
   */
  setPower(
    store: KVStore,
    height: bigint,
    publicKey: Uint8Array,
    power: bigint,
  ): { previous: bigint; info: ValidatorInfo } {
    validateValidatorKey(publicKey);
    validateVotingPower(power);
    const v = this.requireValidator(store, publicKey);
    if (v.power === power) {
      throw ValidatorErrors.powerUnchanged.create(`the validator already has power ${power}`, {
        publicKey: validatorKeyToBase64(publicKey),
        power: power.toString(),
      });
    }
    const info: ValidatorInfo = { ...v, power, effectiveHeight: height + 2n };
    this.apply(store, publicKey, v.power, info);
    return { previous: v.power, info };
  }

  /** Checks the set-wide rules of moving `publicKey` from `oldPower` to `after` (undefined = removed), then writes. */
  private apply(store: KVStore, publicKey: Uint8Array, oldPower: bigint, after: ValidatorInfo | undefined): void {
    const newPower = after?.power ?? 0n;
    const total = this.totalPower(store);
    const newTotal = total - oldPower + newPower;
    // Every stored power is positive, so a zero total means an empty set.
    if (newTotal === 0n) throw ValidatorErrors.lastValidator.create("the validator set cannot become empty");
    if (newTotal > MAX_TOTAL_VOTING_POWER) {
      throw ValidatorErrors.totalPowerTooLarge.create(
        `the total voting power would be ${newTotal}, above the maximum ${MAX_TOTAL_VOTING_POWER}`,
        { total: total.toString(), newTotal: newTotal.toString() },
      );
    }
    const { startTotal, changed } = this.changeWith(store, publicKey, newPower);
    const f = this.params(store).maxChangeFraction;
    if (changed * f.denominator > startTotal * f.numerator) {
      throw ValidatorErrors.changeTooLarge.create(
        `this block would change ${changed} of the ${startTotal} voting power it started with; at most ${f.numerator}/${f.denominator} (${(startTotal * f.numerator) / f.denominator}) may change in one block`,
        {
          changed: changed.toString(),
          startTotal: startTotal.toString(),
          maxChangeFraction: `${f.numerator}/${f.denominator}`,
        },
      );
    }
    const pk = pendingKey(publicKey);
    if (store.get(pk) === undefined) store.set(pk, encode(u64, oldPower));
    if (after) store.set(validatorKey(publicKey), encode(validatorInfoCodec, after));
    else store.delete(validatorKey(publicKey));
    store.set(VALIDATOR_TOTAL_KEY, encode(u64, newTotal));
  }

  /** The block change as it would be with `publicKey` (if given) at `newPower`. */
  private changeWith(store: KVRead, publicKey: Uint8Array | undefined, newPower: bigint): BlockChange {
    let drift = 0n; // Σ (power now − power at block start): total now − total at block start
    let changed = 0n;
    let seen = false;
    for (const [k, base] of this.baselines(store)) {
      const now = this.powerOf(store, k);
      drift += now - base;
      const hit = publicKey !== undefined && bytesEqual(k, publicKey);
      if (hit) seen = true;
      changed += abs((hit ? newPower : now) - base);
    }
    if (publicKey !== undefined && !seen) changed += abs(newPower - this.powerOf(store, publicKey));
    return { startTotal: this.totalPower(store) - drift, changed };
  }

  /** Power of the key now (0 when it is no validator). */
  private powerOf(store: KVRead, publicKey: Uint8Array): bigint {
    return this.validator(store, publicKey)?.power ?? 0n;
  }

  /** Every key the current block touched, with its power at the start of the block, in key byte order. */
  private baselines(store: KVRead): [Uint8Array, bigint][] {
    const out: [Uint8Array, bigint][] = [];
    for (const [k, v] of store.iterate(VALIDATOR_PENDING_PREFIX, prefixEnd(VALIDATOR_PENDING_PREFIX))) {
      out.push([parsePendingKey(k), decode(u64, v)]);
    }
    return out;
  }
}
