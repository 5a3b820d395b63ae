/** Transactions: envelope, canonical bytes, domain-separated signing and hashing. */
import { type Address, addressCodec, addressOf } from "./address.js";
import { concatBytes, toHex, utf8 } from "./bytes.js";
import {
  bytes,
  type Codec,
  decode,
  encode,
  fixedBytes,
  type Infer,
  option,
  string,
  struct,
  u64,
  vec,
} from "./codec/index.js";
import { TxErrors } from "./core-errors.js";
import { type Ed25519Verifier, sha256, signEd25519, verifyEd25519 } from "./crypto.js";
import { UrbisError } from "./errors.js";

/** Largest accepted transaction, in bytes. */
export const MAX_TX_BYTES = 64 * 1024;
/** Most messages in one transaction. */
export const MAX_MESSAGES = 64;
/** Longest memo, in UTF-8 bytes. */
export const MAX_MEMO_BYTES = 256;
/** Prefix of the signed hash, so a transaction signature can never be replayed as another kind of signature. */
export const TX_SIGN_DOMAIN = "urbis/tx/v1";

/** A typed message on the wire: `module/action` and its canonical bytes. */
export const msgCodec = struct({ type: string(64), value: bytes(MAX_TX_BYTES) });
/** A typed message on the wire. */
export type Msg = Infer<typeof msgCodec>;

/** The signed part of a transaction. */
export const txBodyCodec = struct({
  chainId: string(64),
  signer: addressCodec,
  publicKey: fixedBytes(32),
  sequence: u64,
  messages: vec(msgCodec, MAX_MESSAGES),
  memo: string(MAX_MEMO_BYTES),
  expiresAtHeight: option(u64),
});
/** The signed part of a transaction. */
export type TxBody = Infer<typeof txBodyCodec>;

/** A signed transaction. */
export const txCodec = struct({ body: txBodyCodec, signature: fixedBytes(64) });
/** A signed transaction. */
export type Tx = Infer<typeof txCodec>;

/** The 32-byte hash an Ed25519 signature covers: SHA-256("urbis/tx/v1" || 0x00 || body). */
export function txSignHash(body: TxBody): Uint8Array {
  return sha256(concatBytes(utf8(TX_SIGN_DOMAIN), new Uint8Array([0]), encode(txBodyCodec, body)));
}

/** Canonical bytes of a transaction. */
export function encodeTx(tx: Tx): Uint8Array {
  return encode(txCodec, tx);
}

/** Decodes transaction bytes; every failure is `tx.malformed` or `tx.too_large`. */
export function decodeTx(b: Uint8Array): Tx {
  if (b.length > MAX_TX_BYTES)
    throw TxErrors.tooLarge.create(`transaction is ${b.length} bytes, at most ${MAX_TX_BYTES}`);
  try {
    return decode(txCodec, b);
  } catch (e) {
    if (e instanceof UrbisError) {
      throw TxErrors.malformed.create(`malformed transaction: ${e.message}`, { cause: e.id });
    }
    throw e;
  }
}

/** Transaction id: SHA-256 of its canonical bytes, hex. */
export function txHash(txBytes: Uint8Array): string {
  return toHex(sha256(txBytes));
}

/** Signs a body with the signer's secret key. */
export function signTx(body: TxBody, secretKey: Uint8Array): Tx {
  return { body, signature: signEd25519(txSignHash(body), secretKey) };
}

/**
 * Checks what needs no state: limits, signer/key match and the signature.
 * Chain id, sequence and expiry are checked by the state machine.
 */
export function verifyTxSignature(tx: Tx, verify: Ed25519Verifier = verifyEd25519): void {
  if (addressOf(tx.body.publicKey) !== tx.body.signer) {
    throw TxErrors.signerMismatch.create("public key does not derive the signer address");
  }
  if (!verify(tx.signature, txSignHash(tx.body), tx.body.publicKey)) {
    throw TxErrors.badSignature.create("signature does not verify");
  }
}

/** A registered message type: its name and the codec of its value. */
export interface MessageType<T> {
  readonly type: string;
  readonly codec: Codec<T>;
  /** Wraps a value as a wire message. */
  wrap(value: T): Msg;
  /** Unwraps a wire message of this type; fails with `tx.malformed`. */
  unwrap(msg: Msg): T;
}

/** Declares a message type such as `bank/send`. */
export function defineMessage<T>(type: string, codec: Codec<T>): MessageType<T> {
  if (!/^[a-z][a-z0-9_]*\/[a-z][a-z0-9_]*$/.test(type))
    throw TxErrors.unknownMessage.create(`bad message type ${type}`);
  return {
    type,
    codec,
    wrap: (value) => ({ type, value: encode(codec, value) }),
    unwrap(msg) {
      try {
        return decode(codec, msg.value);
      } catch (e) {
        if (e instanceof UrbisError) throw TxErrors.malformed.create(`malformed ${type}: ${e.message}`);
        throw e;
      }
    },
  };
}

/** Signer address of a transaction. */
export function txSigner(tx: Tx): Address {
  return tx.body.signer;
}
