/**
 * Native Ed25519 verification through node:crypto (OpenSSL), roughly 20x
 * faster than the pure-JS verifier, with the same accept/reject answers.
 *
 * The protocol's rule is noble's strict RFC 8032 check (`verifyEd25519`):
 * canonical S, canonical point encodings, no small-order public key, and the
 * cofactored equation [8][S]B = [8]R + [8][k]A. OpenSSL checks canonical S and
 * R but uses the cofactorless equation and accepts small-order or
 * non-canonical keys. So before calling OpenSSL we reject what strict mode
 * rejects (non-canonical S, non-canonical or small-order key), and when
 * OpenSSL says "invalid" we ask noble, because the cofactored equation
 * accepts a few crafted signatures (torsion components) the cofactorless one
 * does not. Honest signatures never reach that fallback; forged ones pay
 * noble's cost, which is the price of every node agreeing bit for bit.
 */
import { createPublicKey, type KeyObject, verify } from "node:crypto";
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

type RawAnswer = "valid" | "refused" | "invalid";

/** "refused": strict mode refuses it before any curve arithmetic (so noble would too); "invalid": OpenSSL said no. */
function nativeAnswer(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): RawAnswer {
  if (signature.length !== 64 || publicKey.length !== 32) return "refused";
  if (leBigint(signature.subarray(32), false) >= L) return "refused";
  if (isRejectedPublicKey(publicKey)) return "refused";
  try {
    return verify(null, message, keys.get(publicKey), signature) ? "valid" : "invalid";
  } catch {
    // Not a curve point: OpenSSL cannot parse it, and noble cannot decode it either.
    return "refused";
  }
}

/**
 * OpenSSL's answer alone, after the strict-mode pre-checks: exported for
 * tests and benchmarks; use {@link nativeEd25519Verifier}, which also agrees
 * with noble on crafted signatures.
 */
export function nativeVerifyRaw(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  return nativeAnswer(signature, message, publicKey) === "valid";
}

/**
 * Native Ed25519 verifier with exactly the protocol's (noble strict) answers:
 * OpenSSL decides acceptance, noble confirms OpenSSL's rejections.
 */
export const nativeEd25519Verifier: Ed25519Verifier = (signature, message, publicKey) => {
  const a = nativeAnswer(signature, message, publicKey);
  if (a !== "invalid") return a === "valid";
  return verifyEd25519(signature, message, publicKey);
};
