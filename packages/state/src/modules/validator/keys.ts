/**
 * Store keys of the validator module. Validators and pending baselines are
 * keyed by the raw 32-byte Ed25519 key, so a prefix scan yields them in key
 * byte order (the order of every validator list and update list). Keys have a
 * fixed length, so no separator is needed.
 */
import { concatBytes, utf8 } from "@urbis/protocol";

/** Every validator key starts with this prefix. */
export const VALIDATOR_PREFIX = utf8("validator/");
/** Key of the validator parameters record. */
export const VALIDATOR_PARAMS_KEY = utf8("validator/params");
/** Key of the stored total voting power (u64), always the sum of every validator's power. */
export const VALIDATOR_TOTAL_KEY = utf8("validator/total");
/** Prefix of every validator record: `validator/val/` ‖ public key (32 bytes). Value: ValidatorInfo. */
export const VALIDATOR_SET_PREFIX = utf8("validator/val/");
/**
 * Prefix of the current block's pending changes: `validator/pending/` ‖ public
 * key. Value: u64, the key's power at the start of the block (0 = it was not a
 * validator). Written on a key's first change in a block, deleted at the end
 * of the block, so committed state never holds any.
 */
export const VALIDATOR_PENDING_PREFIX = utf8("validator/pending/");

/** Key of one validator record. */
export function validatorKey(publicKey: Uint8Array): Uint8Array {
  return concatBytes(VALIDATOR_SET_PREFIX, publicKey);
}

/** Key of one pending baseline. */
export function pendingKey(publicKey: Uint8Array): Uint8Array {
  return concatBytes(VALIDATOR_PENDING_PREFIX, publicKey);
}

/** The public key of a full pending key (inverse of {@link pendingKey}). */
export function parsePendingKey(key: Uint8Array): Uint8Array {
  return key.slice(VALIDATOR_PENDING_PREFIX.length);
}
