/**
 * Error kinds of the protocol layer itself (codespaces `codec` and `tx`).
 * Module errors live in each module's `errors.ts`.
 */
import { registerError } from "./errors.js";

/** Failures to decode canonical bytes. */
export const CodecErrors = {
  truncated: registerError("codec", 1, "truncated", "The bytes end before the value does."),
  trailing: registerError("codec", 2, "trailing_bytes", "Bytes remain after a complete value."),
  invalidBool: registerError("codec", 3, "invalid_bool", "A boolean byte is neither 0 nor 1."),
  invalidOption: registerError("codec", 4, "invalid_option", "An option tag is neither 0 nor 1."),
  invalidUtf8: registerError("codec", 5, "invalid_utf8", "A string is not valid UTF-8."),
  outOfRange: registerError("codec", 6, "out_of_range", "An integer is negative or too large for its type."),
  tooLong: registerError("codec", 7, "too_long", "A string, byte string or list is longer than its type allows."),
  nonCanonical: registerError("codec", 8, "non_canonical", "The bytes are not the canonical encoding of their value."),
};

/** Failures of a transaction's envelope, checked before any message runs. */
export const TxErrors = {
  malformed: registerError("tx", 1, "malformed", "The transaction bytes do not decode."),
  tooLarge: registerError("tx", 2, "too_large", "The transaction exceeds the maximum size.", 413),
  wrongChain: registerError("tx", 3, "wrong_chain_id", "The transaction names another chain."),
  badSignature: registerError("tx", 4, "bad_signature", "The signature does not verify.", 401),
  signerMismatch: registerError("tx", 5, "signer_mismatch", "The public key does not derive the signer address.", 401),
  wrongSequence: registerError(
    "tx",
    6,
    "wrong_sequence",
    "The sequence is not the account's next one (replay or gap).",
  ),
  expired: registerError("tx", 7, "expired", "The transaction's expiry height has passed."),
  unknownMessage: registerError("tx", 8, "unknown_message", "A message type is not registered."),
  noMessages: registerError("tx", 9, "no_messages", "The transaction carries no messages."),
  tooManyMessages: registerError("tx", 10, "too_many_messages", "The transaction carries too many messages."),
  memoTooLong: registerError("tx", 11, "memo_too_long", "The memo exceeds the maximum length."),
  invalidMessage: registerError("tx", 12, "invalid_message", "A message's fields fail validation."),
  invalidAddress: registerError("tx", 13, "invalid_address", "An address is not a valid urbis bech32m address."),
  rateLimited: registerError("tx", 14, "rate_limited", "The signer exceeded its per-account transaction rate.", 429),
  mempoolFull: registerError("tx", 15, "mempool_full", "The mempool is full; retry later.", 503),
  alreadyKnown: registerError("tx", 16, "already_known", "The same transaction was already accepted.", 409),
  unauthorized: registerError("tx", 17, "unauthorized", "The signer is not allowed to send this message.", 403),
};
