/**
 * Multikey encoding of public keys, as DID documents show them in
 * `publicKeyMultibase`: the key's multicodec prefix (an unsigned varint:
 * 0xed 0x01 for an Ed25519 public key, 0xec 0x01 for an X25519 one) followed
 * by the raw 32-byte key, in base58btc with the multibase prefix `z`. Ed25519
 * keys therefore always read `z6Mk…` and X25519 keys `z6LS…`. Browser-safe.
 */
import { base58 } from "@scure/base";
import { bytesEqual, concatBytes } from "../../bytes.js";

/** Multibase prefix of base58btc. */
export const MULTIBASE_BASE58BTC = "z";
/** Multicodec prefix (varint of 0xed) of a raw Ed25519 public key. */
export const ED25519_PUB_MULTICODEC: Uint8Array = Uint8Array.of(0xed, 0x01);
/** Multicodec prefix (varint of 0xec) of a raw X25519 public key. */
export const X25519_PUB_MULTICODEC: Uint8Array = Uint8Array.of(0xec, 0x01);
/** Length of both kinds of raw key. */
export const MULTIKEY_RAW_LENGTH = 32;

function encodeMultikey(prefix: Uint8Array, key: Uint8Array): string {
  if (key.length !== MULTIKEY_RAW_LENGTH) throw new RangeError(`a multikey needs ${MULTIKEY_RAW_LENGTH} bytes`);
  return MULTIBASE_BASE58BTC + base58.encode(concatBytes(prefix, key));
}

function decodeMultikey(prefix: Uint8Array, s: string): Uint8Array | undefined {
  if (typeof s !== "string" || !s.startsWith(MULTIBASE_BASE58BTC)) return undefined;
  let raw: Uint8Array;
  try {
    raw = base58.decode(s.slice(1));
  } catch {
    return undefined;
  }
  if (raw.length !== prefix.length + MULTIKEY_RAW_LENGTH || !bytesEqual(raw.subarray(0, prefix.length), prefix)) {
    return undefined;
  }
  return raw.slice(prefix.length);
}

/** `publicKeyMultibase` of a raw 32-byte Ed25519 public key (`z6Mk…`). Throws RangeError on another length. */
export function ed25519ToMultibase(publicKey: Uint8Array): string {
  return encodeMultikey(ED25519_PUB_MULTICODEC, publicKey);
}

/** The raw Ed25519 key of a `z6Mk…` multibase string; undefined for anything else. */
export function multibaseToEd25519(s: string): Uint8Array | undefined {
  return decodeMultikey(ED25519_PUB_MULTICODEC, s);
}

/** `publicKeyMultibase` of a raw 32-byte X25519 public key (`z6LS…`). Throws RangeError on another length. */
export function x25519ToMultibase(publicKey: Uint8Array): string {
  return encodeMultikey(X25519_PUB_MULTICODEC, publicKey);
}

/** The raw X25519 key of a `z6LS…` multibase string; undefined for anything else. */
export function multibaseToX25519(s: string): Uint8Array | undefined {
  return decodeMultikey(X25519_PUB_MULTICODEC, s);
}
