/** Hashes and Ed25519 signatures, browser-safe (noble). Nodes may inject a faster verifier. */
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";

/** SHA-256 of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

/** A fresh random 32-byte Ed25519 secret key (uses the platform CSPRNG). */
export function randomSecretKey(): Uint8Array {
  return ed25519.utils.randomSecretKey();
}

/** The 32-byte public key of an Ed25519 secret key. */
export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(secretKey);
}

/** Ed25519 signature (64 bytes) of `message`. */
export function signEd25519(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return ed25519.sign(message, secretKey);
}

/** Checks an Ed25519 signature; any malformed input is simply invalid. */
export type Ed25519Verifier = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;

/** Strict (RFC 8032, canonical S) verification in pure JS. */
export const verifyEd25519: Ed25519Verifier = (signature, message, publicKey) => {
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
};
