/**
 * Wire and state types of the validator module: the validator record, the
 * parameters, and the stateless rules every validator key, power and name must
 * follow (shared by the state machine, genesis and the browser SDK).
 *
 * Voting powers are bigint. A validator key is a raw 32-byte Ed25519 public
 * key, as CometBFT's `priv_validator_key.json` holds it (base64 there and in
 * every JSON form here); its CometBFT address is the upper-case hex of the
 * first 20 bytes of SHA-256(key).
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { base64 } from "@scure/base";
import { toHex, utf8 } from "../../bytes.js";
import { bytes, type Codec, fixedBytes, type Infer, string, struct, u64 } from "../../codec/index.js";
import { sha256 } from "../../crypto.js";
import { ValidatorErrors } from "./errors.js";

/**
 * CometBFT's `MaxTotalVotingPower`: (2^63 − 1) / 8, rounded down. The sum of
 * every validator's power must stay at or below it (CometBFT halts otherwise),
 * so it also bounds each single power.
 */
export const MAX_TOTAL_VOTING_POWER = ((1n << 63n) - 1n) / 8n;
/** Length of an Ed25519 public key. */
export const VALIDATOR_KEY_LENGTH = 32;
/**
 * Longest key the codec accepts on the wire. Looser than
 * {@link VALIDATOR_KEY_LENGTH} so a key of the wrong length is refused with the
 * specific `validator.invalid_public_key` rather than a decoding error.
 */
export const MAX_VALIDATOR_KEY_WIRE_BYTES = 64;
/** Longest validator name, in UTF-8 bytes. */
export const MAX_VALIDATOR_NAME_BYTES = 64;
/** Longest name the codec accepts on the wire; {@link MAX_VALIDATOR_NAME_BYTES} is the real rule. */
export const MAX_VALIDATOR_NAME_WIRE_BYTES = 256;
/** Length of a CometBFT validator address, in bytes. */
export const COMET_ADDRESS_LENGTH = 20;

/** A validator key on the wire: length-prefixed bytes, at most {@link MAX_VALIDATOR_KEY_WIRE_BYTES} (length checked by validation). */
export const validatorKeyCodec: Codec<Uint8Array> = bytes(MAX_VALIDATOR_KEY_WIRE_BYTES);
/** A validator name on the wire (rules checked by validation). */
export const validatorNameCodec: Codec<string> = string(MAX_VALIDATOR_NAME_WIRE_BYTES);

/** The record of one validator, stored under its key. */
export const validatorInfoCodec = struct({
  /** The operating organization, e.g. `City Hospital`. */
  name: string(MAX_VALIDATOR_NAME_WIRE_BYTES),
  /** Ed25519 public key, exactly 32 bytes. */
  publicKey: fixedBytes(VALIDATOR_KEY_LENGTH),
  /** Voting power, strictly positive. */
  power: u64,
  /**
   * First height at which CometBFT signs with this power: the genesis height
   * for genesis validators, and H + 2 for a change made in block H (CometBFT
   * applies the validator updates of block H from block H + 2).
   */
  effectiveHeight: u64,
});
/** The record of one validator. */
export type ValidatorInfo = Infer<typeof validatorInfoCodec>;

/** The largest fraction of the total voting power one block may change, as numerator/denominator. */
export const changeFractionCodec = struct({ numerator: u64, denominator: u64 });
/** A fraction numerator/denominator. */
export type ChangeFraction = Infer<typeof changeFractionCodec>;

/** The default and largest allowed {@link ChangeFraction}: 1/3, what CometBFT's light clients rely on. */
export const DEFAULT_MAX_CHANGE_FRACTION: ChangeFraction = { numerator: 1n, denominator: 3n };

/**
 * Validator parameters. Who may change the set is no parameter: every
 * validator message is governance-only, so a passed proposal decides.
 */
export const validatorParamsCodec = struct({
  /** Largest fraction of the block-start total power that one block's changes may add up to. */
  maxChangeFraction: changeFractionCodec,
});
/** Validator parameters. */
export type ValidatorParams = Infer<typeof validatorParamsCodec>;

/**
 * Whether `f` is a usable change fraction: 0 < numerator/denominator ≤ 1/3.
 * Larger fractions are refused: CometBFT light clients trust a new set only if
 * it shares more than 2/3 of its power with one they already trust.
 */
export function isValidChangeFraction(f: ChangeFraction): boolean {
  return f.numerator > 0n && f.denominator > 0n && 3n * f.numerator <= f.denominator;
}

/** Fails with `validator.invalid_params` unless {@link isValidChangeFraction} holds for `f`. */
export function validateChangeFraction(f: ChangeFraction): void {
  if (!isValidChangeFraction(f)) {
    throw ValidatorErrors.invalidParams.create(
      `maxChangeFraction ${f.numerator}/${f.denominator} must be above 0 and at most 1/3`,
      { maxChangeFraction: `${f.numerator}/${f.denominator}` },
    );
  }
}

