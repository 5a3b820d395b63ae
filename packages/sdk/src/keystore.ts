/**
 * Encrypted keys at rest: scrypt derives a key from the passphrase and
 * XChaCha20-Poly1305 seals the secret. The format is JSON, versioned.
 * Browser-safe (noble), so a web wallet can read the CLI's files.
 */
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { randomBytes } from "@noble/ciphers/utils.js";
import { scryptAsync } from "@noble/hashes/scrypt.js";
import { fromHex, toHex, utf8 } from "@urbis/protocol";
import { SdkErrors } from "./errors.js";
import { KeyPair } from "./keys.js";

/** A key encrypted under a passphrase. */
export interface KeystoreFile {
  version: 1;
  name: string;
  address: string;
  publicKey: string;
  kdf: { name: "scrypt"; N: number; r: number; p: number; salt: string };
  cipher: { name: "xchacha20-poly1305"; nonce: string; ciphertext: string };
}

/** scrypt cost; N = 2^17 takes ~0.3 s and 128 MiB, a fair price for a key file. */
export const DEFAULT_SCRYPT = { N: 1 << 17, r: 8, p: 1 };

async function derive(passphrase: string, salt: Uint8Array, k: { N: number; r: number; p: number }) {
  return scryptAsync(utf8(passphrase.normalize("NFKC")), salt, { ...k, dkLen: 32, maxmem: 2 ** 30 });
}

/** Encrypts a key under a passphrase. */
export async function encryptKey(
  name: string,
  key: KeyPair,
  passphrase: string,
  cost: { N: number; r: number; p: number } = DEFAULT_SCRYPT,
): Promise<KeystoreFile> {
  const salt = randomBytes(16);
  const nonce = randomBytes(24);
  const dk = await derive(passphrase, salt, cost);
  // The address is bound as associated data, so a file cannot be re-labelled.
  const ct = xchacha20poly1305(dk, nonce, utf8(key.address)).encrypt(key.exportSecret());
  return {
    version: 1,
    name,
    address: key.address,
    publicKey: key.publicKeyHex,
    kdf: { name: "scrypt", ...cost, salt: toHex(salt) },
    cipher: { name: "xchacha20-poly1305", nonce: toHex(nonce), ciphertext: toHex(ct) },
  };
}

/** Opens a keystore file; `sdk.wrong_passphrase` when the passphrase is wrong. */
export async function decryptKey(file: KeystoreFile, passphrase: string): Promise<KeyPair> {
  if (file?.version !== 1 || file.kdf?.name !== "scrypt" || file.cipher?.name !== "xchacha20-poly1305") {
    throw SdkErrors.invalidKeystore.create("unknown keystore version or algorithms");
  }
  let salt: Uint8Array;
  let nonce: Uint8Array;
  let ct: Uint8Array;
  try {
    salt = fromHex(file.kdf.salt);
    nonce = fromHex(file.cipher.nonce);
    ct = fromHex(file.cipher.ciphertext);
  } catch {
    throw SdkErrors.invalidKeystore.create("keystore fields are not hex");
  }
  const { N, r, p } = file.kdf;
  if (![N, r, p].every((x) => Number.isSafeInteger(x) && x > 0) || N > 1 << 20) {
    throw SdkErrors.invalidKeystore.create("scrypt parameters out of range");
  }
  const dk = await derive(passphrase, salt, { N, r, p });
  let secret: Uint8Array;
  try {
    secret = xchacha20poly1305(dk, nonce, utf8(file.address)).decrypt(ct);
  } catch {
    throw SdkErrors.wrongPassphrase.create("wrong passphrase (or the file was altered)");
  }
  const key = KeyPair.fromSecret(secret);
  if (key.address !== file.address) throw SdkErrors.invalidKeystore.create("keystore address does not match its key");
  return key;
}
