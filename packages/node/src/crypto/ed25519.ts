/**
 * Native Ed25519 verification with the same accept/reject answers as the
 * protocol's pure-JS strict verifier (noble), through libsodium
 * (sodium-native's prebuilt addon) or, where that addon cannot load,
 * OpenSSL (node:crypto). On this project's 2-core bench machine libsodium
 * verifies in about half OpenSSL's time and takes the raw 32-byte key, where
 * OpenSSL first needs a parsed KeyObject that costs nearly a verify to build
 * (bench/RESULTS.md has the figures).
 *
 * The protocol's rule is noble's strict RFC 8032 check (`verifyEd25519`):
 * canonical S, canonical point encodings, no small-order public key, and the
 * cofactored equation [8][S]B = [8]R + [8][k]A. Both native libraries check
 * canonical S and use the cofactorless equation, which implies the cofactored
 * one; libsodium also refuses small-order R and non-canonical encodings, and
 * OpenSSL accepts small-order or non-canonical keys. So before calling either
 * we reject what strict mode rejects (non-canonical S, non-canonical or
 * small-order key); a native "valid" is then a strict "valid", and when the
 * native library says "invalid" we ask noble, because the cofactored
 * equation accepts a few crafted signatures (torsion components, small-order
 * R) the native checks do not. Honest signatures never reach that fallback;
 * forged ones pay noble's cost, which is the price of every node agreeing bit
 * for bit.
 */
import { createPublicKey, type KeyObject, verify } from "node:crypto";
import { createRequire } from "node:module";
import { type Ed25519Verifier, verifyEd25519 } from "@urbis/protocol";

/** DER prefix of an SPKI-wrapped raw Ed25519 public key (RFC 8410): SEQUENCE { AlgorithmIdentifier(1.3.101.112), BIT STRING }. */
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** Field prime p = 2^255 - 19. */
const P = (1n << 255n) - 19n;
/** Group order L = 2^252 + 27742317777372353535851937790883648493. */
const L = (1n << 252n) + 27742317777372353535851937790883648493n;
/** y of the order-8 points (the other order-8 points have y = p - Y8). */
const Y8 = 2707385501144840649318225287225658788936804267575313519463743609750303402022n;
/** y coordinates of all eight small-order points: identity (1), order 2 (p-1), order 4 (0), order 8 (±Y8). */
const SMALL_ORDER_Y = new Set<bigint>([0n, 1n, P - 1n, Y8, P - Y8]);

function leBigint(b: Uint8Array, clearTopBit: boolean): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) {
    let byte = b[i] as number;
    if (clearTopBit && i === b.length - 1) byte &= 0x7f;
    n = (n << 8n) | BigInt(byte);
  }
  return n;
}

/**
 * Whether a 32-byte public key is one noble's strict mode would refuse before
 * any curve arithmetic: y not reduced mod p, or a small-order point. (Keys
 * that are not on the curve at all are refused by OpenSSL as well.)
 */
export function isRejectedPublicKey(publicKey: Uint8Array): boolean {
  const y = leBigint(publicKey, true);
  return y >= P || SMALL_ORDER_Y.has(y);
}

/** Bounded cache of parsed keys: building a KeyObject costs about as much as a verify. */
class KeyCache {
  private readonly map = new Map<string, KeyObject>();
  constructor(private readonly capacity: number) {}
  get(publicKey: Uint8Array): KeyObject {
    const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString("latin1");
    let k = this.map.get(id);
    if (k) return k;
    k = createPublicKey({
      key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]),
      format: "der",
      type: "spki",
    });
    if (this.map.size >= this.capacity) {
      const first = this.map.keys().next();
      if (!first.done) this.map.delete(first.value);
    }
    this.map.set(id, k);
    return k;
  }
}

const keys = new KeyCache(4096);

type RawVerify = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;

/** OpenSSL's verdict (a parsed key per distinct public key, cached). */
const opensslVerify: RawVerify = (signature, message, publicKey) =>
  verify(null, message, keys.get(publicKey), signature);

/** libsodium's verdict, or undefined where the prebuilt addon does not load on this platform. */
function loadSodium(): RawVerify | undefined {
  try {
    const sodium = createRequire(import.meta.url)("sodium-native") as typeof import("sodium-native");
    // The addon reads any ArrayBufferView; its types say Buffer.
    return (signature, message, publicKey) =>
      sodium.crypto_sign_verify_detached(signature as Buffer, message as Buffer, publicKey as Buffer);
  } catch {
    return undefined;
  }
}

const sodiumVerify = loadSodium();

/** Which native library checks signatures in this process. */
export const ed25519Backend: "libsodium" | "openssl" = sodiumVerify ? "libsodium" : "openssl";

const nativeVerify: RawVerify = sodiumVerify ?? opensslVerify;

type RawAnswer = "valid" | "refused" | "invalid";

/** "refused": strict mode refuses it before any curve arithmetic (so noble would too); "invalid": the native library said no. */
function nativeAnswer(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
  raw: RawVerify = nativeVerify,
): RawAnswer {
  if (signature.length !== 64 || publicKey.length !== 32) return "refused";
  if (leBigint(signature.subarray(32), false) >= L) return "refused";
  if (isRejectedPublicKey(publicKey)) return "refused";
  try {
    return raw(signature, message, publicKey) ? "valid" : "invalid";
  } catch {
    // Not a curve point: OpenSSL cannot parse it, and noble cannot decode it either.
    return "refused";
  }
}

/**
 * The native library's answer alone ({@link ed25519Backend}, or OpenSSL
 * with `backend: "openssl"`), after the strict-mode pre-checks: exported for
 * tests and benchmarks; use {@link nativeEd25519Verifier}, which also agrees
 * with noble on crafted signatures.
 */
export function nativeVerifyRaw(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
  backend: "default" | "openssl" = "default",
): boolean {
  return nativeAnswer(signature, message, publicKey, backend === "openssl" ? opensslVerify : nativeVerify) === "valid";
}

/**
 * Native Ed25519 verifier with exactly the protocol's (noble strict) answers:
 * the native library decides acceptance, noble confirms its rejections.
 */
export const nativeEd25519Verifier: Ed25519Verifier = (signature, message, publicKey) => {
  const a = nativeAnswer(signature, message, publicKey);
  if (a !== "invalid") return a === "valid";
  return verifyEd25519(signature, message, publicKey);
};