/** `"n/d"` form of a fraction. */
export function formatChangeFraction(f: ChangeFraction): string {
  return `${f.numerator}/${f.denominator}`;
}

/** Parses `"n/d"` (decimal integers, no spaces); undefined when malformed. Range is not checked. */
export function parseChangeFraction(s: string): ChangeFraction | undefined {
  const m = /^([1-9][0-9]{0,18})\/([1-9][0-9]{0,18})$/.exec(s);
  if (!m) return undefined;
  return { numerator: BigInt(m[1] as string), denominator: BigInt(m[2] as string) };
}

/**
 * Whether `key` is a validator key CometBFT can use: exactly 32 bytes that
 * decode (strictly, RFC 8032) to a point on the Ed25519 curve, of large order
 * (the identity and the other small-order points are refused: anyone could
 * forge signatures for them).
 */
export function isValidatorKey(key: Uint8Array): boolean {
  if (!(key instanceof Uint8Array) || key.length !== VALIDATOR_KEY_LENGTH) return false;
  try {
    const p = ed25519.Point.fromBytes(key, false);
    return !p.isSmallOrder();
  } catch {
    return false;
  }
}

/** Fails with `validator.invalid_public_key` unless `key` passes {@link isValidatorKey}. */
export function validateValidatorKey(key: Uint8Array): void {
  if (key.length !== VALIDATOR_KEY_LENGTH) {
    throw ValidatorErrors.invalidPublicKey.create(
      `a validator key must be ${VALIDATOR_KEY_LENGTH} bytes, got ${key.length}`,
    );
  }
  if (!isValidatorKey(key)) {
    throw ValidatorErrors.invalidPublicKey.create(`${base64.encode(key)} is not an Ed25519 public key of large order`);
  }
}

/** Fails with `validator.invalid_power` unless 0 < `power` ≤ {@link MAX_TOTAL_VOTING_POWER}. */
export function validateVotingPower(power: bigint): void {
  if (typeof power !== "bigint" || power <= 0n) {
    throw ValidatorErrors.invalidPower.create(
      `voting power must be strictly positive, got ${String(power)} (use validator/remove to remove a validator)`,
    );
  }
  if (power > MAX_TOTAL_VOTING_POWER) {
    throw ValidatorErrors.invalidPower.create(`voting power ${power} exceeds the maximum ${MAX_TOTAL_VOTING_POWER}`);
  }
}

const CONTROL = /\p{Cc}/u;

/** Fails with `validator.invalid_name` unless `name` has 1 to 64 UTF-8 bytes, no control characters and no surrounding spaces. */
export function validateValidatorName(name: string): void {
  if (name.length === 0 || utf8(name).length > MAX_VALIDATOR_NAME_BYTES) {
    throw ValidatorErrors.invalidName.create(`validator name must be 1 to ${MAX_VALIDATOR_NAME_BYTES} UTF-8 bytes`);
  }
  if (CONTROL.test(name) || name.trim() !== name) {
    throw ValidatorErrors.invalidName.create(
      "validator name must have no control characters or surrounding whitespace",
    );
  }
}

/** CometBFT address of a validator key: upper-case hex of the first 20 bytes of SHA-256(key). */
export function cometAddress(publicKey: Uint8Array): string {
  return toHex(sha256(publicKey).subarray(0, COMET_ADDRESS_LENGTH)).toUpperCase();
}

/** Standard, padded base64 of a key (the form CometBFT's JSON uses). */
export function validatorKeyToBase64(key: Uint8Array): string {
  return base64.encode(key);
}

/** Bytes of a canonical, padded base64 string; undefined when `s` is not one. */
export function validatorKeyFromBase64(s: string): Uint8Array | undefined {
  try {
    const b = base64.decode(s);
    return base64.encode(b) === s ? b : undefined;
  } catch {
    return undefined;
  }
}

/** A validator as JSON: key base64, power decimal, with its CometBFT address. */
export interface ValidatorJson {
  name: string;
  publicKey: string;
  /** CometBFT address (upper-case hex). */
  address: string;
  power: string;
  /** First height CometBFT signs with this power (see {@link ValidatorInfo.effectiveHeight}). */
  effectiveHeight: string;
}

/** JSON form of a validator record. */
export function validatorToJson(v: ValidatorInfo): ValidatorJson {
  return {
    name: v.name,
    publicKey: validatorKeyToBase64(v.publicKey),
    address: cometAddress(v.publicKey),
    power: v.power.toString(),
    effectiveHeight: v.effectiveHeight.toString(),
  };
}
