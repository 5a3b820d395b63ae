/** Ed25519 account keys: generation, import, signing. Browser-safe. */
import {
  type Address,
  addressOf,
  fromHex,
  publicKeyOf,
  randomSecretKey,
  signTx,
  type Tx,
  type TxBody,
  TxErrors,
  toHex,
} from "@urbis/protocol";
import { SdkErrors } from "./errors.js";

/** An account key pair. The secret never leaves this object unless exported on purpose. */
export class KeyPair {
  readonly publicKey: Uint8Array;
  readonly address: Address;
  private constructor(private readonly secret: Uint8Array) {
    this.publicKey = publicKeyOf(secret);
    this.address = addressOf(this.publicKey);
  }
  /** A new random key (platform CSPRNG). */
  static generate(): KeyPair {
    return new KeyPair(randomSecretKey());
  }
  /** Imports a 32-byte secret key, raw or hex. */
  static fromSecret(secret: Uint8Array | string): KeyPair {
    let raw: Uint8Array;
    try {
      raw = typeof secret === "string" ? fromHex(secret.trim()) : secret;
    } catch {
      throw SdkErrors.invalidKey.create("secret key must be 64 hex characters");
    }
    if (raw.length !== 32) throw SdkErrors.invalidKey.create(`secret key must be 32 bytes, got ${raw.length}`);
    return new KeyPair(raw.slice());
  }
  /** Signs a transaction body; the body's signer and key must be this key's. */
  sign(body: TxBody): Tx {
    if (body.signer !== this.address) throw TxErrors.signerMismatch.create("body signer is not this key's address");
    return signTx(body, this.secret);
  }
  /** The raw secret key (for encrypted export only). */
  exportSecret(): Uint8Array {
    return this.secret.slice();
  }
  /** Hex of the public key. */
  get publicKeyHex(): string {
    return toHex(this.publicKey);
  }
}
