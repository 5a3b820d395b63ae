/** Builds, signs and encodes transactions. */
import { encodeTx, type Msg, type Tx, txHash } from "@urbis/protocol";
import type { KeyPair } from "./keys.js";

/** What a transaction needs besides its signer. */
export interface TxOptions {
  chainId: string;
  sequence: bigint;
  messages: Msg[];
  memo?: string;
  /** Last height at which the transaction may be included. */
  expiresAtHeight?: bigint;
}

/** A signed transaction with its canonical bytes and hash. */
export interface SignedTx {
  tx: Tx;
  bytes: Uint8Array;
  hash: string;
}

/** Signs a transaction with `key`. */
export function buildTx(key: KeyPair, o: TxOptions): SignedTx {
  const tx = key.sign({
    chainId: o.chainId,
    signer: key.address,
    publicKey: key.publicKey,
    sequence: o.sequence,
    messages: o.messages,
    memo: o.memo ?? "",
    expiresAtHeight: o.expiresAtHeight,
  });
  const bytes = encodeTx(tx);
  return { tx, bytes, hash: txHash(bytes) };
}
